package bedrock_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/google/go-cmp/cmp"

	"github.com/inferbench/inferbench/loadgen"
	"github.com/inferbench/inferbench/rundir"
	"github.com/inferbench/inferbench/targets"
	"github.com/inferbench/inferbench/targets/anthropic"
	"github.com/inferbench/inferbench/targets/bedrock"
	"github.com/inferbench/inferbench/targets/targettest"
)

// TestMain keeps the SDK away from this machine's AWS files and instance
// metadata: every test gives its credentials explicitly.
func TestMain(m *testing.M) {
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "",
		"AWS_BEARER_TOKEN_BEDROCK": "", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
	} {
		os.Setenv(k, v)
	}
	os.Exit(m.Run())
}

const (
	secretKey    = "SECRET-bedrock-7f3a9c1e"
	sessionToken = "SESSION-bedrock-5b2d4068"
)

func staticCreds() *credentials.StaticCredentialsProvider {
	p := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", secretKey, sessionToken)
	return &p
}

func newTarget(t testing.TB, cfg bedrock.Config) *bedrock.Target {
	t.Helper()
	if cfg.Credentials == nil && cfg.BearerToken == "" {
		cfg.Credentials = staticCreds()
	}
	tg, err := bedrock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

type result = targettest.Result

func stream(t testing.TB, tg *bedrock.Target, ctx context.Context, req targets.Request) result {
	var r result
	r.Final, r.Err = tg.Stream(ctx, req, func(c targets.Chunk) { r.Chunks = append(r.Chunks, c) })
	return r
}

var eventStreamHeader = http.Header{"Content-Type": {"application/vnd.amazon.eventstream"}}

// frames cuts an event stream into its messages, by their total length.
func frames(b []byte) [][]byte {
	var out [][]byte
	for len(b) >= 4 {
		n := int(binary.BigEndian.Uint32(b))
		if n <= 0 || n > len(b) {
			break
		}
		out = append(out, b[:n])
		b = b[n:]
	}
	if len(b) > 0 {
		out = append(out, b)
	}
	return out
}

// midFrame cuts every message in two in the middle, so no write ends on a
// message boundary.
func midFrame(b []byte) [][]byte {
	var out [][]byte
	for _, f := range frames(b) {
		out = append(out, f[:len(f)/2], f[len(f)/2:])
	}
	return out
}

// splits are the four ways a stream is written: a message per write, every
// message cut in two, 7 bytes a write, all at once.
var splits = []struct {
	name  string
	split targettest.Split
}{
	{"by-frame", frames}, {"mid-frame", midFrame}, {"7-bytes", targettest.Every(7)}, {"whole", targettest.Whole},
}

// encode builds an event stream from messages written as
// "eventType payload" (an event) or "!exceptionType payload" (an exception).
func encode(t testing.TB, msgs ...string) []byte {
	t.Helper()
	enc := eventstream.NewEncoder()
	var b bytes.Buffer
	for _, m := range msgs {
		typ, payload, _ := strings.Cut(m, " ")
		msg := eventstream.Message{Payload: []byte(payload)}
		if name, ok := strings.CutPrefix(typ, "!"); ok {
			msg.Headers.Set(":exception-type", eventstream.StringValue(name))
			msg.Headers.Set(":content-type", eventstream.StringValue("application/json"))
			msg.Headers.Set(":message-type", eventstream.StringValue("exception"))
		} else {
			msg.Headers.Set(":event-type", eventstream.StringValue(typ))
			msg.Headers.Set(":content-type", eventstream.StringValue("application/json"))
			msg.Headers.Set(":message-type", eventstream.StringValue("event"))
		}
		if err := enc.Encode(&b, msg); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// TestFixtures replays the recorded ConverseStream transcripts through the
// SDK's decoder, four ways. Expected values were counted from the decoded
// views in testdata (the frames, in order, from 0).
func TestFixtures(t *testing.T) {
	cases := []struct {
		name        string
		tokenChunks int
		firstIndex  int
		firstText   string
		final       targets.Final
	}{
		// 33 frames: [0] messageStart, [1..29] 29 text deltas ("The", "
		// capital of France is Paris.", …), [30] contentBlockStop, [31]
		// messageStop end_turn, [32] metadata latencyMs 522, usage 13 in,
		// 82 out.
		{name: "bedrock-converse-stream-raw-eventstream-base64", tokenChunks: 29, firstIndex: 1, firstText: "The",
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 13, CompletionTokens: 82}, FinishReason: "end_turn",
				Server: &targets.ServerTiming{Total: 522 * time.Millisecond}}},
		// 10 frames: [0] messageStart, [1] text "" (no token), [2] stop,
		// [3] reasoningContent text (the first token), [4] stop, [5] "Hello!
		// How can I help", [6] " you today?", [7] stop, [8] messageStop
		// end_turn, [9] metadata latencyMs 753, usage 70 in, 43 out.
		{name: "bedrock-converse-stream-empty-text-delta-reasoning-decoded", tokenChunks: 3, firstIndex: 3,
			firstText: `The user just says "Hi". We need to respond appropriately, friendly greeting. No special instructions. Should be short.`,
			final: targets.Final{Usage: &targets.Usage{PromptTokens: 70, CompletionTokens: 43}, FinishReason: "end_turn",
				Server: &targets.ServerTiming{Total: 753 * time.Millisecond}}},
	}
	for _, tc := range cases {
		body := eventStream(t, tc.name)
		for _, sp := range splits {
			t.Run(tc.name+"/"+sp.name, func(t *testing.T) {
				srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: body}, Split: sp.split})
				r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL}), t.Context(), targets.Request{Model: "us.amazon.nova-micro-v1:0", Prompt: "p"})
				if r.Err != nil {
					t.Fatal(r.Err)
				}
				if got := r.TokenChunks(); got != tc.tokenChunks {
					t.Errorf("token chunks %d, want %d", got, tc.tokenChunks)
				}
				if i, text := r.FirstToken(); i != tc.firstIndex || text != tc.firstText {
					t.Errorf("first token chunk #%d %q, want #%d %q", i, text, tc.firstIndex, tc.firstText)
				}
				if diff := cmp.Diff(tc.final, r.Final); diff != "" {
					t.Errorf("final (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestFixtureErrors replays the recorded error answers: a 400 whose body is
// {"message"} without an error type, and a 403 AccessDeniedException named
// in X-Amzn-Errortype.
func TestFixtureErrors(t *testing.T) {
	resp403, err := targettest.ParseHTTP(targettest.Testdata(t, "bedrock-invoke-error-403-access-denied"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		resp   *targettest.Response
		status int
		code   string
		msg    string
	}{
		{"bedrock-converse-stream-error-400", &targettest.Response{Status: 400, Header: http.Header{"Content-Type": {"application/json"}},
			Body: targettest.Testdata(t, "bedrock-converse-stream-error-400")}, 400, "", "The provided model identifier is invalid."},
		{"bedrock-invoke-error-403-access-denied", resp403, 403, "AccessDeniedException", "You don't have access to the model with the specified model ID."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: tc.resp})
			r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL}), t.Context(), targets.Request{Model: "m", Prompt: "p"})
			var he *targets.HTTPError
			if !errors.As(r.Err, &he) {
				t.Fatalf("err %v, want an HTTPError", r.Err)
			}
			if he.Status != tc.status || (tc.code != "" && he.Code != tc.code) || he.Message != tc.msg {
				t.Errorf("HTTPError %+v, want %d %q %q", he, tc.status, tc.code, tc.msg)
			}
			if got := loadgen.Classify(r.Err); got != rundir.HTTP4xx {
				t.Errorf("class %q", got)
			}
		})
	}
}

