package gemini_test

import "testing"

// TestCumulativeCountDecreased: usageMetadata's counts are cumulative; one
// that went down (candidates 5, 3, 4) gave per-event Tokens 5, 0, 0 and
// nothing said so. The decoder says it (Final.UsageDecreased); counts that
// rise, or one left out after others (the JSON-array stream gives them at
// the end only), say nothing.
func TestCumulativeCountDecreased(t *testing.T) {
	ev := func(text, usage string) string {
		return data(`{"candidates":[{"content":{"parts":[{"text":"` + text + `"}],"role":"model"}}],"usageMetadata":{"promptTokenCount":4` + usage + `}}`)
	}
	end := data(`{"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"MAX_TOKENS"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":10}}`)
	for _, c := range []struct {
		name, body string
		want       bool
	}{
		{"candidates down", ev("a", `,"candidatesTokenCount":5`) + ev("b", `,"candidatesTokenCount":3`) + ev("c", `,"candidatesTokenCount":4`) + end, true},
		{"thoughts down", ev("a", `,"candidatesTokenCount":1,"thoughtsTokenCount":9`) + ev("b", `,"candidatesTokenCount":5,"thoughtsTokenCount":2`) + end, true},
		{"up", ev("a", `,"candidatesTokenCount":1`) + ev("b", `,"candidatesTokenCount":3`) + end, false},
		{"left out", ev("a", `,"candidatesTokenCount":2,"thoughtsTokenCount":9`) + ev("b", ``) + end, false},
	} {
		r, _ := replay(t, 200, sseHeader, c.body, nil)
		if r.Err != nil || r.Final.UsageDecreased != c.want {
			t.Errorf("%s: %v, usage decreased %v; want %v", c.name, r.Err, r.Final.UsageDecreased, c.want)
		}
	}
}
