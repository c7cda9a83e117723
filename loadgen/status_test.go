package loadgen

import (
	"github.com/inferbench/inferbench/targets/targettest"
	"strconv"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// sseOneToken is an OpenAI chat stream of one token and its terminator.
const sseOneToken = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n"

// TestStatusIsTheServers: a record's status is the status line the server
// sent (the final response's), whatever became of the stream. Before, any
// request that got bytes was recorded 200: a 206 stream that completed, a
// 204 (no body: the stream ended before [DONE]) and a 101.
func TestStatusIsTheServers(t *testing.T) {
	sse := func(status string, body string) string {
		return "HTTP/1.1 " + status + "\r\nContent-Type: text/event-stream\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body
	}
	for _, c := range []struct {
		name, reply string
		ok          bool
		class       rundir.ErrorClass
		status      int
	}{
		{"200", sse("200 OK", sseOneToken), true, "", 200},
		{"206", sse("206 Partial Content", sseOneToken), true, "", 206},
		{"201", sse("201 Created", sseOneToken), true, "", 201},
		{"204", "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", false, rundir.Protocol, 204},
		{"101", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n", false, rundir.Protocol, 101},
		{"500", "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops", false, rundir.HTTP5xx, 500},
		{"200, cut before [DONE]", sse("200 OK", strings.TrimSuffix(sseOneToken, "data: [DONE]\n\n")), false, rundir.Protocol, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := oneChatRequest(t, targettest.RawServer(t, targettest.Reply(c.reply)))
			if rec.OK != c.ok || rec.ErrorClass != c.class || rec.Status != c.status {
				t.Errorf("ok %v, class %q, status %d (error %q); want ok %v, class %q, status %d",
					rec.OK, rec.ErrorClass, rec.Status, rec.Error, c.ok, c.class, c.status)
			}
		})
	}
}
