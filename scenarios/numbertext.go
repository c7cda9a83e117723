package scenarios

import (
	"fmt"
	"reflect"

	"github.com/goccy/go-yaml/ast"

	"github.com/inferbench/inferbench/internal/yamlguard"
)

// numbersAsText returns a problem at each plain number under n written
// where text belongs (a model name, a file) whose text as a number is not
// what was written (yamlguard.NumbersAsText): the YAML library gives the
// field the number's text, so model: 3.10 asked for model "3.1" and 0x1F
// for "31". model: 123 is "123" either way and passes.
func (s *source) numbersAsText(n ast.Node) []*Error {
	var out []*Error
	for _, x := range yamlguard.NumbersAsText(n, reflect.TypeFor[Scenario](), schemaType) {
		if under(x.Path, "gate") {
			continue // a gate threshold is never a bare number: CheckGate says what one is
		}
		out = append(out, errAtIn(s, x.Node, x.Path, fmt.Sprintf("%s is read as the number %s: quote it (%q) for the text", truncate(x.Text, 32), x.Want, truncate(x.Text, 32))))
	}
	return out
}
