package openai

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/inferbench/inferbench/targets/jsonscan"
)

// fastDecode decodes the common shape of a streamed token chunk into ev
// without encoding/json, and reports whether it could. It is on the hot
// path: encoding/json's reflection costs about 2 µs per chunk, which caps a
// 2-core client near 500,000 tokens/s; this scanner reads the same chunk in
// a fraction of that (BenchmarkStream), so the harness keeps up with the
// servers it measures.
//
// It accepts only what it can decode exactly as encoding/json would: a
// top-level object whose "choices" elements carry "delta" {content,
// reasoning_content, reasoning}, "text" and "finish_reason" as strings or
// null (escapes resolved as encoding/json resolves them, a lone surrogate as
// U+FFFD), "stop_reason" and "matched_stop" as any JSON value
// (stopReasonJSON), with every other key skipped after validation, and
// "usage" null, absent or an object whose prompt_tokens_details is null or
// an object, its counts (prompt_tokens, completion_tokens, cached_tokens)
// any JSON value, read by targets.Int as encoding/json reads them, and
// llama.cpp's "timings" null, absent or an object (prompt_ms and
// predicted_ms read by targets.Float, predicted_n and cache_n by
// targets.Int). Anything else — a key with escapes, tool calls, errors,
// x_groq, a key
// that matches a known one only case-insensitively, a repeated key, invalid
// UTF-8 —
// returns false, and the caller decodes the event with encoding/json.
// FuzzFastDecode checks the two agree.
func fastDecode(data []byte, ev *eventJSON) bool {
	p := scanner{b: data}
	return p.event(ev)
}

// event decodes the whole of p.b as an event (see fastDecode).
func (p *scanner) event(ev *eventJSON) bool {
	seen := 0
	if !p.objectKeys(func(key []byte) bool {
		switch string(key) {
		case "choices":
			return once(&seen, 1) && p.choices(ev)
		case "usage":
			return once(&seen, 2) && p.usage(ev)
		case "timings":
			return once(&seen, 4) && p.timings(ev)
		case "error", "x_groq":
			return false
		}
		return !foldsTo(key, "choices", "usage", "error", "x_groq", "timings") && p.skip()
	}) {
		return false
	}
	p.ws()
	return p.i == len(p.b)
}

// template decodes the events of one stream that differ from the stream's
// previous token chunk only in the generated text. A server writes every
// token chunk with the same bytes around the text (vLLM, TGI, llama.cpp,
// SGLang, the mock: same id, created, model, index, nulls), so once one chunk
// has been scanned in full, the next one that starts with the same bytes up
// to the text's opening quote and ends with the same bytes from its closing
// quote decodes to the same event with only the text changed, provided the
// text between is a plain string: the scanner is deterministic and reads
// the prefix, the string and the suffix exactly as it did before. Checking
// that costs two memory compares and one pass over the text, about a tenth
// of a full scan (BenchmarkStream). Servers that vary other bytes per chunk
// (OpenAI's random "obfuscation") simply miss and get the full scan.
// FuzzTemplateDecode checks the result against encoding/json.
type template struct {
	prefix, suffix []byte
	choice         choiceJSON   // the decoded choice, its text aside
	usage          *usageJSON   // the decoded usage (Ollama repeats one per chunk), nil if none
	timings        *timingsJSON // the decoded timings (llama.cpp's, with timings_per_token), nil if none
	field          int          // fieldContent or fieldText; 0: no template
	hits           int          // events decoded by the template (tests)
}

// reset forgets the template (a new stream).
func (t *template) reset() { t.field, t.hits = 0, 0 }

// decode is fastDecode through the template: it reports whether data was
// decoded into ev, and keeps a template from each event it scans in full.
func (t *template) decode(data []byte, ev *eventJSON) bool {
	if t.field != 0 && len(data) >= len(t.prefix)+len(t.suffix) &&
		bytes.HasPrefix(data, t.prefix) && bytes.HasSuffix(data, t.suffix) {
		if mid := data[len(t.prefix) : len(data)-len(t.suffix)]; plainBody(mid) {
			ev.Choices = append(ev.Choices[:0], t.choice)
			if t.usage != nil {
				u := *t.usage // a new one each event, as encoding/json gives
				ev.Usage = &u
			}
			if t.timings != nil {
				tm := *t.timings
				ev.Timings = &tm
			}
			ch := &ev.Choices[0]
			if t.field == fieldContent {
				ch.Delta.Content = string(mid)
			} else {
				ch.Text = string(mid)
			}
			t.hits++
			return true
		}
	}
	p := scanner{b: data}
	if !p.event(ev) {
		return false
	}
	t.field = 0
	if p.texts == 1 && len(ev.Choices) == 1 {
		t.prefix = append(t.prefix[:0], data[:p.textAt]...)
		t.suffix = append(t.suffix[:0], data[p.textEnd:]...)
		t.choice, t.field, t.usage, t.timings = ev.Choices[0], p.textField, nil, nil
		if ev.Usage != nil {
			u := *ev.Usage
			t.usage = &u
		}
		if ev.Timings != nil {
			tm := *ev.Timings
			t.timings = &tm
		}
		if t.field == fieldContent {
			t.choice.Delta.Content = ""
		} else {
			t.choice.Text = ""
		}
	}
	return true
}

