package bedrock

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/inferbench/inferbench/targets"
)

// Bedrock's exceptions and the HTTP status each is sent with (AWS API
// reference, ConverseStream and InvokeModelWithResponseStream "Errors";
// ConverseStreamOutput and ResponseStream for the in-stream ones). An
// exception inside a stream carries no status of its own: this table gives
// it one, so that a throttlingException mid-stream is a rate limit.
var exceptionStatus = map[string]int{
	"AccessDeniedException":         403,
	"InternalServerException":       500,
	"ModelErrorException":           424,
	"ModelNotReadyException":        429,
	"ModelStreamErrorException":     424,
	"ModelTimeoutException":         408,
	"ResourceNotFoundException":     404,
	"ServiceQuotaExceededException": 400,
	"ServiceUnavailableException":   503,
	"ThrottlingException":           429,
	"ValidationException":           400,
}

// serverSideStatus reclassifies the two exceptions that Bedrock sends with
// a 4xx status although the failure is the model's, not the request's:
// ModelTimeoutException (408, "processing time exceeded the model timeout
// length") and ModelErrorException (424, "an error while processing the
// model"). Counted as 4xx they would read as a client mistake; a model that
// times out or fails under load is the server failing, so they count as 504
// and 502. The message keeps the status Bedrock sent.
var serverSideStatus = map[string]int{
	"ModelTimeoutException": 504,
	"ModelErrorException":   502,
}

// exceptionName is the exception's name as the status tables spell it:
// in-stream exceptions are named like members (throttlingException), and
// an X-Amzn-Errortype header may carry a suffix after a colon.
func exceptionName(code string) string {
	code, _, _ = strings.Cut(code, ":")
	if code == "" {
		return ""
	}
	return strings.ToUpper(code[:1]) + code[1:]
}

// redactor removes every credential the target holds from text: the bearer
// token and, when SigV4 signs, the secret key and the session token (the
// session token travels in X-Amz-Security-Token, so a server could echo it).
func (t *Target) redactor(ctx context.Context) targets.Redactor {
	keys := []string{t.bearer}
	if t.creds != nil {
		// The credentials are cached after the request that failed; this
		// reads the cache.
		if c, err := t.creds.Retrieve(context.WithoutCancel(ctx)); err == nil {
			keys = append(keys, c.SecretAccessKey, c.SessionToken)
		}
	}
	return targets.NewRedactor(keys...)
}

// apiError turns what the SDK returned for a request that did not start a
// stream into inferbench's errors: a *targets.HTTPError for an answer with
// a status (the SDK's typed exception giving code and message), the
// transport's error otherwise, led by ctx's cause (targets.WithCause).
func (t *Target) apiError(ctx context.Context, err error) error {
	red := t.redactor(ctx)
	// Credentials that could not be had (no profile, no key, no instance
	// role: the instance metadata service's 403) fail in the SDK's identity
	// step, as another service's operation inside Bedrock's. Nothing was
	// sent to Bedrock, and that service's status is not Bedrock's answer:
	// read as one, it said "key rejected: http 403".
	var op, inner *smithy.OperationError
	if errors.As(err, &op) && errors.As(op.Err, &inner) && inner.ServiceID != op.ServiceID {
		return red.Err(targets.RequestErrorf("bedrock: could not get AWS credentials (none sent; set AWS_BEARER_TOKEN_BEDROCK, or AWS keys or a profile): %v", err))
	}
	// A request that got no answer (refused, reset, timed out, canceled)
	// comes back as a ResponseError too, with status 0 around a
	// RequestSendError: that is the transport's error, not an HTTP one.
	var re *smithyhttp.ResponseError
	var se *smithyhttp.RequestSendError
	if !errors.As(err, &re) || re.Response == nil || re.Response.Response == nil || re.HTTPStatusCode() == 0 || errors.As(err, &se) {
		return red.Err(fmt.Errorf("bedrock: send request: %w", targets.WithCause(ctx, targets.RefusedRedirect(err))))
	}
	he := &targets.HTTPError{Status: re.HTTPStatusCode()}
	he.RetryAfter = targets.RetryAfter(re.Response.Header, time.Now())
	var ae smithy.APIError
	if errors.As(err, &ae) {
		name := exceptionName(ae.ErrorCode())
		he.Code = red.Clip(name)
		he.Message = red.Clip(ae.ErrorMessage())
		if s, ok := serverSideStatus[name]; ok {
			he.Message = red.Clip(fmt.Sprintf("(HTTP %d) %s", he.Status, ae.ErrorMessage()))
			he.Status = s
		}
	} else {
		he.Body = red.Clip(err.Error())
	}
	return he
}

// streamError turns an exception frame met inside a stream into a
// *targets.StreamError with the exception's status.
func (t *Target) streamError(ctx context.Context, ae smithy.APIError) *targets.StreamError {
	red := t.redactor(ctx)
	name := exceptionName(ae.ErrorCode())
	msg := ae.ErrorMessage()
	var mse *types.ModelStreamErrorException
	if errors.As(ae, &mse) && mse.OriginalStatusCode != nil {
		msg = fmt.Sprintf("%s (model status %d)", msg, *mse.OriginalStatusCode)
	}
	return &targets.StreamError{Status: exceptionStatus[name], Code: red.Clip(name), Type: "exception", Message: red.Clip(msg)}
}