// TestStreamEvents covers what the recordings do not: tool use, exceptions
// inside the stream (each with the class it must land in), streams cut
// short, a corrupt checksum, and unknown events.
func TestStreamEvents(t *testing.T) {
	start := `messageStart {"p":"abc","role":"assistant"}`
	delta := `contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"a"}`
	stop := `messageStop {"p":"a","stopReason":"max_tokens"}`
	meta := `metadata {"metrics":{"latencyMs":9},"p":"a","usage":{"inputTokens":3,"outputTokens":2,"totalTokens":5}}`
	goodCRC := encode(t, start, delta)
	badCRC := bytes.Clone(goodCRC)
	badCRC[len(badCRC)-1] ^= 0xff
	cases := []struct {
		name        string
		body        []byte
		class       rundir.ErrorClass
		status      int // StreamError.Status
		tokenChunks int
		final       targets.Final
	}{
		{name: "tool use and text", body: encode(t, start,
			`contentBlockStart {"contentBlockIndex":0,"start":{"toolUse":{"toolUseId":"t1","name":"f"}},"p":"a"}`,
			`contentBlockDelta {"contentBlockIndex":0,"delta":{"toolUse":{"input":"{\"x\":"}},"p":"a"}`,
			delta, stop, meta),
			tokenChunks: 2, final: targets.Final{Usage: &targets.Usage{PromptTokens: 3, CompletionTokens: 2}, FinishReason: "max_tokens",
				Server: &targets.ServerTiming{Total: 9 * time.Millisecond}}},
		{name: "unknown event ignored", body: encode(t, start, `someNewEvent {"x":1}`, delta, stop),
			tokenChunks: 1, final: targets.Final{FinishReason: "max_tokens"}},
		{name: "throttlingException", body: encode(t, start, delta, `!throttlingException {"message":"Too many tokens, please wait before trying again."}`),
			class: rundir.RateLimited, status: 429, tokenChunks: 1},
		{name: "modelStreamErrorException", body: encode(t, start, delta, `!modelStreamErrorException {"message":"boom","originalStatusCode":500,"originalMessage":"x"}`),
			class: rundir.StreamErr, status: 424, tokenChunks: 1},
		{name: "validationException", body: encode(t, start, `!validationException {"message":"bad"}`),
			class: rundir.StreamErr, status: 400},
		{name: "internalServerException", body: encode(t, start, `!internalServerException {"message":"oops"}`),
			class: rundir.StreamErr, status: 500},
		{name: "serviceUnavailableException", body: encode(t, start, `!serviceUnavailableException {"message":"busy"}`),
			class: rundir.StreamErr, status: 503},
		{name: "cut before messageStop", body: encode(t, start, delta), class: rundir.Protocol, tokenChunks: 1},
		{name: "cut inside a message", body: encode(t, start, delta)[:40], class: rundir.Protocol},
		{name: "corrupt message checksum", body: badCRC, class: rundir.Protocol},
		{name: "payload not JSON", body: encode(t, start, `contentBlockDelta {"contentBlockIndex":0,"delta":{"text":"`), class: rundir.Protocol},
		{name: "not an event stream", body: []byte("data: {}\n\n"), class: rundir.Protocol},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: tc.body}, Split: targettest.Whole})
			r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL}), t.Context(), targets.Request{Model: "m", Prompt: "p"})
			if got := loadgen.Classify(r.Err); got != tc.class {
				t.Fatalf("class %q, want %q (err %v)", got, tc.class, r.Err)
			}
			if got := r.TokenChunks(); got != tc.tokenChunks {
				t.Errorf("token chunks %d, want %d", got, tc.tokenChunks)
			}
			var se *targets.StreamError
			if tc.status != 0 && (!errors.As(r.Err, &se) || se.Status != tc.status || se.Message == "") {
				t.Errorf("err %#v, want a StreamError with status %d and a message", r.Err, tc.status)
			}
			if r.Err == nil {
				if diff := cmp.Diff(tc.final, r.Final); diff != "" {
					t.Errorf("final (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestHTTPErrors: every exception Bedrock answers before a stream lands in
// its class, with its name as the code; the two model-side 4xx count as
// 5xx and keep the status Bedrock sent in the message.
func TestHTTPErrors(t *testing.T) {
	cases := []struct {
		exception string
		wire      int
		status    int
		class     rundir.ErrorClass
	}{
		{"ThrottlingException", 429, 429, rundir.RateLimited},
		{"ModelNotReadyException", 429, 429, rundir.RateLimited},
		{"ValidationException", 400, 400, rundir.HTTP4xx},
		{"AccessDeniedException", 403, 403, rundir.HTTP4xx},
		{"ResourceNotFoundException", 404, 404, rundir.HTTP4xx},
		{"ServiceQuotaExceededException", 400, 400, rundir.HTTP4xx},
		{"InternalServerException", 500, 500, rundir.HTTP5xx},
		{"ServiceUnavailableException", 503, 503, rundir.HTTP5xx},
		{"ModelTimeoutException", 408, 504, rundir.HTTP5xx},
		{"ModelErrorException", 424, 502, rundir.HTTP5xx},
	}
	for _, tc := range cases {
		t.Run(tc.exception, func(t *testing.T) {
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: tc.wire,
				Header: http.Header{"Content-Type": {"application/json"}, "Retry-After": {"3"},
					"X-Amzn-Errortype": {tc.exception + ":http://internal.amazon.com/coral/com.amazon.bedrock/"}},
				Body: []byte(`{"message":"it failed"}`)}})
			for _, api := range []bedrock.API{bedrock.Chat, bedrock.Native} {
				r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: api}), t.Context(), targets.Request{Model: "meta.llama3-8b-instruct-v1:0", Prompt: "p"})
				var he *targets.HTTPError
				if !errors.As(r.Err, &he) {
					t.Fatalf("%s: err %v, want an HTTPError", api, r.Err)
				}
				if he.Status != tc.status || he.Code != tc.exception || !strings.Contains(he.Message, "it failed") || he.RetryAfter != 3*time.Second {
					t.Errorf("%s: HTTPError %+v", api, he)
				}
				if (tc.status != tc.wire) != strings.Contains(he.Message, fmt.Sprintf("(HTTP %d)", tc.wire)) {
					t.Errorf("%s: message %q: the sent status is kept only when reclassified", api, he.Message)
				}
				if got := loadgen.Classify(r.Err); got != tc.class {
					t.Errorf("%s: class %q, want %q", api, got, tc.class)
				}
			}
			if n := len(srv.Requests()); n != 2 {
				t.Errorf("%d requests, want 2: the SDK must not retry", n)
			}
		})
	}
}

