package main

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestCostQuantitiesAsPeopleWriteThem: the count and money flags of the cost
// commands and report take a volume as people say it ("100M tokens a day"):
// a plain number, an exponent, a suffix k/K, M, B/G or T, digit groups
// "100,000,000" or "100_000_000", and for money a leading "$". Each
// spelling prices exactly as the plain number does; `crossover
// --tokens-per-day 100M` was refused ("want a number").
func TestCostQuantitiesAsPeopleWriteThem(t *testing.T) {
	for _, tt := range []struct {
		args      []string // with the value at %
		plain     string
		spellings []string
	}{
		{[]string{"crossover", "--format", "json", "--tokens-per-day", "%"}, "100000000",
			[]string{"1e8", "100M", "0.1B", "0.1G", "100,000,000", "100_000_000", "100000k", "100000K", "100000000.0", "1e5k", "+100M"}},
		{[]string{"advise", "--format", "json", "--tokens-per-day", "%"}, "2500000000000",
			[]string{"2.5T", "2,500B", "2.5e12"}},
		{[]string{"crossover", "--format", "json", "--requests-per-day", "%", "--tokens-per-request", "1k"}, "2000000",
			[]string{"2M", "2,000,000", "2000K"}},
		{[]string{"crossover", "--format", "json", "--requests-per-day", "2M", "--tokens-per-request", "%"}, "1500",
			[]string{"1.5k", "1.5K", "1,500", "1_500"}},
		{[]string{"advise", "--format", "json", "--monthly-api-spend", "%"}, "3000",
			[]string{"$3,000", "$3k", "3K", "$3000", "$3,000.00", "3e3"}},
		{[]string{"crossover", "--format", "json", "--tokens-per-day", "1e8", "--gpu-month-usd", "%"}, "2505.5",
			[]string{"$2,505.5", "$2.5055k", "2_505.50", "2.5055K"}},
		{[]string{"crossover", "--format", "json", "--tokens-per-day", "1e8", "--ops-month-usd", "%"}, "5000",
			[]string{"$5k", "$5,000", "5K"}},
		{[]string{"crossover", "--format", "json", "--tokens-per-day", "1e8", "--api-price-per-m", "%"}, "4.375",
			[]string{"$4.375", "$.004375k"}},
		{[]string{"cost", "--format", "json", "--output-tokens-per-s", "%", "--usd-per-gpu-hour", "2.5"}, "2500",
			[]string{"2.5k", "2,500", "2.5e3"}},
		{[]string{"cost", "--format", "json", "--output-tokens-per-s", "2500", "--usd-per-gpu-hour", "%"}, "2.5",
			[]string{"$2.5", "$2.50"}},
		{[]string{"cost", "--format", "json", "--output-tokens-per-s", "2500", "--gpu", "h100-sxm", "--total-tokens-per-s", "%", "--requests-per-s", "10"}, "12000",
			[]string{"12k", "12,000"}},
		{[]string{"cost", "--format", "json", "--output-tokens-per-s", "2500", "--gpu", "h100-sxm", "--requests-per-s", "%"}, "1000",
			[]string{"1k", "1,000"}},
		{[]string{"cost", "--format", "json", "--output-tokens-per-s", "100", "--gpu", "h100-sxm", "--offer", "owned", "--energy-joules", "%", "--energy-window-s", "3600"}, "2520000000",
			[]string{"2.52G", "2.52B", "2,520M", "2,520,000,000"}},
	} {
		with := func(v string) []string {
			args := slices.Clone(tt.args)
			args[slices.Index(args, "%")] = v
			return args
		}
		want, err := costRunApp(t, with(tt.plain)...)
		if err != nil {
			t.Errorf("inferbench %s: %v", strings.Join(with(tt.plain), " "), err)
			continue
		}
		for _, v := range tt.spellings {
			got, err := costRunApp(t, with(v)...)
			if err != nil || got != want {
				t.Errorf("inferbench %s: %v; want what %s gives", strings.Join(with(v), " "), err, tt.plain)
			}
		}
	}
	// report's crossover volume: T multiplies (2e18 is past the bound,
	// said as the number it is), and a volume with a suffix is priced.
	a100, _ := reportRuns(t)
	checkUsageError(t, "--tokens-per-day 2e+18 is above 1e18 tokens a day", "report", "--tokens-per-day", "2000000T", a100)
	if _, errOut, err := runApp(t, "report", "--tokens-per-day", "10M", "--ops-month-usd", "$1k", a100); err != nil {
		t.Errorf("report --tokens-per-day 10M --ops-month-usd $1k: %v\n%s", err, errOut)
	}
}

