// Package targettest helps test target adapters against recorded traffic: it
// extracts HTTP responses from the project's recorded transcripts
// (docs/notes/protocols.md §12: raw HTTP, httprr traces, VCR cassettes,
// text dumps of cassettes, curl output, bare bodies) and replays a response
// over a real httptest.Server, writing its body in pieces with a flush after
// each, as a streaming server does.
package targettest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// A Response is a recorded HTTP response.
type Response struct {
	// Status is the HTTP status code; 0 when the recording held only a body.
	Status int
	// Header holds the recorded response headers (never nil).
	Header http.Header
	// Body is the response body, with any chunked transfer encoding removed.
	Body []byte
	// Pieces is Body cut where the recording shows the server cut it (the
	// chunks of a chunked encoding); nil when the recording does not say.
	Pieces [][]byte
}

// StripComments returns b without its leading lines that start with '#':
// the header every fixture and testdata file carries to name its source.
func StripComments(b []byte) []byte {
	for bytes.HasPrefix(b, []byte("#")) {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return b[len(b):]
		}
		b = b[i+1:]
	}
	return b
}

// ReadFile reads a fixture or testdata file and returns its content without
// the leading '#' comment lines.
func ReadFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return StripComments(b), nil
}

// Extract finds the HTTP response in a recorded transcript. It recognises,
// after the leading '#' comment lines:
//
//   - an httprr trace ("httprr trace v1", then request and response lengths
//     in bytes, then the request and the response, as
//     golang.org/x/oscar's httprr writes them);
//   - a raw HTTP response ("HTTP/1.1 200 OK", headers, body), chunked or not,
//     as `curl -i --raw` prints it;
//   - a VCR YAML cassette ("interactions:"), first interaction; a body kept
//     as parsed_body is re-serialized as JSON;
//   - a text dump of a cassette ("=== interaction", "<<< HTTP 400 …",
//     "<<< name: value" headers, "<<< [body bytes follow verbatim]");
//   - curl output of an SSE stream: the command line, then the events; the
//     body starts at the first line that begins with "data:" or "event:";
//   - anything else is a bare body with Status 0.
//
// A body that starts like an event stream gets Status 200 and Content-Type
// text/event-stream when the recording held no status.
func Extract(fixture []byte) (*Response, error) {
	b := StripComments(fixture)
	var (
		resp *Response
		err  error
	)
	switch {
	case bytes.HasPrefix(b, []byte("httprr trace v1\n")):
		resp, err = extractHTTPRR(b)
	case bytes.HasPrefix(b, []byte("HTTP/")):
		resp, err = ParseHTTP(b)
	case bytes.HasPrefix(b, []byte("interactions:")):
		resp, err = extractVCR(b)
	case bytes.HasPrefix(b, []byte("=== interaction")):
		resp, err = extractDump(b)
	default:
		resp = &Response{Header: http.Header{}, Body: sseStart(b)}
	}
	if err != nil {
		return nil, err
	}
	if resp.Status == 0 && looksLikeSSE(resp.Body) {
		resp.Status = http.StatusOK
		resp.Header.Set("Content-Type", "text/event-stream")
	}
	return resp, nil
}

