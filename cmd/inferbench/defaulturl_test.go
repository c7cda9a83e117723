package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCloudKindsWithoutURL: bedrock and vertex have a default URL (a
// template the adapter fills with the region or location, docs/backends.md),
// so `run` without --url reaches the adapter, which names what is missing;
// the template used to fail the scenario's URL check as "target.url: is not
// a valid URL", which named nothing the user could set. Nothing is sent:
// both fail when the target is made.
func TestCloudKindsWithoutURL(t *testing.T) {
	for k, v := range map[string]string{
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_PROFILE": "", "AWS_CONFIG_FILE": os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull, "AWS_EC2_METADATA_DISABLED": "true",
		"GOOGLE_CLOUD_PROJECT": "", "GOOGLE_OAUTH_ACCESS_TOKEN": "ya29.test",
	} {
		t.Setenv(k, v)
	}
	for _, c := range []struct{ kind, model, want string }{
		{"bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", "no region: set AWS_REGION"},
		{"vertex", "gemini-2.5-flash", "no project: set GOOGLE_CLOUD_PROJECT"},
	} {
		_, stderr, err := runApp(t, "run", "--target", c.kind, "--model", c.model, "-n", "1",
			"--out", filepath.Join(t.TempDir(), "run"))
		if err == nil {
			t.Fatalf("%s: run succeeded with nothing to reach", c.kind)
		}
		if msg := err.Error() + stderr; !strings.Contains(msg, c.want) || strings.Contains(msg, "not a valid URL") {
			t.Errorf("%s: run failed with %q; want it to say %q", c.kind, msg, c.want)
		}
	}
}
