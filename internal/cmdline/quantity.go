package cmdline

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// A Quantity is the value of a count or money flag (a volume in tokens a
// day, a throughput, a monthly spend, a price), written as people say it:
// "100M tokens a day", "$3K a month". It reads
//
//   - a plain number: 100000000, 1e8, 2.5, .5;
//   - a suffix, after the number: k or K (thousand), M (million), B or G
//     (billion), T (trillion): 100M, 2.5k, 1.5e3M. Only k may be lower
//     case: a lower-case m is SI's milli and is refused, pointing to M, as
//     are b, g and t;
//   - digit groups of three, by commas or by underscores (not both):
//     100,000,000, 100_000_000, 2,505.50;
//   - for money, one leading "$": $2,505, $3K.
//
// A leading plus is read as strconv reads it (+1e8), and a leading minus
// too, so that the command's own range check refuses a negative number with
// its words, as it refuses 0. Nothing else is: a unit
// (100MB), NaN, Inf, a number past float64 (1e400), an empty value or a
// misplaced group (1,00) are refused naming the flag and the value (exit
// 2, through OneLineUsage). Set writes the number to the float64 it was
// made with: the flag keeps its Destination's semantics.
type Quantity struct {
	dest  *float64
	money bool
}

// QuantityUsage and MoneyUsage end the usage of a count flag and of a
// money flag: their --help line says what they take, and names the value
// (N, USD) in place of urfave/cli's "value".
const (
	QuantityUsage = "; `N` as 100M, 2.5k, 1e8 or 100,000,000 (k, M, B or G, T)"
	MoneyUsage    = "; `USD` as $2,505, 3K or 2505.50"
)

// Count makes f a count flag whose value is written to dest, at dest's
// value by default, and says so in its usage (QuantityUsage).
func Count(dest *float64, f *cli.GenericFlag) *cli.GenericFlag {
	f.Value, f.Usage = &Quantity{dest: dest}, f.Usage+QuantityUsage
	return f
}

// Money makes f a money flag (a Quantity that also takes a leading "$")
// whose value is written to dest, and says so in its usage (MoneyUsage).
func Money(dest *float64, f *cli.GenericFlag) *cli.GenericFlag {
	f.Value, f.Usage = &Quantity{dest: dest, money: true}, f.Usage+MoneyUsage
	return f
}

// Set reads s (flag.Value).
func (q *Quantity) Set(s string) error {
	v, err := ParseQuantity(s, q.money)
	if err != nil {
		return err
	}
	*q.dest = v
	return nil
}

// String is the value as a plain number, as --help shows a default.
func (q *Quantity) String() string {
	if q == nil || q.dest == nil {
		return ""
	}
	return strconv.FormatFloat(*q.dest, 'f', -1, 64)
}

// Get is the value as a float64 (flag.Getter), for cli.Context.Value.
func (q *Quantity) Get() any { return *q.dest }

// quantity is the grammar: sign, "$", the digits (in groups of three by
// commas or by underscores, or none), the fraction, the exponent and the
// suffix.
var quantity = regexp.MustCompile(`^([-+]?)(\$?)((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?:_[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE]([+-]?[0-9]+))?([kKMBGT]?)$`)

// suffixes are the powers of ten of the suffixes.
var suffixes = map[string]int{"": 0, "k": 3, "K": 3, "M": 6, "B": 9, "G": 9, "T": 12}

// ParseQuantity reads s as a Quantity does; money allows a leading "$".
// Its errors say what s should have been.
func ParseQuantity(s string, money bool) (float64, error) {
	m := quantity.FindStringSubmatch(s)
	if m == nil {
		return 0, quantityError(s, money)
	}
	if m[2] != "" && !money {
		return 0, errors.New(`"$" is for money flags: want a count such as 100M, 1e8 or 100,000,000`)
	}
	exp := 0
	if m[4] != "" {
		e, err := strconv.Atoi(m[4])
		if err != nil || e > 1e6 || e < -1e6 {
			return 0, errors.New("out of range of a number")
		}
		exp = e
	}
	// The suffix moves the exponent, so that 2.52G reads as 2.52e9 does
	// (correctly rounded) rather than as 2.52 × 1e9.
	mant := strings.NewReplacer(",", "", "_", "").Replace(m[3])
	v, err := strconv.ParseFloat(m[1]+mant+"e"+strconv.Itoa(exp+suffixes[m[5]]), 64)
	if err != nil || math.IsInf(v, 0) || v == 0 && strings.Trim(mant, "0.") != "" {
		// Past float64, or so small that it read as 0 (1e-400).
		return 0, errors.New("out of range of a number")
	}
	return v, nil
}

// lowerSuffix is a number ending in a suffix in lower case that is only
// read in upper case (m, b, g, t).
var lowerSuffix = regexp.MustCompile(`^[-+]?\$?[0-9.,_]+(?:[eE][+-]?[0-9]+)?([mbgt])$`)

// quantityError says why s is not a quantity.
func quantityError(s string, money bool) error {
	kind := "a number such as 100M, 2.5k, 1e8 or 100,000,000 (suffixes k, M, B or G, T)"
	if money {
		kind = "an amount such as $2,505, 3K or 2505.50 (suffixes k, M, B or G, T)"
	}
	switch m := lowerSuffix.FindStringSubmatch(s); {
	case s == "":
		return errors.New("empty: want " + kind)
	case m != nil && m[1] == "m":
		return fmt.Errorf("m would be milli: write %sM for a million", strings.TrimSuffix(s, "m"))
	case m != nil:
		return fmt.Errorf("suffixes other than k are upper case: write %s%s", strings.TrimSuffix(s, m[1]), strings.ToUpper(m[1]))
	case strings.ContainsAny(s, ",_") && quantity.MatchString(strings.NewReplacer(",", "", "_", "").Replace(s)):
		return errors.New("misplaced digit group separator: digit groups are of three, by commas or by underscores (100,000,000 or 100_000_000)")
	}
	return errors.New("want " + kind)
}