// TestNoAnswer: a request that gets no answer is the transport's failure,
// not an HTTP status: a refused connection is `connection`, a deadline
// before the headers `timeout` (the SDK reports both as a ResponseError
// with status 0).
func TestNoAnswer(t *testing.T) {
	refused := "http://127.0.0.1:1" // nothing listens on port 1, nor can a test's port 0 be it
	done := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer slow.Close()
	defer close(done)
	for _, api := range []bedrock.API{bedrock.Chat, bedrock.Native} {
		r := stream(t, newTarget(t, bedrock.Config{Endpoint: refused, API: api}), t.Context(), targets.Request{Model: "meta.llama3-8b-instruct-v1:0", Prompt: "p"})
		var he *targets.HTTPError
		if errors.As(r.Err, &he) || loadgen.Classify(r.Err) != rundir.Connection {
			t.Errorf("%s refused: err %v, class %q; want connection", api, r.Err, loadgen.Classify(r.Err))
		}
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		r = stream(t, newTarget(t, bedrock.Config{Endpoint: slow.URL, API: api}), ctx, targets.Request{Model: "meta.llama3-8b-instruct-v1:0", Prompt: "p"})
		cancel()
		if errors.As(r.Err, &he) || loadgen.Classify(r.Err) != rundir.Timeout {
			t.Errorf("%s deadline: err %v, class %q; want timeout", api, r.Err, loadgen.Classify(r.Err))
		}
	}
}

