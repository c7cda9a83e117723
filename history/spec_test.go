package history

import (
	"bytes"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/inferbench/inferbench/report"
)

// TestOpenRefusesWhatIsNotAStore: a misspelt scheme, a key=value DSN, a
// user:password@ without a scheme and other URL-like strings are refused
// with one line that names the problem and masks the password, and no
// SQLite file is created under the name (which used to hold the password).
func TestOpenRefusesWhatIsNotAStore(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, c := range []struct{ spec, want string }{
		{"postgress://u:PASSWORD@host/db", `"postgress"`},
		{"mysql://u:PASSWORD@host/db", `unknown scheme "mysql"`},
		{"pg:u:PASSWORD@host/db", `unknown scheme "pg"`},
		{"host=db user=u password=PASSWORD dbname=x", "key=value connection string"},
		{"password='PASS WORD' host=db", "key=value connection string"},
		{"password=PASSWORD", "key=value connection string"},
		{"u:PASSWORD@host/db", `"@"`},
		{"runs/h.db?key=PASSWORD", `"?"`},
		{"sqlite://relative/h.db", "sqlite:///ABSOLUTE/PATH"},
		{"https://u:PASSWORD@host/db", `unknown scheme "https"`},
		{"postgres://u:PASSWORD@/db", "not a valid postgres:// URL"},
	} {
		_, err := Open(t.Context(), c.spec)
		if err == nil {
			t.Errorf("Open(%q) succeeded", c.spec)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || strings.Contains(msg, "PASSWORD") || strings.Contains(msg, "PASS WORD") || strings.Contains(msg, "\n") {
			t.Errorf("Open(%q) = %q; want one line with %s and the password masked", c.spec, msg, c.want)
		}
		if CheckSpec(c.spec) == nil {
			t.Errorf("CheckSpec(%q) accepted it", c.spec)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("refused stores left files behind: %v", left)
	}
}

// TestOpenFileForms: a plain path, sqlite:PATH, file:PATH and
// file:///ABS/PATH open the SQLite file at PATH.
func TestOpenFileForms(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for spec, file := range map[string]string{
		"plain.db":                               "plain.db",
		"sub/dir/nested.db":                      "sub/dir/nested.db",
		"sqlite:s.db":                            "s.db",
		"file:f.db":                              "f.db",
		"file://" + filepath.Join(dir, "abs.db"): "abs.db",
		"sqlite://" + filepath.Join(dir, "abs2.db"): "abs2.db",
		"./odd:name.db": "odd:name.db",
		"C:history.db":  "C:history.db",
	} {
		s, err := Open(t.Context(), spec)
		if err != nil {
			t.Errorf("Open(%q): %v", spec, err)
			continue
		}
		if s.Backend() != "sqlite" {
			t.Errorf("Open(%q) opened %s", spec, s.Backend())
		}
		s.Close()
		if _, err := os.Stat(filepath.Join(dir, file)); err != nil {
			t.Errorf("Open(%q) did not create %s: %v", spec, file, err)
		}
	}
}

// silentServer accepts TCP connections and never writes a byte: a
// PostgreSQL store behind it must fail by the connect timeout, not hang.
func silentServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().String()
}

// TestPostgresConnectTimeout: a server that accepts the connection and
// never answers makes Open fail after ConnectTimeout, on one line, without
// the password. The 60 s bound only tells a hang from an answer.
func TestPostgresConnectTimeout(t *testing.T) {
	addr := silentServer(t)
	errc := make(chan error, 1)
	go func() {
		_, err := OpenWith(t.Context(), "postgres://u:PASSWORD@"+addr+"/db?sslmode=disable", OpenOptions{ConnectTimeout: 300 * time.Millisecond})
		errc <- err
	}()
	select {
	case err := <-errc:
		if err == nil {
			t.Fatal("Open succeeded against a silent server")
		}
		msg := err.Error()
		if !strings.Contains(msg, "no answer within 300ms") || strings.Contains(msg, "PASSWORD") || strings.Contains(msg, "\n") {
			t.Errorf("Open = %q; want one line saying no answer came, without the password", msg)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("Open hung on a server that never answers")
	}
}

// TestPostgresRefusedIsNotATimeout: a server that refuses the connection
// fails Open at once with the driver's reason, not "no answer within …":
// that message was given for every failed first connection (an unknown
// host, a refused port), however fast it failed, since the check read the
// ping's context after cancelling it.
func TestPostgresRefusedIsNotATimeout(t *testing.T) {
	// Port 1: nothing listens there, and no test's listener on port 0 can
	// be given it (a port listened on and closed could be, by a test of
	// another package running at the same time).
	addr := "127.0.0.1:1"
	_, err := OpenWith(t.Context(), "postgres://u:PASSWORD@"+addr+"/db?sslmode=disable", OpenOptions{ConnectTimeout: time.Minute})
	if err == nil {
		t.Fatal("Open succeeded with nothing listening")
	}
	if msg := err.Error(); strings.Contains(msg, "no answer within") || strings.Contains(msg, "PASSWORD") {
		t.Errorf("Open = %q; want the refusal, not a timeout, and no password", msg)
	}
}

// TestWithConnectTimeout: the pool's later connections are bounded too,
// unless the URL sets its own connect_timeout.
func TestWithConnectTimeout(t *testing.T) {
	if got := withConnectTimeout("postgres://u@h/db?sslmode=disable", 10); got != "postgres://u@h/db?connect_timeout=10&sslmode=disable" {
		t.Errorf("got %q", got)
	}
	if got := withConnectTimeout("postgres://u@h/db?connect_timeout=3", 10); got != "postgres://u@h/db?connect_timeout=3" {
		t.Errorf("got %q", got)
	}
}

// TestEntryTargetURLHidesKeys: the target URL an entry stores (and
// `history show` prints) has neither user info nor a key's value.
func TestEntryTargetURLHidesKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	writeRun(t, dir, "s", 50, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), 1)
	p := filepath.Join(dir, "run.json")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"http://user:secret@127.0.0.1:8000"`), []byte(`"http://user:secret@127.0.0.1:8000/v1?api_key=s3cr3t\u0026x=1"`), 1)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	e, _, err := NewEntry(dir, report.SLO{})
	if err != nil {
		t.Fatal(err)
	}
	if e.TargetURL != "http://127.0.0.1:8000/v1?api_key=REDACTED&x=1" {
		t.Errorf("TargetURL = %q", e.TargetURL)
	}
}

// TestOneLine: a driver's message on several lines is one line; a line
// that ends in a colon runs on into the next with a space. pgx's failed
// connection read "…database=inferbench`:; hostname resolving error".
func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"failed to connect to `user=ci database=inferbench`:\n\thostname resolving error (lookup db: no such host)": "failed to connect to `user=ci database=inferbench`: hostname resolving error (lookup db: no such host)",
		"failed to connect to `user=ci database=inferbench`: \r\n\thostname resolving error":                        "failed to connect to `user=ci database=inferbench`: hostname resolving error",
		"first cause\n\tsecond cause\n\n": "first cause; second cause",
		"one line":                        "one line",
		"\n  \n":                          "",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q; want %q", in, got, want)
		}
	}
}
