package registry

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the table of target kinds (`targets list`): protocol,
// APIs, key variable, default URL, notes.
func WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tPROTOCOL\tAPIS\tKEY ENV\tDEFAULT URL\tNOTES")
	for _, k := range All() {
		key, url := k.KeyEnv, k.URL
		if key == "" {
			key = "-"
		}
		if url == "" {
			url = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Name, k.Protocol, strings.Join(k.APIs, ","), key, url, k.Notes)
	}
	return tw.Flush()
}
