package cmdline

import (
	"strconv"
	"strings"
)

// Words is a flag's value that takes each use of the flag whole, commas and
// all, in the order given: `--stop "a, b" --stop x` is two words, where
// urfave/cli's StringSliceFlag splits every value at its commas (a stop
// sequence "Human, AI:" became two). Use it as a cli.GenericFlag's Value,
// a new one for each app.
type Words []string

// Set adds v, as it is, to the words.
func (w *Words) Set(v string) error {
	*w = append(*w, v)
	return nil
}

// String writes the words quoted, comma-separated (the help's default).
func (w *Words) String() string {
	if w == nil {
		return ""
	}
	q := make([]string, len(*w))
	for i, s := range *w {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
