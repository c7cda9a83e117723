package rundir

import (
	"encoding/json"
	"reflect"
	"testing"
)

// checkRecordJSON: the hand-written encoding is valid JSON, decodes to the
// same Record as encoding/json's, and has the same keys.
func checkRecordJSON(t *testing.T, r *Record) {
	t.Helper()
	fast := appendRecordJSON(nil, r)
	std, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var a, b Record
	if err := json.Unmarshal(fast, &a); err != nil {
		t.Fatalf("appendRecordJSON wrote invalid JSON %s: %v", fast, err)
	}
	if err := json.Unmarshal(std, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("decoded records differ:\nfast %+v\nstd  %+v", a, b)
	}
	var ka, kb map[string]json.RawMessage
	json.Unmarshal(fast, &ka)
	json.Unmarshal(std, &kb)
	if len(ka) != len(kb) {
		t.Fatalf("keys differ:\nfast %s\nstd  %s", fast, std)
	}
	for k := range kb {
		if _, ok := ka[k]; !ok {
			t.Fatalf("key %q missing from the hand-written encoding (a new Record field?):\nfast %s\nstd  %s", k, fast, std)
		}
	}
}

// TestRecordJSONMatchesEncodingJSON covers every field set, every field
// zero, and strings that need escaping.
func TestRecordJSONMatchesEncodingJSON(t *testing.T) {
	full := benchRecord()
	full.Worker, full.HeadersNS, full.FirstContentNS = 3, 7, 9
	full.Error, full.ErrorClass, full.RetryAfterMS, full.Attempt, full.Retried = "bad \"quote\" \\ \n\t\x01 é \xff<>&", RateLimited, 1500, 2, true
	full.Level = 2.5
	full.RequestedInputTokens, full.RequestedOutputTokens = 512, 1000
	full.Server = &ServerTiming{Queue: 1, Prompt: 2e6, Decode: 3e9, Total: 4e9, TTFT: 5}
	full.ChunksCoalesced = 12345
	full.UsageDecreased = true
	full.Session, full.Turn = 1<<63+5, 4
	full.PrefixGroup = 3
	full.CachedInputTokens = 480
	full.Resent = 2
	checkRecordJSON(t, full)
	checkRecordJSON(t, &Record{Server: &ServerTiming{}})
	checkRecordJSON(t, &Record{Server: &ServerTiming{Load: 7}})
	checkRecordJSON(t, &Record{})
	checkRecordJSON(t, &Record{Chunks: [][2]int64{}, Stage: StageWarmup, ScheduledNS: -5})
}

// FuzzRecordJSON: arbitrary strings and numbers round-trip like encoding/json.
func FuzzRecordJSON(f *testing.F) {
	f.Add(uint64(1), "measure", 4.0, int64(100), int64(2), "stop", "timeout", "err \"x\"\n", true)
	f.Add(uint64(0), "", 0.0, int64(0), int64(0), "", "", "\xff\xfe", false)
	f.Fuzz(func(t *testing.T, id uint64, stage string, level float64, ns, tok int64, finish, class, msg string, ok bool) {
		r := &Record{ID: id, Stage: Stage(stage), Level: level, SentNS: ns, EndNS: ns * 2, Chunks: [][2]int64{{ns, tok}},
			OutputTokens: int(tok), FinishReason: finish, ErrorClass: ErrorClass(class), Error: msg, OK: ok,
			Session: id / 3, Turn: int(tok % 8), UsageDecreased: ok != (id%2 == 0)}
		if _, err := json.Marshal(r); err != nil {
			return // NaN/Inf levels: encoding/json refuses them too
		}
		checkRecordJSON(t, r)
	})
}

// checkDecode: whenever the fast decoder accepts a line, encoding/json
// decodes it to the same Record.
func checkDecode(t *testing.T, line []byte) {
	t.Helper()
	var fast Record
	if !decodeRecordFast(line, &fast) {
		return
	}
	var std Record
	if err := json.Unmarshal(line, &std); err != nil {
		t.Fatalf("fast decoder accepted %q; encoding/json refuses it: %v", line, err)
	}
	if !reflect.DeepEqual(fast, std) {
		t.Fatalf("decoders differ on %q:\nfast %+v\nstd  %+v", line, fast, std)
	}
}

