// Package bedrock is the target adapter for the Amazon Bedrock runtime:
// ConverseStream (API chat, every model that supports the Converse API) and
// InvokeModelWithResponseStream (API native, the model's own request and
// event format, for models the Converse API does not serve, such as imported
// models). It goes through the AWS SDK for Go v2 (bedrockruntime): SigV4
// signing with the standard credential chain (environment, shared config
// and profiles, SSO, container and instance roles), or an Amazon Bedrock API
// key sent as a bearer token; the region from the configuration, the
// environment or the profile; and an endpoint override that points it at
// any other server (the mock).
//
// The response is the AWS event-stream binary framing
// (application/vnd.amazon.eventstream: a prelude with two lengths and a CRC,
// headers, a JSON payload, a message CRC). The SDK decodes it, but its own
// stream reader hands events over a channel from a goroutine of its own,
// which would put a goroutine switch between reading the bytes and
// timestamping them. So the adapter takes the response body from the SDK's
// HTTP client (bodyThief) and calls the SDK's own event decoder
// (Protocol.DeserializeEventMessage, the call the SDK's reader makes) in the
// goroutine that reads the body: each event reaches onChunk as it is
// decoded, and the first body byte calls the TTFB hook
// (targets.WithFirstByte).
//
// The SDK does not retry (aws.NopRetryer): retries belong to inferbench's
// --retries, and a retry inside the SDK would hide a 429 and inflate TTFT.
//
// Token rules (ConverseStream): contentBlockDelta text is content,
// reasoningContent text is reasoning, toolUse input is tool arguments;
// messageStart, contentBlockStart/Stop, messageStop and metadata carry no
// token. Output tokens are metadata.usage.outputTokens, the server's
// latency metadata.metrics.latencyMs (targets.ServerTiming.Total). An
// exception frame inside the stream (throttlingException,
// modelStreamErrorException, …) is a *targets.StreamError with the
// exception's HTTP status; an error before the stream a *targets.HTTPError.
// Sources: AWS API reference ConverseStream and ConverseStreamOutput
// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html),
// and the recorded streams under testdata/ (docs/backends.md).
package bedrock

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime"
	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/schemas"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/auth/bearer"
	"github.com/aws/smithy-go/logging"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/aws/smithy-go/transport/http/protocol/restjson1"

	"github.com/inferbench/inferbench/targets"
)

// API selects the Bedrock operation a Target calls.
type API string

const (
	// Chat is ConverseStream: one request shape for every model that
	// supports the Converse API, usage and latency in the metadata event.
	Chat API = "chat"
	// Native is InvokeModelWithResponseStream: the model family's own
	// request body and event JSON, each wrapped in a chunk event (native.go).
	Native API = "native"
)

// RegionPlaceholder in Config.Endpoint stands for the region: an endpoint
// that holds it is AWS's own, which the SDK resolves for the region.
const RegionPlaceholder = "{region}"

// DefaultEndpoint is the AWS endpoint of the runtime, as a template.
const DefaultEndpoint = "https://bedrock-runtime." + RegionPlaceholder + ".amazonaws.com"

// FallbackRegion signs requests sent to an endpoint override when no
// region is configured anywhere: a server that is not AWS (the mock, a
// gateway) does not check it, and SigV4 needs one.
const FallbackRegion = "us-east-1"

// Config configures a Target. The zero value of each field is usable.
type Config struct {
	// Endpoint is the runtime's root URL. "" or an URL holding {region}
	// (DefaultEndpoint) uses AWS's endpoint for Region; an AWS runtime host
	// (bedrock-runtime.eu-west-1.amazonaws.com) gives the region when
	// Region is ""; any other URL is an endpoint override.
	Endpoint string
	// Region is the AWS region; "" takes it from the endpoint's host or the
	// standard chain (AWS_REGION, AWS_DEFAULT_REGION, the profile).
	Region string
	// API is Chat (default) or Native.
	API API
	// BearerToken is an Amazon Bedrock API key
	// (https://docs.aws.amazon.com/bedrock/latest/userguide/api-keys.html),
	// sent as "Authorization: Bearer" instead of signing with SigV4. It
	// never appears in an error or in String.
	BearerToken string
	// Credentials signs the requests; nil uses the SDK's standard chain.
	Credentials aws.CredentialsProvider
	// Client sends the requests; nil uses a client of its own without
	// transparent gzip.
	Client *http.Client
}

// String describes the configuration without its credentials.
func (c Config) String() string {
	return fmt.Sprintf("bedrock.Config{Endpoint:%s Region:%s API:%s BearerToken:%s}",
		targets.RedactURL(c.Endpoint), c.Region, c.api(), targets.KeyString(c.BearerToken))
}

// GoString is String, so that %#v does not print the token either.
func (c Config) GoString() string { return c.String() }

func (c Config) api() API { return cmp.Or(c.API, Chat) }

// A Target streams generations from Bedrock. It is safe for concurrent use.
type Target struct {
	api      API
	region   string
	endpoint string // the override, "" for AWS's own
	bearer   string
	creds    aws.CredentialsProvider // nil with a bearer token
	client   *bedrockruntime.Client
}

