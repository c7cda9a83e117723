package loadgen

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestReplyBound: a turn keeps at most ReplyBound bytes of its reply to
// send back: a server that ignored max_tokens (16 tokens asked, 1 MiB of
// "é" sent in 4 KiB events) had every later turn resend the whole MiB and
// the process hold it; now 64 KiB are kept, cut at a character. A reply
// within the bound is kept whole.
func TestReplyBound(t *testing.T) {
	var ts turnState
	event := strings.Repeat("é", 2048) + "x" // 4,097 bytes: the cut falls inside an é
	for range 256 {
		ts.addReply(event, 16)
	}
	got := ts.reply.String()
	if len(got) > ReplyBound(16) || len(got) < ReplyBound(16)-utf8.UTFMax || !utf8.ValidString(got) {
		t.Errorf("kept %d bytes (valid UTF-8 %v); want at most %d, cut at a character", len(got), utf8.ValidString(got), ReplyBound(16))
	}
	var whole turnState
	whole.addReply("short reply", 16)
	if whole.reply.String() != "short reply" {
		t.Errorf("a short reply: %q", whole.reply.String())
	}
	if ReplyBound(4096) != 32*4096 {
		t.Errorf("ReplyBound(4096) = %d", ReplyBound(4096))
	}
}