// TestRecordDecodeFast: the encoder's own output takes the fast path and
// decodes exactly; odd lines fall back and still decode as encoding/json does.
func TestRecordDecodeFast(t *testing.T) {
	full := benchRecord()
	full.ChunksCoalesced = 7
	full.UsageDecreased = true
	full.CachedInputTokens = 33
	full.Server = &ServerTiming{Queue: 1, TTFT: 5}
	full.Retried, full.Attempt, full.Level = true, 1, 0.25
	full.Session, full.Turn = 17, 3
	full.PrefixGroup = 2
	full.Resent = 7
	for _, r := range []*Record{full, {}, {Chunks: [][2]int64{}}} {
		line := appendRecordJSON(nil, r)
		var fast Record
		if !decodeRecordFast(line, &fast) {
			t.Fatalf("fast decoder refused the encoder's own line %s", line)
		}
		if fast.PrefixGroup != r.PrefixGroup || fast.Resent != r.Resent || fast.UsageDecreased != r.UsageDecreased {
			t.Fatalf("prefix_group, resent, usage_decreased: decoded %d, %d, %v; wrote %d, %d, %v",
				fast.PrefixGroup, fast.Resent, fast.UsageDecreased, r.PrefixGroup, r.Resent, r.UsageDecreased)
		}
		checkDecode(t, line)
	}
	for _, line := range []string{
		`{"id":1,"error":"a \"quoted\" error"}`, `{"id":1,"unknown":2}`, `{"ID":1}`, `{"id":1,"id":2}`,
		`{"chunks":null}`, `{"session":5,"turn":2}`, `{"resent":2,"attempt":1}`, `{"resent":1,"resent":3}`, `{"resent":-1}`, `{"session":-1}`, `{"turn":1,"turn":2}`, `{"level":1e3,"ok":true}`,
		`{"usage_decreased":true}`, `{"usage_decreased":false}`, `{"usage_decreased":1}`, `{"usage_decreased":true,"usage_decreased":false}`, ` { "id" : 7 , "chunks" : [ [ 1 , 2 ] ] } `,
	} {
		checkDecode(t, []byte(line))
		var a, b Record
		errA := unmarshalRecord([]byte(line), &a)
		errB := json.Unmarshal([]byte(line), &b)
		if (errA == nil) != (errB == nil) || !reflect.DeepEqual(a, b) {
			t.Errorf("unmarshalRecord(%s) = %+v, %v; encoding/json %+v, %v", line, a, errA, b, errB)
		}
	}
}

// FuzzRecordDecode: the fast decoder never disagrees with encoding/json.
func FuzzRecordDecode(f *testing.F) {
	f.Add(appendRecordJSON(nil, benchRecord()))
	f.Add([]byte(`{"id":3,"stage":"measure","level":2.5,"chunks":[[1,1],[2,3]],"ok":false,"error_class":"timeout","server":{"ttft_ns":9}}`))
	f.Add([]byte(`{"id":4,"stage":"measure","ok":true,"resent":2}`))
	f.Add([]byte(`{"id":6,"stage":"measure","chunks":[[1,5],[2,1],[3,1]],"output_tokens":10,"output_tokens_source":"server","ok":true,"usage_decreased":true}`))
	f.Add([]byte(`{"id":5,"stage":"measure","ok":false,"input_tokens":24,"input_tokens_source":"sized","requested_input_tokens":24,"error_class":"http_5xx"}`))
	f.Fuzz(func(t *testing.T, line []byte) { checkDecode(t, line) })
}

// BenchmarkReadRecords: decoding one 1,000-chunk record line, as
// ReadRecords does (its room for chunks kept from line to line).
func BenchmarkReadRecords(b *testing.B) {
	line := appendRecordJSON(nil, benchRecord())
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	var r Record
	var chunks [][2]int64
	for b.Loop() {
		if err := unmarshalRecordWith(line, &r, &chunks); err != nil {
			b.Fatal(err)
		}
	}
}