// plainBody reports whether s can stand between a string's quotes as it
// is: no quote, backslash or control character, and valid UTF-8.
func plainBody(s []byte) bool {
	ascii := true
	for _, c := range s {
		if !plain[c] {
			if c < 0x80 {
				return false
			}
			ascii = false
		}
	}
	return ascii || utf8.Valid(s)
}

// timings decodes llama.cpp's timings object (or null) into ev.Timings,
// as encoding/json decodes it into *timingsJSON: a new one, the times read
// by targets.Float, the counts by targets.Int, other keys skipped. llama-server
// puts it on every event of a timings_per_token stream (request.go).
func (p *scanner) timings(ev *eventJSON) bool {
	if p.i < len(p.b) && p.b[p.i] == 'n' {
		return p.null()
	}
	tm := &timingsJSON{}
	seen := 0
	if !p.objectKeys(func(key []byte) bool {
		switch string(key) {
		case "prompt_ms":
			return once(&seen, 1) && p.number(&tm.PromptMS)
		case "predicted_ms":
			return once(&seen, 2) && p.number(&tm.PredictedMS)
		case "predicted_n":
			return once(&seen, 4) && p.number(&tm.PredictedN)
		case "cache_n":
			return once(&seen, 8) && p.number(&tm.CacheN)
		}
		return !foldsTo(key, "prompt_ms", "predicted_ms", "predicted_n", "cache_n") && p.skip()
	}) {
		return false
	}
	ev.Timings = tm
	return true
}

// usage decodes the usage object (or null) into ev.Usage, as encoding/json
// decodes it into *usageJSON: a new one, the counts read by targets.Int,
// other keys skipped.
func (p *scanner) usage(ev *eventJSON) bool {
	if p.i < len(p.b) && p.b[p.i] == 'n' {
		return p.null()
	}
	u := &usageJSON{}
	seen := 0
	if !p.objectKeys(func(key []byte) bool {
		switch string(key) {
		case "prompt_tokens":
			return once(&seen, 1) && p.number(&u.PromptTokens)
		case "completion_tokens":
			return once(&seen, 2) && p.number(&u.CompletionTokens)
		case "prompt_tokens_details":
			return once(&seen, 4) && p.promptDetails(u)
		}
		return !foldsTo(key, "prompt_tokens", "completion_tokens", "prompt_tokens_details") && p.skip()
	}) {
		return false
	}
	ev.Usage = u
	return true
}

// promptDetails decodes usage.prompt_tokens_details (or null) into u, as
// encoding/json does: cached_tokens read by targets.Int, other keys skipped.
func (p *scanner) promptDetails(u *usageJSON) bool {
	if p.i < len(p.b) && p.b[p.i] == 'n' {
		return p.null()
	}
	d := &detailsJSON{}
	seen := 0
	if !p.objectKeys(func(key []byte) bool {
		if string(key) == "cached_tokens" {
			return once(&seen, 1) && p.number(&d.CachedTokens)
		}
		return !foldsTo(key, "cached_tokens") && p.skip()
	}) {
		return false
	}
	u.PromptTokensDetails = d
	return true
}

// number reads a server's count or time into dst as encoding/json does:
// any valid JSON value, handed to its UnmarshalJSON (targets.Int reads what
// is no integer that fits as not reported, targets.Float what is no number).
func (p *scanner) number(dst json.Unmarshaler) bool {
	start := p.i
	if !p.skip() {
		return false
	}
	return dst.UnmarshalJSON(p.b[start:p.i]) == nil
}

