package compare

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// SettingsDiff names every scenario setting that differs between two
// run.json scenarios, one string per field by its dotted path
// ("load.concurrency: baseline 4, candidate 8"; a field only one side has
// reads "absent" on the other), in path order. Undecodable settings give
// one entry saying so.
func SettingsDiff(base, cand json.RawMessage) []string {
	var a, b any
	if json.Unmarshal(base, &a) != nil || json.Unmarshal(cand, &b) != nil {
		return []string{"scenario settings: one run's scenario cannot be read"}
	}
	var out []string
	diffValue("", a, b, &out)
	return out
}

func diffValue(path string, a, b any, out *[]string) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		keys := slices.Sorted(maps.Keys(am))
		for k := range bm {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			av, ain := am[k]
			bv, bin := bm[k]
			p := joinPath(path, k)
			switch {
			case !ain:
				*out = append(*out, fmt.Sprintf("%s: baseline absent, candidate %s", p, settingText(bv)))
			case !bin:
				*out = append(*out, fmt.Sprintf("%s: baseline %s, candidate absent", p, settingText(av)))
			default:
				diffValue(p, av, bv, out)
			}
		}
		return
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		for i := range al {
			diffValue(path+"["+strconv.Itoa(i)+"]", al[i], bl[i], out)
		}
		return
	}
	if settingText(a) != settingText(b) {
		*out = append(*out, fmt.Sprintf("%s: baseline %s, candidate %s", cmpOrRoot(path), settingText(a), settingText(b)))
	}
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func cmpOrRoot(path string) string {
	if path == "" {
		return "scenario"
	}
	return path
}

// settingText writes a setting's value as JSON, cut to 80 bytes.
func settingText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}
