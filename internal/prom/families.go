package prom

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// MaxSeries caps the series (sample lines) of the families a scraper reads
// that one page may hold. A real page holds far fewer: vLLM's, every
// histogram bucket counted, about 600 lines per engine; dcgm-exporter's
// about 30 per GPU. Past it the page is refused, so that a server cannot
// make the load generator build millions of series inside MaxPage.
const MaxSeries = 1 << 16

// Families parses a Prometheus text page into its metric families,
// reading only the families whose name has one of the prefixes (a
// scraper's namespaces: "vllm:", "DCGM_"). The lines of other families
// — a Python client's process_ and python_gc_ metrics, or a hostile
// server's millions of series — are dropped before the parser sees them,
// so only the kept families' parsed form is ever held; a parse error
// names the page's own line. More than MaxSeries sample lines of kept
// families is an error.
//
// The text format's last line must end with a line feed ("Text format
// details", prometheus.io/docs/instrumenting/exposition_formats): a page
// whose last line has none was cut short, perhaps mid-number (a counter's
// 12345 read as 12, which a scraper carrying counters over restarts takes
// for one), and is refused. Blanks after the last line feed are nothing.
//
// A series written twice on one page (its metric name and label set, the
// labels in any order) is invalid exposition. Families keeps its first
// sample line and drops the others, as Prometheus's scrape does: its
// storage refuses a second sample of a series at the scrape's timestamp
// (tsdb/head_append.go, memSeries.appendable: "duplicate sample for
// timestamp" where the value differs), and the scrape loop drops it,
// counting it in prometheus_target_scrapes_sample_duplicate_timestamp_total
// (scrape/scrape.go, scrapeLoop.checkAddError; prometheus/prometheus). The
// parser (expfmt) would keep both samples of a counter or gauge as two
// series, and of a histogram or summary the last _sum and _count with the
// buckets of both. A line whose labels the filter cannot read is left to
// the parser, which says what is wrong with it.
//
// The filter is hand-written because the parser (expfmt) has no way to
// skip a family: it builds every family of the page. A page of 1M
// one-series families nobody reads (14 MB) made it allocate 491 MB; read
// through Families, 0.75 MB (BenchmarkFamiliesJunkPage). The filter
// allocates nothing per line.
func Families(r io.Reader, prefixes ...string) (map[string]*dto.MetricFamily, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(512); len(head) > 0 {
		if what := notText(head); what != "" {
			return nil, errors.New(what)
		}
	}
	var kept bytes.Buffer
	var long []byte // a line longer than br's buffer, gathered
	// at holds the page's line number of each kept line: dropped lines are
	// not left blank, as the parser allocates for every line it reads.
	var at []int
	series, n := 0, 0
	var ks keptSeries
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, line...)
			continue
		}
		if err != nil && err != io.EOF {
			return nil, err // a page cut by a read error is not parsed
		}
		if long != nil {
			line = append(long, line...)
			long = long[:0:0]
		}
		if len(line) > 0 {
			n++
			if err == io.EOF && len(bytes.TrimSpace(line)) > 0 {
				return nil, fmt.Errorf("page cut short: line %d, its last, has no line feed (the text format ends every line with one)", n)
			}
			if name, sample := family(line); hasPrefix(name, prefixes) {
				if sample {
					if series++; series > MaxSeries {
						which := strings.Join(prefixes, ", ")
						if len(prefixes) > 4 { // dcgm's 13 names: counted, not listed
							which = fmt.Sprintf("the %d", len(prefixes))
						}
						return nil, fmt.Errorf("page holds more than %d series of %s families read (prom.MaxSeries): refused", MaxSeries, which)
					}
				}
				if !sample || ks.first(name, line) { // a repeated series: the first is kept
					kept.Write(line)
					if line[len(line)-1] != '\n' {
						kept.WriteByte('\n')
					}
					at = append(at, n)
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(&kept)
	var pe expfmt.ParseError
	if errors.As(err, &pe) && pe.Line >= 1 && pe.Line <= len(at) {
		pe.Line = at[pe.Line-1]
		err = pe
	}
	return fams, err
}

func hasPrefix(name []byte, prefixes []string) bool {
	for _, p := range prefixes {
		if len(name) >= len(p) && string(name[:len(p)]) == p {
			return true
		}
	}
	return false
}

// family returns the metric name a line of the text format is about, and
// whether the line is a sample: `name{…} v`, `name v`, `{"name", …} v`
// (a quoted UTF-8 name), `# HELP name …`, `# TYPE name …`. A blank line
// or any other comment names nothing. The name is a slice of line: a
// page's every line passes here, so nothing is allocated.
func family(line []byte) (name []byte, sample bool) {
	line = bytes.TrimLeft(line, " \t")
	if len(line) == 0 {
		return nil, false
	}
	if line[0] == '#' {
		rest := bytes.TrimLeft(line[1:], " \t")
		if !bytes.HasPrefix(rest, []byte("HELP")) && !bytes.HasPrefix(rest, []byte("TYPE")) {
			return nil, false
		}
		if rest = rest[4:]; len(rest) == 0 || (rest[0] != ' ' && rest[0] != '\t') {
			return nil, false
		}
		return metricName(bytes.TrimLeft(rest, " \t")), false
	}
	if line[0] == '{' {
		return metricName(bytes.TrimLeft(line[1:], " \t")), true
	}
	return metricName(line), true
}

// metricName reads the name at the start of b: a quoted string (the
// text format's UTF-8 form), or the bytes up to a brace or white space.
func metricName(b []byte) []byte {
	if len(b) > 0 && b[0] == '"' {
		for i := 1; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				return b[1:i]
			}
		}
		return nil
	}
	end := bytes.IndexAny(b, "{ \t\r\n")
	if end < 0 {
		end = len(b)
	}
	return b[:end]
}

