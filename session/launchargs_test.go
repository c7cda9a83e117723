package session

import (
	"strings"
	"testing"
)

// TestRedactLaunchArgs: a pasted launch command keeps its settings and
// loses its secrets, whatever way a secret is written (the outside QA
// pass's line wrote --api-key=…, --hf-token=…, HF_TOKEN=… and --api-key …
// to run.json as they were).
func TestRedactLaunchArgs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"vllm serve m --api-key=sk-OTHER --hf-token=hf_QA HF_TOKEN=hf_ENV --api-key sk-SPACE",
			"vllm serve m --api-key=REDACTED --hf-token=REDACTED HF_TOKEN=REDACTED --api-key REDACTED"},
		{`OPENAI_API_KEY="sk a b" AWS_SECRET_ACCESS_KEY=abc vllm serve m --auth-token 'x y' --password hunter2`,
			`OPENAI_API_KEY=REDACTED AWS_SECRET_ACCESS_KEY=REDACTED vllm serve m --auth-token REDACTED --password REDACTED`},
		// Settings whose names only hold a secret's word keep their values.
		{"vllm serve m --max-num-batched-tokens 8192 --tokenizer meta/llama --ssl-keyfile /k.pem MAX_TOKENS=5 --max-model-len 4096",
			"vllm serve m --max-num-batched-tokens 8192 --tokenizer meta/llama --ssl-keyfile /k.pem MAX_TOKENS=5 --max-model-len 4096"},
		// A boolean flag before a secret does not take the secret's flag as its value.
		{"vllm serve m --trust-remote-code --api-key sk-1 --enforce-eager",
			"vllm serve m --trust-remote-code --api-key REDACTED --enforce-eager"},
		{"text-generation-launcher --model-id m --num-shard 2", "text-generation-launcher --model-id m --num-shard 2"},
		{"", ""},
		// Spellings an outside QA pass found left in clear.
		{`vllm serve m --header "Authorization: Bearer SECRET17" --env=HF_TOKEN=SECRET19 --model-url https://user:SECRET20@hub.example.com/m --hf-token= SECRET31 --db postgres://u:SECRET32@db/x --bearer SECRET33 -e HF_TOKEN=SECRET34`,
			`vllm serve m --header "Authorization: Bearer REDACTED" --env=HF_TOKEN=REDACTED --model-url https://user:REDACTED@hub.example.com/m --hf-token= REDACTED --db postgres://u:REDACTED@db/x --bearer REDACTED -e HF_TOKEN=REDACTED`},
		// A URL's key-like query values, in any of a command's spellings;
		// its other parameters are kept.
		{`vllm serve m --model-url https://hf.example/x?token=hf_abc&rev=main --db=postgres://u:SECRET1@db/x?sslmode=require&password=SECRET2 "s3://b/k?X-Amz-Signature=SECRET3"`,
			`vllm serve m --model-url https://hf.example/x?token=REDACTED&rev=main --db=postgres://u:REDACTED@db/x?sslmode=require&password=REDACTED "s3://b/k?X-Amz-Signature=REDACTED"`},
		// A token count and a URL without a password keep theirs.
		{"vllm serve m --max-model-len 4096 --download-dir https://hub.example.com/m --num-speculative-tokens 5",
			"vllm serve m --max-model-len 4096 --download-dir https://hub.example.com/m --num-speculative-tokens 5"},
	} {
		got := RedactLaunchArgs(c.in)
		if got != c.want {
			t.Errorf("RedactLaunchArgs(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
		for _, secret := range []string{"sk-OTHER", "hf_QA", "hf_ENV", "sk-SPACE", "hunter2", "sk-1", "abc", "hf_abc", "SECRET1", "SECRET2", "SECRET3"} {
			if strings.Contains(got, secret) {
				t.Errorf("%q kept %q", got, secret)
			}
		}
	}
}
