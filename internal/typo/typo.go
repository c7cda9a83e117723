// Package typo owns the "did you mean" of every name inferbench reads: a
// scenario's keys and values, the command line's flags and commands. One
// rule for all of them, so a typo is caught the same way wherever it is
// typed.
package typo

import "strings"

// Nearest returns the candidate key is the start of (three characters or
// more; the closest of several, the first on a tie), else the candidate
// within two edits of key (the closest, the first on a tie), or "" when
// none is. Case is no edit: --target VLLM is near vllm (it was four edits
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
		if d < bestD {
			best, bestD = c, d
		}
	}
	if start != "" && bestD != 0 {
		return start
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
