package scenarios

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
)

// shipped holds the standard scenarios, one NAME.yaml per scenario.
//
//go:embed *.yaml
var shipped embed.FS

// Shipped returns the names of the scenarios shipped in the binary, sorted.
func Shipped() []string {
	entries, err := fs.ReadDir(shipped, ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

// Open loads a shipped scenario by name, or else the scenario file at
// nameOrPath. An argument with a path separator or a .yaml/.yml extension is
// always a file.
func Open(nameOrPath string) (*Scenario, error) { return open(nameOrPath, Known{}) }

// open is Open, checking what known knows too (load).
func open(nameOrPath string, known Known) (*Scenario, error) {
	isPath := strings.ContainsAny(nameOrPath, `/\`) || strings.HasSuffix(nameOrPath, ".yaml") || strings.HasSuffix(nameOrPath, ".yml")
	if !isPath && slices.Contains(Shipped(), nameOrPath) {
		data, err := shipped.ReadFile(nameOrPath + ".yaml")
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", nameOrPath, err)
		}
		return load(nameOrPath+".yaml", data, known)
	}
	// Only a name that is not there at all is "neither": a symbolic link
	// (looping, or to nothing) or an unreadable directory on the way is
	// there, and LoadFile says what is wrong with it.
	if _, err := os.Lstat(nameOrPath); errors.Is(err, fs.ErrNotExist) && !isPath {
		if hint := didYouMean(nameOrPath, Shipped()); hint != "" {
			return nil, fmt.Errorf("scenario %q: neither a shipped scenario%s nor a file", nameOrPath, hint)
		}
		return nil, fmt.Errorf("scenario %q: neither a shipped scenario (%s) nor a file", nameOrPath, strings.Join(Shipped(), ", "))
	}
	if _, err := os.Lstat(nameOrPath); errors.Is(err, fs.ErrNotExist) {
		// nightly.yaml, or scenarios/nightly.yaml outside a checkout: a
		// file, not there, named as a shipped scenario is.
		base := filepath.Base(nameOrPath)
		name := strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
		if name != base && slices.Contains(Shipped(), name) {
			return nil, fmt.Errorf("scenario: %s: no such file (the shipped scenario is named %s, without .yaml)", nameOrPath, name)
		}
	}
	return loadFile(nameOrPath, known)
}

// Marshal writes s as YAML, keys in schema order: the form `scenarios show`
// prints and run.json's scenario reads back with Load.
func Marshal(s *Scenario) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b, yaml.Indent(2), yaml.IndentSequence(true), yaml.CustomMarshaler(quoteControl), yaml.CustomMarshaler(positionalFloat))
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	return b.Bytes(), nil
}

// quoteControl writes a string holding a control character (a tab, say)
// double-quoted with escapes: goccy/go-yaml (v1.19.2) writes "a\tb" as a
// plain scalar and reads that back as "ab" (FuzzLoad found it through a
// description), so such a string would not survive run.json or a k8s
// ConfigMap. A JSON string is a valid YAML double-quoted scalar. Any other
// string is written as the library writes it.
func quoteControl(s string) ([]byte, error) {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return json.Marshal(s)
		}
	}
	b, err := yaml.Marshal(s)
	return bytes.TrimSuffix(b, []byte("\n")), err
}

// positionalFloat writes a float without an exponent, a whole one with
// ".0": goccy/go-yaml writes 1000000.0 as 1e+06 and reads that back as a
// string, so a rate of a million (the most a scenario takes) did not
// survive run.json (the scenario reader refused it: "want a rate in
// requests per second") or a k8s ConfigMap.
func positionalFloat(v float64) ([]byte, error) {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return nil, fmt.Errorf("%v has no YAML form a scenario reads", v)
	}
	f := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.Contains(f, ".") {
		f += ".0"
	}
	return []byte(f), nil
}

// MarshalJSON writes s as JSON with the keys and value forms of the YAML
// file (durations as "250ms", lengths as numbers or {"dist": …}), for
// run.json.
func (s Scenario) MarshalJSON() ([]byte, error) {
	b, err := Marshal(&s)
	if err != nil {
		return nil, err
	}
	// Not yaml.YAMLToJSON: it writes a string's control characters in
	// Go's escapes (\x04, \a), which are YAML but not JSON, and
	// json.Marshal refused the scenario (run.json was written without it).
	var v any
	if err := yaml.UnmarshalWithOptions(b, &v, yaml.UseOrderedMap()); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	var out bytes.Buffer
	if err := writeJSON(&out, v); err != nil {
		return nil, fmt.Errorf("scenario %s: %w", s.Name, err)
	}
	return out.Bytes(), nil
}

// writeJSON writes v, as the YAML decoder returns it (yaml.MapSlice in
// the file's key order, lists, scalars), as JSON: strings in
// encoding/json's escapes (\u0004), floats as the YAML encoder writes
// them (5.0, 20.5).
func writeJSON(w *bytes.Buffer, v any) error {
	switch v := v.(type) {
	case yaml.MapSlice:
		w.WriteByte('{')
		for i, it := range v {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := writeJSON(w, fmt.Sprint(it.Key)); err != nil {
				return err
			}
			w.WriteByte(':')
			if err := writeJSON(w, it.Value); err != nil {
				return err
			}
		}
		w.WriteByte('}')
	case []any:
		w.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				w.WriteByte(',')
			}
			if err := writeJSON(w, e); err != nil {
				return err
			}
		}
		w.WriteByte(']')
	case float64:
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return fmt.Errorf("%v has no JSON form", v)
		}
		f, err := positionalFloat(v)
		if err != nil {
			return err
		}
		w.Write(f)
	default:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		w.Truncate(w.Len() - 1) // Encode's newline
	}
	return nil
}

// UnmarshalJSON reads what MarshalJSON wrote. Unlike Load it ignores keys
// it does not know (run.json written by a newer version stays readable),
// neither validates nor reads data files: a stored scenario was checked
// when it ran, and its empirical lengths are not stored.
func (s *Scenario) UnmarshalJSON(b []byte) error {
	src := &source{vals: map[string]position{}, at: map[position]string{}}
	got, _, _, err := decode(src, b, false)
	if err != nil {
		return fmt.Errorf("scenario: %w", err)
	}
	*s = *got
	return nil
}
