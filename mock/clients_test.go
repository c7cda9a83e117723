package mock

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	anthropicoption "github.com/anthropics/anthropic-sdk-go/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// TestOpenAIGoClient streams a chat completion through
// github.com/openai/openai-go, on both modes, and reads the usage.
func TestOpenAIGoClient(t *testing.T) {
	for _, cfg := range []Config{{OutputTokens: 12}, {GPU: "h100-sxm", OutputTokens: 12}} {
		ts := httptest.NewServer(newServer(t, cfg))
		client := openai.NewClient(option.WithBaseURL(ts.URL+"/v1/"), option.WithAPIKey("test-key"), option.WithMaxRetries(0))
		stream := client.Chat.Completions.NewStreaming(t.Context(), openai.ChatCompletionNewParams{
			Model:         "llama-3-8b",
			Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Count from 1 to 5")},
			StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
		})
		var acc openai.ChatCompletionAccumulator
		chunks := 0
		for stream.Next() {
			acc.AddChunk(stream.Current())
			chunks++
		}
		if err := stream.Err(); err != nil {
			t.Fatalf("%+v: stream: %v", cfg, err)
		}
		if acc.Usage.CompletionTokens != 12 || acc.Usage.PromptTokens != 5 {
			t.Errorf("%+v: usage %+v, want 5 prompt + 12 completion", cfg, acc.Usage)
		}
		if len(acc.Choices) != 1 || countWords(acc.Choices[0].Message.Content) != 12 || acc.Choices[0].FinishReason != "stop" {
			t.Errorf("%+v: accumulated %+v", cfg, acc.Choices)
		}
		if chunks != 12+2 { // role, 12 tokens (the last with the finish), usage: vLLM's chat shape
			t.Errorf("%+v: %d chunks", cfg, chunks)
		}
		ts.Close()
	}
}

// TestAnthropicGoClient streams a message through
// github.com/anthropics/anthropic-sdk-go and accumulates it.
func TestAnthropicGoClient(t *testing.T) {
	ts := httptest.NewServer(newServer(t, Config{OutputTokens: 40}))
	defer ts.Close()
	client := anthropic.NewClient(anthropicoption.WithBaseURL(ts.URL), anthropicoption.WithAPIKey("test-key"), anthropicoption.WithMaxRetries(0))
	stream := client.Messages.NewStreaming(t.Context(), anthropic.MessageNewParams{
		Model:     "claude-3-opus-20240229",
		MaxTokens: 100,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Count from 1 to 5"))},
	})
	var msg anthropic.Message
	for stream.Next() {
		if err := msg.Accumulate(stream.Current()); err != nil {
			t.Fatal(err)
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatalf("stream: %v", err)
	}
	if msg.Usage.OutputTokens != 40 || msg.Usage.InputTokens != 5 || msg.StopReason != anthropic.StopReasonEndTurn {
		t.Errorf("usage %+v stop %q", msg.Usage, msg.StopReason)
	}
	if len(msg.Content) != 1 || countWords(msg.Content[0].Text) != 40 {
		t.Errorf("content %+v", msg.Content)
	}
	// An in-stream error event becomes the SDK's error.
	stream = client.Messages.NewStreaming(t.Context(), anthropic.MessageNewParams{
		Model: "m", MaxTokens: 10,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("x"))},
	}, anthropicoption.WithHeader(FaultHeader, "error-event; after=3"))
	for stream.Next() {
	}
	if err := stream.Err(); err == nil || !strings.Contains(err.Error(), "api_error") {
		t.Errorf("error event: %v, want the SDK to report api_error", err)
	}
}
