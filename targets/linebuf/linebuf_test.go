package linebuf

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestFillMovesUnreadBytesToTheFront(t *testing.T) {
	w := New(strings.NewReader("abcdef"))
	w.Buf = make([]byte, 4)
	w.Fill(100)
	if got := string(w.Unread()); got != "abcd" {
		t.Fatalf("first fill: %q", got)
	}
	w.R = 3 // "abc" consumed
	w.Fill(100)
	if w.R != 0 || string(w.Unread()) != "def" || len(w.Buf) != 4 {
		t.Fatalf("second fill: R=%d unread %q len %d, want R=0 \"def\" len 4 (no growth: there was room)", w.R, w.Unread(), len(w.Buf))
	}
}

// TestFillGrowsByDoublingUpToTheLimit: a full window doubles, is capped at
// the limit, and always grows by at least one byte (and to at least
// InitialSize), so a caller never loops without progress.
func TestFillGrowsByDoublingUpToTheLimit(t *testing.T) {
	for _, tc := range []struct{ size, limit, want int }{
		{InitialSize, 1 << 20, 2 * InitialSize},
		{InitialSize, InitialSize + 10, InitialSize + 10},
		{InitialSize, 5, InitialSize + 1}, // at the limit already: one more byte
		{0, 5, InitialSize},               // the zero Window gets a buffer
		{8 << 10, 1 << 30, 16 << 10},
	} {
		w := Window{Src: strings.NewReader(strings.Repeat("x", 1<<16)), Buf: make([]byte, tc.size)}
		w.W = tc.size
		w.Fill(tc.limit)
		if len(w.Buf) != tc.want {
			t.Errorf("size %d, limit %d: grew to %d, want %d", tc.size, tc.limit, len(w.Buf), tc.want)
		}
		if w.W <= tc.size {
			t.Errorf("size %d: read nothing into the grown buffer", tc.size)
		}
	}
}

func TestFillKeepsTheSourceError(t *testing.T) {
	boom := errors.New("boom")
	w := New(iotest.TimeoutReader(strings.NewReader("abc")))
	w.Fill(100)
	if w.Err != nil || string(w.Unread()) != "abc" {
		t.Fatalf("first read: err %v, unread %q", w.Err, w.Unread())
	}
	w.Fill(100)
	if w.Err != iotest.ErrTimeout {
		t.Fatalf("err %v, want the source's timeout", w.Err)
	}
	w = New(iotest.ErrReader(boom))
	w.Fill(100)
	if !errors.Is(w.Err, boom) {
		t.Fatalf("err %v, want boom", w.Err)
	}
	w = Window{}
	w.Fill(100)
	if w.Err != io.EOF {
		t.Fatalf("nil source: err %v, want io.EOF", w.Err)
	}
}

type stuck struct{}

func (stuck) Read([]byte) (int, error) { return 0, nil }

type liar struct{ n int }

func (l liar) Read([]byte) (int, error) { return l.n, nil }

func TestFillRefusesABrokenReader(t *testing.T) {
	w := New(stuck{})
	w.Fill(100)
	if w.Err != io.ErrNoProgress {
		t.Errorf("a reader that returns 0, nil forever: err %v, want io.ErrNoProgress", w.Err)
	}
	for _, n := range []int{-1, InitialSize + 1} {
		w := New(liar{n})
		w.Fill(1 << 20)
		if w.Err != ErrInvalidCount || w.W != 0 {
			t.Errorf("a reader that returns %d: err %v, W %d; want ErrInvalidCount and nothing taken", n, w.Err, w.W)
		}
	}
}

func TestResetKeepsTheBuffer(t *testing.T) {
	w := New(strings.NewReader("abc"))
	w.Fill(100)
	w.Fill(100)
	buf := &w.Buf[0]
	w.Reset(strings.NewReader("xyz"))
	if w.Err != nil || len(w.Unread()) != 0 || &w.Buf[0] != buf {
		t.Fatalf("after Reset: err %v, unread %q, new buffer %v", w.Err, w.Unread(), &w.Buf[0] != buf)
	}
	w.Fill(100)
	if string(w.Unread()) != "xyz" {
		t.Fatalf("after Reset read %q", w.Unread())
	}
}

// TestResetDropsAGrownBuffer: a buffer grown past MaxKept for one long line
// is not kept for the next stream (an adapter pools its readers: one 15 MiB
// event kept a 16 MiB buffer for the rest of the run); one up to MaxKept is.
func TestResetDropsAGrownBuffer(t *testing.T) {
	for _, tc := range []struct{ line, want int }{
		{MaxKept / 2, MaxKept},     // grew to MaxKept: kept
		{MaxKept + 1, InitialSize}, // grew past it: dropped
		{1 << 20, InitialSize},
	} {
		w := New(strings.NewReader(strings.Repeat("x", tc.line) + "\n"))
		for w.Err == nil {
			w.Fill(1 << 30)
		}
		if w.W != tc.line+1 {
			t.Fatalf("line of %d: read %d bytes", tc.line, w.W)
		}
		w.Reset(strings.NewReader("xyz"))
		if len(w.Buf) != tc.want || cap(w.Buf) != tc.want {
			t.Errorf("line of %d: after Reset the buffer is %d bytes (cap %d), want %d", tc.line, len(w.Buf), cap(w.Buf), tc.want)
		}
		w.Fill(100)
		if string(w.Unread()) != "xyz" {
			t.Errorf("line of %d: after Reset read %q", tc.line, w.Unread())
		}
	}
}
