// Package typo owns the "did you mean" of every name inferbench reads: a
// scenario's keys and values, the command line's flags and commands. One
// rule for all of them, so a typo is caught the same way wherever it is
// typed.
package typo

import "strings"

// Nearest returns the candidate key is the start of (three characters or
// more; the closest of several, the first on a tie), else the candidate
// within two edits of key (the closest, the first on a tie), or "" when
// none is. A swap of two neighbouring letters is one edit. A key of fewer
// than five characters is near a candidate two edits away only where it
// is the candidate with letters left out (sdev, stddev) or doubled: two
// edits make most of a short name another (--host and --port were each
// "did you mean --out?"). Case is no edit: --target VLLM is near vllm (it was four edits
// away, and the message listed every kind instead). A start comes before
// an edit: --gpu h100 means h100-sxm, though h200 is one edit from it, and
// a100 one of the a100s, not the a10g.
func Nearest(key string, candidates []string) string {
	best, bestD := "", 3
	start, startD := "", -1
	lk := strings.ToLower(key)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(lk, lc)
		if len(lk) >= 3 && strings.HasPrefix(lc, lk) && (startD < 0 || d < startD) {
			start, startD = c, d
		}
		if d < bestD && (d < 2 || len([]rune(lk)) >= 5 || subsequence(lk, lc) || subsequence(lc, lk)) {
			best, bestD = c, d
		}
	}
	if start != "" && bestD != 0 {
		return start
	}
	return best
}

// subsequence reports whether a is b with some of its letters left out.
func subsequence(a, b string) bool {
	for _, r := range b {
		if a == "" {
			break
		}
		if first := []rune(a)[0]; first == r {
			a = a[len(string(first)):]
		}
	}
	return a == ""
}

// editDistance is the edit distance between a and b, in bytes: insertions,
// deletions, substitutions and swaps of two neighbouring bytes (the
// optimal string alignment distance; Levenshtein's counted a swap, rul for
// url, as two).
func editDistance(a, b string) int {
	rows := [3][]int{make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)}
	for j := range rows[1] {
		rows[1][j] = j
	}
	for i := 1; i <= len(a); i++ {
		before, prev, cur := rows[0], rows[1], rows[2]
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], before[j-2]+1)
			}
		}
		rows[0], rows[1], rows[2] = prev, cur, before
	}
	return rows[1][len(b)]
}
