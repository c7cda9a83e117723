package scenarios

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/inferbench/inferbench/internal/typo"
	"github.com/inferbench/inferbench/internal/yamlguard"
)

// Error is one problem in a scenario, located where its value was written.
// Its text is "file:line:col: path: message", e.g.
// "nightly.yaml:14:9: load.rate: must be > 0, got -3"; parts that are
// unknown are left out (a value set by a flag has no line).
type Error struct {
	// File is the scenario's name as given to Load.
	File string
	// Line and Column locate the value (1-based); 0 when unknown.
	Line, Column int
	// Path is the YAML path of the value, e.g. "load.rate" or
	// "load.sweep[2]"; "" for the whole document.
	Path string
	// Msg says what is wrong.
	Msg string
}

// Error formats e as "file:line:col: path: message".
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(":")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Line, e.Column)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if e.Path != "" {
		// A key is the file's text: one of 100,000 characters came back
		// whole, in the path and again in the message.
		b.WriteString(truncate(e.Path, maxPathBytes))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// maxPathBytes bounds the path an error line shows.
const maxPathBytes = 160

// position is a 1-based line and column in the scenario file.
type position struct{ line, col int }

// source is where a scenario was read from.
type source struct {
	file string              // name given to Load
	dir  string              // directory relative paths resolve against
	vals map[string]position // YAML path → where its value starts
	// at maps a position back to the path of the key or value written
	// there, to name the path of a decoder error.
	at map[position]string
}

// has reports whether path was written in the file.
func (s *source) has(path string) bool {
	if s == nil {
		return false
	}
	_, ok := s.vals[path]
	return ok
}

// forget drops what the file wrote at each path and below it (its map keys
// and list items): the value was replaced by one given another way.
func (s *source) forget(paths ...string) {
	if s == nil {
		return
	}
	for k := range s.vals {
		for _, p := range paths {
			if k == p || strings.HasPrefix(k, p+".") || strings.HasPrefix(k, p+"[") {
				delete(s.vals, k)
			}
		}
	}
}

// locate returns the position of path's value or, when the file does not
// hold it, of its nearest ancestor that it does hold.
func (s *source) locate(path string) (position, bool) {
	if s == nil {
		return position{}, false
	}
	for {
		if p, ok := s.vals[path]; ok {
			return p, true
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			p, ok := s.vals[""]
			return p, ok
		}
		path = path[:i]
	}
}

// errorf returns a problem at path, located in the file when possible.
func (s *source) errorf(path, format string, args ...any) *Error {
	e := &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
	if s != nil {
		e.File = s.file
		if p, ok := s.locate(path); ok {
			e.Line, e.Column = p.line, p.col
		}
	}
	return e
}

// Load decodes the scenario in data, read from the file called name (used in
// error messages and to resolve the relative paths the scenario names),
// reads the length lists of empirical distributions and validates it. Keys
// are strict: an unknown or repeated key is an error. Every error is an
// *Error, or several joined by errors.Join, in the file's order. A file
// that is not YAML, or holds no single mapping, gets one error; otherwise
// every mistake is reported at once: each value that does not decode (an
// unknown key, a value of the wrong type) and every validation error of
// the rest, but none under a value already reported (at most 50 decoding
// mistakes, then a line that says there are more). Defaults are not
// applied (see ApplyDefaults): the scenario is what the file says.
func Load(name string, data []byte) (*Scenario, error) { return load(name, data, Known{}) }

// linkTarget follows name while it is itself a symbolic link (a link to a
// link too), each target read relative to its link's directory. Only the
// file is followed, not the directories on its way: filepath.EvalSymlinks
// resolved them all, and a scenario in a linked directory (proj/sc ->
// /shared/sc) that names ../data/l.txt looked in /shared/data, not in
// proj/data, where it was found before links were followed.
func linkTarget(name string) string {
	for range 40 { // a loop of links ends here; reading the file says so
		fi, err := os.Lstat(name)
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			return name
		}
		target, err := os.Readlink(name)
		if err != nil {
			return name
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(name), target)
		}
		name = target
	}
	return name
}

