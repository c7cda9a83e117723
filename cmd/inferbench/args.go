package main

import (
	"strconv"
	"strings"

	"github.com/inferbench/inferbench/scenarios"
)

// levelHint is run's words beside a --concurrency value that does not
// parse because it lists levels: the --sweep that runs them
// (cmdline.OneLineUsage's hint).
func levelHint(path, name, value string) string {
	if path != "run" || (name != flagConcurrency && name != "c") || !strings.Contains(value, ",") {
		return ""
	}
	if list := levelList(value); list != "" {
		return "for several levels, --sweep " + list
	}
	return ""
}

// levelList is a --concurrency value that lists levels as --sweep takes
// them, without the empty items typed ("1,2,,4" → "1,2,4": the suggestion
// repeated the typo); "" when an item is not a whole number (--sweep's own
// parse, parseList, judges).
func levelList(v string) string {
	items := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	list := strings.Join(items, ",")
	if _, err := scenarios.FlagList(list, strconv.Atoi); err != nil || list == "" {
		return ""
	}
	return list
}