// choices decodes the choices array.
func (p *scanner) choices(ev *eventJSON) bool {
	if ev.Choices == nil {
		ev.Choices = make([]choiceJSON, 0, 1) // as encoding/json: [] is empty, not nil
	}
	ev.Choices = ev.Choices[:0]
	return p.arrayItems(func() bool {
		ev.Choices = append(ev.Choices, choiceJSON{})
		ch := &ev.Choices[len(ev.Choices)-1]
		seen := 0
		return p.objectKeys(func(key []byte) bool {
			switch string(key) {
			case "delta":
				return once(&seen, 1) && p.delta(ch)
			case "text":
				return once(&seen, 2) && p.text(&ch.Text, fieldText)
			case "finish_reason":
				return once(&seen, 4) && p.stringValue(&ch.FinishReason)
			case "stop_reason":
				return once(&seen, 8) && p.stopReason(&ch.StopReason)
			case "matched_stop":
				return once(&seen, 16) && p.stopReason(&ch.MatchedStop)
			}
			return !foldsTo(key, "delta", "text", "finish_reason", "stop_reason", "matched_stop") && p.skip()
		})
	})
}

// stopReason reads a choice's stop_reason or matched_stop as
// stopReasonJSON.UnmarshalJSON does. Token chunks carry null, which costs
// nothing; only a finish chunk's string is copied (once a stream).
func (p *scanner) stopReason(s *stopReasonJSON) bool {
	*s = stopReasonJSON{Kind: stopOther}
	if p.i >= len(p.b) {
		return false
	}
	switch c := p.b[p.i]; {
	case c == 'n':
		s.Kind = stopNull
		return p.null()
	case c == '"':
		s.Kind = stopString
		return p.stringValue(&s.Text)
	case c == '-' || c >= '0' && c <= '9':
		s.Kind = stopNumber
	}
	return p.skip()
}

// delta decodes a choice's delta object.
func (p *scanner) delta(ch *choiceJSON) bool {
	seen := 0
	return p.objectKeys(func(key []byte) bool {
		switch string(key) {
		case "content":
			return once(&seen, 1) && p.text(&ch.Delta.Content, fieldContent)
		case "reasoning_content":
			return once(&seen, 2) && p.stringValue(&ch.Delta.ReasoningContent)
		case "reasoning":
			return once(&seen, 4) && p.stringValue(&ch.Delta.Reasoning)
		case "refusal":
			return once(&seen, 8) && p.stringValue(&ch.Delta.Refusal)
		case "tool_calls":
			return false
		}
		return !foldsTo(key, "content", "reasoning_content", "reasoning", "refusal", "tool_calls") && p.skip()
	})
}

// once sets bit in *seen and reports whether it was clear: a repeated key
// sends the event to encoding/json, whose last-one-wins rule is its own.
func once(seen *int, bit int) bool {
	if *seen&bit != 0 {
		return false
	}
	*seen |= bit
	return true
}