// load is Load, and, with what known knows, CheckKind and CheckGate among
// the other checks: a file with an unknown kind and other mistakes is told
// of them all at once (the kind was said only once the rest was fixed).
func load(name string, data []byte, known Known) (*Scenario, error) {
	src := &source{file: name, dir: filepath.Dir(name), vals: map[string]position{}, at: map[position]string{}}
	// A scenario reached through a symbolic link names its files relative
	// to where it is written, the file linked to, as they were found
	// before it was linked (C's #include "x.h" and git's relative
	// include.path resolve against the file that says them).
	src.dir = filepath.Dir(linkTarget(name))
	if name == "" {
		src.dir = ""
	}
	data, err := utf8Text(name, data)
	if err != nil {
		return nil, err
	}
	s, mistakes, skip, err := decode(src, data, true)
	if err != nil {
		return nil, err
	}
	if s == nil {
		// Too many mistakes, or one that left nothing to validate.
		return nil, errors.Join(mistakes...)
	}
	errs := mistakes
	// What lies under a value already reported is not judged again:
	// "load.concurrency: want a whole number" is not followed by "must
	// be between 1 and 100000, got 0", nor a cut key by "is required".
	add := func(e error) {
		if !underAny(e, skip) {
			errs = append(errs, e)
		}
	}
	readErrs := s.readLengths()
	for _, e := range readErrs {
		add(e)
	}
	if err := s.Validate(); err != nil {
		for _, e := range Leaves(err) {
			// A length file that could not be read is reported once, by
			// readLengths, not again as "not read".
			if pe, ok := e.(*Error); ok && slices.ContainsFunc(readErrs, func(r error) bool { return r.(*Error).Path == pe.Path }) {
				continue
			}
			add(e)
		}
	}
	if known.Kinds != nil {
		if err := s.CheckKind(known.Kinds); err != nil {
			add(err)
		}
	}
	if known.BaseURL != nil {
		if err := s.CheckBaseURL(known.BaseURL); err != nil {
			add(err)
		}
	}
	if err := s.CheckCostGPU(known.GPU); err != nil {
		add(err)
	}
	for _, e := range Leaves(s.CheckTarget(known.Target)) {
		add(e)
	}
	if err := s.CheckStop(known.Stop); err != nil {
		add(err)
	}
	if known.GateLimit != nil {
		for _, e := range Leaves(s.CheckGate(known.GateLimit)) {
			add(e)
		}
	}
	// In the file's order, as its reader fixes them.
	slices.SortStableFunc(errs, func(a, b error) int {
		ea, oka := a.(*Error)
		eb, okb := b.(*Error)
		if !oka || !okb {
			return 0
		}
		return cmp.Or(cmp.Compare(ea.Line, eb.Line), cmp.Compare(ea.Column, eb.Column))
	})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// Leaves returns the errors err joins, each joined one's own in turn (in
// order; err itself if it joins none; none for nil): a scenario's checks
// join one error a finding, and a caller that names a finding by a flag
// (run, k8s manifest) rewrites each.
func Leaves(err error) []error {
	if err == nil {
		return nil
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, Leaves(e)...)
	}
	return out
}

// LoadFile reads and loads the scenario file at path (see Load). A file
// that cannot be read is reported as the wrapped *fs.PathError.
func LoadFile(path string) (*Scenario, error) { return loadFile(path, Known{}) }

func loadFile(path string, known Known) (*Scenario, error) {
	data, err := yamlguard.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	return load(path, data, known)
}

// decode parses data into a Scenario, recording where each value was.
// Strict decoding rejects unknown keys and reports every value that does
// not decode (decodeAll): mistakes, in the file's order, with s what
// decoded of the rest (nil when decoding gave up) and skip the paths under
// which validation errors are left out. Without strict, the first mistake
// is err. err is also a file that is not one scenario's YAML.
func decode(src *source, data []byte, strict bool) (s *Scenario, mistakes []error, skip []string, err error) {
	// The YAML library is third-party code fed untrusted input: a panic
	// inside it must come back as an error, not take the process down.
	defer func() {
		if r := recover(); r != nil {
			s, mistakes, skip, err = nil, nil, nil, &Error{File: src.file, Msg: fmt.Sprintf("cannot parse the file (YAML library failure: %v)", r)}
		}
	}()
	body, err := parseBody(src, data)
	if err != nil {
		return nil, nil, nil, err
	}
	if strict {
		s, mistakes, skip = decodeAll(src, body)
	} else {
		s = &Scenario{}
		if err := yaml.NodeToValue(body, s); err != nil {
			return nil, nil, nil, src.convert(err)
		}
		m := &mend{src: src}
		for _, e := range append(src.leadingZeros(body), src.numbersAsText(body)...) {
			m.mistakes = append(m.mistakes, e)
		}
		if m.stringNumbers(body); len(m.mistakes) > 0 {
			return nil, nil, nil, errors.Join(m.mistakes...)
		}
	}
	if s != nil {
		s.Description = tidyText(s.Description)
		s.src = src
	}
	return s, mistakes, skip, nil
}

