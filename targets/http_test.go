package targets_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/inferbench/inferbench/targets"
)

func TestTruncate(t *testing.T) {
	short := strings.Repeat("a", targets.MaxErrorBody)
	if got := targets.Truncate(short); got != short {
		t.Errorf("a body of MaxErrorBody bytes was cut to %d", len(got))
	}
	// 511 ASCII bytes then "é" (2 bytes): byte 512 is the first half of é,
	// which is dropped.
	s := strings.Repeat("a", targets.MaxErrorBody-1) + "éz"
	if got, want := targets.Truncate(s), strings.Repeat("a", targets.MaxErrorBody-1); got != want {
		t.Errorf("cut in a rune: got %d bytes, want %d", len(got), len(want))
	}
	// 510 bytes then "€" (3 bytes): 2 of its bytes fit, both are dropped.
	s = strings.Repeat("a", targets.MaxErrorBody-2) + "€"
	if got := targets.Truncate(s); got != strings.Repeat("a", targets.MaxErrorBody-2) {
		t.Errorf("cut in a 3-byte rune: got %d bytes", len(got))
	}
}

func TestRedactor(t *testing.T) {
	r := targets.NewRedactor("sk-secret")
	if got := r.Redact("key sk-secret, again sk-secret"); got != "key [REDACTED], again [REDACTED]" {
		t.Errorf("Redact = %q", got)
	}
	base := io.ErrUnexpectedEOF
	err := r.Err(errors.Join(errors.New("Bearer sk-secret refused"), base))
	if strings.Contains(err.Error(), "sk-secret") || !errors.Is(err, base) {
		t.Errorf("Err = %v; Is(ErrUnexpectedEOF) = %v", err, errors.Is(err, base))
	}
	if plain := errors.New("no key here"); r.Err(plain) != plain {
		t.Error("Err changed an error without the key")
	}
	if got := (targets.Redactor{}).Redact("sk-secret"); got != "sk-secret" {
		t.Errorf("zero Redactor changed %q", got)
	}
	// Redacted before cut: a key across the MaxErrorBody boundary leaves no part.
	s := strings.Repeat("a", targets.MaxErrorBody-4) + "sk-secret"
	if got := r.Clip(s); strings.Contains(got, "sk-s") || len(got) != targets.MaxErrorBody {
		t.Errorf("Clip left %q at the end (%d bytes)", got[len(got)-12:], len(got))
	}
}

func response(status int, header http.Header, body string) *http.Response {
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(strings.NewReader(body))}
}

func TestReadHTTPError(t *testing.T) {
	r := targets.NewRedactor("k3y")
	decode := func(b []byte, he *targets.HTTPError) bool {
		msg, ok := strings.CutPrefix(string(b), "ERR ")
		if ok {
			he.Code, he.Message = "bad", msg
		}
		return ok
	}
	he := targets.ReadHTTPError(response(429, http.Header{"Retry-After": {"2"}}, "ERR key k3y wrong"), r, decode)
	want := targets.HTTPError{Status: 429, RetryAfter: 2 * time.Second, Code: "bad", Message: "key [REDACTED] wrong"}
	if *he != want {
		t.Errorf("decoded: got %+v, want %+v", *he, want)
	}
	he = targets.ReadHTTPError(response(502, nil, "  <html>k3y "+strings.Repeat("x", 600)+"</html>\n"), r, decode)
	if he.Status != 502 || he.Code != "" || he.Message != "" || len(he.Body) != targets.MaxErrorBody ||
		!strings.HasPrefix(he.Body, "<html>[REDACTED] x") {
		t.Errorf("undecoded: got %+v", *he)
	}
}

