package registry

import (
	"strings"
	"testing"
)

// TestAzureADTokenAsSent: the Entra ID token from $AZURE_OPENAI_AD_TOKEN
// is read as an API key is (targets.EnvKey): its newline dropped, and one
// holding a control character refused, saying where, never what. It was
// only trimmed: a BOM or an escape inside went out in the bearer token.
func TestAzureADTokenAsSent(t *testing.T) {
	o := Options{URL: "https://example.openai.azure.com", API: "chat"}
	t.Setenv(AzureADTokenEnv, "eyJhbGciOi.eyJzdWIi.c2ln\n")
	if _, err := New("azure", o); err != nil {
		t.Errorf("a token with a newline: %v; want it taken", err)
	}
	t.Setenv(AzureADTokenEnv, "eyJhbG\x1bciOi.eyJzdWIi.c2ln")
	_, err := New("azure", o)
	if err == nil || !strings.Contains(err.Error(), "control character at byte 7") || strings.Contains(err.Error(), "eyJ") {
		t.Errorf("a token holding an escape: %v; want refused at byte 7, the token not shown", err)
	}
}
