package prom

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
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
// The filter is hand-written because the parser (expfmt) has no way to
// skip a family: it builds every family of the page. A page of 1M
// one-series families nobody reads (14 MB) made it allocate 491 MB; read
// through Families, 0.75 MB (BenchmarkFamiliesJunkPage). The filter
// allocates nothing per line.
func Families(r io.Reader, prefixes ...string) (map[string]*dto.MetricFamily, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var kept bytes.Buffer
	var long []byte // a line longer than br's buffer, gathered
	// at holds the page's line number of each kept line: dropped lines are
	// not left blank, as the parser allocates for every line it reads.
	var at []int
	series, n := 0, 0
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
				kept.Write(line)
				if line[len(line)-1] != '\n' {
					kept.WriteByte('\n')
				}
				at = append(at, n)
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
