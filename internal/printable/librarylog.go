package printable

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// LibraryLog is where a command sends the standard logger's lines: net/http
// writes there what a server sent that no request asked for ("Unsolicited
// response received on idle HTTP channel starting with …", quoting the
// server's bytes: a server whose Content-Length is shorter than its body)
// and the live page's TLS handshake errors. That is a server's text on the
// user's terminal: each line is written out through Text (an escape
// sequence shows as \x1b instead of acting), on one line after
// "inferbench: ", cut at MaxLibraryLog bytes. A line of a kind already
// shown (the same words before the server's quoted bytes, or before the
// first ':') is counted, not shown again: such a server says it once per
// request, 51 lines mixed into a 50-request run's progress; the first
// repeat says that more are left out. Safe for concurrent use.
type LibraryLog struct {
	W    io.Writer
	mu   sync.Mutex
	seen map[string]int
}

// MaxLibraryLog is the most of one library log line shown, in bytes.
const MaxLibraryLog = 512

func (l *LibraryLog) Write(p []byte) (int, error) {
	s := strings.TrimRight(string(p), "\n")
	kind := logKind(s)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]int{}
	}
	l.seen[kind]++
	switch n := l.seen[kind]; {
	case n == 2:
		s = "(" + kind + ": said again; more of these are not shown)"
	case n > 2:
		return len(p), nil
	}
	if len(s) > MaxLibraryLog {
		s = s[:MaxLibraryLog] + "…"
	}
	if _, err := fmt.Fprintf(l.W, "inferbench: %s\n", Text(s)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// logKind is what a library log line says without what it quotes: the
// words before " starting with " (net/http's quote of a server's bytes)
// or before the first ": ", at most 120 bytes.
func logKind(s string) string {
	if i := strings.Index(s, " starting with "); i >= 0 {
		s = s[:i]
	} else if i := strings.Index(s, ": "); i >= 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}
