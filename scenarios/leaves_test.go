package scenarios

import (
	"errors"
	"slices"
	"testing"
)

// TestLeaves: the errors a joined error holds, nested joins opened in
// order, none for nil, and an error that joins none as itself.
func TestLeaves(t *testing.T) {
	a, b, c := errors.New("a"), errors.New("b"), errors.New("c")
	for _, x := range []struct {
		err  error
		want []error
	}{
		{nil, nil},
		{a, []error{a}},
		{errors.Join(a, errors.Join(b, nil, c)), []error{a, b, c}},
		{errors.Join(errors.Join(a), b), []error{a, b}},
	} {
		if got := Leaves(x.err); !slices.Equal(got, x.want) {
			t.Errorf("Leaves(%v) = %v; want %v", x.err, got, x.want)
		}
	}
}
