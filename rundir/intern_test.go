package rundir

import "testing"

// A record whose strings are all keys and enum values is decoded with two
// allocations, its chunks and its server timing; a string the table does not hold (an error
// message, another finish reason) is a new one, equal to encoding/json's.
func TestDecodeInternsKeysAndEnums(t *testing.T) {
	r := benchRecord()
	r.Chunks = r.Chunks[:64]
	r.Server = &ServerTiming{Queue: 5, TTFT: 9}
	line := appendRecordJSON(nil, r)
	var got Record
	var chunks [][2]int64 // as ReadRecords reads: the room for chunks kept
	if n := testing.AllocsPerRun(50, func() {
		if err := unmarshalRecordWith(line, &got, &chunks); err != nil {
			t.Fatal(err)
		}
	}); n != 2 {
		t.Errorf("decoding a record of known strings allocates %v times; want 2 (its chunks and server timing)", n)
	}
	checkDecode(t, line)
	r.OK, r.ErrorClass, r.Error, r.FinishReason = false, Timeout, "context deadline exceeded", "content_filter"
	checkDecode(t, appendRecordJSON(nil, r))
	if err := unmarshalRecord(appendRecordJSON(nil, r), &got); err != nil || got.Error != r.Error || got.FinishReason != "content_filter" {
		t.Errorf("decoded error %q, finish reason %q (%v)", got.Error, got.FinishReason, err)
	}
	for _, k := range []string{"first_token_ns", "chunks", "queue_ns", "measure", "server", "sized", "http_5xx", "length"} {
		if interned[k] != k {
			t.Errorf("%q is not interned", k)
		}
	}
	if internBytes([]byte("stage")) != "stage" || internBytes([]byte("not a key")) != "not a key" {
		t.Error("internBytes changed a string")
	}
}

// TestDecodeEveryTokenSource: every token source, the prompt sizing's
// "sized" too, is read back as written and without a new string, and a
// source this reader does not know (a newer writer's) is read as it is.
func TestDecodeEveryTokenSource(t *testing.T) {
	for _, src := range []TokenSource{"server", "counted", "estimated", "sized", "a newer one"} {
		r := &Record{Stage: StageMeasure, InputTokens: 24, InputTokensSource: src, OutputTokensSource: src, Chunks: [][2]int64{}}
		line := appendRecordJSON(nil, r)
		checkDecode(t, line)
		var got Record
		if err := unmarshalRecord(line, &got); err != nil || got.InputTokensSource != src || got.OutputTokensSource != src {
			t.Errorf("%s: read %q, %q (%v)", line, got.InputTokensSource, got.OutputTokensSource, err)
		}
		if known := src != "a newer one"; (interned[string(src)] == string(src)) != known {
			t.Errorf("%q interned: %v; want %v", src, !known, known)
		}
	}
}
