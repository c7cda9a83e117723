package rundir

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// appendRecordJSON appends r as one JSON object, exactly the fields and
// omission rules of Record's json tags. It is hand-written because it is on
// the recording path: encoding/json spends ~120 ns per token on a
// 1,000-token record's chunks (reflection over [][2]int64), this ~10
// (BenchmarkRecordWrite). TestRecordJSONMatchesEncodingJSON and
// FuzzRecordJSON keep the two in agreement; a field added to Record must be
// added here (the test fails until it is).
func appendRecordJSON(b []byte, r *Record) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendUint(b, r.ID, 10)
	b = append(b, `,"stage":`...)
	b = appendJSONString(b, string(r.Stage))
	b = append(b, `,"level":`...)
	b = appendFloat(b, r.Level)
	b = append(b, `,"worker":`...)
	b = strconv.AppendInt(b, int64(r.Worker), 10)
	b = append(b, `,"scheduled_ns":`...)
	b = strconv.AppendInt(b, r.ScheduledNS, 10)
	b = append(b, `,"sent_ns":`...)
	b = strconv.AppendInt(b, r.SentNS, 10)
	b = appendOptInt(b, `,"connect_ns":`, r.ConnectNS)
	b = appendOptInt(b, `,"headers_ns":`, r.HeadersNS)
	b = appendOptInt(b, `,"first_byte_ns":`, r.FirstByteNS)
	b = appendOptInt(b, `,"first_token_ns":`, r.FirstTokenNS)
	b = appendOptInt(b, `,"first_content_ns":`, r.FirstContentNS)
	b = appendOptInt(b, `,"end_ns":`, r.EndNS)
	b = appendOptInt(b, `,"done_ns":`, r.DoneNS)
	b = append(b, `,"chunks":`...)
	if r.Chunks == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range r.Chunks {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			b = strconv.AppendInt(b, c[0], 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, c[1], 10)
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	b = append(b, `,"input_tokens":`...)
	b = strconv.AppendInt(b, int64(r.InputTokens), 10)
	b = append(b, `,"output_tokens":`...)
	b = strconv.AppendInt(b, int64(r.OutputTokens), 10)
	b = appendOptString(b, `,"input_tokens_source":`, string(r.InputTokensSource))
	b = appendOptString(b, `,"output_tokens_source":`, string(r.OutputTokensSource))
	b = appendOptInt(b, `,"requested_input_tokens":`, int64(r.RequestedInputTokens))
	b = appendOptInt(b, `,"requested_output_tokens":`, int64(r.RequestedOutputTokens))
	b = appendOptString(b, `,"finish_reason":`, r.FinishReason)
	b = append(b, `,"ok":`...)
	b = strconv.AppendBool(b, r.OK)
	b = appendOptInt(b, `,"status":`, int64(r.Status))
	b = appendOptString(b, `,"error_class":`, string(r.ErrorClass))
	b = appendOptString(b, `,"error":`, r.Error)
	b = appendOptInt(b, `,"retry_after_ms":`, r.RetryAfterMS)
	b = appendOptInt(b, `,"attempt":`, int64(r.Attempt))
	b = appendOptInt(b, `,"resent":`, int64(r.Resent))
	if st := r.Server; st != nil {
		b = append(b, `,"server":{`...)
		n := len(b)
		b = appendOptInt(b, `,"queue_ns":`, int64(st.Queue))
		b = appendOptInt(b, `,"load_ns":`, int64(st.Load))
		b = appendOptInt(b, `,"prompt_ns":`, int64(st.Prompt))
		b = appendOptInt(b, `,"decode_ns":`, int64(st.Decode))
		b = appendOptInt(b, `,"total_ns":`, int64(st.Total))
		b = appendOptInt(b, `,"ttft_ns":`, int64(st.TTFT))
		if len(b) > n {
			b = append(b[:n], b[n+1:]...) // drop the first field's comma
		}
		b = append(b, '}')
	}
	if r.Retried {
		b = append(b, `,"retried":true`...)
	}
	b = appendOptInt(b, `,"chunks_coalesced":`, r.ChunksCoalesced)
	if r.UsageDecreased {
		b = append(b, `,"usage_decreased":true`...)
	}
	if r.Session != 0 {
		b = append(b, `,"session":`...)
		b = strconv.AppendUint(b, r.Session, 10)
	}
	b = appendOptInt(b, `,"turn":`, int64(r.Turn))
	b = appendOptInt(b, `,"prefix_group":`, int64(r.PrefixGroup))
	b = appendOptInt(b, `,"cached_input_tokens":`, int64(r.CachedInputTokens))
	return append(b, '}')
}

func appendOptInt(b []byte, key string, v int64) []byte {
	if v == 0 {
		return b
	}
	b = append(b, key...)
	return strconv.AppendInt(b, v, 10)
}

func appendOptString(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, key...)
	return appendJSONString(b, v)
}

// appendFloat writes a float so that it decodes to the same value (the
// shortest representation, as encoding/json). NaN and ±Inf, which JSON
// cannot hold and a level never is, are written as 0.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced by U+FFFD (as
// encoding/json does).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
