package session

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/inferbench/inferbench/targets"
)

// argRedacted stands for a secret's value in recorded launch flags.
const argRedacted = "REDACTED"

// launchFlag matches a flag with its value (--name=value, --name value, a
// value quoted or not) and launchEnv an environment assignment before the
// command (NAME=value), in a pasted launch command.
var (
	launchFlag = regexp.MustCompile(`(^|\s)(--?[A-Za-z0-9][A-Za-z0-9_.-]*)(=\s*|\s+)("[^"]*"|'[^']*'|[^\s-]\S*)`)
	launchEnv  = regexp.MustCompile(`(^|[\s=])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)`)
	// launchURL is a URL (a registry's, a database's, a model's: a word
	// holding "://" from its scheme on, up to a quote), launchBearer a
	// bearer or basic credential after its scheme word (a header value:
	// "Authorization: Bearer …").
	launchURL    = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"']*`)
	launchBearer = regexp.MustCompile(`(?i)\b(bearer|basic|token)(\s+)([^\s"']+)`)
)

// secretWords are the last words of a flag's or a variable's name that
// make its value a secret: --api-key, --hf-token, --auth-token,
// HF_TOKEN, OPENAI_API_KEY, AWS_SECRET_ACCESS_KEY, DB_PASSWORD. A name
// that only contains one (--max-num-batched-tokens, --tokenizer,
// --ssl-keyfile, MAX_TOKENS) is none: its value is a number or a path.
var secretWords = map[string]bool{"key": true, "token": true, "secret": true, "password": true, "passwd": true,
	"pass": true, "auth": true, "credential": true, "credentials": true, "apikey": true, "bearer": true}

// secretName says a flag's or a variable's name names a secret: its last
// word (split at -, _ and .) is one of secretWords, or the name is all
// one such word.
func secretName(name string) bool {
	name = strings.ToLower(strings.TrimLeft(name, "-"))
	words := strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	return len(words) > 0 && secretWords[words[len(words)-1]]
}

// RedactLaunchArgs returns args, the server's launch command as the user
// recorded it (--server-args), with the value of every flag and variable
// whose name names a secret replaced by REDACTED (a variable set in a
// flag's value too: --env=HF_TOKEN=…), a URL's password and key-like query
// values (launchURL's), and a bearer or basic credential (a header's
// "Authorization: Bearer …") likewise: a pasted `vllm serve m
// --api-key sk-… --hf-token hf_…` or `HF_TOKEN=hf_… vllm serve …` would
// otherwise be written to run.json, and from there to reports and
// history stores. The rest is kept as it was written.
func RedactLaunchArgs(args string) string {
	args = launchFlag.ReplaceAllStringFunc(args, func(m string) string {
		p := launchFlag.FindStringSubmatch(m)
		if !secretName(p[2]) {
			return m
		}
		return p[1] + p[2] + p[3] + argRedacted
	})
	args = launchEnv.ReplaceAllStringFunc(args, func(m string) string {
		p := launchEnv.FindStringSubmatch(m)
		if !secretName(p[2]) || p[3] == "" {
			return m
		}
		return p[1] + p[2] + "=" + argRedacted
	})
	args = launchURL.ReplaceAllStringFunc(args, launchURLRedacted)
	return launchBearer.ReplaceAllStringFunc(args, func(m string) string {
		p := launchBearer.FindStringSubmatch(m)
		if p[3] == argRedacted {
			return m
		}
		return p[1] + p[2] + argRedacted
	})
}

// launchURLRedacted is the URL s of a launch command as the run's target
// URL is kept (targets.RedactedURL: key-like query values REDACTED, as
// --model-url https://hf.example/x?token=… would keep them), its password
// REDACTED as the command's other secrets are (RedactedURL's is xxxxx);
// one that does not parse is targets.RedactURL's "(unparsable URL)".
func launchURLRedacted(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return targets.RedactURL(s)
	}
	_, pw := u.User.Password()
	if !pw {
		return targets.RedactedURL(u)
	}
	c := *u
	c.User = url.User(u.User.Username())
	// The user name is escaped (an @ in it is %40): the first @ ends it.
	user, rest, _ := strings.Cut(targets.RedactedURL(&c), "@")
	return user + ":" + argRedacted + "@" + rest
}
