package bedrock_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"

	"github.com/inferbench/inferbench/targets/targettest"
)

var update = flag.Bool("update", false, "rewrite testdata/ from the shared fixtures")

// testdataSources lists, for each testdata file, the fixture it comes from
// and how it was extracted. Event streams are binary, so their testdata is
// base64 text (76 characters a line), decoded by the tests.
var testdataSources = []targettest.Source{
	{Name: "bedrock-converse-stream-raw-eventstream-base64", Note: "the VCR cassette's !!binary response body, as its base64 lines", Extract: cassetteBinaryBody},
	{Name: "bedrock-converse-stream-decoded", Note: "the decoded frames re-encoded with the SDK's event-stream encoder, base64", Extract: reencodeDecodedView},
	{Name: "bedrock-converse-stream-empty-text-delta-reasoning-decoded", Note: "the decoded frames re-encoded with the SDK's event-stream encoder, base64", Extract: reencodeDecodedView},
	{Name: "bedrock-converse-stream-error-400", Note: "VCR cassette parsed_body, re-serialized as JSON"},
	{Name: "bedrock-invoke-error-403-access-denied", Note: "the httprr trace's HTTP response, status line, headers and body", Extract: httprrResponse},
}

// cassetteBinaryBody returns the base64 lines of a VCR cassette's
// `string: !!binary |` response body, joined by newlines.
func cassetteBinaryBody(b []byte) ([]byte, error) {
	sc := bufio.NewScanner(bytes.NewReader(targettest.StripComments(b)))
	var out bytes.Buffer
	in := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(strings.TrimSpace(line), "string: !!binary |") {
			in = true
			continue
		}
		if !in {
			continue
		}
		t := strings.TrimSpace(line)
		if t == "" || strings.Contains(t, ":") {
			break
		}
		out.WriteString(t)
		out.WriteByte('\n')
	}
	if out.Len() == 0 {
		return nil, errors.New("no !!binary response body")
	}
	if _, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(out.String(), "\n", "")); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// reencodeDecodedView rebuilds the wire bytes of a decoded view
// ("[frame total_len=… headers_len=…] :name=value …" then "  payload: …")
// with the SDK's encoder: the headers as string values in the order shown,
// then the payload. The lengths the view records are checked against what
// is encoded, so a frame cannot come out different from the one recorded.
func reencodeDecodedView(b []byte) ([]byte, error) {
	enc := eventstream.NewEncoder()
	var wire bytes.Buffer
	lines := strings.Split(string(targettest.StripComments(b)), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "[frame ") {
			continue
		}
		var total, hlen int
		head, rest, ok := strings.Cut(line, "] ")
		if !ok {
			return nil, fmt.Errorf("line %d: no headers", i+1)
		}
		if _, err := fmt.Sscanf(head, "[frame total_len=%d headers_len=%d", &total, &hlen); err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		var msg eventstream.Message
		for _, h := range strings.Fields(rest) {
			name, value, ok := strings.Cut(h, "=")
			if !ok {
				return nil, fmt.Errorf("line %d: header %q", i+1, h)
			}
			msg.Headers = append(msg.Headers, eventstream.Header{Name: name, Value: eventstream.StringValue(value)})
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "  payload: ") {
			return nil, fmt.Errorf("line %d: no payload line", i+2)
		}
		i++
		msg.Payload = []byte(strings.TrimPrefix(lines[i], "  payload: "))
		before := wire.Len()
		if err := enc.Encode(&wire, msg); err != nil {
			return nil, err
		}
		if got := wire.Len() - before; got != total {
			return nil, fmt.Errorf("line %d: frame encodes to %d bytes, the view says %d", i, got, total)
		}
	}
	return base64Lines(wire.Bytes()), nil
}

// httprrResponse returns the response of an httprr trace as raw HTTP.
func httprrResponse(b []byte) ([]byte, error) {
	b = targettest.StripComments(b)
	b, ok := bytes.CutPrefix(b, []byte("httprr trace v1\n"))
	if !ok {
		return nil, errors.New("not an httprr trace")
	}
	nl := bytes.IndexByte(b, '\n')
	var reqLen, respLen int
	if _, err := fmt.Sscanf(string(b[:nl]), "%d %d", &reqLen, &respLen); err != nil {
		return nil, err
	}
	b = b[nl+1:]
	return append(bytes.Clone(b[reqLen:reqLen+respLen]), '\n'), nil
}

// base64Lines encodes b in base64, 76 characters a line.
func base64Lines(b []byte) []byte {
	s := base64.StdEncoding.EncodeToString(b)
	var out bytes.Buffer
	for len(s) > 76 {
		out.WriteString(s[:76])
		out.WriteByte('\n')
		s = s[76:]
	}
	out.WriteString(s)
	out.WriteByte('\n')
	return out.Bytes()
}

// eventStream returns the binary stream a base64 testdata file holds.
func eventStream(t testing.TB, name string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(targettest.Testdata(t, name)), "\n", ""))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

// TestTestdataMatchesFixtures checks that each testdata file is what its
// fixture holds, and rewrites them with -update.
func TestTestdataMatchesFixtures(t *testing.T) {
	targettest.SyncTestdata(t, *update, testdataSources)
}

// TestDecodedViewReencodesToTheWire: the decoded view of the recorded
// stream, re-encoded, is byte for byte the recorded wire bytes. This is
// what makes the other decoded view (recorded only as a view) a faithful
// wire fixture.
func TestDecodedViewReencodesToTheWire(t *testing.T) {
	raw := eventStream(t, "bedrock-converse-stream-raw-eventstream-base64")
	re := eventStream(t, "bedrock-converse-stream-decoded")
	if !bytes.Equal(raw, re) {
		t.Fatalf("re-encoded view (%d bytes) differs from the recorded stream (%d bytes)", len(re), len(raw))
	}
}
