package cost

import (
	"strings"
	"testing"
)

// complianceLabels are the clauses a provider's source gives its flags
// under, in the order the catalog writes them.
var complianceLabels = map[string]func(Provider) bool{
	"BAA":       func(p Provider) bool { return p.BAA },
	"EU region": func(p Provider) bool { return p.EURegion },
	"SOC 2":     func(p Provider) bool { return p.SOC2 },
}

// clause returns the text a source gives under label ("SOC 2: …"), up to
// the next label's clause, and whether it has one.
func clause(source, label string) (string, bool) {
	i := strings.Index(source, label+": ")
	if i < 0 {
		return "", false
	}
	rest := source[i+len(label)+2:]
	end := len(rest)
	for other := range complianceLabels {
		if j := strings.Index(rest, other+": "); j >= 0 && j < end {
			end = j
		}
	}
	return rest[:end], true
}

// TestComplianceFlagsCiteTheirEvidence: advise picks providers by these
// flags (HIPAA by baa, GDPR by eu_region, SOC 2 by soc2), so every flag set
// true says under its own label where it comes from, and a flag no source
// read establishes says [unverified]. The flags still unverified are listed
// here, so that one turning unverified, or verified, is a visible change:
// the last review found SOC 2 [unverified] for OpenAI, Azure OpenAI,
// Bedrock, Anthropic and Google; trust pages dated 2026 establish it for
// all but Google's Gemini Developer API, whose SOC 2 sources cover Vertex
// AI only.
func TestComplianceFlagsCiteTheirEvidence(t *testing.T) {
	unverified := map[string]bool{"google SOC 2": true}
	var got []string
	for _, p := range mustLoad(t, "").Providers {
		for label, set := range complianceLabels {
			text, ok := clause(p.Source, label)
			if set(p) && (!ok || len(strings.TrimSpace(text)) < 20) {
				t.Errorf("provider %s: %s is true with no %q clause in its source %q", p.ID, label, label+": ", p.Source)
			}
			if strings.Contains(text, "[unverified]") {
				got = append(got, p.ID+" "+label)
				if !unverified[p.ID+" "+label] {
					t.Errorf("provider %s: %s is [unverified], not in the test's list of known ones", p.ID, label)
				}
			}
		}
	}
	if len(got) != len(unverified) {
		t.Errorf("unverified flags %v; the test lists %v", got, unverified)
	}
}
