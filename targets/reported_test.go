package targets_test

import (
	"encoding/json"
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestIntAndFloat: a JSON integer that fits is an Int, a number that fits
// a float64 a Float; every other value is not reported and decodes without
// error, beside a field that still decodes.
func TestIntAndFloat(t *testing.T) {
	type both struct {
		I    targets.Int   `json:"i"`
		F    targets.Float `json:"f"`
		Text string        `json:"text"`
	}
	good := []struct {
		raw string
		i   targets.Int
		f   targets.Float
	}{
		{`0`, targets.Int{N: 0, OK: true}, targets.Float{F: 0, OK: true}},
		{`-5`, targets.Int{N: -5, OK: true}, targets.Float{F: -5, OK: true}},
		{`9223372036854775807`, targets.Int{N: 1<<63 - 1, OK: true}, targets.Float{F: 1 << 63, OK: true}},
		{`-9223372036854775808`, targets.Int{N: -1 << 63, OK: true}, targets.Float{F: -1 << 63, OK: true}},
		{`3.7`, targets.Int{}, targets.Float{F: 3.7, OK: true}},
		{`1e3`, targets.Int{}, targets.Float{F: 1000, OK: true}},
	}
	for _, g := range good {
		var v both
		if err := json.Unmarshal([]byte(`{"i":`+g.raw+`,"f":`+g.raw+`,"text":"x"}`), &v); err != nil || v.I != g.i || v.F != g.f || v.Text != "x" {
			t.Errorf("%s: %+v, %v; want %+v and %+v", g.raw, v, err, g.i, g.f)
		}
	}
	bad := append(append([]string{}, targettest.BadInts...), targettest.BadFloats...)
	for _, raw := range bad {
		var v both
		err := json.Unmarshal([]byte(`{"i":`+raw+`,"text":"x"}`), &v)
		if err != nil || v.I != (targets.Int{}) || v.Text != "x" {
			t.Errorf("i %s: %+v, %v; want not reported, text x", raw, v, err)
		}
	}
	for _, raw := range targettest.BadFloats {
		var v both
		err := json.Unmarshal([]byte(`{"f":`+raw+`,"text":"x"}`), &v)
		if err != nil || v.F != (targets.Float{}) || v.Text != "x" {
			t.Errorf("f %s: %+v, %v; want not reported, text x", raw, v, err)
		}
	}
	// A reported value is replaced, not kept, by one that is not.
	v := both{I: targets.Int{N: 3, OK: true}, F: targets.Float{F: 3, OK: true}}
	if json.Unmarshal([]byte(`{"i":"3","f":"3"}`), &v) != nil || v.I.OK || v.F.OK {
		t.Errorf("%+v; want both not reported", v)
	}
	// The JSON value's structure is still encoding/json's to judge.
	if json.Unmarshal([]byte(`{"i":[1,}`), &v) == nil {
		t.Error("invalid JSON decoded")
	}
}
