package session

import (
	"fmt"
	"io"
	"math"
	"net/url"
	"slices"
)

// openFilesSpare is the files a run holds beside its connections: the run
// directory's files, the telemetry's and metrics' connections, the runtime's.
const openFilesSpare = 64

// warnOpenFiles warns, before the load, of a level with more streams in
// flight than this process may open files: over HTTP/1.1 (any http:// URL,
// or --http1) each holds a connection, and those past the limit fail at
// once as connection errors ("socket: too many open files"), counted
// against the server though the client could not send them. Go raises the
// soft limit to the hard one at start; what is left is the hard limit.
// Over TLS the server may take HTTP/2, all streams on one connection:
// nothing is said.
func (o *Options) warnOpenFiles(log io.Writer) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Scheme != "http" && !o.HTTP1 {
		return
	}
	streams := 0
	switch o.Profile() {
	case "concurrency", "sweep":
		streams = int(slices.Max(o.Levels()))
		if n := o.Shard.Count; n > 1 {
			streams = int(math.Ceil(float64(streams) / float64(n)))
		}
	case "rate":
		streams = o.MaxConcurrency // 0: unbounded, not known before the load
	}
	limit, ok := openFileLimit()
	if o.openFiles != nil {
		limit, ok = o.openFiles()
	}
	if !ok || streams == 0 || uint64(streams)+openFilesSpare <= limit {
		return
	}
	fmt.Fprintf(log, "inferbench: warning: %d streams in flight need as many connections, past this process's open-file limit of %d (ulimit -n): the requests past it will fail as connection errors (too many open files) of this client, not the server's; raise the limit, or split the load over --shard processes\n", streams, limit)
}
