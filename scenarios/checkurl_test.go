package scenarios

import "testing"

// TestCheckURLSaysWhy: a URL that does not parse says why where the reason
// is a common slip (white space, an IPv6 address without brackets), still
// without quoting the URL, which may hold a key.
func TestCheckURLSaysWhy(t *testing.T) {
	for raw, want := range map[string]string{
		"http://::1:8000":            "is not a valid URL: an IPv6 address goes in brackets, as http://[::1]:8000",
		"http://fe80::1/v1":          "is not a valid URL: an IPv6 address goes in brackets, as http://[::1]:8000",
		" http://localhost:8000":     "is not a valid URL: it holds white space",
		"http://local host:8000":     "is not a valid URL: it holds white space",
		"http://[::1]:8000":          "",
		"http://localhost:8000/v1":   "",
		"localhost:8000":             "has no scheme: write http:// or https:// before the host",
		"http://h:8000/%zz?key=sk-x": "is not a valid URL",
	} {
		if got := CheckURL(raw); got != want {
			t.Errorf("CheckURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