// quantityFlags are the count and money flags of the cost commands and
// report, each with the words before it that make a command of it.
var quantityFlags = []struct {
	args  []string
	flag  string
	money bool
}{
	{[]string{"cost", "--gpu", "h100-sxm"}, "--output-tokens-per-s", false},
	{[]string{"cost", "--gpu", "h100-sxm", "--output-tokens-per-s", "100"}, "--total-tokens-per-s", false},
	{[]string{"cost", "--gpu", "h100-sxm", "--output-tokens-per-s", "100"}, "--requests-per-s", false},
	{[]string{"cost", "--output-tokens-per-s", "100"}, "--usd-per-gpu-hour", true},
	{[]string{"cost", "--gpu", "h100-sxm", "--offer", "owned", "--output-tokens-per-s", "100", "--energy-window-s", "60"}, "--energy-joules", false},
	{[]string{"crossover"}, "--tokens-per-day", false},
	{[]string{"advise"}, "--tokens-per-day", false},
	{[]string{"crossover", "--tokens-per-request", "100"}, "--requests-per-day", false},
	{[]string{"advise", "--requests-per-day", "100"}, "--tokens-per-request", false},
	{[]string{"crossover", "--tokens-per-day", "1e8"}, "--api-price-per-m", true},
	{[]string{"crossover", "--tokens-per-day", "1e8"}, "--gpu-month-usd", true},
	{[]string{"crossover", "--tokens-per-day", "1e8"}, "--ops-month-usd", true},
	{[]string{"advise"}, "--monthly-api-spend", true},
	{[]string{"report", "testdata/no-such-run"}, "--tokens-per-day", false},
	{[]string{"report", "testdata/no-such-run"}, "--ops-month-usd", true},
}

// TestCostQuantitiesRefused: anything else is refused in one line naming
// the flag and the value (exit 2): a unit (100MB), a number past float64
// (1e400), NaN, nothing, a misplaced digit group (1,00), a lower-case m,
// which is milli in SI (refused, pointing to M), and "$" on a count. A
// negative number is refused by the commands' range checks, as before.
func TestCostQuantitiesRefused(t *testing.T) {
	for _, q := range quantityFlags {
		bad := []string{"100MB", "1e400", "NaN", "Inf", "", "1,00", "1,0000", "100 M", "100m", "1.5mm", "M", "1M5", "0x10", "5$", "$", "1,000_000", "1e8M0"}
		if !q.money {
			bad = append(bad, "$100")
		}
		for _, v := range bad {
			args := append(slices.Clone(q.args), q.flag, v)
			checkUsageError(t, q.flag+": invalid value "+quoted(v), args...)
		}
		checkUsageError(t, `write 100M for a million`, append(slices.Clone(q.args), q.flag, "100m")...)
		checkUsageError(t, `digit groups`, append(slices.Clone(q.args), q.flag, "1,00")...)
		_, stderr, code := mainArgs(t, append(slices.Clone(q.args), q.flag, "-5")...)
		if code != exitUsage || !strings.Contains(stderr, q.flag) || !strings.Contains(stderr, "-5") {
			t.Errorf("inferbench %s %s -5: exit %d, %q; want exit 2 naming the flag and -5", strings.Join(q.args, " "), q.flag, code, stderr)
		}
	}
}

func quoted(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// TestCostHelpSaysWhatQuantitiesTake: each count and money flag's --help
// line says what it takes (100M; $ for money).
func TestCostHelpSaysWhatQuantitiesTake(t *testing.T) {
	for _, q := range quantityFlags {
		var out bytes.Buffer
		if err := newApp(&out, io.Discard).Run([]string{"inferbench", q.args[0], "--help"}); err != nil {
			t.Fatal(err)
		}
		want := "100M"
		if q.money {
			want = "$2,505"
		}
		found := false
		for line := range strings.Lines(out.String()) {
			if f := strings.Fields(line); len(f) > 0 && f[0] == q.flag {
				found = true
				if !strings.Contains(line, want) {
					t.Errorf("inferbench %s --help: %q; want it to say it takes %s", q.args[0], strings.TrimSpace(line), want)
				}
			}
		}
		if !found {
			t.Errorf("inferbench %s --help has no %s", q.args[0], q.flag)
		}
	}
}
