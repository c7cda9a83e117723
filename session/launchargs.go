package session

import (
	"regexp"
	"strings"
)

// argRedacted stands for a secret's value in recorded launch flags.
const argRedacted = "REDACTED"

// launchFlag matches a flag with its value (--name=value, --name value, a
// value quoted or not) and launchEnv an environment assignment before the
// command (NAME=value), in a pasted launch command.
var (
	launchFlag = regexp.MustCompile(`(^|\s)(--?[A-Za-z0-9][A-Za-z0-9_.-]*)(=\s*|\s+)("[^"]*"|'[^']*'|[^\s-]\S*)`)
	launchEnv  = regexp.MustCompile(`(^|[\s=])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)`)
	// launchUserinfo is a URL's user:password@ (a registry's, a
	// database's), launchBearer a bearer or basic credential after its
	// scheme word (a header value: "Authorization: Bearer …").
	launchUserinfo = regexp.MustCompile(`(://[^/\s:@]*:)[^@\s/]+@`)
	launchBearer   = regexp.MustCompile(`(?i)\b(bearer|basic|token)(\s+)([^\s"']+)`)
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
// flag's value too: --env=HF_TOKEN=…), and a URL's password and a bearer
// or basic credential (a header's "Authorization: Bearer …") likewise: a pasted `vllm serve m
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
	args = launchUserinfo.ReplaceAllString(args, "${1}"+argRedacted+"@")
	return launchBearer.ReplaceAllStringFunc(args, func(m string) string {
		p := launchBearer.FindStringSubmatch(m)
		if p[3] == argRedacted {
			return m
		}
		return p[1] + p[2] + argRedacted
	})
}