// parseBody parses data into the body of its one document, its aliases and
// merge keys resolved and its top-level x- keys dropped, and records where
// each value is.
func parseBody(src *source, data []byte) (ast.Node, error) {
	// yamlguard bounds size, nesting, keys and alias expansion first: the
	// parser's cost grows faster than the file on hostile shapes.
	f, err := yamlguard.Parse(data, yamlguard.Limits{})
	if line, col, msg, ok := yamlguard.Syntax(data, err); ok {
		return nil, &Error{File: src.file, Line: line, Column: col, Msg: msg}
	}
	if err != nil {
		return nil, src.convert(err)
	}
	var body ast.Node
	directives := 0
	for i, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if _, ok := doc.Body.(*ast.DirectiveNode); ok {
			// %YAML 1.2 before "---": the parser gives it as a
			// document of its own; it belongs to the next.
			directives++
			continue
		}
		if body != nil {
			return nil, errAtIn(src, doc.Body, "", fmt.Sprintf("one scenario per file: document %d is extra", i+1-directives))
		}
		body = doc.Body
	}
	if body == nil {
		return nil, &Error{File: src.file, Msg: "empty scenario: want a mapping with at least name and load"}
	}
	switch unwrapped, _ := unwrapNode(body); unwrapped.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
	default:
		return nil, errAtIn(src, body, "", "want a mapping of keys (name, target, workload, load, slo, …)")
	}
	// Aliases and merge keys are resolved, and the top-level x- keys that
	// hold anchors dropped, before anything is located or decoded: the
	// paths recorded are then those of the scenario as merged.
	if body, err = resolveAliases(body); err != nil {
		e := err.(*Error)
		e.File = src.file
		return nil, e
	}
	body = dropExtensions(body)
	src.vals[""] = position{1, 1}
	src.walk(body, "", nil)
	return body, nil
}

// errAtIn returns a problem at n in src's file.
func errAtIn(src *source, n ast.Node, path, msg string) *Error {
	e := errAt(n, "%s", msg)
	e.File, e.Path = src.file, path
	return e
}

// walk records the position of every value under n, whose path is path;
// key is the key that introduced n, if any, and locates a block mapping
// (whose own token is its first colon).
func (s *source) walk(n ast.Node, path string, key ast.Node) {
	if n == nil {
		return
	}
	mark := func(at ast.Node) {
		if tk := at.GetToken(); tk != nil && tk.Position != nil {
			p := position{tk.Position.Line, tk.Position.Column}
			if _, ok := s.vals[path]; !ok {
				s.vals[path] = p
			}
			if _, ok := s.at[p]; !ok {
				s.at[p] = path
			}
		}
	}
	switch n := n.(type) {
	case *ast.TagNode:
		s.walk(n.Value, path, key)
	case *ast.AnchorNode:
		s.walk(n.Value, path, key)
	case *ast.MappingNode:
		if n.IsFlowStyle || key == nil {
			mark(n)
		} else {
			mark(key)
		}
		for _, mv := range n.Values {
			s.pair(mv, path)
		}
	case *ast.MappingValueNode:
		if key != nil {
			mark(key)
		}
		s.pair(n, path)
	case *ast.SequenceNode:
		mark(n)
		for i, v := range n.Values {
			s.walk(v, path+"["+strconv.Itoa(i)+"]", nil)
		}
	default:
		mark(n)
	}
}

