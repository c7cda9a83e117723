package sse_test

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/targets/sse"
	"github.com/inferbench/inferbench/targets/targettest"
)

// ev is an Event copied out of the Reader's buffers, for comparison.
type ev struct {
	Type string
	Data *string // nil: no data line
	ID   *string
	Raw  string
}

func str(s string) *string { return &s }

func copyEvent(e sse.Event) ev {
	out := ev{Type: e.Type, Raw: string(e.Raw)}
	if e.Data != nil {
		out.Data = str(string(e.Data))
	}
	if e.ID != nil {
		out.ID = str(string(e.ID))
	}
	return out
}

// readAll reads every event of src; it fails the test on an error other
// than io.EOF.
func readAll(t *testing.T, src io.Reader) []ev {
	t.Helper()
	events, err := collect(sse.NewReader(src))
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return events
}

func collect(r *sse.Reader) ([]ev, error) {
	var events []ev
	for {
		e, err := r.Next()
		if err == io.EOF {
			return events, nil
		}
		if err != nil {
			return events, err
		}
		events = append(events, copyEvent(e))
	}
}

// readers returns src as read in several ways: whole, one byte at a time,
// half of each request, and in pieces of 3 bytes.
func readers(src string) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":   func() io.Reader { return strings.NewReader(src) },
		"onebyte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(src)) },
		"half":    func() io.Reader { return iotest.HalfReader(strings.NewReader(src)) },
		"pieces3": func() io.Reader { return &pieceReader{b: []byte(src), n: 3} },
	}
}

// pieceReader returns at most n bytes per Read, like a network read that
// stops at a packet boundary.
type pieceReader struct {
	b []byte
	n int
}

func (p *pieceReader) Read(b []byte) (int, error) {
	if len(p.b) == 0 {
		return 0, io.EOF
	}
	n := copy(b[:min(len(b), p.n)], p.b)
	p.b = p.b[n:]
	return n, nil
}

