package rundir

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// A ScenarioDifference is one setting in which two runs' scenarios
// (run.json "scenario") differ.
type ScenarioDifference struct {
	// Path is the setting's dotted path ("load.concurrency[1]"), "scenario"
	// when the two differ as a whole.
	Path string
	// A and B are each side's value as JSON text cut to 80 bytes, or
	// "absent" where that side does not have the setting.
	A, B string
}

// DiffScenarios lists every setting in which two run.json scenarios differ,
// in path order: equal settings written in another key order are equal;
// objects are compared key by key, lists of one length item by item, and
// anything else as a whole. It fails when either side is not JSON.
func DiffScenarios(a, b json.RawMessage) ([]ScenarioDifference, error) {
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		return nil, err
	}
	var out []ScenarioDifference
	diffSetting("", va, vb, &out)
	return out, nil
}

func diffSetting(path string, a, b any, out *[]ScenarioDifference) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := slices.Collect(maps.Keys(am))
		for k := range bm {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			av, ain := am[k]
			bv, bin := bm[k]
			switch {
			case !ain:
				*out = append(*out, ScenarioDifference{Path: p, A: "absent", B: settingText(bv)})
			case !bin:
				*out = append(*out, ScenarioDifference{Path: p, A: settingText(av), B: "absent"})
			default:
				diffSetting(p, av, bv, out)
			}
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			diffSetting(path+"["+strconv.Itoa(i)+"]", al[i], bl[i], out)
		}
		return
	}
	if ta, tb := settingText(a), settingText(b); ta != tb {
		if path == "" {
			path = "scenario"
		}
		*out = append(*out, ScenarioDifference{Path: path, A: ta, B: tb})
	}
}

// settingText writes a setting's value as JSON, cut to 80 bytes at most,
// never inside a character (json.Marshal leaves UTF-8 as it is).
func settingText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 80 {
		n := 77
		for n > 0 && !utf8.RuneStart(b[n]) {
			n--
		}
		return string(b[:n]) + "..."
	}
	return string(b)
}
