// Package archtest holds the tests of the project's layout rules
// (docs/design.md, "Rules"): which packages may depend on which, and that
// the design page lists every package. It has no code of its own.
package archtest
