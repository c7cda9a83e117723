package k8s

import (
	"cmp"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/scenarios"
)

// A pod has the image, the scenario (the ConfigMap, mounted at
// ScenarioDir) and the claim (at ResultsDir), nothing of the machine the
// manifest is made on: a file the scenario or a run flag names is in no
// pod, unless it is on the claim.

// onClaim reports whether p is a path under ResultsDir, where a file
// copied onto the claim is in every pod.
func onClaim(p string) bool {
	return path.IsAbs(p) && strings.HasPrefix(path.Clean(p), ResultsDir+"/")
}

// scenarioFiles refuses the files s names, each at its key: the pods read
// the scenario from the ConfigMap, beside which no file travels, and Load
// reads its length lists here, so none can be one the pods have.
func scenarioFiles(s *scenarios.Scenario) error {
	const missing = "%s is a file the pods would not have (only the scenario travels, in the ConfigMap): "
	var errs []error
	refuse := func(key, file, instead string) {
		errs = append(errs, s.ErrorAt(key, fmt.Errorf(missing+"%s", printable.Text(file), instead)))
	}
	w := &s.Workload
	for _, d := range []struct {
		key string
		d   *scenarios.Distribution
	}{{"workload.prompt_tokens", &w.PromptTokens}, {"workload.output_tokens", &w.OutputTokens}} {
		if d.d.Kind == scenarios.DistEmpirical && d.d.File != "" {
			refuse(d.key+".file", d.d.File, "give the lengths as a uniform, normal or lognormal distribution, "+
				"or run the shards without Kubernetes (inferbench run --shard I/N --start-at … on machines holding the file)")
		}
	}
	if w.Tokenizer != "" {
		// A file's prompt_sizing: tokenizer needs its tokenizer in the
		// file (run refuses it otherwise): the flags say both.
		give, leave := "--tokenizer /results/…", "leave it out"
		if w.PromptSizing == "tokenizer" {
			give, leave = "--prompt-sizing tokenizer --tokenizer /results/…", "leave it and prompt_sizing out"
		}
		refuse("workload.tokenizer", w.Tokenizer, leave+" and copy the file onto the claim (--pvc), giving it after -- as "+give+", "+
			"or size prompts by the server's tokenize endpoint (prompt_sizing: server) or estimate")
	}
	if d := w.Dataset; d != nil {
		// The format run reads it as: the scenario's, else the scenarios
		// package's guess by its name.
		format := string(cmp.Or(d.Format, scenarios.DatasetFormatOf(d.File)))
		refuse("workload.dataset.file", d.File, "leave workload.dataset out and copy the file onto the claim (--pvc), giving it after -- as --dataset "+format+":/results/…")
	}
	if t := s.Load.Trace; t != nil {
		refuse("load.trace.file", t.File, "leave load.trace out and copy the file onto the claim (--pvc), giving it after -- as --dataset trace:/results/…")
	}
	return errors.Join(errs...)
}

// flagFiles refuses the run flags after -- (f, as readLaid reads them)
// that name a file the pods would not have: a path not on the claim, and
// any key file (the key travels in the Secret, and the claim's files are
// copied out by k8s tar). The dataset is the last --dataset, which run
// reads, refused where run refuses it.
func flagFiles(f laid) error {
	var errs []error
	for _, v := range f.flags.Words["api-key-file"] {
		errs = append(errs, fmt.Errorf("k8s: --api-key-file %s after -- names a file the pods would not have: put the key in a Secret and give k8s manifest --secret SECRET "+
			"(its keys become the pods' environment variables), naming the key's variable with --api-key-env or target.api_key_env", printable.Text(v)))
	}
	check := func(flag, file, instead string) {
		if !onClaim(file) {
			errs = append(errs, fmt.Errorf("k8s: --%s after -- names %s, a file the pods would not have (they have the image, the scenario and the claim at %s): %s",
				flag, printable.Text(file), ResultsDir, instead))
		}
	}
	for _, v := range f.flags.Words["tokenizer"] {
		check("tokenizer", v, "copy it onto the claim (--pvc) and give --tokenizer /results/…, or size prompts by the server (--prompt-sizing server) or estimate")
	}
	switch d := f.dataset; {
	case d.err != nil:
		errs = append(errs, fmt.Errorf("k8s: --dataset after --%v", printable.Text(d.err.Error())))
	case d.file != "":
		check("dataset", d.file, "copy it onto the claim (--pvc) and give --dataset "+printable.Text(d.format)+":/results/…")
	}
	return errors.Join(errs...)
}

// podFiles are the files a pod's run opens (RunCheck), by the path its
// args give: the scenario, from the ConfigMap, and the claim's files the
// run flags after -- name (f; on the claim by now: flagFiles), whose
// contents are the claim's, none here (nil).
func podFiles(o Options, f laid) map[string][]byte {
	files := map[string][]byte{path.Join(ScenarioDir, ScenarioKey): o.Scenario}
	for _, v := range f.flags.Words["tokenizer"] {
		files[v] = nil
	}
	if f.dataset.file != "" {
		files[f.dataset.file] = nil
	}
	return files
}