// TestSigning: requests are signed with SigV4 by default and carry the
// bearer token when one is given; the model id is escaped in the path.
func TestSigning(t *testing.T) {
	body := encode(t, `messageStart {"role":"assistant"}`, `messageStop {"stopReason":"end_turn"}`)
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: body}})
	req := targets.Request{Model: "us.amazon.nova-micro-v1:0", Prompt: "p", MaxTokens: 7}
	if r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, Region: "eu-west-3"}), t.Context(), req); r.Err != nil {
		t.Fatal(r.Err)
	}
	if r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, BearerToken: "ABSK-token"}), t.Context(), req); r.Err != nil {
		t.Fatal(r.Err)
	}
	reqs := srv.Requests()
	if got := reqs[0].Header.Get("Authorization"); !strings.HasPrefix(got, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(got, "/eu-west-3/bedrock/aws4_request") {
		t.Errorf("SigV4 authorization %q", got)
	}
	if reqs[0].Header.Get("X-Amz-Security-Token") != sessionToken {
		t.Errorf("session token not sent")
	}
	if got := reqs[1].Header.Get("Authorization"); got != "Bearer ABSK-token" {
		t.Errorf("bearer authorization %q", got)
	}
	if reqs[0].Path != "/model/us.amazon.nova-micro-v1:0/converse-stream" {
		t.Errorf("path %q", reqs[0].Path)
	}
	if !strings.Contains(string(reqs[0].Body), `"maxTokens":7`) {
		t.Errorf("body %s", reqs[0].Body)
	}
}