// pair records one key: value of a mapping at path.
func (s *source) pair(mv *ast.MappingValueNode, path string) {
	if mv == nil || mv.Key == nil {
		return
	}
	k := mv.Key.GetToken()
	if k == nil {
		return
	}
	child := k.Value
	if path != "" {
		child = path + "." + child
	}
	if k.Position != nil {
		// The key's own position names the key's path (for unknown-key
		// errors, which point at the key).
		p := position{k.Position.Line, k.Position.Column}
		if _, ok := s.at[p]; !ok {
			s.at[p] = child
		}
	}
	if mv.Value == nil || mv.Value.Type() == ast.NullType {
		// "key:" with nothing after it: locate the key.
		if k.Position != nil {
			s.vals[child] = position{k.Position.Line, k.Position.Column}
		}
		return
	}
	s.walk(mv.Value, child, mv.Key)
}

// convert turns a YAML library error into an *Error with the file name and
// the YAML path, in words that do not echo the value (which could be a
// secret written in the wrong place).
func (s *source) convert(err error) error {
	var own *Error
	if errors.As(err, &own) {
		e := *own
		e.File = s.file
		if e.Path == "" && e.Line > 0 {
			e.Path = s.at[position{e.Line, e.Column}]
		}
		return &e
	}
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return &Error{File: s.file, Msg: err.Error()}
	}
	e := &Error{File: s.file, Msg: yamlguard.DuplicateWords(yamlguard.NamedTab(ye.GetMessage()))}
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
		e.Path = s.at[position{e.Line, e.Column}]
	}
	if msg, ok := yamlguard.RangeWords(err); ok {
		e.Msg = msg
	} else if msg, ok := yamlguard.DecodeWords(err); ok {
		e.Msg = msg + booleanMeant(err) + percentMeant(err, e.Path)
	} else if msg, ok := yamlguard.ShapeWords(err); ok {
		e.Msg = msg
	} else if _, ok := errors.AsType[*yaml.UnknownFieldError](err); ok && e.Path != "" {
		e.Msg = unknownKeyMsg(e.Path)
	}
	return e
}

// booleanMeant is ` (did you mean true?)` for a string where true or
// false belongs that means one: YAML 1.1's yes, no, on, off (strings to
// YAML 1.2 and to go-yaml), or a misspelling; "" otherwise.
func booleanMeant(err error) string {
	te, ok := errors.AsType[*yaml.TypeError](err)
	if !ok || te.DstType == nil || te.DstType.Kind() != reflect.Bool || te.Token == nil {
		return ""
	}
	v := strings.ToLower(te.Token.Value)
	switch v {
	case "yes", "y", "on":
		v = "true"
	case "no", "n", "off":
		v = "false"
	default:
		v = typo.Nearest(v, []string{"true", "false"})
	}
	if v == "" {
		return ""
	}
	return " (did you mean " + v + "?)"
}

// percentRE is a percentage or percentile as people write one: 1%, p95,
// P99.9, 99.9 %.
var percentRE = regexp.MustCompile(`^(?:[pP]\s*([0-9]+(?:\.[0-9]+)?)|([0-9]+(?:\.[0-9]+)?)\s*%)$`)

// percentMeant is the number meant by a percentage written where an SLO's
// number belongs: slo.max_error_rate is a fraction (1% is 0.01),
// slo.percentile a number (p95 and 95% are 95); "" otherwise.
func percentMeant(err error, path string) string {
	te, ok := errors.AsType[*yaml.TypeError](err)
	if !ok || te.Token == nil || (path != "slo.max_error_rate" && path != "slo.percentile") {
		return ""
	}
	m := percentRE.FindStringSubmatch(strings.TrimSpace(te.Token.Value))
	if m == nil {
		return ""
	}
	switch {
	case path == "slo.percentile":
		return " (did you mean " + m[1] + m[2] + "?)"
	case m[2] != "":
		f, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return ""
		}
		return " (did you mean " + strconv.FormatFloat(f/100, 'g', -1, 64) + "? a fraction, not a percentage)"
	}
	return ""
}

// unknownKeyMsg says that the key at path is unknown, suggesting the
// nearest known key of its mapping.
func unknownKeyMsg(path string) string {
	msg, _ := unknownKey(path)
	return msg
}

