package targets

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// isHTMLPage reports whether an error body is an HTML document, by how it
// begins (after white space): a doctype, or an html, head or body tag.
// Text that only holds some markup further on is left as it is.
func isHTMLPage(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// htmlText is the words of an HTML page, as a reader sees them: the title,
// then the body's text without the title's repeat (an h1 saying it again,
// as nginx's pages do), entities decoded, white space collapsed; the
// contents of scripts, styles and comments dropped. Inline elements (b, i,
// a, span, …) join their text to its neighbours; other tags separate words.
func htmlText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var title, body strings.Builder
	skip, inTitle := 0, false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			switch {
			case skip > 0:
			case inTitle:
				title.Write(z.Text())
			default:
				body.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Noscript, atom.Template:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case atom.Title:
				inTitle = tt == html.StartTagToken
			}
			if !inlineTag(a) {
				body.WriteByte(' ')
			}
		}
	}
	t := strings.Join(strings.Fields(title.String()), " ")
	b := strings.Join(strings.Fields(body.String()), " ")
	if rest, ok := strings.CutPrefix(b, t); ok && t != "" && (rest == "" || rest[0] == ' ') {
		b = strings.TrimSpace(rest)
	}
	return strings.TrimSpace(t + " " + b)
}

// inlineTag reports whether a tag of this atom sits inside a run of text
// (phrasing content) rather than separating it from the next.
func inlineTag(a atom.Atom) bool {
	switch a {
	case atom.A, atom.Abbr, atom.B, atom.Code, atom.Em, atom.I, atom.Kbd, atom.Mark,
		atom.Q, atom.S, atom.Samp, atom.Small, atom.Span, atom.Strong, atom.Sub, atom.Sup,
		atom.Tt, atom.U, atom.Var:
		return true
	}
	return false
}