// foldsTo reports whether key equals one of names ignoring case:
// encoding/json matches keys case-insensitively, so such a key is left to it.
func foldsTo(key []byte, names ...string) bool {
	for _, n := range names {
		if len(key) == len(n) && bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

// scanner walks JSON bytes; every method reports false on anything it does
// not accept, leaving the event to encoding/json.
type scanner struct {
	b []byte
	i int
	// texts counts the generated-text strings read (delta content, text);
	// textAt and textEnd bound the last one's bytes, textField says which.
	texts, textAt, textEnd, textField int
}

// Which generated-text field a template varies.
const (
	fieldContent = 1 + iota
	fieldText
)

// text reads a string or null into *dst, noting where a string's bytes lie
// for the stream's template.
func (p *scanner) text(dst *string, field int) bool {
	at := p.i
	if !p.stringValue(dst) {
		return false
	}
	if p.b[at] == '"' {
		p.texts++
		p.textAt, p.textEnd, p.textField = at+1, p.i-1, field
	}
	return true
}

func (p *scanner) ws() { p.i = jsonscan.Space(p.b, p.i) }

func (p *scanner) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// objectKeys walks an object, calling value for each key with the scanner
// before the key's value; value must consume it.
func (p *scanner) objectKeys(value func(key []byte) bool) bool {
	return p.list('{', '}', func() bool {
		key, ok := p.rawString()
		if !ok {
			return false
		}
		p.ws()
		if !p.eat(':') {
			return false
		}
		p.ws()
		return value(key)
	})
}

// arrayItems walks an array, calling item with the scanner before each
// element; item must consume it.
func (p *scanner) arrayItems(item func() bool) bool {
	return p.list('[', ']', item)
}

// list walks what open and closing delimit, calling item before each
// comma-separated member; item must consume it.
func (p *scanner) list(open, closing byte, item func() bool) bool {
	p.ws()
	if !p.eat(open) {
		return false
	}
	p.ws()
	if p.eat(closing) {
		return true
	}
	for {
		p.ws()
		if !item() {
			return false
		}
		p.ws()
		if p.eat(closing) {
			return true
		}
		if !p.eat(',') {
			return false
		}
	}
}

// plain marks the bytes a string can hold as they are: printable ASCII
// other than the quote and the backslash. The string loops below skip runs
// of them with one table load per byte and call utf8.Valid only when a
// string holds bytes ≥ 0x80 (about a third of the scanner's time went to
// utf8.Valid on ASCII keys before, in BenchmarkStream's profile).
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// rawString reads a string with no escapes and no control characters and
// returns its bytes; a string with escapes or invalid UTF-8 is refused.
func (p *scanner) rawString() ([]byte, bool) {
	if !p.eat('"') {
		return nil, false
	}
	start, i, b := p.i, p.i, p.b
	ascii := true
	for i < len(b) {
		c := b[i]
		switch {
		case plain[c]:
			i++
			continue
		case c == '"':
			p.i = i + 1
			s := b[start:i]
			return s, ascii || utf8.Valid(s)
		case c >= 0x80:
			ascii = false
			i++
			continue
		}
		return nil, false // a backslash or a control character
	}
	return nil, false
}

// stringValue reads a string or null into *dst. A string with escapes is
// resolved as encoding/json resolves it; one with invalid UTF-8 is refused.
func (p *scanner) stringValue(dst *string) bool {
	if p.i < len(p.b) && p.b[p.i] == 'n' {
		return p.null()
	}
	at := p.i
	s, ok := p.rawString()
	if ok {
		*dst = string(s)
		return true
	}
	end, ok := jsonscan.String(p.b, at)
	if !ok || !utf8.Valid(p.b[at+1:end-1]) {
		return false
	}
	p.i = end
	*dst = unescape(p.b[at+1 : end-1])
	return true
}

// unescape returns the text of a string's body whose escapes and UTF-8
// stringValue has checked, as encoding/json decodes it: "\uD83D\uDE00" is
// one rune, a surrogate not in such a pair is U+FFFD. It copies once, into
// the string (encoding/json unquotes into a buffer, then copies that into
// the string: a 15 MiB text with escapes cost 30 MiB).
func unescape(b []byte) string {
	if c, ok := oneByte(b); ok {
		// "\n", the commonest escaped token: a string of one byte is the
		// runtime's own, as encoding/json's is, not an allocation.
		return string([]byte{c})
	}
	var s strings.Builder
	s.Grow(len(b)) // no escape decodes to more bytes than it is written in
	for {
		i := bytes.IndexByte(b, '\\')
		if i < 0 {
			s.Write(b)
			return s.String()
		}
		s.Write(b[:i])
		c := b[i+1]
		b = b[i+2:]
		switch c {
		case 'b':
			s.WriteByte('\b')
		case 'f':
			s.WriteByte('\f')
		case 'n':
			s.WriteByte('\n')
		case 'r':
			s.WriteByte('\r')
		case 't':
			s.WriteByte('\t')
		case 'u':
			r := hex4(b)
			b = b[4:]
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if len(b) >= 6 && b[0] == '\\' && b[1] == 'u' {
					r2 = hex4(b[2:])
				}
				if d := utf16.DecodeRune(r, r2); d != unicode.ReplacementChar {
					r, b = d, b[6:]
				} else {
					r = unicode.ReplacementChar
				}
			}
			s.WriteRune(r)
		default: // '"', '\\' or '/'
			s.WriteByte(c)
		}
	}
}

// oneByte returns the byte a string's body decodes to when it is one
// escape of one byte ("\n", "\"", "\u000a").
func oneByte(b []byte) (byte, bool) {
	switch {
	case len(b) == 2 && b[1] != 'u':
		switch c := b[1]; c {
		case 'b':
			return '\b', true
		case 'f':
			return '\f', true
		case 'n':
			return '\n', true
		case 'r':
			return '\r', true
		case 't':
			return '\t', true
		default:
			return c, true
		}
	case len(b) == 6 && b[1] == 'u':
		if r := hex4(b[2:]); r < utf8.RuneSelf {
			return byte(r), true
		}
	}
	return 0, false
}

// hex4 reads the four hex digits stringValue has checked.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

func (p *scanner) null() bool {
	if bytes.HasPrefix(p.b[p.i:], []byte("null")) {
		p.i += 4
		return true
	}
	return false
}

// maxSkipDepth bounds the nesting of a value skip reads; encoding/json
// reads deeper.
const maxSkipDepth = 64

// skip validates and skips any JSON value (jsonscan.Value).
func (p *scanner) skip() bool {
	end, ok := jsonscan.Value(p.b, p.i, maxSkipDepth)
	p.i = end
	return ok
}
