package scenarios

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadPromptsJSONL(t *testing.T) {
	p, err := ReadPromptsFile("testdata/prompts.jsonl", FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	want := []Prompt{
		// 30 bytes → ⌈30/4⌉ = 8 tokens.
		{Text: "What is the capital of France?", PromptTokens: 8, OutputTokens: 16},
		{Text: "Write a haiku about GPUs.", PromptTokens: 7},
		{Text: "Explain continuous batching in two sentences.", PromptTokens: 12, OutputTokens: 64},
	}
	var got []Prompt
	for i := range p.Len() {
		got = append(got, p.At(uint64(i)))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("prompts (-want +got):\n%s", diff)
	}
	if p.At(4) != want[1] {
		t.Errorf("At(4) = %v; want the prompts to cycle (4 mod 3 = 1)", p.At(4))
	}
	// A prompt longer than any scanner buffer still reads as one line.
	long := strings.Repeat("token ", 50_000)
	p, err = ReadPrompts(strings.NewReader(`{"prompt": "`+long+`"}`+"\n"), FormatJSONL)
	if err != nil || p.At(0).Text != long {
		t.Errorf("long prompt: %v", err)
	}
}

func TestReadPromptsErrors(t *testing.T) {
	for _, tt := range []struct {
		format DatasetFormat
		in     string
		want   string
	}{
		{FormatJSONL, `{"prompt": "a"}` + "\n" + `{"prompt": 3}`, "dataset: line 2: prompt: a JSON number where a string belongs"},
		{FormatJSONL, `{"prompt": "a"}` + "\n\n" + `{"text": "b"}` + "\n", `dataset: line 3: no "prompt"`},
		{FormatJSONL, `{"prompt": ""}`, "dataset: line 1: empty prompt"},
		{FormatJSONL, `{"prompt": "a", "output_tokens": -2}`, "dataset: line 1: output_tokens must be between 0 (no hint) and 16777216, got -2"},
		{FormatJSONL, `{"prompt": "a"`, "dataset: line 1: unexpected end of JSON input"},
		{FormatJSONL, "\n\n", "dataset: no prompts"},
		{FormatShareGPT, `{"conversations": []}`, "dataset: line 1: want a JSON array of conversations"},
		{FormatShareGPT, "[\n  {\"conversations\": [\n    {\"from\": \"human\", \"value\": \"hi\"}\n  ]},\n  {\"conversations\": [\n    {\"from\": \"human\" \"value\": \"x\"}\n  ]}\n]", "dataset: line 6: invalid character '\"' after object key:value pair"},
		{FormatShareGPT, "[\n  {\"conversations\": \"none\"}\n]", "dataset: line 2: conversations: a JSON string where a list belongs"},
		{FormatShareGPT, "[\n  {\"conversations\": []},\n", "dataset: line 3: unexpected end of file"},
		{FormatShareGPT, "[]", "dataset: no prompts"},
		{"csv", "", `dataset: unknown format "csv" (want jsonl or sharegpt)`},
	} {
		_, err := ReadPrompts(strings.NewReader(tt.in), tt.format)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ReadPrompts(%q, %s) = %v;\nwant %s", tt.in, tt.format, err, tt.want)
		}
	}
}

func TestReadPromptsShareGPT(t *testing.T) {
	p, err := ReadPromptsFile("testdata/sharegpt.json", FormatShareGPT)
	if err != nil {
		t.Fatal(err)
	}
	reply := "Mix flour, water, salt and yeast; knead; let it rise; bake at 230 C." // 68 bytes → 17 tokens
	want := []Prompt{
		{Text: "How do I bake bread?", PromptTokens: 5, OutputTokens: (len(reply) + 3) / 4},
		{Text: "Name three prime numbers.", PromptTokens: 7},
	}
	if p.Len() != 2 || p.At(0) != want[0] || p.At(1) != want[1] {
		t.Errorf("prompts = %v, %v; want %v", p.At(0), p.At(1), want)
	}
	if want[0].OutputTokens != 17 {
		t.Fatalf("test arithmetic: reply is %d bytes", len(reply))
	}
	if p.Skipped != 1 {
		t.Errorf("Skipped = %d; want 1 (the conversation with no human turn)", p.Skipped)
	}
	// A session replays the conversation's human turns, in order, whatever
	// the draw order.
	sh := p.Shuffle(3)
	for id := range uint64(2) {
		turns := sh.TurnsAt(id)
		if turns[0] != sh.At(id).Text || (len(turns) == 2) != (turns[0] == want[0].Text) {
			t.Errorf("TurnsAt(%d) = %q for prompt %q", id, turns, sh.At(id).Text)
		}
	}
	if got := p.TurnsAt(0); !slices.Equal(got, []string{"How do I bake bread?", "And sourdough?"}) {
		t.Errorf("TurnsAt(0) = %q", got)
	}
}