func TestWithCause(t *testing.T) {
	err := errors.New("read: connection reset")
	if got := targets.WithCause(context.Background(), err); got != err {
		t.Errorf("live context changed the error to %v", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	got := targets.WithCause(ctx, err)
	if !errors.Is(got, context.DeadlineExceeded) || !errors.Is(got, err) || !strings.HasPrefix(got.Error(), "context deadline exceeded: ") {
		t.Errorf("ended context: got %v", got)
	}
	if again := targets.WithCause(ctx, got); again != got {
		t.Errorf("cause added twice: %v", again)
	}
}

func TestIsEventStream(t *testing.T) {
	for ct, want := range map[string]bool{"": true, "text/event-stream": true, "Text/Event-Stream; charset=utf-8": true,
		"application/json": false, "text/plain": false} {
		if got := targets.IsEventStream(ct); got != want {
			t.Errorf("IsEventStream(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	if _, err := targets.ParseBaseURL("http://h:1/x"); err != nil {
		t.Errorf("valid URL: %v", err)
	}
	for _, s := range []string{"", "ftp://h", "http://", "http://user:pw@%zz"} {
		_, err := targets.ParseBaseURL(s)
		if err == nil || strings.Contains(err.Error(), "pw") {
			t.Errorf("ParseBaseURL(%q) = %v, want an error without the password", s, err)
		}
	}
	if _, err := targets.ParseBaseURL("127.0.0.1:8000"); err == nil || !strings.Contains(err.Error(), "no scheme") {
		t.Errorf("a host:port without a scheme: %v, want \"no scheme\"", err)
	}
	// The server root is what adapters want: a URL that names the endpoint
	// is refused, naming the root to give, with no password or key in it.
	for s, want := range map[string]string{
		"http://h:8000/v1/chat/completions":                `ends in the API endpoint /v1/chat/completions, which inferbench adds itself: give the server root, "http://h:8000"`,
		"http://h:8000/v1/completions/":                    `the API endpoint /v1/completions,`,
		"http://h:8080/generate_stream":                    `the API endpoint /generate_stream,`,
		"http://h:11434/api/chat":                          `the API endpoint /api/chat, which inferbench adds itself: give the server root, "http://h:11434"`,
		"https://gw/llm/v1/messages":                       `give the server root, "https://gw/llm"`,
		"http://h:8000/v2/models/ensemble/generate_stream": `the API endpoint /v2/models/ensemble/generate_stream, which inferbench adds itself: give the server root, "http://h:8000"`,
		"https://u:pw@r.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=1&api-key=SECRET": `the API endpoint /openai/deployments/gpt/chat/completions, which inferbench adds itself: give the server root, "https://u:xxxxx@r.openai.azure.com"`,
	} {
		_, err := targets.ParseBaseURL(s)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "SECRET") || strings.Contains(err.Error(), "pw") {
			t.Errorf("ParseBaseURL(%q) = %v, want an error with %q and no secret", s, err, want)
		}
	}
	for _, s := range []string{"http://h:8000/v1", "https://api.fireworks.ai/inference/v1", "http://h/v1/models/x/predictions"} {
		if _, err := targets.ParseBaseURL(s); err != nil {
			t.Errorf("ParseBaseURL(%q): %v", s, err)
		}
	}
	if got := targets.RedactURL("http://u:pw@h/"); got != "http://u:xxxxx@h/" {
		t.Errorf("RedactURL = %q", got)
	}
	if targets.KeyString("") != `""` || targets.KeyString("k") != "REDACTED" {
		t.Error("KeyString shows a key or hides its absence")
	}
}

func TestNewHeader(t *testing.T) {
	extra := http.Header{"X-Extra": {"1"}, "Accept": {"*/*"}}
	h := targets.NewHeader(extra, "text/event-stream")
	if h.Get("X-Extra") != "1" || h.Get("Accept") != "text/event-stream" || h.Get("Content-Type") != "application/json" {
		t.Errorf("header %v", h)
	}
	if extra.Get("Accept") != "*/*" {
		t.Error("NewHeader changed its argument")
	}
	if h := targets.NewHeader(nil, "a"); h.Get("Accept") != "a" {
		t.Errorf("nil extra: %v", h)
	}
}

// TestNotStreaming: a 2xx answer of another content type is a protocol
// error naming the status, the type it had and the one it should have had.
func TestNotStreaming(t *testing.T) {
	resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/html"}}}
	err := targets.NotStreaming(resp, "text/event-stream")
	var pe *targets.ProtocolError
	if !errors.As(err, &pe) || pe.Msg != `HTTP 200 with Content-Type "text/html", not text/event-stream: the server did not stream the response` {
		t.Errorf("NotStreaming = %v", err)
	}
}

// TestPrintable: what a server wrote reaches terminals through errors, so
// control characters are made visible and line breaks folded; an error
// body carrying an escape sequence keeps none.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, ünïcode":           "plain text, ünïcode",
		"a\x1b]0;PWNED\x07b":            `a\x1b]0;PWNED\x07b`,
		"line 1\r\nline 2\tend":         "line 1  line 2 end",
		"del\x7f c1\u009b[31m nul\x00.": `del\x7f c1\x9b[31m nul\x00.`,
		// Bidirectional controls reorder what the terminal shows (an
		// "exe.txt" that reads "txt.exe"); they are written out too.
		"file\u202etxt.exe \u2066x\u2069 \u200f": `file\u202etxt.exe \u2066x\u2069 \u200f`,
	} {
		if got := targets.Printable(in); got != want {
			t.Errorf("Printable(%q) = %q; want %q", in, got, want)
		}
	}
	resp := &http.Response{StatusCode: 401, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("bad key \x1b[2J\x1b[31mred\n<html>"))}
	he := targets.ReadHTTPError(resp, targets.NewRedactor(""), func([]byte, *targets.HTTPError) bool { return false })
	if strings.ContainsAny(he.Error(), "\x1b\n") || !strings.Contains(he.Error(), `bad key \x1b[2J\x1b[31mred <html>`) {
		t.Errorf("HTTPError = %q; want the escape sequences shown, not sent", he.Error())
	}
}

// TestSnippet: the start of what a server sent, quoted in an error, is
// printable and valid UTF-8 whatever the bytes, and cut at 120 bytes.
func TestSnippet(t *testing.T) {
	for in, want := range map[string]string{
		"short":                        "short",
		"\xff\xfe{":                    "\uFFFD{", // a run of bad bytes is one U+FFFD
		"a\x1b[2Jb\x00\n":              `a\x1b[2Jb\x00 `,
		strings.Repeat("é", 70):        strings.Repeat("é", 60) + "…",
		strings.Repeat("x", 119) + "é": strings.Repeat("x", 119) + "\uFFFD…",
	} {
		if got := targets.Snippet(in); got != want {
			t.Errorf("Snippet(%q) = %q; want %q", in, got, want)
		}
	}
}
