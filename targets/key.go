package targets

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeyText is a key or token as read from a file or the environment, as it
// is sent: a byte-order mark and the white space around it dropped (a
// Kubernetes Secret made from a file keeps its newline; a Windows editor
// writes a BOM, which was sent as part of the bearer token), and refused
// when what is left holds a control character (net/http refused every
// request with a line break in a header, each counted a connection
// failure). The error says where, never what.
func KeyText(s string) (string, error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "\uFEFF"))
	if i := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }); i >= 0 {
		return "", fmt.Errorf("the key holds a control character at byte %d of %d, which no key does (a line break or escape pasted with it?)", i+1, len(s))
	}
	return s, nil
}

// EnvKey reads a key from the environment variable name, as KeyText makes
// it: "" when the variable is not set or empty; an error when it holds
// only white space or a control character.
func EnvKey(name string) (string, error) {
	v := os.Getenv(name)
	key, err := KeyText(v)
	if err == nil && key == "" && v != "" {
		err = errors.New("the variable holds only white space")
	}
	return key, err
}