func TestPromptsShuffle(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		b.WriteString(`{"prompt": "p` + string(rune('A'+i%26)) + strings.Repeat("x", i) + `"}` + "\n")
	}
	p, err := ReadPrompts(strings.NewReader(b.String()), FormatJSONL)
	if err != nil {
		t.Fatal(err)
	}
	texts := func(q *Prompts) []string {
		var out []string
		for i := range q.Len() {
			out = append(out, q.At(uint64(i)).Text)
		}
		return out
	}
	a, a2, c := texts(p.Shuffle(7)), texts(p.Shuffle(7)), texts(p.Shuffle(8))
	if !slices.Equal(a, a2) {
		t.Error("the same seed gave different orders")
	}
	if slices.Equal(a, c) || slices.Equal(a, texts(p)) {
		t.Error("a different seed (or no shuffle) gave the same order")
	}
	sa, sf := slices.Clone(a), texts(p)
	slices.Sort(sa)
	slices.Sort(sf)
	if !slices.Equal(sa, sf) {
		t.Error("the shuffled prompts are not a permutation of the file's")
	}
	if (&Prompts{}).At(3) != (Prompt{}) {
		t.Error("At on no prompts should be the zero Prompt")
	}
}

func TestEstimateTokens(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{{"", 0}, {"a", 1}, {"abcd", 1}, {"abcde", 2}, {"日本", 2}} { // 6 bytes
		if got := EstimateTokens(tt.s); got != tt.want {
			t.Errorf("EstimateTokens(%q) = %d; want %d", tt.s, got, tt.want)
		}
	}
}

func BenchmarkReadPromptsShareGPT(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[\n")
	for i := range 1000 {
		if i > 0 {
			sb.WriteString(",\n")
		}
		sb.WriteString(`{"id": "x", "conversations": [{"from": "human", "value": "` + strings.Repeat("word ", 100) + `"}, {"from": "gpt", "value": "` + strings.Repeat("reply ", 200) + `"}]}`)
	}
	sb.WriteString("\n]\n")
	data := sb.String()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ReadPrompts(strings.NewReader(data), FormatShareGPT); err != nil {
			b.Fatal(err)
		}
	}
}

// endless reads as the byte it is, for ever: a file with no newline, such
// as /dev/zero given by mistake.
type endless byte

func (e endless) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(e)
	}
	return len(b), nil
}

// TestReadRefusesEndlessEntries: a dataset or trace whose line (or ShareGPT
// entry) never ends is refused once it passes its bound, naming the line,
// instead of reading until memory runs out. The datasets' bound is
// MaxDatasetLine (65 MiB); 1 MiB here keeps the test quick.
func TestReadRefusesEndlessEntries(t *testing.T) {
	_, err := readJSONL(endless('a'), 1<<20)
	if want := "line 1: line longer than 1 MiB: refused (not a line-per-entry file?)"; err == nil || err.Error() != want {
		t.Errorf("JSONL of an endless line: %v; want %s", err, want)
	}
	head := strings.NewReader("[\n{\"conversations\": [{\"from\": \"human\", \"value\": \"")
	_, err = readShareGPT(io.MultiReader(head, endless('a')), 1<<20)
	if err == nil || !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "an entry longer than 1 MiB: refused") {
		t.Errorf("ShareGPT of an endless entry: %v; want line 2 and the bound", err)
	}
	_, err = ReadTrace(endless(0))
	if want := "trace: line 1: line longer than 1 MiB: refused (not a line-per-entry file?)"; err == nil || err.Error() != want {
		t.Errorf("trace of an endless line: %v; want %s", err, want)
	}
	// A long line within the bound is read whole.
	long := `{"prompt": "` + strings.Repeat("a", 3<<20) + `"}`
	p, err := readJSONL(strings.NewReader(long+"\n"+long), 4<<20)
	if err != nil || p.Len() != 2 || len(p.At(1).Text) != 3<<20 {
		t.Errorf("two 3 MiB lines under a 4 MiB bound: %v", err)
	}
}

// TestMaxDatasetLineHoldsMaxLength: the line bound holds a prompt that
// EstimateTokens counts as MaxLength tokens, with its JSON around it (it
// was 64 MiB, exactly the prompt's bytes: the JSON around such a prompt
// took the line over the bound).
func TestMaxDatasetLineHoldsMaxLength(t *testing.T) {
	const prompt = 4 * MaxLength // bytes
	if n := EstimateTokens(strings.Repeat("a", prompt)); n != MaxLength {
		t.Fatalf("a %d-byte prompt estimates %d tokens, want MaxLength %d", prompt, n, MaxLength)
	}
	line := len(`{"prompt": "`) + prompt + len(fmt.Sprintf(`", "output_tokens": %d}`, MaxLength))
	if line > MaxDatasetLine {
		t.Errorf("a line of a MaxLength-token prompt is %d bytes, over MaxDatasetLine %d", line, MaxDatasetLine)
	}
}
