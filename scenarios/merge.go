package scenarios

import (
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/inferbench/inferbench/internal/yamlguard"
)

// ExtensionPrefix starts the top-level keys a scenario ignores: a place to
// define anchors shared by its sections (x-base: &base {...}), as Docker
// Compose's extension fields do. Any other unknown key is still an error.
const ExtensionPrefix = "x-"

// resolveAliases returns n with its anchors, aliases and merge keys
// resolved as yamlguard.ResolveAliases says (docs/workloads.md, "Scenario
// files"): merged pairs keep their nodes, so an error in a merged value
// points at its file:line:col where the anchor was defined. Of the
// problems it finds the first is returned, as Load stops at it.
func resolveAliases(n ast.Node) (ast.Node, error) {
	n, errs := yamlguard.ResolveAliases(n)
	if len(errs) > 0 {
		return nil, &Error{Line: errs[0].Line, Column: errs[0].Column, Msg: errs[0].Msg}
	}
	return n, nil
}

// keyText is the text of mv's key.
func keyText(mv *ast.MappingValueNode) string {
	if mv.Key == nil || mv.Key.GetToken() == nil {
		return ""
	}
	return mv.Key.GetToken().Value
}

// dropExtensions removes the top-level pairs whose key starts with
// ExtensionPrefix: they hold anchors, already resolved, and are no part
// of the scenario.
func dropExtensions(body ast.Node) ast.Node {
	switch b := body.(type) {
	case *ast.MappingNode:
		var keep []*ast.MappingValueNode
		for _, mv := range b.Values {
			if !strings.HasPrefix(keyText(mv), ExtensionPrefix) {
				keep = append(keep, mv)
			}
		}
		b.Values = keep
	case *ast.MappingValueNode:
		if strings.HasPrefix(keyText(b), ExtensionPrefix) {
			return ast.Mapping(b.GetToken(), b.IsFlowStyle)
		}
	}
	return body
}
