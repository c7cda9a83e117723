package scenarios

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"unicode/utf8"

	"github.com/inferbench/inferbench/internal/jsonerr"
)

// Prompt is one prompt of a dataset.
type Prompt struct {
	// Text is the prompt sent as the user's message.
	Text string
	// PromptTokens is Text's length in tokens, estimated (EstimateTokens).
	PromptTokens int
	// OutputTokens is the output length hint in tokens: the dataset's
	// output_tokens (JSONL) or the estimated length of the first reply
	// (ShareGPT); 0 when the dataset gives none.
	OutputTokens int
}

// Prompts is a dataset's prompts, drawn by request id. The zero value holds
// none.
type Prompts struct {
	items []Prompt
	order []int // order[i] is the index of the i-th prompt drawn; nil: file order
	// turns[i] is items[i]'s human messages in order (ShareGPT; nil for
	// JSONL), which a multi-turn session replays (TurnsAt).
	turns [][]string
	// Skipped is the number of dataset entries that held no prompt (a
	// ShareGPT conversation without a human turn).
	Skipped int
}

// Len returns the number of prompts.
func (p *Prompts) Len() int { return len(p.items) }

// At returns the prompt drawn for request id: the (id mod Len)-th prompt in
// the draw order (file order, or Shuffle's). It is a pure function of id, so
// requests get the same prompts whatever order workers send them in.
// At on an empty Prompts returns the zero Prompt.
func (p *Prompts) At(id uint64) Prompt {
	if len(p.items) == 0 {
		return Prompt{}
	}
	i := int(id % uint64(len(p.items)))
	if p.order != nil {
		i = p.order[i]
	}
	return p.items[i]
}

// TurnsAt returns the human messages, in order, of the conversation At(id)
// comes from (its Text first): what a multi-turn session replays. For a
// dataset without turns (JSONL) it is the one prompt.
func (p *Prompts) TurnsAt(id uint64) []string {
	if len(p.items) == 0 {
		return nil
	}
	i := int(id % uint64(len(p.items)))
	if p.order != nil {
		i = p.order[i]
	}
	if p.turns == nil {
		return []string{p.items[i].Text}
	}
	return p.turns[i]
}

// HasTurns reports whether the prompts come from conversations (ShareGPT)
// whose human turns TurnsAt gives.
func (p *Prompts) HasTurns() bool { return p.turns != nil }

// Shuffle returns the same prompts drawn in an order seeded by seed: the
// same seed gives the same order, on any machine (math/rand/v2 PCG).
func (p *Prompts) Shuffle(seed uint64) *Prompts {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	return &Prompts{items: p.items, order: rng.Perm(len(p.items)), turns: p.turns, Skipped: p.Skipped}
}

// EstimateTokens estimates the number of tokens in s without a tokenizer:
// one token per 4 bytes, rounded up, at least 1 for a non-empty s. OpenAI
// gives ~4 characters per token as the rule of thumb for English text
// ("What are tokens and how to count them?", help.openai.com); counting
// bytes rather than characters keeps scripts with multi-byte characters,
// which take more tokens per character, from being underestimated as badly.
func EstimateTokens(s string) int {
	if s == "" {
		return 0
	}
	return (len(s) + 3) / 4
}

// jsonlPrompt is one line of a JSONL dataset.
type jsonlPrompt struct {
	Prompt       *string `json:"prompt"`
	OutputTokens int     `json:"output_tokens"`
}

// sharegptEntry is one conversation of a ShareGPT dataset.
type sharegptEntry struct {
	Conversations []struct {
		From  string `json:"from"`
		Value string `json:"value"`
	} `json:"conversations"`
}

