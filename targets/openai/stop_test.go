package openai_test

import (
	"testing"

	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/openai"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestStopSent: Request.Stop goes out as "stop" on every chat and
// completions flavour (OpenAI's API reference: "stop", up to 4 sequences;
// vLLM, SGLang, llama.cpp, TGI's Messages API and the hosted compatible
// APIs take the same field) and on llama.cpp's native /completion (its
// README: "stop", an array of stopping strings); nil sends no field at
// all. The Responses API has no stop parameter: nothing is sent there (the
// registry says so, and a scenario asking for it is refused).
func TestStopSent(t *testing.T) {
	stop := []string{"\n\nUser:", "###"}
	for _, tc := range []struct {
		api    openai.API
		flavor openai.Flavor
		sent   bool
	}{
		{openai.Chat, openai.FlavorVLLM, true},
		{openai.Completions, openai.FlavorVLLM, true},
		{openai.Chat, openai.FlavorOpenAI, true},
		{openai.Completions, openai.FlavorOpenAI, true},
		{openai.Chat, openai.FlavorAzure, true},
		{openai.Chat, openai.FlavorCompatible, true},
		{openai.Chat, openai.FlavorLlamaCpp, true},
		{openai.Native, openai.FlavorLlamaCpp, true},
		{openai.Responses, openai.FlavorOpenAI, false},
	} {
		for _, s := range [][]string{stop, nil} {
			url, body := targettest.CaptureBody(t)
			tg, err := openai.New(openai.Config{Conn: targets.Conn{BaseURL: url}, API: tc.api, Flavor: tc.flavor})
			if err != nil {
				t.Fatal(err)
			}
			_, _ = tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p", MaxTokens: 8, Stop: s}, func(targets.Chunk) {})
			b := body()
			got, has := b["stop"]
			switch {
			case s != nil && tc.sent && targettest.JSON(t, got) != targettest.JSON(t, stop):
				t.Errorf("%s/%s: stop = %s, want %s", tc.api, tc.flavor, targettest.JSON(t, got), targettest.JSON(t, stop))
			case (s == nil || !tc.sent) && has:
				t.Errorf("%s/%s with stop %q: the body has stop %s", tc.api, tc.flavor, s, targettest.JSON(t, got))
			}
		}
	}
}
