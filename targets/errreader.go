package targets

import "io"

// An ErrReader reads R and keeps in Err the last error R returned other
// than io.EOF: the transport's. A decoder above it (json.Decoder, the AWS
// event-stream reader) reports a body cut mid-value as io.EOF or
// io.ErrUnexpectedEOF whether the connection broke or the server ended the
// body early; only Err tells the two apart.
type ErrReader struct {
	R   io.Reader
	Err error
}

// Read reads R, keeping an error other than io.EOF in Err.
func (e *ErrReader) Read(p []byte) (int, error) {
	n, err := e.R.Read(p)
	if err != nil && err != io.EOF {
		e.Err = err
	}
	return n, err
}