var _ targets.Target = (*Target)(nil)

// New returns a Target for cfg. It loads the SDK's configuration (files and
// environment; no network: credentials are fetched on the first request,
// so a context would have nothing to bound) and fails when no region can be
// found for AWS's own endpoint.
func New(cfg Config) (*Target, error) {
	api := cfg.api()
	if api != Chat && api != Native {
		return nil, fmt.Errorf("bedrock: API %q: want %q (ConverseStream) or %q (InvokeModelWithResponseStream)", cfg.API, Chat, Native)
	}
	override, hostRegion, err := parseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	// The SDK's own log lines ("SDK … WARN falling back to IMDSv1: …" when
	// no credentials are found) go nowhere: a failure reaches the caller
	// as the operation's error, which the probe and the record carry, and
	// a line of the SDK's on stderr tears the live view.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	region := cmp.Or(cfg.Region, hostRegion)
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	awsCfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("bedrock: load AWS configuration: %w", err)
	}
	if awsCfg.Region == "" {
		if override == "" {
			return nil, errors.New("bedrock: no region: set AWS_REGION (or a profile's region), or give --url https://bedrock-runtime.REGION.amazonaws.com")
		}
		awsCfg.Region = FallbackRegion
	}
	// NewClient: redirects stay within the server's origin (targets/redirect.go).
	httpClient := targets.NewClient(cfg.Client)
	t := &Target{api: api, region: awsCfg.Region, endpoint: override, bearer: cfg.BearerToken}
	if cfg.Credentials != nil {
		awsCfg.Credentials = cfg.Credentials
	}
	if t.bearer == "" {
		t.creds = awsCfg.Credentials
	}
	t.client = bedrockruntime.NewFromConfig(awsCfg, func(o *bedrockruntime.Options) {
		o.HTTPClient = bodyThief{client: httpClient}
		o.Retryer = aws.NopRetryer{}
		o.RetryMaxAttempts = 1
		if override != "" {
			o.BaseEndpoint = aws.String(override)
		}
		if t.bearer != "" {
			token := t.bearer
			o.BearerAuthTokenProvider = bearer.TokenProviderFunc(func(context.Context) (bearer.Token, error) {
				return bearer.Token{Value: token}, nil
			})
			o.AuthSchemePreference = []string{"httpBearerAuth"}
			o.BearerAuthSigner = bearerSigner{}
		}
	})
	return t, nil
}

