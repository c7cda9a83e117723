//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// What the llamacpp flavor counts each event's tokens by (targets/openai,
// timings_per_token): asked for it, llama-server puts its timings on every
// event of an OpenAI-compatible stream, predicted_n cumulative, ending at
// the usage's completion_tokens. A token that ends inside a UTF-8 sequence
// goes out with the next, so predicted_n can step by 2 on one event (the
// model without the no-EOS trick samples byte-fallback tokens). Then
// inferbench's records: the chunks never hold more tokens than the
// server counted, and every request ends at max_tokens.
func TestLlamaCppTimingsPerTokenOnEveryEvent(t *testing.T) {
	url := serverURL(t, "INFERBENCH_LLAMACPP_ANY_URL")
	// llama-server closes the connection after a stream (notes §4.1): a
	// connection each.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	multi := 0
	for i := range 8 {
		body := fmt.Sprintf(`{"messages":[{"role":"user","content":"request %d of the timings test"}],"max_tokens":64,`+
			`"stream":true,"stream_options":{"include_usage":true},"timings_per_token":true}`, i)
		resp, err := client.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b := drain(resp)
		last, usage, events := 0, -1, 0
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok || data == "[DONE]" {
				continue
			}
			var ev struct {
				Choices []struct {
					Delta struct {
						Content string `json:"content"`
					} `json:"delta"`
				} `json:"choices"`
				Usage *struct {
					CompletionTokens int `json:"completion_tokens"`
				} `json:"usage"`
				Timings *struct {
					PredictedN *int `json:"predicted_n"`
				} `json:"timings"`
			}
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Fatalf("request %d: %v: %s", i, err, data)
			}
			if ev.Usage != nil {
				usage = ev.Usage.CompletionTokens
			}
			if len(ev.Choices) == 0 || ev.Choices[0].Delta.Content == "" {
				continue
			}
			events++
			if ev.Timings == nil || ev.Timings.PredictedN == nil {
				t.Fatalf("request %d: a text event without timings.predicted_n: %s", i, data)
			}
			n := *ev.Timings.PredictedN
			if n <= last {
				t.Fatalf("request %d: predicted_n %d after %d: not cumulative", i, n, last)
			}
			if n-last > 1 {
				multi++
			}
			last = n
		}
		// The model may end before max_tokens (nothing asks it to ignore
		// end of sequence: request 4 once stopped at 33 on a loaded
		// machine); what is checked is that the count of every text event
		// adds up to the usage.
		if usage < 1 || usage > 64 || last > usage || usage-last > 1 {
			t.Errorf("request %d: usage %d, the last text event's predicted_n %d (%d text events); want at most 64 and the same, or one less when the last token had no text",
				i, usage, last, events)
		}
	}
	t.Logf("%d events carried more than one token in 8 streams", multi)

	r := runBench(t, "--target", "llamacpp", "--url", url, "--model", "tiny-any", "--api", "chat",
		"-c", "2", "-n", "20", "--max-tokens", "64", "--prompt-tokens", "32", "--ignore-eos")
	checkComplete(t, r, 20, 64)
	short, wide := 0, 0
	for _, rec := range r.records {
		sum := int64(0)
		for _, c := range rec.Chunks {
			sum += c[1]
			if c[1] > 1 {
				wide++
			}
		}
		if sum > int64(rec.OutputTokens) {
			t.Errorf("request %d: its chunks hold %d tokens, the server counted %d", rec.ID, sum, rec.OutputTokens)
		}
		if sum < int64(rec.OutputTokens) {
			short++
		}
	}
	t.Logf("%d chunks carried more than one token; %d of %d records' chunks hold fewer tokens than the server counted (a last token without text)",
		wide, short, len(r.records))
}