// sseStart returns b from its first line that starts an SSE event, skipping
// a curl command line before it; b itself when no line does, or when the
// first line already does.
func sseStart(b []byte) []byte {
	for off := 0; off < len(b); {
		line := b[off:]
		if bytes.HasPrefix(line, []byte("data:")) || bytes.HasPrefix(line, []byte("event:")) {
			return b[off:]
		}
		i := bytes.IndexByte(line, '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	return b
}

func looksLikeSSE(b []byte) bool {
	return bytes.HasPrefix(b, []byte("data:")) || bytes.HasPrefix(b, []byte("event:")) || bytes.HasPrefix(b, []byte(":"))
}

// extractHTTPRR reads an httprr trace: "httprr trace v1\n", then
// "<request bytes> <response bytes>\n", the request, the response.
func extractHTTPRR(b []byte) (*Response, error) {
	b = b[len("httprr trace v1\n"):]
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return nil, errors.New("httprr: no length line")
	}
	var reqLen, respLen int
	if _, err := fmt.Sscanf(string(b[:nl]), "%d %d", &reqLen, &respLen); err != nil {
		return nil, fmt.Errorf("httprr: bad length line %q: %w", b[:nl], err)
	}
	b = b[nl+1:]
	if reqLen < 0 || respLen < 0 || reqLen+respLen > len(b) {
		return nil, fmt.Errorf("httprr: lengths %d+%d exceed the %d bytes recorded", reqLen, respLen, len(b))
	}
	return ParseHTTP(b[reqLen : reqLen+respLen])
}

// ParseHTTP parses a raw HTTP/1.x or HTTP/2.0-as-text response: status line,
// headers, empty line, body. A chunked body is decoded and its chunks kept in
// Pieces; otherwise Content-Length, when present and not larger than what
// was recorded, bounds the body.
func ParseHTTP(b []byte) (*Response, error) {
	br := bufio.NewReader(bytes.NewReader(b))
	tp := textproto.NewReader(br)
	status, err := tp.ReadLine()
	if err != nil {
		return nil, fmt.Errorf("http: status line: %w", err)
	}
	_, rest, ok := strings.Cut(status, " ")
	if !ok || len(rest) < 3 {
		return nil, fmt.Errorf("http: bad status line %q", status)
	}
	code, err := strconv.Atoi(rest[:3])
	if err != nil {
		return nil, fmt.Errorf("http: bad status line %q", status)
	}
	mh, err := tp.ReadMIMEHeader()
	if err != nil {
		return nil, fmt.Errorf("http: headers: %w", err)
	}
	body, err := io.ReadAll(br)
	if err != nil {
		return nil, err
	}
	resp := &Response{Status: code, Header: http.Header(mh), Body: body}
	if strings.EqualFold(resp.Header.Get("Transfer-Encoding"), "chunked") {
		resp.Pieces, err = Dechunk(body)
		if err != nil {
			return nil, err
		}
		resp.Body = bytes.Join(resp.Pieces, nil)
		resp.Header.Del("Transfer-Encoding")
		return resp, nil
	}
	if cl := resp.Header.Get("Content-Length"); cl != "" {
		if n, err := strconv.Atoi(cl); err == nil && n >= 0 && n <= len(body) {
			resp.Body = body[:n]
		}
	}
	return resp, nil
}

// Dechunk decodes an HTTP/1.1 chunked body and returns its chunks, in order,
// without the final zero-length chunk. It accepts CRLF or LF after the size
// line and after each chunk's data.
func Dechunk(b []byte) ([][]byte, error) {
	var pieces [][]byte
	for {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			return nil, errors.New("chunked: size line without a line end")
		}
		sizeLine := strings.TrimSpace(string(b[:nl]))
		sizeLine, _, _ = strings.Cut(sizeLine, ";") // chunk extensions
		size, err := strconv.ParseUint(strings.TrimSpace(sizeLine), 16, 31)
		if err != nil {
			return nil, fmt.Errorf("chunked: bad size line %q", b[:nl])
		}
		b = b[nl+1:]
		if size == 0 {
			return pieces, nil
		}
		if int(size) > len(b) {
			return nil, fmt.Errorf("chunked: chunk of %d bytes, %d left", size, len(b))
		}
		pieces = append(pieces, b[:size])
		b = b[size:]
		switch {
		case bytes.HasPrefix(b, []byte("\r\n")):
			b = b[2:]
		case bytes.HasPrefix(b, []byte("\n")):
			b = b[1:]
		default:
			return nil, errors.New("chunked: chunk data not followed by a line end")
		}
	}
}

// extractVCR reads the first interaction's response of a VCR YAML cassette
// (vcrpy / pytest-recording format).
func extractVCR(b []byte) (*Response, error) {
	var c struct {
		Interactions []struct {
			Response struct {
				Body struct {
					String string `yaml:"string"`
				} `yaml:"body"`
				ParsedBody any                 `yaml:"parsed_body"`
				Headers    map[string][]string `yaml:"headers"`
				Status     struct {
					Code int `yaml:"code"`
				} `yaml:"status"`
			} `yaml:"response"`
		} `yaml:"interactions"`
	}
	if err := yaml.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("vcr: %w", err)
	}
	if len(c.Interactions) == 0 {
		return nil, errors.New("vcr: no interactions")
	}
	r := c.Interactions[0].Response
	h := http.Header{}
	for k, vs := range r.Headers {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	h.Del("Transfer-Encoding")
	h.Del("Content-Length")
	body := []byte(r.Body.String)
	if len(body) == 0 && r.ParsedBody != nil {
		// pydantic-ai's cassettes keep a JSON body parsed, as YAML; the
		// bytes are re-serialized, so whitespace differs from the wire.
		var err error
		if body, err = json.Marshal(r.ParsedBody); err != nil {
			return nil, fmt.Errorf("vcr: parsed_body: %w", err)
		}
	}
	return &Response{Status: r.Status.Code, Header: h, Body: body}, nil
}

// extractDump reads a text dump of a cassette: "<<< HTTP 400 Bad Request",
// "<<< name: value" header lines, "<<< [body bytes follow verbatim]", then
// the body up to a "[note:" or "=== end interaction ===" line.
func extractDump(b []byte) (*Response, error) {
	resp := &Response{Header: http.Header{}}
	lines := strings.SplitAfter(string(b), "\n")
	for i, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		switch {
		case strings.HasPrefix(t, "<<< HTTP "):
			f := strings.Fields(t)
			if len(f) < 3 {
				return nil, fmt.Errorf("dump: bad status line %q", t)
			}
			code, err := strconv.Atoi(f[2])
			if err != nil {
				return nil, fmt.Errorf("dump: bad status line %q", t)
			}
			resp.Status = code
		case strings.HasPrefix(t, "<<< [body"):
			var body strings.Builder
			for _, bl := range lines[i+1:] {
				if strings.HasPrefix(bl, "[note:") || strings.HasPrefix(bl, "=== end interaction") {
					break
				}
				body.WriteString(bl)
			}
			resp.Body = []byte(body.String())
			resp.Header.Del("Content-Length")
			return resp, nil
		case strings.HasPrefix(t, "<<< "):
			if k, v, ok := strings.Cut(t[4:], ":"); ok {
				resp.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
	}
	return nil, errors.New("dump: no response body marker")
}

// Testdata returns the package's recorded stream testdata/name.txt without
// its comment lines, failing the test when it cannot be read.
func Testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := ReadFile(filepath.Join("testdata", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