// parseEndpoint reads Config.Endpoint: the override to give the SDK ("" for
// AWS's own endpoint) and the region an AWS runtime host names.
func parseEndpoint(s string) (override, region string, err error) {
	if s == "" || strings.Contains(s, RegionPlaceholder) {
		return "", "", nil
	}
	u, err := targets.ParseBaseURL(s)
	if err != nil {
		return "", "", fmt.Errorf("bedrock: %w", err)
	}
	if u.RawQuery != "" {
		return "", "", fmt.Errorf("bedrock: endpoint %q has a query", u.Redacted())
	}
	host := u.Hostname()
	if r, ok := strings.CutPrefix(host, "bedrock-runtime."); ok {
		if r, ok = strings.CutSuffix(r, ".amazonaws.com"); ok && r != "" && !strings.Contains(r, ".") {
			region = r
		}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u.String(), region, nil
}

// String names the operation, region and endpoint, never a credential.
func (t *Target) String() string {
	ep := t.endpoint
	if ep == "" {
		ep = strings.ReplaceAll(DefaultEndpoint, RegionPlaceholder, t.region)
	}
	return fmt.Sprintf("bedrock %s %s %s", t.api, t.region, targets.RedactURL(ep))
}

// Region returns the region requests are signed for.
func (t *Target) Region() string { return t.region }

// Stream sends req and calls onChunk for each event of the stream, in the
// goroutine that decodes it. See targets.Target.
func (t *Target) Stream(ctx context.Context, req targets.Request, onChunk func(targets.Chunk)) (targets.Final, error) {
	var final targets.Final
	if req.Model == "" {
		return final, targets.RequestErrorf("bedrock: no model: the model id is part of the URL")
	}
	if t.api == Native {
		return t.streamNative(ctx, req, onChunk)
	}
	return t.streamConverse(ctx, req, onChunk)
}

// withProtocol gives one operation a protocol of its own. The SDK's
// event-stream codec keeps scratch state in the protocol value it is given,
// without a lock, so concurrent streams on one client would share it.
func withProtocol(p *restjson1.Protocol) func(*bedrockruntime.Options) {
	return func(o *bedrockruntime.Options) { o.Protocol = p }
}

func newProtocol() *restjson1.Protocol { return restjson1.New(schemas.AmazonBedrockFrontendService) }

// stream runs call, an SDK streaming operation given a context that
// carries a bodySlot, and reads the raw body of its successful response
// with readEvents (schema's events, each handed to handle), returning
// readEvents' error. Then it closes the body, the SDK's own reader of the
// response (it got an empty body; closed, its goroutines end), and ends
// the operation's context.
func (t *Target) stream(ctx context.Context, call func(context.Context) (io.Closer, error), schema *smithy.Schema, handle func(smithy.Deserializable)) error {
	slot := &bodySlot{}
	rctx, cancel := context.WithCancel(context.WithValue(ctx, bodySlotKey{}, slot))
	defer cancel()
	sdkStream, err := call(rctx)
	if err != nil {
		return t.apiError(ctx, err)
	}
	defer sdkStream.Close()
	body, err := slot.take()
	if err != nil {
		return err
	}
	if body == nil {
		return &targets.ProtocolError{Msg: "bedrock: a success answer without a body to read"}
	}
	defer body.Close()
	return t.readEvents(ctx, body, schema, handle)
}

// A bodySlot receives the body of a successful response for the request
// whose context carries it.
type bodySlot struct {
	mu   sync.Mutex
	body io.ReadCloser
	err  error // the answer's, when it was no event stream
}

type bodySlotKey struct{}

// take returns the stolen body, nil if none was, or the error of an
// answer that was no event stream.
func (s *bodySlot) take() (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.body
	s.body = nil
	return b, s.err
}

// eventStreamType is the Content-Type of Bedrock's streams.
const eventStreamType = "application/vnd.amazon.eventstream"

// isEventStream reports whether a Content-Type is Bedrock's event stream;
// a missing one is given the benefit of the doubt, as targets.IsEventStream
// gives it: the frames' checksums decide.
func isEventStream(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return ct == "" || strings.EqualFold(strings.TrimSpace(mt), eventStreamType)
}

// errorBody is an error response's body cut to its first bytes.
type errorBody struct {
	io.Reader
	io.Closer
	cut *time.Timer
}

func (b errorBody) Close() error {
	b.cut.Stop()
	return b.Closer.Close()
}

// bodyThief is the SDK's HTTP client. For a request whose context carries
// a bodySlot it moves the body of a 2xx response into the slot (wrapped for
// the TTFB hook), or, when its Content-Type is not the event stream's,
// NotStreaming's error, and gives the SDK an empty body in its place: the
// SDK builds its stream reader on nothing and the adapter reads the stream
// itself. Error responses are left to the SDK, which decodes them into its
// typed exceptions, cut to their first targets.MaxErrorRead bytes.
type bodyThief struct{ client *http.Client }

func (b bodyThief) Do(req *http.Request) (*http.Response, error) {
	if err := ownBody(req); err != nil {
		return nil, err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return resp, err
	}
	targets.Responded(req.Context(), resp.StatusCode) // the load generator records it
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The SDK copies a whole error body into memory to decode it: it
		// gets the first MaxErrorRead bytes, for at most ErrorReadWait, as
		// ReadHTTPError reads (closing the body ends a read blocked in it).
		body := resp.Body
		cut := time.AfterFunc(targets.ErrorReadWait, func() { body.Close() })
		resp.Body = errorBody{Reader: io.LimitReader(body, targets.MaxErrorRead), Closer: body, cut: cut}
		return resp, nil
	}
	slot, ok := req.Context().Value(bodySlotKey{}).(*bodySlot)
	if !ok {
		return resp, nil
	}
	slot.mu.Lock()
	if isEventStream(resp.Header.Get("Content-Type")) {
		slot.body = targets.FirstByteBody(req.Context(), resp.Body)
	} else {
		// A proxy's HTML page, a JSON answer: its bytes are no frames.
		slot.err = targets.NotStreaming(resp, eventStreamType)
		resp.Body.Close()
	}
	slot.mu.Unlock()
	resp.Body = http.NoBody
	return resp, nil
}

// ownBody replaces the request's body with an in-memory copy. The SDK
// closes the body it built as soon as Do returns, while net/http's writer
// goroutine may still be finishing the request (its final read that checks
// the body ends where Content-Length says); reading the SDK's closed body
// there fails the write, and net/http then closes the connection under the
// response being read ("use of closed network connection", seen under
// load against the mock). A request body is a few hundred bytes of JSON.
func ownBody(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody {
		return nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return fmt.Errorf("bedrock: read request body: %w", err)
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	req.ContentLength = int64(len(b))
	return nil
}

// bearerSigner sets the Authorization header of a request with the bearer
// token, over HTTPS or to a loopback address. The SDK's own signer refuses
// any plain-HTTP request; a server on this machine (the mock, a local
// gateway) is reached over the loopback interface, where the token does not
// travel on a network.
type bearerSigner struct{}

func (bearerSigner) SignWithBearerToken(_ context.Context, token bearer.Token, message bearer.Message) (bearer.Message, error) {
	req, ok := message.(*smithyhttp.Request)
	if !ok {
		return nil, fmt.Errorf("bedrock: bearer signer: unexpected message %T", message)
	}
	if !req.IsHTTPS() && !isLoopback(req.URL.Hostname()) {
		return nil, errors.New("bedrock: an API key (bearer token) is sent only over https, or to a loopback address")
	}
	req = req.Clone()
	req.Header.Set("Authorization", "Bearer "+token.Value)
	return req, nil
}

// isLoopback reports whether host is localhost or a loopback IP address.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