// TestSynchronousDecode pins the timing contract: when onChunk is called
// for a message, the body has been read exactly to that message's end. A
// decoder reading ahead on another goroutine (the SDK's own stream reader)
// would have consumed more.
func TestSynchronousDecode(t *testing.T) {
	body := eventStream(t, "bedrock-converse-stream-raw-eventstream-base64")
	var ends []int64
	off := int64(0)
	for _, f := range frames(body) {
		off += int64(len(f))
		ends = append(ends, off)
	}
	var read atomic.Int64
	client := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: eventStreamHeader.Clone(), Request: r,
			Body: io.NopCloser(&countingReader{r: bytes.NewReader(body), n: &read})}, nil
	})}
	tg := newTarget(t, bedrock.Config{Endpoint: "http://bedrock.invalid", Client: client})
	i := 0
	_, err := tg.Stream(t.Context(), targets.Request{Model: "m", Prompt: "p"}, func(targets.Chunk) {
		if got := read.Load(); got != ends[i] {
			t.Errorf("chunk %d delivered with %d bytes read, want %d (its message's end)", i, got, ends[i])
		}
		i++
	})
	if err != nil || i != len(ends) {
		t.Fatalf("err %v after %d of %d chunks", err, i, len(ends))
	}
}

// TestFirstByteHook: the TTFB hook fires once, on the first body byte,
// before the first chunk.
func TestFirstByteHook(t *testing.T) {
	body := eventStream(t, "bedrock-converse-stream-decoded")
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: body}})
	calls, chunksAtHook := 0, -1
	chunks := 0
	ctx := targets.WithFirstByte(t.Context(), func() { calls++; chunksAtHook = chunks })
	_, err := newTarget(t, bedrock.Config{Endpoint: srv.URL}).Stream(ctx, targets.Request{Model: "m", Prompt: "p"}, func(targets.Chunk) { chunks++ })
	if err != nil || calls != 1 || chunksAtHook != 0 {
		t.Errorf("err %v, hook called %d times, after %d chunks; want once, before any", err, calls, chunksAtHook)
	}
}

// TestNativeUnknownFamily: a model the native API has no body for is a
// clear error before anything is sent.
func TestNativeUnknownFamily(t *testing.T) {
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 500}})
	r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: bedrock.Native}), t.Context(), targets.Request{Model: "cohere.command-r-v1:0", Prompt: "p"})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "use API chat") || len(srv.Requests()) != 0 {
		t.Errorf("err %v, %d requests", r.Err, len(srv.Requests()))
	}
}

// TestRegion: the region comes from the config, an AWS endpoint's host or
// the environment; AWS's own endpoint without one is an error.
func TestRegion(t *testing.T) {
	creds := staticCreds()
	for _, tc := range []struct {
		cfg     bedrock.Config
		env     string
		want    string
		wantErr bool
	}{
		{cfg: bedrock.Config{Region: "eu-central-1"}, want: "eu-central-1"},
		{cfg: bedrock.Config{Endpoint: "https://bedrock-runtime.ap-south-1.amazonaws.com"}, want: "ap-south-1"},
		{cfg: bedrock.Config{Endpoint: bedrock.DefaultEndpoint}, env: "eu-west-1", want: "eu-west-1"},
		{cfg: bedrock.Config{Endpoint: bedrock.DefaultEndpoint}, wantErr: true},
		{cfg: bedrock.Config{Endpoint: "http://127.0.0.1:9"}, want: bedrock.FallbackRegion},
	} {
		t.Setenv("AWS_REGION", tc.env)
		tc.cfg.Credentials = creds
		tg, err := bedrock.New(tc.cfg)
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), "AWS_REGION") {
				t.Errorf("%+v: err %v, want one naming AWS_REGION", tc.cfg, err)
			}
			continue
		}
		if err != nil || tg.Region() != tc.want {
			t.Errorf("%+v (env %q): region %v %v, want %s", tc.cfg, tc.env, tg, err, tc.want)
		}
	}
}