func TestReader(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []ev
	}{
		{"data with space", "data: {\"a\":1}\n\n", []ev{{Data: str(`{"a":1}`)}}},
		{"data without space (TGI)", "data:{\"a\":1}\n\n", []ev{{Data: str(`{"a":1}`)}}},
		{"only one space stripped", "data:  x\n\n", []ev{{Data: str(" x")}}},
		{"CRLF", "data: a\r\n\r\ndata: b\r\n\r\n", []ev{{Data: str("a")}, {Data: str("b")}}},
		{"bare CR", "data: a\r\rdata: b\r\r", []ev{{Data: str("a")}, {Data: str("b")}}},
		{"mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", []ev{{Data: str("a\nb\nc")}}},
		{"multi-line data", "data: line1\ndata: line2\ndata:\ndata: line4\n\n", []ev{{Data: str("line1\nline2\n\nline4")}}},
		{"comments skipped", ": OPENROUTER PROCESSING\n\n:\n\ndata: x\n: between\n\n", []ev{{Data: str("x")}}},
		{"event type", "event: error\ndata: {\"e\":1}\n\ndata: plain\n\n", []ev{{Type: "error", Data: str(`{"e":1}`)}, {Data: str("plain")}}},
		{"event type alone is not dispatched", "event: ping\n\ndata: x\n\n", []ev{{Data: str("x")}}},
		{"empty data line dispatches empty data", "data:\n\n", []ev{{Data: str("")}}},
		{"field without colon", "data\n\n", []ev{{Data: str("")}}},
		{"id and retry are fields", "id: 7\nretry: 100\ndata: x\n\n", []ev{{ID: str("7"), Data: str("x")}}},
		{"last event without blank line", "data: a\n\ndata: [DONE]", []ev{{Data: str("a")}, {Data: str("[DONE]")}}},
		{"last event ends with one newline", "data: a\n", []ev{{Data: str("a")}}},
		{"BOM skipped", "\xEF\xBB\xBFdata: a\n\n", []ev{{Data: str("a")}}},
		{"blank lines between events", "\n\n\ndata: a\n\n\n\ndata: b\n\n", []ev{{Data: str("a")}, {Data: str("b")}}},
		{"empty stream", "", nil},
		{"only comments", ": ping\n\n: ping\n\n", nil},
		{
			// Gemini appends a JSON error, not SSE-framed, after its events
			// (fixture gemini-alt-sse-midstream-503-raw-json-error).
			"raw lines kept",
			"data: {\"a\":1}\n\n{\n  \"error\": {\n    \"code\": 503\n  }\n}\n",
			[]ev{{Data: str(`{"a":1}`)}, {Raw: "{\n  \"error\": {\n    \"code\": 503\n  }\n}\n"}},
		},
		{
			"raw line beside data", "[... elided ...]\ndata: x\n\n",
			[]ev{{Data: str("x"), Raw: "[... elided ...]\n"}},
		},
		{"raw CRLF lines normalized", "oops\r\nmore\r\n\r\n", []ev{{Raw: "oops\nmore\n"}}},
		{"unknown field name is raw", "foo: bar\n\n", []ev{{Raw: "foo: bar\n"}}},
		{"field names are case-sensitive", "Data: x\n\n", []ev{{Raw: "Data: x\n"}}},
	}
	for _, tc := range cases {
		for rname, mk := range readers(tc.in) {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				got := readAll(t, mk())
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("events (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestReaderEventValidUntilNext checks the documented aliasing: an Event's
// Data is overwritten by the next call, which is why callers must copy. The
// stream comes a byte a read, so the window is refilled from its start and
// the second event's data lands where the first's was.
func TestReaderEventValidUntilNext(t *testing.T) {
	r := sse.NewReader(iotest.OneByteReader(strings.NewReader("data: aaaa\n\ndata: bbbb\n\n")))
	first, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	kept := first.Data
	if string(kept) != "aaaa" {
		t.Fatalf("first data %q", kept)
	}
	second, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	if string(second.Data) != "bbbb" || string(kept) != "bbbb" {
		t.Errorf("second %q, first's slice now %q: want both bbbb (buffer reused)", second.Data, kept)
	}
}

func TestReaderMaxEventSize(t *testing.T) {
	cases := []struct {
		name string
		in   string
		max  int
		ok   bool
	}{
		{"one line at the limit", "data: " + strings.Repeat("x", 100) + "\n\n", 100, true},
		{"one line over the limit", "data: " + strings.Repeat("x", 101) + "\n\n", 100, false},
		// 5 lines of 30 bytes join to 5*30+4 = 154 bytes.
		{"joined lines over the limit", strings.Repeat("data: "+strings.Repeat("y", 30)+"\n", 5) + "\n", 150, false},
		{"joined lines under the limit", strings.Repeat("data: "+strings.Repeat("y", 30)+"\n", 5) + "\n", 154, true},
		{"line without end over the limit", "data: " + strings.Repeat("z", 300), 100, false},
	}
	for _, tc := range cases {
		for rname, mk := range readers(tc.in) {
			t.Run(tc.name+"/"+rname, func(t *testing.T) {
				r := sse.NewReader(mk())
				r.SetMaxEventSize(tc.max)
				_, err := collect(r)
				if tc.ok && err != nil {
					t.Errorf("Next: %v, want no error", err)
				}
				if !tc.ok && !errors.Is(err, sse.ErrEventTooLarge) {
					t.Errorf("Next: %v, want ErrEventTooLarge", err)
				}
			})
		}
	}
}

// TestReaderLargeEvent reads a 5 MiB event (tool arguments, images) under
// the default limit, which needs the buffer to grow.
func TestReaderLargeEvent(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 5<<16)
	got := readAll(t, &pieceReader{b: []byte("data: " + big + "\n\ndata: after\n\n"), n: 64 << 10})
	if len(got) != 2 || got[0].Data == nil || *got[0].Data != big || *got[1].Data != "after" {
		t.Fatalf("got %d events; first data %d bytes", len(got), len(deref(got[0].Data)))
	}
}

// TestReaderKeepsADataLineAcrossRefills: an event's first data line stays
// in the window while the lines after it are read, in pieces of any size;
// where it and the lines after it fill the window's bound (long comments
// between it and the empty line, under a small maximum event size) it is
// copied out. Either way the events are the reference's.
func TestReaderKeepsADataLineAcrossRefills(t *testing.T) {
	long := strings.Repeat("c", 40)
	for _, in := range []string{
		"data: " + strings.Repeat("d", 30) + "\n:" + long + "\n:" + long + "\n:" + long + "\nevent: e\nid: 7\n\ndata: next\n\n",
		"data: " + strings.Repeat("d", 30) + "\n:" + long + "\ndata: " + strings.Repeat("e", 5) + "\n\n",
		"data: " + strings.Repeat("d", 40) + "\r\r:" + long + "\r\rdata: x\r\n\r\n",
		"data: a\nretry: 1\nfoo: raw\n:" + long + "\n\n",
	} {
		want := reference([]byte(in))
		for n := 1; n <= 9; n++ {
			r := sse.NewReader(&pieceReader{b: []byte(in), n: n})
			r.SetMaxEventSize(40)
			got, err := collect(r)
			if err != nil {
				t.Fatalf("%q in pieces of %d: %v", in, n, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%q in pieces of %d (-reference +Reader):\n%s", in, n, diff)
			}
		}
	}
}

// reads hands out one piece per Read.
type reads [][]byte

func (p *reads) Read(b []byte) (int, error) {
	if len(*p) == 0 {
		return 0, io.EOF
	}
	n := copy(b, (*p)[0])
	if (*p)[0] = (*p)[0][n:]; len((*p)[0]) == 0 {
		*p = (*p)[1:]
	}
	return n, nil
}

// TestReaderDoesNotCopyAnEventOfOneDataLine counts the bytes allocated to
// read an event of one data line of S bytes, S just under 1 MiB, whose
// empty line comes in a read of its own: the window doubles from 4 KiB to
// 1 MiB, buffers that sum to 2 MiB less 4 KiB, about 2S; joining the data
// into a buffer of its own, as the Reader did, adds S, 3S in all. The bound
// is 2.5S.
func TestReaderDoesNotCopyAnEventOfOneDataLine(t *testing.T) {
	const size = 1<<20 - 64
	src := &reads{[]byte("data: " + strings.Repeat("x", size) + "\n"), []byte("\n")}
	r := sse.NewReader(nil)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r.Reset(src)
	e, err := r.Next()
	runtime.ReadMemStats(&after)
	if err != nil || len(e.Data) != size || e.Data[0] != 'x' || e.Data[size-1] != 'x' {
		t.Fatalf("Next: %d bytes, %v", len(e.Data), err)
	}
	t.Logf("allocated %.2f times the event", float64(after.TotalAlloc-before.TotalAlloc)/size)
	if got := after.TotalAlloc - before.TotalAlloc; got > size*5/2 {
		t.Errorf("reading an event of %d bytes allocated %d bytes (%.2f times the event), want at most 2.5 times", size, got, float64(got)/size)
	}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// TestReaderTransportError: an error of the underlying reader mid-event is
// returned as is, and the cut event is not dispatched.
func TestReaderTransportError(t *testing.T) {
	src := io.MultiReader(strings.NewReader("data: a\n\ndata: {\"cut"), iotest.ErrReader(io.ErrUnexpectedEOF))
	r := sse.NewReader(src)
	e, err := r.Next()
	if err != nil || string(e.Data) != "a" {
		t.Fatalf("first event %q, %v", e.Data, err)
	}
	e, err = r.Next()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("second Next: %q, %v; want io.ErrUnexpectedEOF", e.Data, err)
	}
}

func TestReaderResetAndComments(t *testing.T) {
	r := sse.NewReader(strings.NewReader(": a\n: b\ndata: x\n\ndata: unfinished"))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if r.Comments() != 2 {
		t.Errorf("Comments() = %d, want 2", r.Comments())
	}
	// Reset drops the unread rest and any partial state.
	r.Reset(strings.NewReader("data: y\n\n"))
	got, err := collect(r)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]ev{{Data: str("y")}}, got); diff != "" || r.Comments() != 0 {
		t.Errorf("after Reset (-want +got):\n%s comments %d", diff, r.Comments())
	}
}

// TestReaderIgnoresBlankLines: lines of spaces and tabs (not empty lines)
// are fields of no name, ignored, and not kept raw: a server sending them
// without end filled the event to its limit ("event too large") where one
// sending comments ran to its timeout; an event after them reads as sent.
func TestReaderIgnoresBlankLines(t *testing.T) {
	in := strings.Repeat("   \n\t\n", 1000) + "data: x\n\n"
	for rname, mk := range readers(in) {
		r := sse.NewReader(mk())
		r.SetMaxEventSize(100)
		got, err := collect(r)
		if err != nil {
			t.Fatalf("%s: %v; want the blank lines ignored", rname, err)
		}
		if diff := cmp.Diff([]ev{{Data: str("x")}}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", rname, diff)
		}
	}
}

// TestReaderCRAtReadBoundary: a CRLF split across two reads is one line end,
// not a line end followed by an empty line (which would dispatch early).
func TestReaderCRAtReadBoundary(t *testing.T) {
	r := sse.NewReader(io.MultiReader(strings.NewReader("data: a\r"), strings.NewReader("\ndata: b\r\n\r\n")))
	got, err := collect(r)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]ev{{Data: str("a\nb")}}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestReaderFixtures reads recorded bodies and checks event counts counted
// by hand from each file.
func TestReaderFixtures(t *testing.T) {
	cases := []struct {
		file      string
		events    int
		rawEvents int
		firstData string
	}{
		// 20 "data:{…}" events, no space after the colon, no [DONE].
		{"testdata/tgi-generate_stream-20-tokens-no-details.txt", 20, 0, `{"index":1,`},
		// 2 data events, then the raw pretty-printed error object (7 lines).
		{"testdata/gemini-alt-sse-midstream-503-raw-json-error.txt", 3, 1, `{"candidates": [{"content": {"parts": [{"text": "Okay"}]`},
		// 16 data events and data: [DONE].
		{"../openai/testdata/openai-chat-stream-include-usage.txt", 17, 0, `{"id":"chatcmpl-C6bjxzOr3Oz1rTiafksd6himIit3q"`},
	}
	for _, tc := range cases {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			body, err := targettest.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			for rname, mk := range readers(string(body)) {
				got := readAll(t, mk())
				raw := 0
				for _, e := range got {
					if e.Data == nil {
						raw++
					}
				}
				if len(got) != tc.events || raw != tc.rawEvents || !strings.HasPrefix(deref(got[0].Data), tc.firstData) {
					t.Errorf("%s: %d events (%d raw), first %.60q; want %d (%d raw), first %q",
						rname, len(got), raw, deref(got[0].Data), tc.events, tc.rawEvents, tc.firstData)
				}
			}
		})
	}
}

