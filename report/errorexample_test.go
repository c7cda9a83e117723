package report

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/inferbench/inferbench/rundir"
)

// TestErrorExamples: a level's failures keep, by class, the first error in
// the file, cut at a character boundary past ErrorExampleBytes; the table
// shows it under the counts with what would act on a terminal written out.
func TestErrorExamples(t *testing.T) {
	long := strings.Repeat("é", ErrorExampleBytes) // two bytes a character: cut inside one
	s := NewSummarizer(SLO{})
	for i, f := range []struct {
		class rundir.ErrorClass
		msg   string
	}{
		{rundir.HTTP4xx, "http 400: This model's maximum context length is 8192 tokens. However, you requested 10900 tokens"},
		{rundir.HTTP4xx, "http 400: another"},
		{rundir.Timeout, "\x1b[31mtimeout\x1b[0m after 2m0s"},
		{rundir.HTTP5xx, long},
	} {
		r := rec(uint64(i), 1, int64(i)*100, [][2]int64{{int64(i)*100 + 10, 1}}, 1, 10)
		r.OK, r.ErrorClass, r.Error = false, f.class, f.msg
		s.Add(r)
	}
	s.Add(rec(9, 1, 900, [][2]int64{{910, 1}}, 1, 10))
	l := s.Close().Levels[0]
	if got := l.ErrorExamples[rundir.HTTP4xx]; !strings.HasPrefix(got, "http 400: This model's maximum context length") {
		t.Errorf("http_4xx example %q; want the first of the two", got)
	}
	cut := l.ErrorExamples[rundir.HTTP5xx]
	if !utf8.ValidString(cut) || !strings.HasSuffix(cut, "…") || len(cut) > ErrorExampleBytes+len("…") || len(cut) < ErrorExampleBytes-1 {
		t.Errorf("long example: %d bytes, valid UTF-8 %v, %q…; want cut at a character near %d bytes with …",
			len(cut), utf8.ValidString(cut), cut[:min(len(cut), 12)], ErrorExampleBytes)
	}
	if len(l.ErrorExamples) != 3 {
		t.Errorf("%d examples; want one for each of 3 classes", len(l.ErrorExamples))
	}
	var b strings.Builder
	if err := WriteTable(&b, s.Close(), nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"errors: http_4xx 2 http_5xx 1 timeout 1\n",
		"  http_4xx, the first: http 400: This model's maximum context length is 8192 tokens. However, you requested 10900 tokens\n",
		`  timeout, the first: \x1b[31mtimeout\x1b[0m after 2m0s` + "\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}