// TestSecretsRedacted: a server that echoes every credential back in its
// error message never gets one into the error.
func TestSecretsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-Errortype", "AccessDeniedException")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(403)
		// The secret key never travels; echoing it is the worst case of a
		// message built from the request's signing context.
		secret := ""
		if r.Header.Get("X-Amz-Security-Token") != "" {
			secret = secretKey
		}
		fmt.Fprintf(w, `{"message":"denied: %s %s %s"}`, r.Header.Get("Authorization"), r.Header.Get("X-Amz-Security-Token"), secret)
	}))
	t.Cleanup(srv.Close)
	for _, cfg := range []bedrock.Config{{Endpoint: srv.URL}, {Endpoint: srv.URL, BearerToken: "ABSK-very-secret"}} {
		r := stream(t, newTarget(t, cfg), t.Context(), targets.Request{Model: "m", Prompt: "p"})
		msg := fmt.Sprintf("%v %+v %#v", r.Err, r.Err, cfg)
		for _, s := range []string{secretKey, sessionToken, "ABSK-very-secret"} {
			if strings.Contains(msg, s) {
				t.Errorf("secret %q in %s", s, msg)
			}
		}
		if !strings.Contains(msg, "[REDACTED]") {
			t.Errorf("nothing redacted: %s", msg)
		}
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return f(r)
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestNativeInvocationMetrics: the native API's last chunk carries
// Bedrock's invocationMetrics; invocationLatency is the server's total and
// firstByteLatency its time to first token, not the other way round.
func TestNativeInvocationMetrics(t *testing.T) {
	chunk := func(json string) string {
		return `chunk {"bytes":"` + base64.StdEncoding.EncodeToString([]byte(json)) + `"}`
	}
	body := encode(t,
		chunk(`{"generation":"Hi","prompt_token_count":4,"generation_token_count":1,"stop_reason":null}`),
		chunk(`{"generation":" there","prompt_token_count":null,"generation_token_count":2,"stop_reason":"length",`+
			`"amazon-bedrock-invocationMetrics":{"inputTokenCount":4,"outputTokenCount":2,"invocationLatency":900,"firstByteLatency":120}}`))
	srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: body}})
	r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: bedrock.Native}), t.Context(), targets.Request{Model: "meta.llama3-1-8b-instruct-v1:0", Prompt: "p"})
	want := targets.Final{Usage: &targets.Usage{PromptTokens: 4, CompletionTokens: 2}, FinishReason: "length",
		Server: &targets.ServerTiming{Total: 900 * time.Millisecond, TTFT: 120 * time.Millisecond}}
	if r.Err != nil || r.TokenChunks() != 2 {
		t.Fatalf("err %v, %d token chunks; want 2", r.Err, r.TokenChunks())
	}
	if r.Final.Server == nil || *r.Final.Server != *want.Server || *r.Final.Usage != *want.Usage || r.Final.FinishReason != want.FinishReason {
		t.Errorf("final %+v (server %+v), want %+v (server %+v)", r.Final, r.Final.Server, want, want.Server)
	}
}

