package ndjson_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/inferbench/inferbench/targets/ndjson"
)

// readAll returns the lines of src, or the error that stopped the reader.
func readAll(t testing.TB, r *ndjson.Reader) ([]string, error) {
	t.Helper()
	var lines []string
	for {
		l, err := r.Next()
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
		lines = append(lines, string(l))
	}
}

func TestReader(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"one", `{"a":1}` + "\n", []string{`{"a":1}`}},
		{"no final newline", "{\"a\":1}\n{\"b\":2}", []string{`{"a":1}`, `{"b":2}`}},
		{"crlf", "{\"a\":1}\r\n{\"b\":2}\r\n", []string{`{"a":1}`, `{"b":2}`}},
		{"blank lines and spaces", "\n\n  {\"a\":1} \t\n \r\n\n{}\n", []string{`{"a":1}`, `{}`}},
		// Ollama's midstream error line (ollama-generate-stream-midstream-error-docs).
		{"error line", "{\"response\":\"can\",\"done\":false}\n{\"error\":\"an error was encountered while running the model\"}\n",
			[]string{`{"response":"can","done":false}`, `{"error":"an error was encountered while running the model"}`}},
		{"only whitespace", " \r\n\t\n", nil},
	}
	for _, tc := range cases {
		for name, wrap := range map[string]func(io.Reader) io.Reader{
			"whole": func(r io.Reader) io.Reader { return r },
			"byte":  iotest.OneByteReader,
			"half":  iotest.HalfReader,
		} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				got, err := readAll(t, ndjson.NewReader(wrap(strings.NewReader(tc.in))))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("lines (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestLineTooLarge(t *testing.T) {
	for _, in := range []string{
		"{\"a\":\"0123456789\"}\n",
		"{\"a\":\"0123456789\"}", // no line end
		"{}\n" + strings.Repeat(" ", 100) + "\n",
	} {
		r := ndjson.NewReader(iotest.OneByteReader(strings.NewReader(in)))
		r.SetMaxLineSize(16)
		_, err := readAll(t, r)
		if !errors.Is(err, ndjson.ErrLineTooLarge) {
			t.Errorf("%q: err = %v, want ErrLineTooLarge", in, err)
		}
	}
	// A line of exactly the maximum size passes, with or without a "\n".
	for _, in := range []string{"0123456789abcdef\n", "0123456789abcdef"} {
		r := ndjson.NewReader(iotest.OneByteReader(strings.NewReader(in)))
		r.SetMaxLineSize(16)
		got, err := readAll(t, r)
		if err != nil || len(got) != 1 {
			t.Errorf("%q: %q, %v; want the line", in, got, err)
		}
	}
}

// TestReaderError: an error of the source is returned as is, once the
// complete lines before it are read; the cut line is dropped.
func TestReaderError(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(strings.NewReader("{\"a\":1}\n{\"cut"), iotest.ErrReader(boom))
	got, err := readAll(t, ndjson.NewReader(src))
	if !errors.Is(err, boom) || len(got) != 1 {
		t.Errorf("lines %q, err %v; want one line then boom", got, err)
	}
}

func TestReset(t *testing.T) {
	r := ndjson.NewReader(strings.NewReader("{\"a\":1}\n{\"half"))
	if l, err := r.Next(); err != nil || string(l) != `{"a":1}` {
		t.Fatalf("Next = %q, %v", l, err)
	}
	r.Reset(strings.NewReader("{\"b\":2}\n"))
	got, err := readAll(t, r)
	if err != nil || !cmp.Equal(got, []string{`{"b":2}`}) {
		t.Errorf("after Reset: %q, %v", got, err)
	}
}

// reference splits the NDJSON text the simple way.
func reference(in []byte) []string {
	var out []string
	for _, l := range bytes.Split(in, []byte("\n")) {
		if l = bytes.Trim(l, " \t\r"); len(l) > 0 {
			out = append(out, string(l))
		}
	}
	return out
}

// chunked reads src in pieces whose sizes come from sizes, cyclically.
type chunked struct {
	src   []byte
	sizes []byte
	i     int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.src) == 0 {
		return 0, io.EOF
	}
	n := 1
	if len(c.sizes) > 0 {
		n = int(c.sizes[c.i%len(c.sizes)])%17 + 1
		c.i++
	}
	n = min(n, len(p), len(c.src))
	copy(p, c.src[:n])
	c.src = c.src[n:]
	return n, nil
}

// FuzzReader compares the Reader, fed in random pieces, with a plain split.
func FuzzReader(f *testing.F) {
	f.Add([]byte("{\"response\":\"Okay\",\"done\":false}\n{\"response\":\"\",\"done\":true,\"eval_count\":22}\n"), []byte{3, 9})
	f.Add([]byte("{\"error\":\"x\"}\r\n\r\n  \n{}"), []byte{1})
	f.Add([]byte("\r\r\n\n\t"), []byte{})
	f.Fuzz(func(t *testing.T, in, sizes []byte) {
		r := ndjson.NewReader(&chunked{src: in, sizes: sizes})
		got, err := readAll(t, r)
		if err != nil {
			t.Fatalf("err %v", err)
		}
		if diff := cmp.Diff(reference(in), got); diff != "" {
			t.Errorf("lines (-reference +reader):\n%s", diff)
		}
		// With a small limit, the reader fails exactly when a line is too long.
		const limit = 8
		tooLong := false
		for _, l := range bytes.Split(in, []byte("\n")) {
			tooLong = tooLong || len(l) > limit
		}
		r = ndjson.NewReader(&chunked{src: in, sizes: sizes})
		r.SetMaxLineSize(limit)
		_, err = readAll(t, r)
		if got := errors.Is(err, ndjson.ErrLineTooLarge); got != tooLong || (err != nil && !got) {
			t.Errorf("limit %d: err %v, want ErrLineTooLarge: %t", limit, err, tooLong)
		}
	})
}

// BenchmarkReader reads an Ollama-shaped stream of 1,000 lines.
func BenchmarkReader(b *testing.B) {
	var in bytes.Buffer
	for range 1000 {
		in.WriteString(`{"model":"gemma3:1b","created_at":"2025-08-20T13:48:22.164615Z","response":"Okay","done":false}` + "\n")
	}
	r := ndjson.NewReader(nil)
	src := bytes.NewReader(nil)
	b.SetBytes(int64(in.Len()))
	b.ReportAllocs()
	for b.Loop() {
		src.Reset(in.Bytes())
		r.Reset(src)
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	}
}
