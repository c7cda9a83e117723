package render

import "regexp"

// decimalRE matches a plain decimal number: a sign, digits with an
// optional fraction, an optional exponent. (Not strconv.ParseFloat, which
// also takes "-Inf", "+NaN" and hexadecimal floats a spreadsheet would try
// to evaluate.)
var decimalRE = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// csvCell neutralizes a cell that a spreadsheet would evaluate as a
// formula: one that starts with =, +, -, @, a tab or a carriage return is
// prefixed with a single quote, unless it is a number (a negative number
// is data, not a formula). This is OWASP's rule for CSV injection (OWASP
// Foundation, "CSV Injection",
// https://owasp.org/www-community/attacks/CSV_Injection): run labels are
// directory names, which anyone who can name a directory chooses.
func csvCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if decimalRE.MatchString(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// csvRow applies csvCell to every cell of row, in place.
func csvRow(row []string) []string {
	for i, c := range row {
		row[i] = csvCell(c)
	}
	return row
}
