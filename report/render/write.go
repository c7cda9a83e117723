package render

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/inferbench/inferbench/rundir"
)

// Output formats of a report.
const (
	Markdown = "md"
	HTML     = "html"
	JSON     = "json"
	CSV      = "csv"
	// VLLM writes, per run and level, the result file of vLLM's benchmark
	// (report.VLLMExport) under VLLMDir; not among AllFormats.
	VLLM = "vllm"
)

// VLLMDir is the folder of a report's vLLM-compatible result files.
const VLLMDir = "vllm"

// The files a report writes into its directory (figures go under PlotsDir).
const (
	MarkdownFile = "report.md"
	HTMLFile     = "report.html"
	JSONFile     = "report.json"
	CSVFile      = "levels.csv"
)

// Files are the files a report writes into its directory, and Dirs the
// directories it writes its figures and vLLM results into: what
// rundir.CheckReportDir guards, and what a run replaced with --force leaves
// of its report (session).
var (
	Files = []string{MarkdownFile, HTMLFile, JSONFile, CSVFile}
	Dirs  = []string{PlotsDir, VLLMDir}
)

// AllFormats lists every format, in the order they are written.
func AllFormats() []string { return []string{Markdown, HTML, JSON, CSV} }

// ParseFormats reads a comma-separated list of formats ("md,html,json,csv");
// an empty list is allowed (no report files); "markdown" is md.
func ParseFormats(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.ToLower(strings.TrimSpace(f))
		if f == "markdown" {
			f = Markdown
		}
		switch {
		case f == "":
		case slices.Contains(AllFormats(), f) || f == VLLM:
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		default:
			return nil, fmt.Errorf("format %q: must be one of md, html, json, csv, vllm", f)
		}
	}
	return out, nil
}

// FormatsFor is ParseFormats(s) for report's --format given with --out
// out: typed (not the default) without out it is refused, since report
// writes no file then and prints its table, whatever --format says.
func FormatsFor(s string, typed bool, out string) ([]string, error) {
	formats, err := ParseFormats(s)
	if err == nil && out != "" && len(formats) == 0 {
		// --format '' wrote plots/ alone and exited 0: a report of no file.
		return nil, fmt.Errorf("%q names no report file to write: give one or more of md, html, json, csv, vllm (comma-separated)", s)
	}
	if err == nil && typed && out == "" && len(formats) > 0 {
		return nil, fmt.Errorf("the report files (%s) are written with --out DIR; without --out report prints its table only: add --out DIR", strings.Join(formats, ","))
	}
	return formats, err
}

// ShowFigures reports whether a format shows the figures (md links them,
// html holds them); json, csv and vllm do not.
func ShowFigures(formats []string) bool {
	return slices.Contains(formats, Markdown) || slices.Contains(formats, HTML)
}

// Write renders every figure of r as SVG and PNG under dir/plots when one
// of formats shows them (ShowFigures: --format json wrote 12 plot files
// nothing referred to), then r in each of formats into dir, and returns
// the paths written (report files first, then figures).
func Write(dir string, r *Report, formats []string) ([]string, error) {
	if err := rundir.MakeDir(dir); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var figs []renderedFigure
	var err error
	if ShowFigures(formats) {
		plots := r.Plots()
		for _, p := range plots {
			p.DPI = r.pngDPI
		}
		if figs, err = writeFigures(dir, plots); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	r.Figures = r.Figures[:0]
	var svgs [][]byte
	for _, f := range figs {
		r.Figures = append(r.Figures, f.ref)
		svgs = append(svgs, f.svg)
	}
	var files []string
	for _, f := range formats {
		var b bytes.Buffer
		var name string
		switch f {
		case Markdown:
			name, err = MarkdownFile, WriteMarkdown(&b, r)
		case HTML:
			name, err = HTMLFile, WriteHTML(&b, r, svgs)
		case JSON:
			name, err = JSONFile, WriteJSON(&b, r)
		case CSV:
			name, err = CSVFile, WriteCSV(&b, r)
		case VLLM:
			written, err := writeVLLM(dir, r)
			files = append(files, written...)
			if err != nil {
				return files, err
			}
			continue
		default:
			return files, fmt.Errorf("report: unknown format %q", f)
		}
		if err != nil {
			return files, err
		}
		path := filepath.Join(dir, name)
		// A link in the directory is replaced, not written through: it
		// could point at any file the user may write.
		if err := rundir.WriteFile(dir, name, b.Bytes()); err != nil {
			return files, fmt.Errorf("report: %w", err)
		}
		files = append(files, path)
	}
	for _, f := range r.Figures {
		files = append(files, filepath.Join(dir, f.SVG), filepath.Join(dir, f.PNG))
	}
	return files, nil
}
