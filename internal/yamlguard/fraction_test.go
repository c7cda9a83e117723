package yamlguard

import (
	"reflect"
	"slices"
	"testing"
)

// A number with a fractional part where a whole number belongs is found,
// as written: go-yaml truncates it toward zero (requests: 4.5 ran 4, and
// requests: 1e-3 read 0, which a scenario takes as "not set").
func TestFractions(t *testing.T) {
	type inner struct {
		N int `yaml:"n"`
	}
	type doc struct {
		A    int          `yaml:"a"`
		B    float64      `yaml:"b"`
		C    uint64       `yaml:"c"`
		E    *int         `yaml:"e"`
		W    int          `yaml:"w"`
		X    int          `yaml:"x"`
		Q    int          `yaml:"q"`
		D    durationLike `yaml:"d"`
		List []inner      `yaml:"list"`
	}
	f, err := Parse([]byte("a: 4.5\nb: 2.5\nc: 1e-3\ne: &w 1.9\nw: 4.0\nx: 1.5e3\nq: \"2.5\"\nd: 1.5\nlist: [{n: 1}, {n: -0.5}, {n: 2}]\n"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range Fractions(f.Docs[0].Body, reflect.TypeFor[doc](), nil) {
		got = append(got, x.Path+"="+x.Text+" ("+x.Want+")")
	}
	// b is a float; w (4.0) and x (1.5e3) are whole; q is a string number
	// (StringNumbers); d reads its own YAML.
	want := []string{"a=4.5 (a whole number)", "c=1e-3 (a whole number ≥ 0)", "e=1.9 (a whole number)", "list[1].n=-0.5 (a whole number)"}
	if !slices.Equal(got, want) {
		t.Errorf("Fractions = %q; want %q", got, want)
	}
}
