package history

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/inferbench/inferbench/targets"
)

// What --store accepts, and why so little: a misspelt URL
// ("postgress://u:PASS@host/db") or a key=value connection string used to
// become the name of a new SQLite file, password and all. A store is now
// one of
//
//   - a postgres:// or postgresql:// URL (PostgreSQL);
//   - sqlite:PATH, file:PATH or file:///ABS/PATH (a SQLite file);
//   - a plain path, which must not look like a URL or a connection string:
//     no "scheme://" or "scheme:" prefix, no "@", no key=value words, no
//     "?" or "#" (which SQLite would read as URI parameters). A path that
//     really starts like "name:" is written ./name:….
//
// Anything else is an error that shows the store with its password masked.

// storeSpec is a parsed --store.
type storeSpec struct {
	// postgres is true for a PostgreSQL URL, which dsn is.
	postgres bool
	// dsn is the PostgreSQL URL or the SQLite file's path.
	dsn string
}

// schemeRE matches a URL scheme of two or more characters at the start
// (one letter is a Windows drive, "C:").
var schemeRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.\-]+):`)

// dsnWordRE matches a key=value word of a libpq connection string.
var dsnWordRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// libpqKeywords are the connection-string keywords a lone key=value word
// is taken for a DSN by (PostgreSQL documentation, "Connection Strings",
// §34.1.2, https://www.postgresql.org/docs/current/libpq-connect.html).
var libpqKeywords = []string{"host", "hostaddr", "port", "dbname", "user", "password", "passfile", "sslmode", "service", "connect_timeout"}

// CheckSpec reports whether spec names a store Open accepts (see the rules
// above), without opening it: nil, or the error Open would return for it.
func CheckSpec(spec string) error {
	_, err := parseSpec(spec)
	return err
}

// parseSpec reads a --store value.
func parseSpec(spec string) (storeSpec, error) {
	if spec == "" {
		return storeSpec{}, errors.New("history: empty store path")
	}
	if IsPostgres(spec) {
		u, err := url.Parse(spec)
		if err != nil || u.Host == "" {
			return storeSpec{}, fmt.Errorf("history: store %s: not a valid postgres:// URL (want postgres://USER@HOST[:PORT]/DB)", Redact(spec))
		}
		return storeSpec{postgres: true, dsn: spec}, nil
	}
	path := spec
	if m := schemeRE.FindStringSubmatch(spec); m != nil {
		switch scheme := strings.ToLower(m[1]); scheme {
		case "sqlite", "file":
			path = spec[len(m[0]):]
			if rest, ok := strings.CutPrefix(path, "//"); ok {
				// file:///abs/path: an empty authority, then the path.
				if !strings.HasPrefix(rest, "/") {
					return storeSpec{}, fmt.Errorf("history: store %s: want %s:PATH or %s:///ABSOLUTE/PATH", Redact(spec), scheme, scheme)
				}
				path = rest
			}
		default:
			return storeSpec{}, fmt.Errorf("history: store %s: unknown scheme %q: want a SQLite file (PATH, sqlite:PATH or file:PATH) or a postgres:// URL",
				Redact(spec), m[1])
		}
	}
	if msg := pathProblem(path); msg != "" {
		return storeSpec{}, fmt.Errorf("history: store %s: %s", Redact(spec), msg)
	}
	return storeSpec{dsn: path}, nil
}

// pathProblem says why p is not taken for a SQLite file's path, "" when it
// is.
func pathProblem(p string) string {
	switch {
	case strings.TrimSpace(p) == "":
		return "no file path"
	case strings.Contains(p, "://"):
		return "looks like a URL: want a SQLite file (PATH, sqlite:PATH or file:PATH) or a postgres:// URL"
	case strings.Contains(p, "@"):
		return `holds "@", as a URL with a user does: give PostgreSQL as a postgres:// URL`
	case looksLikeDSN(p):
		return "looks like a key=value connection string: give PostgreSQL as a postgres:// URL"
	case strings.ContainsAny(p, "?#"):
		return `holds "?" or "#", which SQLite reads as URI parameters: rename the file`
	}
	return ""
}

