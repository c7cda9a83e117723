package cost

import "testing"

// TestLoadWordsYAMLTypos: a key without its colon, or a key indented one
// space off, was said in the YAML library's words ("non-map value is
// specified", "value is not allowed in this context"), which name neither
// the mistake nor its fix. The place is kept; the words say what to look
// for.
func TestLoadWordsYAMLTypos(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour 3\n",
			":5:9: a line that is not 'key: value' where a mapping's keys are (a missing ':' after the key?)"},
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n       usd_per_gpu_hour: 3\n",
			":5:8: a value where none belongs (a key indented differently from the keys beside it?)"},
	} {
		path, err := loadErr(t, c.data)
		if err == nil || err.Error() != path+c.want {
			t.Errorf("Load = %v; want %s%s", err, path, c.want)
		}
	}
}
