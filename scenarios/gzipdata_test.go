package scenarios

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gzipped is data compressed by compress/gzip.
func gzipped(t *testing.T, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(data)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGzipDataFiles: a gzip-compressed data file (a dataset, a trace)
// reads as the same file uncompressed, whatever its name: the gzip is
// known by its first two bytes (RFC 1952 §2.3.1), as a tokenizer.json's
// is. Before, `--dataset jsonl:ds/good.jsonl.gz` said "line 1: not UTF-8
// text (byte 0x8b at column 2): save the file as UTF-8".
func TestGzipDataFiles(t *testing.T) {
	dir := t.TempDir()
	jsonl := "{\"prompt\": \"hello there\", \"output_tokens\": 12}\n{\"prompt\": \"caf\u00e9\"}\n"
	sharegpt := `[{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello, how are you"}]}]`
	trace := "{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 5}\n{\"timestamp\": 250, \"input_length\": 20, \"output_length\": 7}\n"
	for _, c := range []struct {
		name, data string
		format     DatasetFormat
	}{
		{"d.jsonl.gz", jsonl, FormatJSONL},
		{"d.jsonl", jsonl, FormatJSONL}, // the name does not decide
		{"d.sharegpt.json.gz", sharegpt, FormatShareGPT},
	} {
		plain, gz := filepath.Join(dir, "plain-"+c.name), filepath.Join(dir, c.name)
		if err := os.WriteFile(plain, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(gz, gzipped(t, c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		want, err := ReadPromptsFile(plain, c.format)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ReadPromptsFile(gz, c.format)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !cmp.Equal(got, want, cmp.AllowUnexported(Prompts{})) {
			t.Errorf("%s gzipped: %+v; plain: %+v", c.name, got, want)
		}
	}
	tr := filepath.Join(dir, "t.jsonl.gz")
	if err := os.WriteFile(tr, gzipped(t, trace), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := ReadTrace(strings.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ReadTraceFile(tr); err != nil || !cmp.Equal(got, want) {
		t.Errorf("trace gzipped: %v, %v; plain %v", got, err, want)
	}
}

// TestGzipDataFileBounds: what a gzip decompresses to is bounded, as a
// tokenizer.json's is: past a floor, to a hundred times the compressed
// bytes (a small file of zeros or of one line repeated expands a
// thousandfold; text of any kind, far less); a gzip cut short, and a file
// compressed some other way, are said to be that, in a line that names the
// file.
func TestGzipDataFileBounds(t *testing.T) {
	dir := t.TempDir()
	defer func(f, r int64) { gunzipFloor, gunzipRatio = f, r }(gunzipFloor, gunzipRatio)
	gunzipFloor, gunzipRatio = 1<<20, 100
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	line := "{\"prompt\": \"" + strings.Repeat("a", 100) + "\"}\n"
	n := (1 << 20) / len(line)
	// Under the floor, whatever the ratio (a thousandfold here).
	if p, err := ReadPromptsFile(write("floor.jsonl.gz", gzipped(t, strings.Repeat(line, n))), FormatJSONL); err != nil || p.Len() != n {
		t.Errorf("under the floor: %v", err)
	}
	// Past the floor, text that compresses as text does.
	rng := rand.New(rand.NewPCG(1, 2))
	var text strings.Builder
	for text.Len() < 3<<20 {
		w := make([]byte, 1+rng.IntN(9))
		for i := range w {
			w[i] = byte('a' + rng.IntN(26))
		}
		fmt.Fprintf(&text, "{\"prompt\": \"%s %d\"}\n", w, rng.IntN(1000))
	}
	if _, err := ReadPromptsFile(write("text.jsonl.gz", gzipped(t, text.String())), FormatJSONL); err != nil {
		t.Errorf("3 MiB of text: %v", err)
	}
	over := write("over.jsonl.gz", gzipped(t, strings.Repeat(line, 3*n)))
	_, err := ReadPromptsFile(over, FormatJSONL)
	if prefix, suffix := over+": gzip data that decompresses to more than 100 times its size (", "): refused (a gzip bomb?); to read it, decompress it first (gunzip -k "+over+")"; err == nil ||
		!strings.HasPrefix(err.Error(), prefix) || !strings.HasSuffix(err.Error(), suffix) {
		t.Errorf("3 MiB of one line: %v; want %s…%s", err, prefix, suffix)
	}
	full := gzipped(t, line+line)
	for _, c := range []struct{ path, want string }{
		{write("cut.jsonl.gz", full[:len(full)-6]), filepath.Join(dir, "cut.jsonl.gz") + ": gzip data cut short (unexpected EOF): the file is incomplete"},
		{write("z.jsonl.zst", []byte("\x28\xb5\x2f\xfd\x00\x58\x01\x00")), filepath.Join(dir, "z.jsonl.zst") + ": the file is zstd-compressed: decompress it first (zstd -d)"},
		{write("x.jsonl.xz", []byte("\xfd7zXZ\x00\x00\x04")), filepath.Join(dir, "x.jsonl.xz") + ": the file is xz-compressed: decompress it first (xz -dk)"},
		{write("b.jsonl.bz2", []byte("BZh91AY&SY")), filepath.Join(dir, "b.jsonl.bz2") + ": the file is bzip2-compressed: decompress it first (bunzip2 -k)"},
		{write("d.zip", []byte("PK\x03\x04\x14\x00")), filepath.Join(dir, "d.zip") + ": the file is a zip archive: extract the file from it first (unzip)"},
	} {
		_, err := ReadPromptsFile(c.path, FormatJSONL)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", filepath.Base(c.path), err, c.want)
		}
	}
}

// TestGzipDatasetFormatFromItsName: a dataset's format follows its name
// with a .gz dropped: data.json.gz is ShareGPT as data.json is (it was
// read as JSONL, "line 1: …"), data.jsonl.gz JSONL.
func TestGzipDatasetFormatFromItsName(t *testing.T) {
	for file, want := range map[string]DatasetFormat{"d.json.gz": FormatShareGPT, "d.JSON.GZ": FormatShareGPT, "d.jsonl.gz": FormatJSONL, "d.json": FormatShareGPT, "d.gz": FormatJSONL} {
		s := &Scenario{Name: "a", Workload: Workload{Dataset: &Dataset{File: file}}}
		s.ApplyDefaults()
		if got := s.Workload.Dataset.Format; got != want {
			t.Errorf("%s: format %s, want %s", file, got, want)
		}
	}
}
