package rundir

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"
)

// unmarshalRecord decodes one requests.jsonl line into r: the hand-written
// fast path when it can, else encoding/json. The fast path exists because
// reading records is the report's hot path: encoding/json spends ~15 µs on
// a 32-token record (reflection, validation, [][2]int64), so `report` over a
// million records took half a minute; this scanner reads the same line in a
// fraction of that (BenchmarkReadRecords). It accepts only lines it can
// decode exactly as encoding/json would — known keys in any order, numbers,
// plain strings without escapes, booleans, the chunks array, the server
// object — and leaves anything else (escapes, unknown or case-folded keys,
// repeated keys, null) to encoding/json. FuzzRecordDecode checks the two agree.
// Either way a time more than MaxOffsetNS from the run's start is refused
// (checkOffsets); the fast path leaves a chunk offset past it to
// encoding/json's, which names it.
func unmarshalRecord(b []byte, r *Record) error {
	return unmarshalRecordWith(b, r, nil)
}

// unmarshalRecordWith is unmarshalRecord for a reader of many lines:
// scratch (nil: none) is its room to read a record's chunks into, kept from
// line to line, so that each record's chunks are laid out once at their
// length instead of grown by doubling from a small slice, which copied each
// entry about twice more (a 1,000-chunk record: 49 KB allocated for 16 KB
// kept).
func unmarshalRecordWith(b []byte, r *Record, scratch *[][2]int64) error {
	if decodeFast(b, r, scratch) {
		return errors.Join(r.checkOffsets(false), r.checkPossible())
	}
	*r = Record{}
	if err := json.Unmarshal(b, r); err != nil {
		return err
	}
	return errors.Join(r.checkOffsets(true), r.checkPossible())
}

// checkPossible returns an error naming what no request can have: a
// negative level or token count, a first token before the request was sent, an end
// before the first token (an absent time, zero, is not compared). run
// never writes one; an edited line that does printed a TTFT of −5000 ms
// or −238.9 output tok/s as if measured.
func (r *Record) checkPossible() error {
	switch {
	case r.Level < 0:
		return fmt.Errorf("level %g: a level is a concurrency, a request rate or 0 (a trace's), never negative: the record is corrupt", r.Level)
	case r.InputTokens < 0 || r.OutputTokens < 0:
		return fmt.Errorf("a negative token count (input_tokens %d, output_tokens %d): the record is corrupt", r.InputTokens, r.OutputTokens)
	case r.FirstTokenNS != 0 && r.SentNS != 0 && r.FirstTokenNS < r.SentNS:
		return fmt.Errorf("first_token_ns %d is before sent_ns %d: the record is corrupt", r.FirstTokenNS, r.SentNS)
	case r.EndNS != 0 && r.FirstTokenNS != 0 && r.EndNS < r.FirstTokenNS:
		return fmt.Errorf("end_ns %d is before first_token_ns %d: the record is corrupt", r.EndNS, r.FirstTokenNS)
	}
	return r.checkChunks()
}

// checkChunks returns an error naming a chunk no stream can have: the
// runner stamps each token-bearing event from one monotonic clock as it
// reads it, the first at first_token_ns and the last at end_ns, with a
// count of at least one, so the offsets never go back and lie within
// [first_token_ns, end_ns]. A list edited out of order read as a negative
// ITL beside the others and a mean ITL below its p50.
func (r *Record) checkChunks() error {
	prev := r.FirstTokenNS
	for i, c := range r.Chunks {
		switch {
		case c[1] < 0:
			return fmt.Errorf("chunks[%d] counts %d tokens: the record is corrupt", i, c[1])
		case i == 0 && c[0] < prev:
			return fmt.Errorf("chunks[0] at %d ns is before first_token_ns %d: the record is corrupt", c[0], prev)
		case c[0] < prev:
			return fmt.Errorf("chunks[%d] at %d ns is before chunks[%d] at %d ns: the record is corrupt", i, c[0], i-1, prev)
		case r.EndNS != 0 && c[0] > r.EndNS:
			return fmt.Errorf("chunks[%d] at %d ns is after end_ns %d: the record is corrupt", i, c[0], r.EndNS)
		}
		prev = c[0]
	}
	return nil
}

// recScanner walks one JSON line.
type recScanner struct {
	b []byte
	i int
}

func (p *recScanner) ws() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

