package rundir

import (
	"testing"
)

// benchRecord is a finished 1,000-token request.
func benchRecord() *Record {
	r := &Record{ID: 12345, Stage: StageMeasure, Level: 64, ScheduledNS: 1e9, SentNS: 1e9 + 20e3, FirstByteNS: 1e9 + 300e3,
		FirstTokenNS: 1e9 + 50e6,
		InputTokens:  512, OutputTokens: 1000, InputTokensSource: SourceServer, OutputTokensSource: SourceServer,
		FinishReason: "length", OK: true, Status: 200}
	for i := range 1000 {
		r.Chunks = append(r.Chunks, [2]int64{1e9 + 50e6 + int64(i)*10e6 + int64(i%7)*1234, 1})
	}
	// The last token-bearing event ends the stream (the first was at
	// first_token_ns): a record a reader accepts (checkChunks).
	r.EndNS = r.Chunks[len(r.Chunks)-1][0]
	r.DoneNS = r.EndNS + 1e5
	return r
}

// BenchmarkRecordWrite measures encoding and writing one 1,000-chunk record.
func BenchmarkRecordWrite(b *testing.B) {
	w, err := CreateRecordWriter(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	r := benchRecord()
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/token")
}
