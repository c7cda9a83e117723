package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/rundir"
)

// fakeKey is recognisable anywhere it leaks.
const fakeKey = "sk-LEAKCHECK-7f3a9c1e5b2d4068"

// echoKeyServer answers every request with a 401 whose message quotes the
// Authorization header back, as real providers do with a masked key — here
// unmasked, the worst case.
func echoKeyServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error","code":"invalid_api_key"}}`,
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
}

// TestNoSecretWritten runs run and report with a recognisable key, from the
// environment and from a key file, against a server that echoes it, and
// greps every file of the run directory and all output for it.
func TestNoSecretWritten(t *testing.T) {
	srv := echoKeyServer()
	defer srv.Close()
	keyFile := filepath.Join(t.TempDir(), "key")
	os.WriteFile(keyFile, []byte(fakeKey+"\n"), 0o600)
	t.Setenv("LEAK_TEST_KEY", fakeKey)
	for name, keyArgs := range map[string][]string{
		"env":  {"--api-key-env", "LEAK_TEST_KEY"},
		"file": {"--api-key-file", keyFile},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			args := append([]string{"run", "--target", "openai", "--url", srv.URL, "--model", "m", "--requests", "3",
				"--gpu-backend", "none", "--out", dir}, keyArgs...)
			var all bytes.Buffer
			// With the probe: the rejected key stops the run, and the error says so without the key.
			stdout, stderr, err := runApp(t, args...)
			all.WriteString(stdout + stderr)
			if err == nil || !strings.Contains(err.Error(), "key rejected") {
				t.Errorf("run with a rejected key = %v; want the probe to stop it", err)
			} else {
				all.WriteString(err.Error())
			}
			// Without the probe: records of the failures, none holding the key.
			stdout, stderr, err = runApp(t, append(args, "--no-probe")...)
			all.WriteString(stdout + stderr)
			if err != nil {
				all.WriteString(err.Error())
			}
			stdout, stderr, err = runApp(t, "report", dir)
			all.WriteString(stdout + stderr)
			if err != nil {
				all.WriteString(err.Error())
			}
			if bytes.Contains(all.Bytes(), []byte(fakeKey)) {
				t.Errorf("the key appears in command output:\n%s", all.String())
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
				if bytes.Contains(b, []byte(fakeKey)) {
					t.Errorf("%s contains the key", e.Name())
				}
			}
			recs := readRecords(t, dir)
			// The spread probe and the 3 measured requests, all refused.
			if len(recs) != 4 || recs[0].ErrorClass != rundir.HTTP4xx || !strings.Contains(recs[0].Error, "[REDACTED]") {
				t.Errorf("records: %d, first %+v", len(recs), recs[0])
			}
		})
	}
}

// TestTLSVerifiedByDefault: a self-signed server fails the TLS handshake
// unless --insecure, which run.json records: the probe stops the run with
// exit 2, naming --insecure; without the probe every request is recorded
// as a connection failure.
func TestTLSVerifiedByDefault(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sseOK(w, 2) }))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "strict")
	if _, stderr, err := runApp(t, "run", "--url", srv.URL, "--model", "m", "--requests", "2", "--gpu-backend", "none", "--out", dir, "-q"); err == nil ||
		exitCode(err, io.Discard) != exitUsage || !strings.Contains(err.Error(), "--insecure") {
		t.Fatalf("run: %v\n%s; want exit 2 naming --insecure", err, stderr)
	}
	if _, stderr, err := runApp(t, "run", "--url", srv.URL, "--model", "m", "--requests", "2", "--no-probe", "--gpu-backend", "none", "--out", dir, "-q"); !allFailed(err) {
		t.Fatalf("run --no-probe: %v\n%s", err, stderr)
	}
	for _, r := range readRecords(t, dir) {
		if r.OK || r.ErrorClass != rundir.Connection || !strings.Contains(r.Error, "certificate") {
			t.Errorf("record %d: ok %v class %q (%s); want a certificate failure", r.ID, r.OK, r.ErrorClass, r.Error)
		}
	}
	dir = filepath.Join(t.TempDir(), "insecure")
	_, stderr, err := runApp(t, "run", "--url", srv.URL, "--model", "m", "--requests", "2", "--insecure", "--gpu-backend", "none", "--out", dir, "-q")
	if err != nil {
		t.Fatalf("run --insecure: %v\n%s", err, stderr)
	}
	for _, r := range readRecords(t, dir) {
		if !r.OK {
			t.Errorf("record %d with --insecure: %s", r.ID, r.Error)
		}
	}
	m, _ := rundir.ReadManifest(dir)
	if !m.Target.InsecureTLS || !strings.Contains(stderr, "verification is off") {
		t.Errorf("--insecure not recorded (manifest %+v) or not warned (%q)", m.Target, stderr)
	}
}