func (p *recScanner) eat(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a string without escapes or control characters.
func (p *recScanner) str() (string, bool) {
	s, ok := p.raw()
	if !ok || !utf8.Valid(s) {
		return "", false
	}
	return internBytes(s), true
}

// raw reads a string without escapes or control characters as its bytes
// in the line, unchecked as UTF-8: an object's key, which is compared with
// the known keys only (a key of invalid UTF-8 is none of them, and goes to
// encoding/json as every unknown key does), so that no key is looked up
// among the interned strings.
func (p *recScanner) raw() ([]byte, bool) {
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	p.i++
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			return s, true
		}
		if c == '\\' || c < 0x20 {
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// numToken returns the bytes of a JSON number.
func (p *recScanner) numToken() ([]byte, bool) {
	p.ws()
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, false
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, false
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, false
		}
	}
	return p.b[start:p.i], true
}

// int reads an integer that fits bits (as encoding/json: no fraction or
// exponent), parsing the digits in place: it runs twice per chunk.
func (p *recScanner) int(bits int) (int64, bool) {
	p.ws()
	// The line and the place in locals: the loop keeps them in registers
	// instead of storing p.i at every digit.
	b, i := p.b, p.i
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	start := i
	var u uint64
	for i < len(b) {
		c := b[i] - '0'
		if c > 9 {
			break
		}
		if u > (1<<63)/10 {
			p.i = i
			return 0, false
		}
		u = u*10 + uint64(c)
		i++
	}
	p.i = i
	n := i - start
	if n == 0 || (n > 1 && b[start] == '0') {
		return 0, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, false
	}
	limit := uint64(1) << (bits - 1)
	if neg {
		if u > limit {
			return 0, false
		}
		return -int64(u), true
	}
	if u >= limit {
		return 0, false
	}
	return int64(u), true
}

func (p *recScanner) uint() (uint64, bool) {
	t, ok := p.numToken()
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseUint(string(t), 10, 64)
	return v, err == nil
}

func (p *recScanner) float() (float64, bool) {
	t, ok := p.numToken()
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(t), 64)
	return v, err == nil
}

func (p *recScanner) bool() (bool, bool) {
	p.ws()
	switch {
	case len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "true":
		p.i += 4
		return true, true
	case len(p.b)-p.i >= 5 && string(p.b[p.i:p.i+5]) == "false":
		p.i += 5
		return false, true
	}
	return false, false
}

// object calls field for each key (its bytes in the line); field consumes
// the value.
func (p *recScanner) object(field func(key []byte) bool) bool {
	if !p.eat('{') {
		return false
	}
	if p.eat('}') {
		return true
	}
	for {
		key, ok := p.raw()
		if !ok || !p.eat(':') || !field(key) {
			return false
		}
		if p.eat('}') {
			return true
		}
		if !p.eat(',') {
			return false
		}
	}
}

// decodeRecordFast decodes b into r, reporting false when the line needs
// encoding/json (r is then in an undefined state).
func decodeRecordFast(b []byte, r *Record) bool { return decodeFast(b, r, nil) }

