package rundir

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// telemetryLines are two whole lines of each telemetry file, and the start
// of a third as a run killed mid-write leaves it.
var telemetryLines = map[string][3]string{
	GPUFile:    {`{"t_ns":1,"index":0,"power_w":300}`, `{"t_ns":2,"index":0,"power_w":310}`, `{"t_ns":3,"index":0,"pow`},
	ServerFile: {`{"t_ns":1,"engine":"vllm"}`, `{"t_ns":2,"engine":"vllm"}`, `{"t_ns":3,"eng`},
	ClientFile: {`{"t_ns":1,"cpu_s":1,"cores":2}`, `{"t_ns":2,"cpu_s":2,"cores":2}`, `{"t_ns":3,"cpu_s":2,"co`},
}

// samplesOf reads file of rd by its typed reader and returns how many
// samples it gave.
func samplesOf(rd *Run, file string) (int, error) {
	switch file {
	case GPUFile:
		s, err := rd.GPUSamples()
		return len(s), err
	case ServerFile:
		s, err := rd.ServerSamples()
		return len(s), err
	}
	s, err := rd.ClientSamples()
	return len(s), err
}

// TestTelemetryKeepsLinesBeforeACutLastLine: a telemetry file whose last
// line was cut short keeps the lines before it, with one warning naming
// the file and the line, as requests.jsonl does; read by the typed readers
// (report) and line by line (merge) alike. Before, the typed readers
// returned an error and report left the whole file out ("gpu.jsonl line 3:
// unexpected end of JSON input (GPU telemetry left out)").
func TestTelemetryKeepsLinesBeforeACutLastLine(t *testing.T) {
	for file, l := range telemetryLines {
		dir := t.TempDir()
		path := filepath.Join(dir, file)
		if err := os.WriteFile(path, []byte(l[0]+"\n"+l[1]+"\n"+l[2]), 0o644); err != nil {
			t.Fatal(err)
		}
		want := path + ":3: the last line is incomplete (run cut short?): unexpected end of JSON input; left out"
		rd := &Run{Dir: dir}
		for range 2 { // read once: warned once
			if n, err := samplesOf(rd, file); err != nil || n != 2 {
				t.Errorf("%s: %d samples, %v; want the 2 before the cut line", file, n, err)
			}
		}
		if len(rd.Warnings) != 1 || rd.Warnings[0] != want {
			t.Errorf("%s: warnings %q; want one, %q", file, rd.Warnings, want)
		}
		rd = &Run{Dir: dir}
		var lines []string
		err := rd.EachTelemetryLine(file, func(line []byte) error {
			lines = append(lines, string(line))
			return nil
		})
		if err != nil || strings.Join(lines, "\n") != l[0]+"\n"+l[1] {
			t.Errorf("%s: EachTelemetryLine gave %q, %v; want the 2 whole lines", file, lines, err)
		}
		if len(rd.Warnings) != 1 || rd.Warnings[0] != want {
			t.Errorf("%s: EachTelemetryLine's warnings %q; want one, %q", file, rd.Warnings, want)
		}
	}
}

// TestTelemetryBadLineIsAnError: a line that does not decode and is no cut
// last line (one cut short inside the file, text at the end, a whole
// object of the wrong type at the end, a time past the bound) is an error
// naming the file's path and its line, by either reader; the file is not
// kept in part.
func TestTelemetryBadLineIsAnError(t *testing.T) {
	for file, l := range telemetryLines {
		for _, c := range []struct {
			body string
			line int
			msg  string
		}{
			{l[0] + "\n" + l[2] + "\n" + l[1] + "\n", 2, "unexpected end of JSON input"},
			{l[0] + "\n" + l[1] + "\ngarbage", 3, "invalid character 'g'"},
			{l[0] + "\n" + `{"t_ns":"3"}`, 2, "json: cannot unmarshal string"},
			{l[0] + "\n" + `{"t_ns":9223372036854775807}`, 2, "t_ns 9223372036854775807 is more than a year"},
		} {
			dir := t.TempDir()
			path := filepath.Join(dir, file)
			if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("%s line %d: %s", path, c.line, c.msg)
			rd := &Run{Dir: dir}
			if n, err := samplesOf(rd, file); err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("%s %q: %d samples, %v; want an error starting %q", file, c.body, n, err, want)
			}
			rd = &Run{Dir: dir}
			err := rd.EachTelemetryLine(file, func([]byte) error { return nil })
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("%s %q: EachTelemetryLine: %v; want an error starting %q", file, c.body, err, want)
			}
			if len(rd.Warnings) != 0 {
				t.Errorf("%s %q: warnings %q; want none", file, c.body, rd.Warnings)
			}
		}
	}
}

// TestEachTelemetryLineMissingFile: a run without the file has no lines,
// and no error; a name that is no telemetry file is refused.
func TestEachTelemetryLineMissingFile(t *testing.T) {
	rd := &Run{Dir: t.TempDir()}
	calls := 0
	if err := rd.EachTelemetryLine(GPUFile, func([]byte) error { calls++; return nil }); err != nil || calls != 0 {
		t.Errorf("EachTelemetryLine of a missing file: %d calls, %v", calls, err)
	}
	if err := rd.EachTelemetryLine(RecordsFile, func([]byte) error { return nil }); err == nil {
		t.Errorf("EachTelemetryLine(%s): no error", RecordsFile)
	}
}
