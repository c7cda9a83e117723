package loadgen

import (
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in       string
		i, n     int
		wantFail bool
	}{
		{"0/4", 0, 4, false}, {"3/4", 3, 4, false}, {" 0/1 ", 0, 1, false},
		{"4/4", 0, 0, true}, {"-1/4", 0, 0, true}, {"0/0", 0, 0, true}, {"1", 0, 0, true}, {"a/b", 0, 0, true},
	} {
		i, n, err := ParseShard(tc.in)
		if (err != nil) != tc.wantFail || i != tc.i || n != tc.n {
			t.Errorf("ParseShard(%q) = %d, %d, %v", tc.in, i, n, err)
		}
	}
}

// TestSplitCount: 10 over 4 is 3, 3, 2, 2; 2 over 4 is 1, 1, 0, 0; the
// shares always add up to the total.
func TestSplitCount(t *testing.T) {
	want := map[[2]int][]int{{10, 4}: {3, 3, 2, 2}, {2, 4}: {1, 1, 0, 0}, {16, 4}: {4, 4, 4, 4}, {0, 3}: {0, 0, 0}}
	for k, w := range want {
		for i := range k[1] {
			if got := SplitCount(k[0], k[1], i); got != w[i] {
				t.Errorf("SplitCount(%d, %d, %d) = %d; want %d", k[0], k[1], i, got, w[i])
			}
		}
	}
	for total := range 50 {
		for n := 1; n < 9; n++ {
			sum := 0
			for i := range n {
				sum += SplitCount(total, n, i)
			}
			if sum != total {
				t.Fatalf("shares of %d over %d add up to %d", total, n, sum)
			}
		}
	}
}

// TestShardIDs: ids local·N+I are disjoint across shards and cover 0…N·k−1.
func TestShardIDs(t *testing.T) {
	seen := map[uint64]int{}
	for i := range 4 {
		s := rundir.Shard{Index: i, Count: 4}
		for local := range uint64(5) {
			id := s.GlobalID(local)
			if prev, ok := seen[id]; ok {
				t.Fatalf("id %d from shards %d and %d", id, prev, i)
			}
			seen[id] = i
			if !s.Owns(id) || (rundir.Shard{Index: (i + 1) % 4, Count: 4}).Owns(id) {
				t.Errorf("Owns(%d) wrong for shard %d", id, i)
			}
		}
	}
	for id := range uint64(20) {
		if _, ok := seen[id]; !ok {
			t.Errorf("id %d not produced", id)
		}
	}
	if (rundir.Shard{}).GlobalID(7) != 7 || !(rundir.Shard{}).Owns(7) {
		t.Error("an unsharded run keeps its ids")
	}
}

// TestShardSeed: shard 0 keeps the scenario's seed; others differ from it
// and from each other, and the derivation is stable (a pinned value: seeds
// are recorded in run.json and must reproduce across versions).
func TestShardSeed(t *testing.T) {
	if ShardSeed(42, 0) != 42 {
		t.Error("shard 0 must keep the seed")
	}
	seen := map[uint64]int{42: 0}
	for i := 1; i < 64; i++ {
		s := ShardSeed(42, i)
		if prev, ok := seen[s]; ok {
			t.Fatalf("shards %d and %d share seed %d", prev, i, s)
		}
		seen[s] = i
	}
	// ShardSeed(0, 1) is the first output of the reference SplitMix64
	// seeded with 0, 0xe220a8397b1dcdaf (Vigna's splitmix64.c).
	if got, want := ShardSeed(0, 1), uint64(0xe220a8397b1dcdaf); got != want {
		t.Errorf("ShardSeed(0, 1) = %#x; want %#x", got, want)
	}
}