// ReadPrompts reads a dataset in format (FormatJSONL or FormatShareGPT)
// from r, streaming: it keeps each entry's prompt and length hint, never the
// whole file. Errors give the line number.
//
// JSONL: one object a line, {"prompt": "…", "output_tokens": 128}, the
// second key optional; blank lines are skipped, other keys ignored.
// ShareGPT: a JSON array of {"conversations": [{"from": …, "value": …}]};
// the first turn from "human" (or "user") is the prompt and the estimated
// length of the first later turn from "gpt" (or "chatgpt", "assistant") the
// output hint; a conversation with no human turn is skipped and counted.
func ReadPrompts(r io.Reader, format DatasetFormat) (*Prompts, error) {
	var p *Prompts
	var err error
	switch format {
	case FormatJSONL:
		p, err = readJSONL(r, MaxDatasetLine)
	case FormatShareGPT:
		p, err = readShareGPT(r, MaxDatasetLine)
	default:
		return nil, fmt.Errorf("dataset: unknown format %q (want jsonl or sharegpt)", format)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if p.Len() == 0 {
		if p.Skipped > 0 {
			return nil, fmt.Errorf("dataset: no prompts: none of the %d conversations has a turn from \"human\" or \"user\" with text", p.Skipped)
		}
		return nil, errors.New("dataset: no prompts")
	}
	return p, nil
}

// ReadPromptsFile reads the dataset file at path (see ReadPrompts): its
// errors name the file and the line ("data.jsonl: line 5000: …"), a
// named pipe no program writes to among them (readFile).
func ReadPromptsFile(path string, format DatasetFormat) (*Prompts, error) {
	return readFile(path, func(r io.Reader) (*Prompts, error) {
		p, err := ReadPrompts(r, format)
		return p, unprefixed(err, "dataset: ")
	})
}

// MaxDatasetLine is the longest line of a JSONL dataset (or ShareGPT
// entry), in bytes: a prompt of MaxLength tokens at four bytes a token
// (EstimateTokens), and a MiB for the JSON around it; it bounds the memory
// a file with no newline (a wrong path, /dev/zero) can take.
const MaxDatasetLine = 4*MaxLength + 1<<20

// maxTraceLine is the longest line of a trace file: a line holds a time and
// two lengths.
const maxTraceLine = 1 << 20

// eachLine calls fn with each non-blank line of r (trimmed) and its number;
// fn's error comes back led by the line, and so does a line that is not
// UTF-8 text. A line is at most limit bytes,
// bufio.Scanner's bound: a longer one (a file with no newline, /dev/zero)
// fails at its line instead of being read into memory.
func eachLine(r io.Reader, limit int, fn func(b []byte) error) error {
	sc := bufio.NewScanner(withoutBOM(r))
	sc.Buffer(make([]byte, 0, 64<<10), limit)
	line := 0
	for sc.Scan() {
		line++
		if i := invalidUTF8(sc.Bytes()); i >= 0 {
			// encoding/json reads such a byte as U+FFFD, which a
			// dataset's prompt would send in its place.
			return fmt.Errorf("line %d: not UTF-8 text (byte 0x%02x at column %d): save the file as UTF-8", line, sc.Bytes()[i], 1+utf8.RuneCount(sc.Bytes()[:i]))
		}
		if b := bytes.TrimSpace(sc.Bytes()); len(b) > 0 {
			if err := fn(b); err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
		}
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return fmt.Errorf("line %d: line longer than %d MiB: refused (not a line-per-entry file?)", line+1, limit>>20)
	case err != nil:
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	return nil
}

// utf8BOM is UTF-8's byte order mark, U+FEFF encoded.
const utf8BOM = "\xef\xbb\xbf"

// withoutBOM returns r past a UTF-8 byte order mark at its very start:
// Windows editors (Notepad before 2019, PowerShell 5's Out-File -Encoding
// utf8) save one before the first line, which holds no text. Read as text
// it was a first prompt's first character, or encoding/json's "invalid
// character 'ï'" at line 1, a character the file does not hold. A mark
// anywhere else is text, sent as written.
func withoutBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		_, _ = br.Discard(len(utf8BOM))
	}
	return br
}

func readJSONL(r io.Reader, limit int) (*Prompts, error) {
	p := &Prompts{}
	err := eachLine(r, limit, func(b []byte) error {
		var jp jsonlPrompt
		if err := json.Unmarshal(b, &jp); err != nil {
			return jsonerr.TypeError(err)
		}
		switch {
		case jp.Prompt == nil:
			return errors.New(`no "prompt"`)
		case *jp.Prompt == "":
			return errors.New("empty prompt")
		case jp.OutputTokens < 0 || jp.OutputTokens > MaxLength:
			return fmt.Errorf("output_tokens must be between 0 (no hint) and %d, got %d", MaxLength, jp.OutputTokens)
		}
		p.items = append(p.items, Prompt{Text: *jp.Prompt, PromptTokens: EstimateTokens(*jp.Prompt), OutputTokens: jp.OutputTokens})
		return nil
	})
	return p, err
}