// TestNativeChunkSecretsRedacted: a native chunk that echoes a credential,
// as an error event or as JSON that does not decode, never gets it into
// the error (the ConverseStream side is TestSecretsRedacted's).
func TestNativeChunkSecretsRedacted(t *testing.T) {
	chunk := func(json string) string {
		return `chunk {"bytes":"` + base64.StdEncoding.EncodeToString([]byte(json)) + `"}`
	}
	for _, payload := range []string{
		`{"type":"error","error":{"type":"api_error","message":"denied: %s"}}`,
		`{"generation": %s}`,
	} {
		for _, cfg := range []bedrock.Config{{API: bedrock.Native}, {API: bedrock.Native, BearerToken: "ABSK-very-secret"}} {
			secret := secretKey
			if cfg.BearerToken != "" {
				secret = cfg.BearerToken
			}
			body := encode(t, chunk(fmt.Sprintf(payload, secret)))
			srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: body}})
			cfg.Endpoint = srv.URL
			r := stream(t, newTarget(t, cfg), t.Context(), targets.Request{Model: "meta.llama3-1-8b-instruct-v1:0", Prompt: "p"})
			msg := fmt.Sprintf("%v %+v", r.Err, r.Err)
			if r.Err == nil || strings.Contains(msg, secret) || !strings.Contains(msg, "[REDACTED]") {
				t.Errorf("payload %s, bearer %t: err %s; want the secret redacted", payload, cfg.BearerToken != "", msg)
			}
		}
	}
}

// TestNativeAnthropicBody: an Anthropic model on the native API gets the
// Messages API body with Bedrock's anthropic_version, and max_tokens, which
// that API requires, as anthropic sends it: the request's, or
// anthropic.DefaultMaxTokens when it has none.
func TestNativeAnthropicBody(t *testing.T) {
	for _, tc := range []struct{ maxTokens, want int }{{0, anthropic.DefaultMaxTokens}, {-3, anthropic.DefaultMaxTokens}, {7, 7}} {
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 500, Body: []byte(`{"message":"x"}`)}})
		stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: bedrock.Native}), t.Context(),
			targets.Request{Model: "anthropic.claude-3-haiku-20240307-v1:0", Messages: []targets.Message{{Role: targets.RoleSystem, Content: "s"}, {Role: targets.RoleUser, Content: "p"}}, MaxTokens: tc.maxTokens})
		want := fmt.Sprintf(`{"anthropic_version":"bedrock-2023-05-31","max_tokens":%d,"system":"s","messages":[{"role":"user","content":"p"}]}`, tc.want)
		if reqs := srv.Requests(); len(reqs) != 1 || string(reqs[0].Body) != want {
			t.Errorf("MaxTokens %d: requests %+v, want one with body %s", tc.maxTokens, reqs, want)
		}
	}
}

// TestNativeAnthropicStream: an Anthropic model's events on the native API
// are the Messages API's: the prompt's tokens from message_start, the text
// from content_block_delta, the stop reason and the output count from
// message_delta (a count that is no integer is not reported).
func TestNativeAnthropicStream(t *testing.T) {
	chunk := func(json string) string {
		return `chunk {"bytes":"` + base64.StdEncoding.EncodeToString([]byte(json)) + `"}`
	}
	for _, tc := range []struct {
		output string
		want   *targets.Usage
	}{{"2", &targets.Usage{PromptTokens: 7, CompletionTokens: 2}}, {"2.5", nil}} {
		body := encode(t,
			chunk(`{"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":7,"output_tokens":1}}}`),
			chunk(`{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}`),
			chunk(`{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":`+tc.output+`}}`),
			chunk(`{"type":"message_stop"}`))
		srv := targettest.NewServer(t, targettest.Replay{Response: &targettest.Response{Status: 200, Header: eventStreamHeader, Body: body}})
		r := stream(t, newTarget(t, bedrock.Config{Endpoint: srv.URL, API: bedrock.Native}), t.Context(), targets.Request{Model: "anthropic.claude-3-haiku-20240307-v1:0", Prompt: "p"})
		_, text := r.FirstToken()
		if r.Err != nil || text != "Hi" || r.TokenChunks() != 1 || r.Final.FinishReason != "end_turn" || !cmp.Equal(r.Final.Usage, tc.want) {
			t.Errorf("output_tokens %s: err %v, text %q in %d token chunks, final %+v (usage %+v); want usage %+v", tc.output, r.Err, text, r.TokenChunks(), r.Final, r.Final.Usage, tc.want)
		}
	}
}
