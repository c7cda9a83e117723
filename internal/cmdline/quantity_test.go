package cmdline

import (
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestParseQuantity: a count or money flag's value as people write it, each
// spelling read as the plain number, and everything else refused with what
// it should have been.
func TestParseQuantity(t *testing.T) {
	for _, tt := range []struct {
		s     string
		money bool
		want  float64
	}{
		{"100000000", false, 1e8},
		{"1e8", false, 1e8},
		{"1E+8", false, 1e8},
		{"2.5", false, 2.5},
		{".5", false, 0.5},
		{"5.", false, 5},
		{"0", false, 0},
		{"100M", false, 1e8},
		{"2.5k", false, 2500},
		{"2.5K", false, 2500},
		{"0.1B", false, 1e8},
		{"0.1G", false, 1e8},
		{"2.52G", false, 2.52e9}, // as 2.52e9 reads, not 2.52 × 1e9
		{"1.5T", false, 1.5e12},
		{"1e5k", false, 1e8},
		{"1e-3M", false, 1000},
		{"100,000,000", false, 1e8},
		{"100_000_000", false, 1e8},
		{"1,000.25", false, 1000.25},
		{"2,505.5", false, 2505.5},
		{"-5", false, -5}, // the command's range check refuses it, in its words
		{"-5M", false, -5e6},
		{"+1e8", false, 1e8},
		{"+$5", true, 5},
		{"$2,505", true, 2505},
		{"$3K", true, 3000},
		{"$.004375k", true, 4.375},
		{"-$5", true, -5},
		{"3000", true, 3000},
		{"1.7976931348623157e308", false, 1.7976931348623157e308},
	} {
		got, err := ParseQuantity(tt.s, tt.money)
		if err != nil || got != tt.want {
			t.Errorf("ParseQuantity(%q, %v) = %v, %v; want %v", tt.s, tt.money, got, err, tt.want)
		}
	}
	for _, tt := range []struct {
		s     string
		money bool
		want  string
	}{
		{"", false, "empty: want a number such as 100M"},
		{"", true, "empty: want an amount such as $2,505"},
		{"100MB", false, "want a number such as 100M, 2.5k, 1e8 or 100,000,000 (suffixes k, M, B or G, T)"},
		{"100m", false, "m would be milli: write 100M for a million"},
		{"$3m", true, "m would be milli: write $3M for a million"},
		{"2.5b", false, "suffixes other than k are upper case: write 2.5B"},
		{"1t", false, "write 1T"},
		{"1,00", false, "misplaced digit group separator"},
		{"1,0000", false, "misplaced digit group separator"},
		{"1000,000", false, "misplaced digit group separator"},
		{"1,000_000", false, "misplaced digit group separator"},
		{"1_00", false, "misplaced digit group separator"},
		{"1e400", false, "out of range of a number"},
		{"1e300T", false, "out of range of a number"},
		{"1e-400", false, "out of range of a number"},
		{"1e99999999999999999999", false, "out of range of a number"},
		{"$5", false, `"$" is for money flags`},
		{"$$5", true, "want an amount"},
		{"5$", true, "want an amount"},
		{"NaN", false, "want a number"},
		{"Inf", false, "want a number"},
		{"-Inf", false, "want a number"},
		{"infinity", false, "want a number"},
		{"0x10", false, "want a number"},
		{"--5", false, "want a number"},
		{"1M5", false, "want a number"},
		{"M", false, "want a number"},
		{"100 M", false, "want a number"},
		{" 100", false, "want a number"},
		{"1kk", false, "want a number"},
		{"1e", false, "want a number"},
		{"1.2.3", false, "want a number"},
		{"١٠٠", false, "want a number"}, // Arabic-Indic digits
	} {
		got, err := ParseQuantity(tt.s, tt.money)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseQuantity(%q, %v) = %v, %v; want an error with %q", tt.s, tt.money, got, err, tt.want)
		}
	}
}

// TestQuantityFlag: Count and Money write their flag's value to the
// float64 they were given, keep what it held as the default, say what they
// take in the flag's usage, and a value they refuse is one line naming the
// flag and the value with the parser's words.
func TestQuantityFlag(t *testing.T) {
	v, usd := 1e7, 0.0
	flags := []cli.Flag{
		Count(&v, &cli.GenericFlag{Name: "tokens-per-day", Usage: "volume"}),
		Money(&usd, &cli.GenericFlag{Name: "ops-month-usd", Usage: "ops"}),
	}
	if got := flags[0].(*cli.GenericFlag).GetDefaultText(); got != "10000000" {
		t.Errorf("default %q; want 10000000", got)
	}
	if u := flags[1].(*cli.GenericFlag).Usage; !strings.HasPrefix(u, "ops; `USD` as $2,505") {
		t.Errorf("money usage %q", u)
	}
	given, err := ReadFlags("crossover", flags, []string{"--tokens-per-day", "100M", "--ops-month-usd", "$5k"})
	if err != nil || v != 1e8 || usd != 5000 || len(given.Words) != 2 {
		t.Errorf("ReadFlags = %v, %v; tokens %v, ops %v; want 1e8 and 5000", given.Words, err, v, usd)
	}
	_, err = ReadFlags("crossover", flags, []string{"--tokens-per-day", "100m"})
	want := `crossover: --tokens-per-day: invalid value "100m": m would be milli: write 100M for a million`
	if err == nil || err.Error() != want {
		t.Errorf("ReadFlags 100m = %v; want %q", err, want)
	}
	if _, ok := err.(*UsageError); !ok {
		t.Errorf("ReadFlags 100m: %T; want a *UsageError (exit 2)", err)
	}
}
