package scenarios

import (
	"io"
	"strings"
	"testing"
)

// TestLoadRefusesAMeanOutsideItsBounds: a normal or lognormal length whose
// mean lies outside its min and max is clamped into them draw by draw, so
// {dist: normal, mean: 100, stddev: 1, min: 10000, max: 10001} sent 10,000
// tokens every time while run.json recorded a mean of 100. It is refused
// at the mean.
func TestLoadRefusesAMeanOutsideItsBounds(t *testing.T) {
	const head = "name: t\ntarget: {url: \"http://h:1\", model: m}\nload: {concurrency: 1, requests: 8}\nworkload:\n  prompt_tokens: "
	for _, c := range []struct{ dist, want string }{
		{"{dist: normal, mean: 100, stddev: 1, min: 10000, max: 10001}", "s.yaml:5:39: workload.prompt_tokens.mean: must lie between min (10000) and max (10001), got 100: draws are clamped into them, so their mean would not be 100"},
		{"{dist: lognormal, mean: 900, stddev: 10, max: 512}", "s.yaml:5:42: workload.prompt_tokens.mean: must lie between min (1) and max (512), got 900: draws are clamped into them, so their mean would not be 900"},
	} {
		_, err := Load("s.yaml", []byte(head+c.dist+"\n"))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.dist, err, c.want)
		}
	}
	// (min = max = mean with a stddev draws the mean alone, which is not
	// the stddev written: refused by TestLoadRefusesClampsThatMoveTheMean.)
	for _, ok := range []string{"{dist: normal, mean: 512, stddev: 0, min: 512, max: 512}", "{dist: normal, mean: 96, stddev: 32, min: 16, max: 256}"} {
		if _, err := Load("s.yaml", []byte(head+ok+"\n")); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// TestReadLengthsRefusesALineWithoutEnd: a length list that is not one
// (/dev/zero given by mistake) said "bufio.Scanner: token too long", Go's
// words, at no line; it is said as datasets and traces say it.
func TestReadLengthsRefusesALineWithoutEnd(t *testing.T) {
	_, err := ReadLengths(io.LimitReader(zeros{}, 3<<20))
	if err == nil || strings.Contains(err.Error(), "bufio") || !strings.HasPrefix(err.Error(), "line 1: line longer than 1 MiB") {
		t.Errorf("ReadLengths(zeros) = %v; want line 1: line longer than 1 MiB …", err)
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// TestLoadSaysALengthListsFileAsADatasets: an empirical distribution's
// missing file, or a directory, is told as a dataset's is ("x: no such
// file"), not in os's words ("open x: no such file or directory", "x:
// read x: is a directory").
func TestLoadSaysALengthListsFileAsADatasets(t *testing.T) {
	dir := t.TempDir()
	name := dir + "/s.yaml"
	for _, c := range []struct{ file, want string }{
		{"nope.txt", name + ":2:51: workload.prompt_tokens.file: " + dir + "/nope.txt: no such file"},
		{".", name + ":2:51: workload.prompt_tokens.file: " + dir + " is a directory, want a file"},
	} {
		_, err := Load(name, []byte("name: t\nworkload: {prompt_tokens: {dist: empirical, file: "+c.file+"}}\nload: {concurrency: 1, requests: 1}\n"))
		if err == nil || err.Error() != c.want {
			t.Errorf("file %s:\n got %v\nwant %s", c.file, err, c.want)
		}
	}
}
