package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/inferbench/inferbench/report/plot"
)

// WriteHTML writes r as one self-contained HTML file: styles inline, every
// figure as inline SVG (svgs, in the order of r.Figures), no script and no
// external resource, readable on a laptop and when printed. Summary and
// verdict first, then the figures, the tables and the run manifests.
func WriteHTML(w io.Writer, r *Report, svgs [][]byte) error {
	if len(svgs) != len(r.Figures) {
		return fmt.Errorf("report html: %d figures but %d SVGs", len(r.Figures), len(svgs))
	}
	type fig struct {
		Ref    FigureRef
		Inline template.HTML
	}
	type run struct {
		Manifest table
		JSON     string
	}
	data := struct {
		R       *Report
		Title   string
		Summary table
		SLOLine string
		Figures []fig
		Compare []table
		Repeat  []table
		Levels  []table
		Costs   []table
		Runs    []run
		Font    template.CSS
	}{R: r, Title: r.title(), Summary: r.summaryTable(), SLOLine: r.sloLine(), Repeat: r.repeatedTables(), Font: template.CSS(plot.FontFace())}
	for i, f := range r.Figures {
		data.Figures = append(data.Figures, fig{Ref: f, Inline: template.HTML(inlineSVG(svgs[i]))}) // our own renderer's SVG, not user input
	}
	for _, c := range r.Comparisons {
		data.Compare = append(data.Compare, comparisonTable(c))
		if t, ok := levelComparisonTable(c); ok {
			data.Compare = append(data.Compare, t)
		}
	}
	for i := range r.Runs {
		data.Levels = append(data.Levels, r.levelTable(i))
		if t, ok := r.gpuTable(i); ok {
			data.Levels = append(data.Levels, t)
		}
		if t, ok := r.adaptiveTable(i); ok {
			data.Levels = append(data.Levels, t)
		}
		if t, ok := r.sessionTable(i); ok {
			data.Levels = append(data.Levels, t)
		}
		if t, ok := r.costTable(i); ok {
			data.Costs = append(data.Costs, t)
		}
	}
	if t, ok := r.crossoverTable(); ok {
		data.Costs = append(data.Costs, t)
	}
	for _, rr := range r.Runs {
		j := "run.json missing"
		if rr.Manifest != nil {
			b, err := json.MarshalIndent(rr.Manifest, "", "  ")
			if err != nil {
				return fmt.Errorf("report html: %w", err)
			}
			j = string(b)
		}
		data.Runs = append(data.Runs, run{Manifest: manifestTable(rr), JSON: j})
	}
	funcs := template.FuncMap{
		// headed reports whether t has a column name: a run's manifest
		// table (names in its first column, values in its second) has
		// none, and its header row was an empty grey band.
		"headed": func(t table) bool { return slices.ContainsFunc(t.Columns, func(c string) bool { return c != "" }) },
		// word returns " word" for a cell of one word ("h100-sxm",
		// "on-demand", "$/gpu-h"), which CSS keeps on one line: a
		// browser breaks a line after a hyphen, and the h100-sxm cost
		// table's cells read "h100-" over "sxm".
		// A word longer than longWord (vLLM's model name when it was
		// loaded from a path: /models/hub/models--…/snapshots/<hash>,
		// 109 characters) is " long" instead, which CSS breaks where it
		// must: kept on one line, it made the summary table scroll
		// sideways on a laptop and hid its last columns.
		"word": func(c string) string {
			switch {
			case c == "" || strings.ContainsFunc(c, unicode.IsSpace):
				return ""
			case utf8.RuneCountInString(c) > longWord:
				return " long"
			}
			return " word"
		},
		// align returns the class of column i of t: "num" (right) or "txt" (left).
		"align": func(t table, i int) string {
			if n := t.numeric(); i < len(n) && n[i] {
				return "num"
			}
			return "txt"
		},
	}
	t, err := template.New("report").Funcs(funcs).Parse(htmlTemplate)
	if err != nil {
		return fmt.Errorf("report html: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return fmt.Errorf("report html: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// inlineSVG drops the XML prolog and comments before the <svg> element, so
// the figure can sit inside HTML.
func inlineSVG(svg []byte) []byte {
	if i := bytes.Index(svg, []byte("<svg")); i >= 0 {
		svg = svg[i:]
	}
	// gonum's SVG sizes itself in points; the class lets CSS scale it to
	// the page width while viewBox keeps its proportions.
	return bytes.Replace(svg, []byte("<svg "), []byte(`<svg class="figure" role="img" `), 1)
}

// longWord is the most characters a one-word table cell is kept on one
// line with ("meta-llama/Llama-3.1-8B-Instruct", 32, is).
const longWord = 40

const htmlTemplate = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
{{.Font}}
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", "Liberation Sans", Arial, sans-serif; margin: 0 auto; max-width: 1180px; padding: 1.5rem; color: #111; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #333; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
.differs { background: #f3f3f3; border-left: 5px solid #666; padding: .5rem 1rem; }
.simulated { color: #b00000; border: 2px solid #b00000; padding: .5rem 1rem; }
.verdict { font-size: 1.1rem; background: #f3f3f3; border-left: 5px solid #111; padding: .7rem 1rem; }
.unfair { border-left: 5px solid #b00; background: #fff4f2; padding: .5rem 1rem; }
.unfair strong { color: #900; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .82rem; margin: .3rem 0 .6rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th.num, td.num { text-align: right; }
th.word, td.word { white-space: nowrap; }
th.long, td.long { overflow-wrap: anywhere; }
th { background: #e8e8e8; }
tbody tr:nth-child(even) { background: #f7f7f7; }
ul.notes { font-size: .82rem; color: #333; margin-top: .2rem; }
figure { margin: 1rem 0 2rem; break-inside: avoid; page-break-inside: avoid; }
svg.figure { width: 100%; height: auto; max-width: 100%; border: 1px solid #ddd; box-sizing: border-box; }
@media screen and (max-width: 760px) {
  /* A phone: a figure keeps 720 px, its 9-pt labels 8 px high and more,
     and scrolls sideways in its box, as the tables do (fit to 329 px,
     the latency figure's tick labels were under 4 px high). */
  svg.figure { min-width: 720px; }
  /* A table is as wide as its cells, each up to 16em, and scrolls: fit
     to the screen, a column off its edge was squeezed to a word a line,
     and the adaptive levels' intervals made each row 180 px high. */
  .scroll > table { width: max-content; }
  th, td { max-width: 16em; }
}
figcaption { font-size: .85rem; color: #333; margin-top: .3rem; }
details pre { font-size: .75rem; background: #f6f6f6; padding: .6rem; overflow-x: auto; }
footer { margin-top: 3rem; font-size: .8rem; color: #555; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; }
  details > pre { display: block; }
  svg.figure { border: none; }
}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{with .R.SimulatedNote}}<p class="simulated"><strong>{{.}}</strong></p>{{end}}
{{with .R.IncompleteNote}}<p class="simulated"><strong>{{.}}</strong></p>{{end}}
{{with .R.PartNote}}<p class="simulated"><strong>{{.}}</strong></p>{{end}}
<section id="summary">
<h2>Summary</h2>
{{range .R.Comparisons}}<p class="verdict"><strong>Verdict:</strong> {{.Headline}}</p>
{{if .Differs}}<div class="differs"><strong>What differs between the runs, by design ({{.Candidate}} vs {{.Baseline}}):</strong><ul>{{range .Differs}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Unfair}}<div class="unfair"><strong>Not a like-for-like comparison ({{.Baseline}} vs {{.Candidate}}, in the order of the values below):</strong><ul>{{range .Unfair}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
{{if .Notes}}<ul class="notes">{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{end}}{{template "table" .Summary}}
<p>{{.SLOLine}}</p>
</section>
{{if .Repeat}}<section id="repeated">
<h2>Repeated runs</h2>
{{range .Repeat}}{{template "table" .}}{{end}}
</section>
{{end}}{{if .Figures}}<section id="figures">
<h2>Figures</h2>
{{range .Figures}}<figure id="fig-{{.Ref.Name}}">
<h3>{{.Ref.Title}}</h3>
<div class="scroll">{{.Inline}}</div>
<figcaption>{{.Ref.Caption}} Files: <code>{{.Ref.SVG}}</code>, <code>{{.Ref.PNG}}</code>.</figcaption>
</figure>
{{end}}</section>{{end}}
{{if .Compare}}<section id="qualification">
<h2>Qualification</h2>
{{range .Compare}}{{template "table" .}}{{end}}
</section>{{end}}
<section id="levels">
<h2>Load levels</h2>
{{range .Levels}}{{template "table" .}}{{end}}
</section>
{{if .Costs}}<section id="cost">
<h2>Cost</h2>
{{range .Costs}}{{template "table" .}}{{end}}
</section>{{end}}
<section id="runs">
<h2>Runs</h2>
{{range .Runs}}{{template "table" .Manifest}}
<details><summary>run.json</summary><pre>{{.JSON}}</pre></details>
{{end}}</section>
{{if .R.Warnings}}<section id="warnings">
<h2>Warnings</h2>
<ul>{{range .R.Warnings}}<li>{{.}}</li>{{end}}</ul>
</section>{{end}}
<footer>Generated by {{.R.Tool}} {{.R.Version}} from the run directories alone; every number is recomputed from requests.jsonl.</footer>
</body>
</html>
{{define "table"}}{{if .Title}}<h3>{{.Title}}</h3>{{end}}
<div class="scroll"><table>
{{$t := .}}{{if headed .}}<thead><tr>{{range $i, $c := .Columns}}<th class="{{align $t $i}}{{word $c}}">{{$c}}</th>{{end}}</tr></thead>{{end}}
<tbody>{{range .Rows}}<tr>{{range $i, $c := .}}<td class="{{align $t $i}}{{word $c}}">{{$c}}</td>{{end}}</tr>{{end}}</tbody>
</table></div>
{{if .Notes}}<ul class="notes">{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{end}}`
