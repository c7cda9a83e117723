package cost

import "testing"

// TestLoadRefusesAFieldSetTwice: an entry given twice in one prices file
// merges its fields, but one field given in both (a copied offer with a
// new price) lost the first value without a word: aws-p5-od given at 3 and
// then at 4 priced 4. It is refused where the second one stands, naming
// the first.
func TestLoadRefusesAFieldSetTwice(t *testing.T) {
	for _, c := range []struct{ data, want string }{
		{"gpus:\n  - id: h100-sxm\n    offers:\n      - id: aws-p5-od\n        usd_per_gpu_hour: 3\n      - id: aws-p5-od\n        usd_per_gpu_hour: 4\n",
			":7:9: gpus.h100-sxm.offers.aws-p5-od.usd_per_gpu_hour: written twice in this file (first at line 5, column 9): the second would replace the first without a word"},
		{"gpus:\n  - id: h100-sxm\n    tdp_w: 700\n  - id: a100-80gb\n    tdp_w: 400\n  - id: h100-sxm\n    tdp_w: 800\n",
			":7:5: gpus.h100-sxm.tdp_w: written twice in this file (first at line 3, column 5): the second would replace the first without a word"},
		{"apis:\n  - id: openai/gpt-4o\n    usd_per_1m_input: 2\n  - id: openai/gpt-4o\n    usd_per_1m_input: ~\n",
			":5:5: apis.openai/gpt-4o.usd_per_1m_input: written twice in this file (first at line 3, column 5): the second would replace the first without a word"},
	} {
		path, err := loadErr(t, c.data)
		if err == nil || err.Error() != path+c.want {
			t.Errorf("Load = %v; want %s%s", err, path, c.want)
		}
	}
	// Different fields of one entry given twice still merge (the rule
	// TestUserFileMergeRules pins), and so do entries without ids.
	c := mustLoad(t, "gpus:\n  - id: h100-sxm\n    tdp_w: 800\n  - id: h100-sxm\n    bf16_tflops: 1000\n")
	if g, _ := c.GPU("h100-sxm"); g.TDPW != 800 || g.BF16TFLOPS != 1000 {
		t.Errorf("h100 = tdp %v, bf16 %v; want 800 and 1000", g.TDPW, g.BF16TFLOPS)
	}
}
