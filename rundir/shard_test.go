package rundir

import "testing"

// TestShare: 10 over 4 is 3, 3, 2, 2; 2 over 4 is 1, 1, 0, 0; the
// shares always add up to the total.
func TestShare(t *testing.T) {
	want := map[[2]int][]int{{10, 4}: {3, 3, 2, 2}, {2, 4}: {1, 1, 0, 0}, {16, 4}: {4, 4, 4, 4}, {0, 3}: {0, 0, 0}}
	for k, w := range want {
		for i := range k[1] {
			if got := Share(k[0], k[1], i); got != w[i] {
				t.Errorf("Share(%d, %d, %d) = %d; want %d", k[0], k[1], i, got, w[i])
			}
		}
	}
	for total := range 50 {
		for n := 1; n < 9; n++ {
			sum := 0
			for i := range n {
				sum += Share(total, n, i)
			}
			if sum != total {
				t.Fatalf("shares of %d over %d add up to %d", total, n, sum)
			}
		}
	}
}
