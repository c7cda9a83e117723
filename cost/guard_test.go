package cost

import (
	"strings"
	"testing"
)

// TestLoadRefusesYAMLBombs: a prices file nested past the limit or of
// aliases that expand past it is refused at file:line:col before the
// parser, or the decoder, spends on it.
func TestLoadRefusesYAMLBombs(t *testing.T) {
	var laughs strings.Builder
	laughs.WriteString("gpus:\n  - id: h100-sxm\n    smi_names: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		laughs.WriteString("  - id: g" + string(rune('0'+i)) + "\n    smi_names: &a" + string(rune('0'+i)) + " [")
		laughs.WriteString(strings.TrimSuffix(strings.Repeat("*a"+string(rune('0'+i-1))+", ", 10), ", ") + "]\n")
	}
	for _, c := range []struct{ data, at, msg string }{
		{"gpus: " + strings.Repeat("[", 200_000), "1:10007", "more than 10000 of the flow characters"},
		{"gpus: " + strings.Repeat("[", 1_000), "1:70", "nested more than 64 levels deep"},
		{laughs.String(), "", "aliases expand the document beyond 100000 nodes"},
	} {
		path, err := loadErr(t, c.data)
		if err == nil || !strings.HasPrefix(err.Error(), path+":"+c.at) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("Load = %v; want %s:%s… %s", err, path, c.at, c.msg)
		}
	}
}

// TestLoadNamesFirstUnknownKey: of several unknown keys, the error names
// the first in the file, every time.
func TestLoadNamesFirstUnknownKey(t *testing.T) {
	prices := "gpus:\n  - id: h100-sxm\n    zzz: 1\n    aaa: 2\n    mmm: 3\n    qqq: 4\n"
	for range 20 {
		path, err := loadErr(t, prices)
		if want := path + `:3:5: gpus[0].zzz: unknown field "zzz"`; err == nil || err.Error() != want {
			t.Fatalf("Load = %v; want %s", err, want)
		}
	}
}

// TestLoadWordsTypeErrors: a value of the wrong type in a prices file is
// named by its path and what belongs there, not by the decoder's Go types
// ("cannot unmarshal string into Go struct field Catalog.GPUs of type
// float64"); the decoder's other messages get the path too.
func TestLoadWordsTypeErrors(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"gpus:\n  - id: a100-80gb\n    memory_gb: abc\n", ":3:16: gpus.a100-80gb.memory_gb: want a number, got a string"},
		{"gpus:\n  - id: a100-80gb\n    offers:\n      - id: aws-p4de-od\n        usd_per_gpu_hour: [1]\n",
			":5:27: gpus.a100-80gb.offers.aws-p4de-od.usd_per_gpu_hour: want a number, got a list"},
		{"gpus:\n  - memory_gb: abc\n", ":2:16: gpus[0].memory_gb: want a number, got a string"},
		{"gpus:\n  - id: a100-80gb\n    smi_names: {a: 1}\n", ":3:16: gpus.a100-80gb.smi_names: want a list, got a mapping"}, // go-yaml: "mapping was used where sequence is expected"
		{"gpus: 5\n", ":1:7: gpus: want a list, got a number"},
		// go-yaml: 'mapping key "memory_gb" already defined at [3:5]'
		{"gpus:\n  - id: a100-80gb\n    memory_gb: 80\n    memory_gb: 81\n", `:4:5: key "memory_gb" is written twice in one mapping (first at line 3, column 5)`},
	} {
		path, err := loadErr(t, c.data)
		if err == nil || err.Error() != path+c.want {
			t.Errorf("Load = %v; want %s%s", err, path, c.want)
		}
	}
}
