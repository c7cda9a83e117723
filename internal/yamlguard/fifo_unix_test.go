//go:build unix

package yamlguard

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/inferbench/inferbench/internal/openfile"
)

// A named pipe no program writes to, given as a file (mkfifo, a wrong
// path), is refused at once: os.Open of it waited for a writer for ever,
// and `inferbench scenarios validate p` hung with no word.
func TestReadFileFIFOWithoutWriter(t *testing.T) {
	p := filepath.Join(t.TempDir(), "p.yaml")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	_, err := ReadFile(p)
	if err == nil || !strings.Contains(err.Error(), "named pipe") || !strings.Contains(err.Error(), p) {
		t.Fatalf("ReadFile(fifo) = %v, want an error naming the pipe", err)
	}
	f, err := openfile.Open(p)
	if err != nil {
		t.Fatalf("Open(fifo) = %v, want the pipe opened", err)
	}
	f.Close()
}

// A pipe with a writer (a process substitution, <(envsubst < s.yaml)) is
// read whole, as before.
func TestReadFilePipeWithWriter(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		w.WriteString("name: a\n")
		w.WriteString("load: {concurrency: 1}\n")
		w.Close()
	}()
	b, err := ReadFile("/dev/fd/" + strconv.Itoa(int(r.Fd())))
	if err != nil {
		t.Skip("no /dev/fd here:", err)
	}
	if string(b) != "name: a\nload: {concurrency: 1}\n" {
		t.Fatalf("read %q", b)
	}
}