// unknownKey is unknownKeyMsg and the path of the key it suggests, "" when
// it suggests none: that key is then not written, because it was misspelt
// or misplaced.
func unknownKey(path string) (msg, meant string) {
	parent, key := "", path
	if i := strings.LastIndex(path, "."); i >= 0 {
		parent, key = path[:i], path[i+1:]
	}
	msg = fmt.Sprintf("unknown key %q", truncate(key, 64))
	// A byte order mark inside the file (files saved with one, joined
	// with cat) or a zero-width space pasted in: the key looks right.
	if i := strings.IndexFunc(key, invisible); i >= 0 {
		r, _ := utf8.DecodeRuneInString(key[i:])
		msg += fmt.Sprintf(": it holds an invisible character, U+%04X", r)
		key = strings.Map(func(r rune) rune {
			if invisible(r) {
				return -1
			}
			return r
		}, key)
	}
	if near := typo.Nearest(key, knownKeys(parent)); near != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", near), join(parent, near)
	}
	if sub := misplacedKey(parent, key); sub != "" {
		return msg + fmt.Sprintf(" (did you mean %s.%s? indent it under %q)", sub, key, sub[strings.LastIndex(sub, ".")+1:]+":"), sub + "." + key
	}
	return msg, ""
}

// invisible reports whether r is a format character (Unicode Cf: the
// byte order mark, zero-width spaces and joiners), which shows as nothing.
func invisible(r rune) bool { return unicode.Is(unicode.Cf, r) }

// misplacedKey is the path of the one mapping of parent's own mappings
// that has key when parent has not (load, for a top-level concurrency: the
// line lost its indentation); "" when none or several have it.
func misplacedKey(parent, key string) string {
	var found []string
	for _, k := range knownKeys(parent) {
		sub := join(parent, k)
		if slices.Contains(knownKeys(sub), key) {
			found = append(found, sub)
		}
	}
	if len(found) != 1 {
		return ""
	}
	return found[0]
}

// didYouMean is ` (did you mean "X"?)` for the candidate Nearest to key, or
// "" when none is near.
func didYouMean(key string, candidates []string) string {
	if near := typo.Nearest(key, candidates); near != "" {
		return fmt.Sprintf(" (did you mean %q?)", near)
	}
	return ""
}

// unknownName says that name is none of names, which it calls what: with
// the nearest of them when one is near, else with the whole list.
func unknownName(what, name string, names []string) string {
	if hint := didYouMean(name, names); hint != "" {
		return fmt.Sprintf("unknown %s %q%s", what, truncate(name, 32), hint)
	}
	return fmt.Sprintf("unknown %s %q (want one of %s)", what, truncate(name, 32), strings.Join(names, ", "))
}

// schemaType maps a type that decodes itself to the type whose keys its
// mapping form takes, for yamlguard.StringNumbers and knownKeys.
func schemaType(t reflect.Type) reflect.Type {
	switch t {
	case reflect.TypeFor[Distribution]():
		return reflect.TypeFor[distSpec]()
	case reflect.TypeFor[ThinkTime]():
		return reflect.TypeFor[thinkSpec]()
	case reflect.TypeFor[Sweep]():
		return reflect.TypeFor[sweepSeries]()
	}
	return t
}

// knownKeys returns the keys the schema allows in the mapping at path
// (a path without list indexes), nil when it does not know the path.
func knownKeys(path string) []string {
	return yamlguard.KeysAt(reflect.TypeFor[Scenario](), schemaType, path)
}

// readLengths reads the length lists of the empirical distributions and
// returns one *Error per list it could not read.
func (s *Scenario) readLengths() []error {
	var errs []error
	for _, f := range []struct {
		path string
		d    *Distribution
	}{
		{"workload.prompt_tokens", &s.Workload.PromptTokens},
		{"workload.output_tokens", &s.Workload.OutputTokens},
	} {
		if f.d.Kind != DistEmpirical || f.d.File == "" {
			continue
		}
		if msg := fileTrouble(s.Path(f.d.File)); msg != "" {
			// As a dataset's or a trace's file is told of.
			errs = append(errs, s.src.errorf(f.path+".file", "%s", msg))
			continue
		}
		v, err := readFile(s.Path(f.d.File), ReadLengths)
		if err != nil {
			errs = append(errs, s.src.errorf(f.path+".file", "%v", err))
			continue
		}
		f.d.values = v
	}
	return errs
}

// tidyText normalizes prose: line endings to \n, no trailing blanks on a
// line, none around the whole. YAML's folded and literal blocks rewrite
// whitespace anyway, and the encoder cannot write trailing blanks back.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