// decodeFast is decodeRecordFast reading the chunks into scratch (chunks).
func decodeFast(b []byte, r *Record, scratch *[][2]int64) bool {
	*r = Record{}
	p := recScanner{b: b}
	var seen uint64
	once := func(bit uint) bool {
		if seen&(1<<bit) != 0 {
			return false
		}
		seen |= 1 << bit
		return true
	}
	i64 := func(bit uint, dst *int64) bool {
		v, ok := p.int(64)
		*dst = v
		return ok && once(bit)
	}
	in := func(bit uint, dst *int) bool {
		v, ok := p.int(strconv.IntSize)
		*dst = int(v)
		return ok && once(bit)
	}
	str := func(bit uint, dst *string) bool {
		v, ok := p.str()
		*dst = v
		return ok && once(bit)
	}
	u64 := func(bit uint, dst *uint64) bool {
		v, ok := p.uint()
		*dst = v
		return ok && once(bit)
	}
	boolean := func(bit uint, dst *bool) bool {
		v, ok := p.bool()
		*dst = v
		return ok && once(bit)
	}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return u64(0, &r.ID)
		case "stage":
			return str(1, (*string)(&r.Stage))
		case "level":
			v, ok := p.float()
			r.Level = v
			return ok && once(2)
		case "worker":
			return in(3, &r.Worker)
		case "scheduled_ns":
			return i64(4, &r.ScheduledNS)
		case "sent_ns":
			return i64(5, &r.SentNS)
		case "connect_ns":
			return i64(33, &r.ConnectNS)
		case "headers_ns":
			return i64(6, &r.HeadersNS)
		case "first_byte_ns":
			return i64(7, &r.FirstByteNS)
		case "first_token_ns":
			return i64(8, &r.FirstTokenNS)
		case "first_content_ns":
			return i64(9, &r.FirstContentNS)
		case "end_ns":
			return i64(10, &r.EndNS)
		case "done_ns":
			return i64(11, &r.DoneNS)
		case "ttft_ns", "e2e_ns":
			// Written by older versions; encoding/json ignores them too.
			var skip int64
			bit := uint(12)
			if string(key) == "e2e_ns" {
				bit = 13
			}
			return i64(bit, &skip)
		case "chunks":
			return once(14) && p.chunks(r, scratch)
		case "input_tokens":
			return in(15, &r.InputTokens)
		case "output_tokens":
			return in(16, &r.OutputTokens)
		case "input_tokens_source":
			return str(17, (*string)(&r.InputTokensSource))
		case "output_tokens_source":
			return str(18, (*string)(&r.OutputTokensSource))
		case "requested_input_tokens":
			return in(19, &r.RequestedInputTokens)
		case "requested_output_tokens":
			return in(20, &r.RequestedOutputTokens)
		case "finish_reason":
			return str(21, &r.FinishReason)
		case "ok":
			return boolean(22, &r.OK)
		case "status":
			return in(23, &r.Status)
		case "error_class":
			return str(24, (*string)(&r.ErrorClass))
		case "error":
			return str(25, &r.Error)
		case "retry_after_ms":
			return i64(26, &r.RetryAfterMS)
		case "attempt":
			return in(27, &r.Attempt)
		case "resent":
			return in(34, &r.Resent)
		case "retried":
			return boolean(28, &r.Retried)
		case "server":
			return once(29) && p.server(r)
		case "chunks_coalesced":
			return i64(30, &r.ChunksCoalesced)
		case "usage_decreased":
			return boolean(35, &r.UsageDecreased)
		case "prefix_group":
			return in(31, &r.PrefixGroup)
		case "cached_input_tokens":
			return in(32, &r.CachedInputTokens)
		case "session":
			return u64(40, &r.Session)
		case "turn":
			return in(41, &r.Turn)
		}
		return false // unknown (or case-folded) key: encoding/json decides
	})
	if !ok {
		return false
	}
	p.ws()
	return p.i == len(p.b)
}

// chunks reads [[offset, tokens], …] into scratch's room (a new one when
// scratch is nil), left there for the next record, and gives r a copy of
// its length.
func (p *recScanner) chunks(r *Record, scratch *[][2]int64) bool {
	p.ws()
	if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	if !p.eat('[') {
		return false
	}
	if p.eat(']') {
		r.Chunks = [][2]int64{}
		return true
	}
	if scratch == nil {
		scratch = new([][2]int64)
	}
	c := (*scratch)[:0]
	defer func() { *scratch = c[:0] }()
	for {
		if !p.eat('[') {
			return false
		}
		a, ok1 := p.int(64)
		if !ok1 || outsideRun(a) || !p.eat(',') { // encoding/json's path says which
			return false
		}
		b, ok2 := p.int(64)
		if !ok2 || !p.eat(']') {
			return false
		}
		c = append(c, [2]int64{a, b})
		if p.eat(']') {
			r.Chunks = append([][2]int64(nil), c...)
			return true
		}
		if !p.eat(',') {
			return false
		}
	}
}

// server reads the server timing object.
func (p *recScanner) server(r *Record) bool {
	st := &ServerTiming{}
	r.Server = st
	var seen uint
	return p.object(func(key []byte) bool {
		var dst *time.Duration
		var bit uint
		switch string(key) {
		case "queue_ns":
			dst, bit = &st.Queue, 0
		case "load_ns":
			dst, bit = &st.Load, 1
		case "prompt_ns":
			dst, bit = &st.Prompt, 2
		case "decode_ns":
			dst, bit = &st.Decode, 3
		case "total_ns":
			dst, bit = &st.Total, 4
		case "ttft_ns":
			dst, bit = &st.TTFT, 5
		default:
			return false
		}
		if seen&(1<<bit) != 0 {
			return false
		}
		seen |= 1 << bit
		v, ok := p.int(64)
		*dst = time.Duration(v)
		return ok
	})
}