// notText says what a page is that cannot be the text format, from its
// first bytes: gzip data (compressed without a Content-Encoding saying
// so), HTML or XML (a proxy's sign-in or error page answered with 200),
// JSON (an array, or an object: '{' and a quoted key followed by ':',
// which the text format's {"name", …} form never has); "" for a page that
// may be text. Every line of such a page falls outside a scraper's
// namespaces, and its error said only that the page had no metrics.
func notText(head []byte) string {
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		return "page is gzip data, not the Prometheus text format (compressed without a Content-Encoding saying so)"
	}
	b := bytes.TrimLeft(head, " \t\r\n")
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '<':
		line, _, _ := bytes.Cut(b, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) > 40 {
			line = line[:40]
		}
		return fmt.Sprintf("page is HTML or XML, not the Prometheus text format: %q", line)
	case '[':
		return "page is JSON, not the Prometheus text format"
	case '{':
		if _, after, ok := quoted(bytes.TrimLeft(b[1:], " \t\r\n")); ok {
			if after = bytes.TrimLeft(after, " \t\r\n"); len(after) > 0 && after[0] == ':' {
				return "page is JSON, not the Prometheus text format"
			}
		}
	}
	return ""
}

// keptSeries is the series of the sample lines Families kept.
type keptSeries struct {
	seen  map[[sha256.Size]byte]struct{} // by seriesKey
	h     hash.Hash                      // reused
	pairs []labelPair                    // room for a line's labels, reused
	n     []byte                         // room for a length
	sum   []byte                         // room for a hash
}

// first reports whether the sample line of metric name is the first of
// its series on the page, and marks it seen; a line whose labels seriesKey
// cannot read is always first.
func (k *keptSeries) first(name, line []byte) bool {
	if k.h == nil {
		k.h = sha256.New()
	}
	key, ok := k.seriesKey(name, line)
	if !ok {
		return true
	}
	if _, dup := k.seen[key]; dup {
		return false
	}
	if k.seen == nil {
		k.seen = make(map[[sha256.Size]byte]struct{})
	}
	k.seen[key] = struct{}{}
	return true
}

// A labelPair is one label of a sample line as written: its name (without
// quotes) and its value (between the quotes, escapes as written).
type labelPair struct{ name, value []byte }

// seriesKey is the identity of the sample line's series: a SHA-256 of its
// metric name and its labels sorted by name, each name and value prefixed
// with its length (a value may hold any byte, so no two label sets share
// an encoding; a hash keeps the key 32 bytes however long a hostile page's
// labels are). A value's escapes are taken as written: the text format has
// one spelling of each (\\, \" and \n; the parser refuses others). false
// when the line is not one the filter reads (a brace left open, a label
// without a quoted value, a label named twice): it is then not compared
// with others, and the parser judges it.
func (k *keptSeries) seriesKey(name, line []byte) (key [sha256.Size]byte, ok bool) {
	pairs := k.pairs[:0]
	defer func() { k.pairs = pairs[:0] }()
	rest := bytes.TrimLeft(line, " \t")
	inBraces := false
	if rest[0] == '{' {
		inBraces = true // {"name", labels…}: the name comes first, quoted
		rest = rest[1:]
		q, after, ok := quoted(bytes.TrimLeft(rest, " \t"))
		if !ok {
			return key, false
		}
		name, rest = q, bytes.TrimLeft(after, " \t")
		if len(rest) > 0 && rest[0] == ',' {
			rest = rest[1:]
		}
	} else {
		rest = rest[len(name):]
		if len(rest) > 0 && rest[0] == '{' {
			inBraces = true
			rest = rest[1:]
		}
	}
	for inBraces {
		rest = bytes.TrimLeft(rest, " \t")
		if len(rest) == 0 {
			return key, false
		}
		if rest[0] == '}' {
			break
		}
		var l labelPair
		if rest[0] == '"' {
			q, after, ok := quoted(rest)
			if !ok {
				return key, false
			}
			l.name, rest = q, after
		} else {
			end := bytes.IndexAny(rest, "= \t")
			if end <= 0 {
				return key, false
			}
			l.name, rest = rest[:end], rest[end:]
		}
		rest = bytes.TrimLeft(rest, " \t")
		if len(rest) == 0 || rest[0] != '=' {
			return key, false
		}
		q, after, ok := quoted(bytes.TrimLeft(rest[1:], " \t"))
		if !ok {
			return key, false
		}
		l.value, rest = q, bytes.TrimLeft(after, " \t")
		pairs = append(pairs, l)
		if len(rest) > 0 && rest[0] == ',' {
			rest = rest[1:]
		} else if len(rest) == 0 || rest[0] != '}' {
			return key, false
		}
	}
	slices.SortFunc(pairs, func(a, b labelPair) int { return bytes.Compare(a.name, b.name) })
	k.h.Reset()
	k.write(name)
	for i, l := range pairs {
		if i > 0 && bytes.Equal(l.name, pairs[i-1].name) {
			return key, false
		}
		k.write(l.name)
		k.write(l.value)
	}
	k.sum = k.h.Sum(k.sum[:0])
	copy(key[:], k.sum)
	return key, true
}

// write hashes b prefixed with its length.
func (k *keptSeries) write(b []byte) {
	k.n = binary.AppendUvarint(k.n[:0], uint64(len(b)))
	k.h.Write(k.n)
	k.h.Write(b)
}

// quoted reads the quoted string at the start of b: its content, escapes
// as written, and what follows the closing quote; false when b does not
// start with one or it is not closed.
func quoted(b []byte) (content, after []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return b[1:i], b[i+1:], true
		}
	}
	return nil, nil, false
}