// reference splits an SSE stream the simplest way, with the same rules as
// Reader: it is the oracle for FuzzReader.
func reference(in []byte) []ev {
	s := string(bytes.TrimPrefix(in, []byte("\xEF\xBB\xBF")))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the text ended with a line end
	}
	var (
		out            []ev
		typ, raw       string
		data, id       []string
		hasData, hasID bool
	)
	dispatch := func() {
		if hasData || raw != "" {
			e := ev{Type: typ, Raw: raw}
			if hasData {
				e.Data = str(strings.Join(data, "\n"))
			}
			if hasID {
				e.ID = str(id[len(id)-1])
			}
			out = append(out, e)
		}
		typ, raw, data, id, hasData, hasID = "", "", nil, nil, false, false
	}
	for _, l := range lines {
		if l == "" {
			dispatch()
			continue
		}
		if l[0] == ':' {
			continue
		}
		name, value, _ := strings.Cut(l, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "data":
			data = append(data, value)
			hasData = true
		case "event":
			typ = value
		case "id":
			if !strings.Contains(value, "\x00") {
				id = append(id, value)
				hasID = true
			}
		case "retry":
		default:
			if strings.Trim(l, " \t") != "" { // a line of blanks alone says nothing
				raw += l + "\n"
			}
		}
	}
	dispatch()
	return out
}