func readShareGPT(r io.Reader, limit int) (*Prompts, error) {
	lc := &lineCounter{r: withoutBOM(r), limit: int64(limit), badAt: -1}
	dec := json.NewDecoder(lc)
	if tok, err := dec.Token(); err != nil {
		return nil, lc.wrap(dec, err)
	} else if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("line %d: want a JSON array of conversations", lc.line(dec.InputOffset()))
	}
	p := &Prompts{}
	for dec.More() {
		lc.line(dec.InputOffset()) // forget the newlines before this entry
		lc.start = dec.InputOffset()
		var e sharegptEntry
		if err := dec.Decode(&e); err != nil {
			return nil, lc.wrap(dec, err)
		}
		if lc.badAt >= 0 && lc.badAt < dec.InputOffset() {
			return nil, fmt.Errorf("line %d: not UTF-8 text (byte 0x%02x): save the file as UTF-8", lc.line(lc.badAt), lc.badByte)
		}
		var pr Prompt
		var turns []string
		for _, c := range e.Conversations {
			switch c.From {
			case "human", "user":
				if pr.Text == "" {
					pr.Text = c.Value
				}
				if c.Value != "" {
					turns = append(turns, c.Value)
				}
			case "gpt", "chatgpt", "assistant":
				if pr.Text != "" && pr.OutputTokens == 0 {
					pr.OutputTokens = min(EstimateTokens(c.Value), MaxLength)
				}
			}
		}
		if pr.Text == "" {
			p.Skipped++
			continue
		}
		pr.PromptTokens = EstimateTokens(pr.Text)
		p.items = append(p.items, pr)
		p.turns = append(p.turns, turns)
	}
	if _, err := dec.Token(); err != nil {
		return nil, lc.wrap(dec, err)
	}
	// What follows the array (a second one appended, text) was dropped.
	switch _, err := dec.Token(); {
	case err == io.EOF:
	case err == nil:
		return nil, fmt.Errorf("line %d: more after the array of conversations: a ShareGPT file is one JSON array", lc.line(dec.InputOffset()))
	default:
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("line %d: more after the array of conversations: a ShareGPT file is one JSON array", lc.line(max(se.Offset-1, 0)))
		}
		return nil, lc.wrap(dec, err)
	}
	if lc.badAt >= 0 {
		return nil, fmt.Errorf("line %d: not UTF-8 text (byte 0x%02x): save the file as UTF-8", lc.line(lc.badAt), lc.badByte)
	}
	return p, nil
}

// lineCounter counts the newlines read through it, so a streaming JSON
// decoder's byte offsets can be turned into line numbers. It keeps only the
// newline offsets past the last one asked about: queries move forward.
type lineCounter struct {
	r     io.Reader
	read  int64   // bytes read so far
	start int64   // where the entry being decoded starts
	limit int64   // the most bytes read past start
	nl    []int64 // offsets of newlines not yet passed by a query
	lines int     // newlines passed by queries so far
	// badAt is the offset of the first byte that is not UTF-8 (-1: none
	// yet), badByte that byte; tail holds a character cut by the end of
	// the last read.
	badAt   int64
	badByte byte
	tail    []byte
}

// Read reads from the underlying reader, noting where each newline is.
//
// It fails once limit bytes past the start of the entry being decoded have
// been read: the decoder holds a whole entry in memory, and no conversation
// is that long.
func (l *lineCounter) Read(b []byte) (int, error) {
	if l.read-l.start > l.limit {
		return 0, fmt.Errorf("an entry longer than %d MiB: refused", l.limit>>20)
	}
	n, err := l.r.Read(b)
	for i, c := range b[:n] {
		if c == '\n' {
			l.nl = append(l.nl, l.read+int64(i))
		}
	}
	if l.badAt < 0 {
		l.checkUTF8(b[:n], err == io.EOF)
	}
	l.read += int64(n)
	return n, err
}

// checkUTF8 notes the first byte of b, read at l.read, that is not UTF-8,
// carrying a character cut by the end of b to the next read (or, at the
// end, refusing it).
func (l *lineCounter) checkUTF8(b []byte, end bool) {
	base := l.read
	if len(l.tail) > 0 {
		// Complete the character the last read cut, from b's first bytes.
		k := min(utf8.UTFMax-len(l.tail), len(b))
		c := append(l.tail, b[:k]...)
		if !end && !utf8.FullRune(c) {
			l.tail = c
			return
		}
		r, size := utf8.DecodeRune(c)
		if r == utf8.RuneError && size == 1 {
			l.badAt, l.badByte = base-int64(len(l.tail)), c[0]
			return
		}
		skip := size - len(l.tail)
		l.tail = l.tail[:0]
		b, base = b[skip:], base+int64(skip)
	}
	cut := len(b)
	if !end {
		// A character the read cuts short waits for the next read.
		for k := 1; k <= utf8.UTFMax-1 && k <= len(b); k++ {
			if utf8.RuneStart(b[len(b)-k]) {
				if !utf8.FullRune(b[len(b)-k:]) {
					cut = len(b) - k
				}
				break
			}
		}
	}
	if i := invalidUTF8(b[:cut]); i >= 0 {
		l.badAt, l.badByte = base+int64(i), b[i]
		return
	}
	l.tail = append(l.tail, b[cut:]...)
}

// line returns the 1-based line of byte offset off. Offsets must not
// decrease from one call to the next.
func (l *lineCounter) line(off int64) int {
	i, _ := slices.BinarySearch(l.nl, off)
	l.lines += i
	l.nl = l.nl[i:]
	return l.lines + 1
}

// wrap adds the line of a decoding error: a syntax error's own offset, or
// where the decoder stopped.
func (l *lineCounter) wrap(dec *json.Decoder, err error) error {
	if err == io.EOF {
		return fmt.Errorf("line %d: unexpected end of file", l.line(l.read))
	}
	off := dec.InputOffset()
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se) && se.Offset > 0:
		off = se.Offset - 1
	case errors.As(err, &te) && te.Offset > 0:
		off = te.Offset - 1
	}
	return fmt.Errorf("line %d: %w", l.line(off), jsonerr.TypeError(err))
}
