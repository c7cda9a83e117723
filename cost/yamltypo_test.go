package cost

import "testing"

// TestLoadWordsYAMLTypos: a key without its colon, or a key indented one
// space off, was said in the YAML library's words ("non-map value is
// specified", "value is not allowed in this context"), which name neither
// the mistake nor its fix. The place is kept; the words say what to look
// for, as a scenario's and a thresholds file's do (yamlguard.Syntax): a
// key of a sequence entry starts after its "- ".
func TestLoadWordsYAMLTypos(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour 3\n",
			":5:9: a line that is not 'key: value' where a mapping's keys are (a missing ':' after the key?)"},
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n       usd_per_gpu_hour: 3\n",
			":5:8: value is not allowed in this context: check the indentation (the keys of one mapping start in the same column, indented with spaces)"},
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n          usd_per_gpu_hour: 3\n",
			":4:13: mapping value is not allowed in this context: line 5 is indented deeper than line 4, which does not end in \":\" (the keys of one mapping start in the same column)"},
	} {
		path, err := loadErr(t, c.data)
		if err == nil || err.Error() != path+c.want {
			t.Errorf("Load = %v; want %s%s", err, path, c.want)
		}
	}
}