// FuzzReader checks Reader against reference on any input, read in pieces
// whose sizes come from the fuzzer.
func FuzzReader(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.txt")
	more, _ := filepath.Glob("../openai/testdata/*.txt")
	for _, p := range append(seeds, more...) {
		b, err := targettest.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(7))
		f.Add(bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), uint8(1))
		f.Add(bytes.ReplaceAll(b, []byte("\n"), []byte("\r")), uint8(13))
	}
	f.Add([]byte("data: a\r"), uint8(8))
	f.Add([]byte(":c\nevent: e\nid: 1\nretry: x\ndata\n\n"), uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, piece uint8) {
		want := reference(in)
		n := int(piece%64) + 1
		got, err := collect(sse.NewReader(&pieceReader{b: in, n: n}))
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pieces of %d: (-reference +Reader):\n%s", n, diff)
		}
	})
}

// BenchmarkReader reads a stream of 1,000 OpenAI-shaped events of ~250 bytes
// each, as a network read would deliver them (4 KiB at a time).
func BenchmarkReader(b *testing.B) {
	event := `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1755691077,"model":"m","choices":[{"index":0,"delta":{"content":" token"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n"
	const n = 1000
	body := []byte(strings.Repeat(event, n))
	r := sse.NewReader(nil)
	src := &pieceReader{}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	events := 0
	for b.Loop() {
		src.b, src.n = body, 4<<10
		r.Reset(src)
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// FuzzReaderSmallMax is FuzzReader under a maximum event size of 1 to 64
// bytes, where an event's data line and the lines after it fill the
// window's bound and the line is copied out of the window (fill): a stream
// read without an error gives the reference's events.
func FuzzReaderSmallMax(f *testing.F) {
	f.Add([]byte("data: 0123456789\n:0123456789012345\n:0123456789\nevent: e\n\ndata: x\n\n"), uint8(3), uint8(16))
	f.Add([]byte("data: ab\r\rdata: cd\r\n:0123456789\r\n\r\n"), uint8(1), uint8(8))
	f.Fuzz(func(t *testing.T, in []byte, piece, max uint8) {
		n := int(piece%64) + 1
		r := sse.NewReader(&pieceReader{b: in, n: n})
		r.SetMaxEventSize(int(max%64) + 1)
		got, err := collect(r)
		if err != nil {
			if !errors.Is(err, sse.ErrEventTooLarge) {
				t.Fatalf("Next: %v", err)
			}
			return
		}
		if diff := cmp.Diff(reference(in), got); diff != "" {
			t.Errorf("pieces of %d, max %d: (-reference +Reader):\n%s", n, int(max%64)+1, diff)
		}
	})
}