// looksLikeDSN reports whether s reads as a libpq key=value connection
// string: several words, one of them key=value, or a lone key=value whose
// key is a libpq keyword.
func looksLikeDSN(s string) bool {
	words := strings.Fields(s)
	for _, w := range words {
		if !dsnWordRE.MatchString(w) {
			continue
		}
		if len(words) > 1 {
			return true
		}
		key, _, _ := strings.Cut(w, "=")
		for _, k := range libpqKeywords {
			if strings.EqualFold(key, k) {
				return true
			}
		}
	}
	return false
}

// dsnPasswordRE matches the value of a password in a key=value connection
// string, quoted or not.
var dsnPasswordRE = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'?|\S+)`)

// userinfoRE matches the password of user:password@ outside a URL.
var userinfoRE = regexp.MustCompile(`:[^:@/\s]*@`)

// Redact returns spec with any password masked, for messages: a URL's
// user password and key-like query values (targets.RedactURL), a
// connection string's password=…, and the password of user:password@ and
// key-like query values in anything else.
func Redact(spec string) string {
	if u, err := url.Parse(spec); err == nil && u.Scheme != "" && u.Host != "" {
		return targets.RedactedURL(u)
	} else if err != nil && strings.Contains(spec, "://") {
		// Not even a URL: mask what would be its password.
		return userinfoRE.ReplaceAllString(spec, ":xxxxx@")
	}
	s := dsnPasswordRE.ReplaceAllString(spec, "${1}xxxxx")
	s = userinfoRE.ReplaceAllString(s, ":xxxxx@")
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i] + targets.RedactURL(s[i:]) // a path's "?key=…"
	}
	return s
}

// oneLine joins the lines of a driver's message (pgx indents the causes
// of a failed connection on lines of their own) with "; ", or a space
// after a line that ends in a colon.
func oneLine(s string) string {
	var b strings.Builder
	for l := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if b.Len() > 0 {
			// A line that ends in a colon introduces the next (pgx: "failed
			// to connect to `user=ci database=x`:\n\thostname resolving
			// error"): a space joins them, not "; ", which read ":;".
			sep := "; "
			if strings.HasSuffix(b.String(), ":") {
				sep = " "
			}
			b.WriteString(sep)
		}
		b.WriteString(l)
	}
	return b.String()
}

// lineError is an error whose message was made one line; errors.Is and
// errors.As see the original.
type lineError struct {
	msg string
	err error
}

func (e *lineError) Error() string { return e.msg }
func (e *lineError) Unwrap() error { return e.err }

// withConnectTimeout returns the PostgreSQL URL with connect_timeout set
// to secs (at least 1) unless it sets one, so that every
// connection the pool opens later is bounded too, not only the first.
func withConnectTimeout(dsn string, secs int) string {
	return withParam(dsn, "connect_timeout", fmt.Sprint(max(secs, 1)))
}

// withLockTimeout returns the PostgreSQL URL dsn with lock_timeout set to
// d (in milliseconds) unless it sets one: a statement that waits longer
// for a lock another session holds (a migration or maintenance in
// another job, a session left idle in its transaction) fails with
// SQLSTATE 55P03 instead of waiting as long as the other holds it, for
// ever behind a session that never ends. SQLite's store waits as long
// (busy_timeout).
func withLockTimeout(dsn string, d time.Duration) string {
	return withParam(dsn, "lock_timeout", fmt.Sprint(max(d.Milliseconds(), 1)))
}

// withParam returns the URL dsn with its query parameter key set to value
// unless it sets one; dsn unchanged when it does not parse.
func withParam(dsn, key, value string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	if q.Has(key) {
		return dsn
	}
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}
