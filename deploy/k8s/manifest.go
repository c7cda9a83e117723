// Package k8s generates the Kubernetes objects of a sharded run: a
// ConfigMap holding the scenario and an Indexed Job whose N pods each run
// one shard (`inferbench run --shard I/N`) and write their run directory to
// a shared volume, where `inferbench merge` joins them; and the pod that
// serves that volume to `kubectl exec … inferbench k8s tar` (collect.go).
//
// The objects are built with the Kubernetes API types (k8s.io/api) and
// serialized with sigs.k8s.io/yaml, never from string templates.
package k8s

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/urfave/cli/v2"

	"github.com/inferbench/inferbench/internal/cmdline"
	"github.com/inferbench/inferbench/internal/printable"
	"github.com/inferbench/inferbench/session"
	"github.com/inferbench/inferbench/targets"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Paths inside the pod.
const (
	// ScenarioDir is where the ConfigMap is mounted; ScenarioKey its key.
	ScenarioDir = "/etc/inferbench"
	ScenarioKey = "scenario.yaml"
	// ResultsDir is where the results volume is mounted; each shard writes
	// ResultsDir/NAME/shard-I.
	ResultsDir = "/results"
	// IndexEnv is the variable holding the pod's completion index.
	IndexEnv = "JOB_COMPLETION_INDEX"
)

// Options describe the Job.
type Options struct {
	// Name names the Job and the ConfigMap (NAME-scenario); default "inferbench".
	Name string
	// Namespace is the objects' namespace; empty leaves it to kubectl.
	Namespace string
	// Image is the container image holding /inferbench (see Dockerfile).
	Image string
	// Shards is the number of pods, each running 1/Shards of the load.
	Shards int
	// Scenario is the scenario file's content.
	Scenario []byte
	// URL, when set, overrides the scenario's target URL (--url). It must
	// not hold a credential (user info, ?key=…: targets.URLCredential).
	URL string
	// StartAt, when set, makes every shard wait for this time (--start-at).
	// It must be ahead of Now: the pods are yet to be scheduled and pull
	// the image.
	StartAt *time.Time
	// Now is when the manifest is made, to judge StartAt by; zero is
	// time.Now().
	Now time.Time
	// PVC is the PersistentVolumeClaim the run directories are written to;
	// with more than one node it must be ReadWriteMany.
	PVC string
	// Secret, when set, names a Secret whose keys become environment
	// variables (e.g. OPENAI_API_KEY): the API key never enters the manifest.
	Secret string
	// Args are more `inferbench run` flags, appended as given.
	Args []string
	// RunFlags, when set, are `inferbench run`'s flags: Args are read with
	// them here, so that a mistyped flag or value fails the manifest, not
	// every pod after its image pull, and a flag the Job sets itself
	// (ownFlags) is refused. Reading writes their Destinations: pass a
	// command made for the purpose.
	RunFlags []cli.Flag
	// RunCheck, when set, is inferbench run's own check of a pod's command
	// line, what run judges before it reads a file or the environment or
	// listens (cmd/inferbench's podRunCheck: the flags laid over the
	// scenario and validated, the flag-only settings (session.Check), --shard,
	// the live view's flags), given pod 0's args as the Job gives them and
	// the files they name that the pod has (podFiles: the scenario as the
	// ConfigMap holds it, the claim's files, by the path the args give):
	// the manifest refuses what every pod would, in run's words. The
	// checks above judge the flags after -- that they lay (layRunFlags); a
	// refusal of another (a --dataset trace:… with adaptive levels) passed.
	RunCheck func(args []string, files map[string][]byte) error
}

// readArgs reads o.Args with o.RunFlags as run reads them
// (cmdline.ReadFlags), once for the manifest; none without RunFlags.
func readArgs(o Options) (cmdline.Given, error) {
	if o.RunFlags == nil {
		return cmdline.Given{}, nil
	}
	return cmdline.ReadFlags("run", o.RunFlags, o.Args)
}

// objects returns the ConfigMap and the Job of o, with o.Args read
// (readArgs, readLaid): f, or why not.
func objects(o Options, f laid, givenErr error) (*corev1.ConfigMap, *batchv1.Job, error) {
	if o.Name == "" {
		o.Name = "inferbench"
	}
	var errs []error
	if o.Image == "" {
		errs = append(errs, errors.New("k8s: an image is required"))
	}
	if o.Shards < 1 {
		errs = append(errs, fmt.Errorf("k8s: shards must be at least 1, got %d", o.Shards))
	}
	if len(o.Scenario) == 0 {
		errs = append(errs, errors.New("k8s: the scenario is empty"))
	}
	if o.PVC == "" {
		errs = append(errs, errors.New("k8s: a PersistentVolumeClaim for the run directories is required"))
	}
	errs = append(errs, checkNames(o.Name, o.Namespace, o.Image, o.PVC, o.Secret)...)
	// The URL goes into the Job's args, which anyone who can read the Job
	// sees: a credential in it is refused, not redacted (the pods need the
	// URL as given). Keys travel in the Secret.
	if c := targets.URLCredential(o.URL); c != "" {
		errs = append(errs, fmt.Errorf("k8s: the target URL holds a credential (%s), which the Job's args would show: "+
			"put the key in the Secret (--secret) and name its variable in the scenario's target.api_key_env", c))
	}
	// The run flags after -- go into the args, --server-args redacted
	// (redactServerArgs): a URL in one (--url, --gpu-url,
	// --server-metrics) is held to the same rule.
	runArgs := redactServerArgs(o.Args)
	for i, a := range runArgs {
		flag, v, _ := strings.Cut(a, "=")
		if !strings.HasPrefix(a, "-") {
			flag, v = "the value", a // of the flag before it, if any
			if i > 0 && strings.HasPrefix(runArgs[i-1], "-") {
				flag = "the value of " + runArgs[i-1]
			}
		}
		if c := targets.URLCredential(v); c != "" && strings.Contains(v, "://") {
			errs = append(errs, fmt.Errorf("k8s: %s after -- is a URL with a credential (%s), which the Job's args would show: put the key in the Secret (--secret)", flag, c))
		}
	}
	errs = append(errs, checkURLs(o)...)
	if err := checkStartAt(o); err != nil {
		errs = append(errs, err)
	}
	if o.RunFlags != nil {
		errs = append(errs, checkRunFlags(o, f, givenErr))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	labels := map[string]string{"app.kubernetes.io/name": "inferbench", "app.kubernetes.io/instance": o.Name}
	cmName := o.Name + "-scenario"
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: cmName, Namespace: o.Namespace, Labels: labels},
		Data:       map[string]string{ScenarioKey: string(o.Scenario)},
	}

	n := int32(o.Shards)
	// Kubernetes expands $(VAR) in args from the container's environment.
	idx := "$(" + IndexEnv + ")"
	args := []string{"run",
		"--shard", idx + "/" + strconv.Itoa(o.Shards),
		"--scenario", path.Join(ScenarioDir, ScenarioKey),
		"--out", path.Join(ResultsDir, o.Name, "shard-"+idx),
		"--quiet"}
	if o.URL != "" {
		args = append(args, "--url", o.URL)
	}
	if o.StartAt != nil {
		args = append(args, "--start-at", o.StartAt.UTC().Format(time.RFC3339))
	}
	args = append(args, runArgs...)
	if o.RunCheck != nil {
		pod0 := make([]string, len(args))
		for i, a := range args {
			pod0[i] = strings.ReplaceAll(a, idx, "0")
		}
		if err := o.RunCheck(pod0, podFiles(o, f)); err != nil {
			return nil, nil, fmt.Errorf("k8s: every pod's inferbench run would refuse it: %w", err)
		}
	}

	container := corev1.Container{
		Name:    "inferbench",
		Image:   o.Image,
		Command: []string{"/inferbench"},
		Args:    args,
		Env: []corev1.EnvVar{{Name: IndexEnv, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{
			FieldPath: "metadata.annotations['" + batchv1.JobCompletionIndexAnnotation + "']"}}}},
		VolumeMounts: []corev1.VolumeMount{
			{Name: "scenario", MountPath: ScenarioDir, ReadOnly: true},
			{Name: "results", MountPath: ResultsDir},
		},
		SecurityContext: restricted(),
	}
	if o.Secret != "" {
		container.EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: o.Secret}}}}
	}
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: o.Name, Namespace: o.Namespace, Labels: labels},
		Spec: batchv1.JobSpec{
			CompletionMode: ptr(batchv1.IndexedCompletion),
			Completions:    ptr(n),
			Parallelism:    ptr(n),
			// A retried shard would start late and find its run directory
			// taken: fail instead, and rerun the whole Job.
			BackoffLimit: ptr(int32(0)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					RestartPolicy:   corev1.RestartPolicyNever,
					Containers:      []corev1.Container{container},
					SecurityContext: &corev1.PodSecurityContext{FSGroup: ptr(int64(65532))},
					Volumes: []corev1.Volume{
						{Name: "scenario", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
							LocalObjectReference: corev1.LocalObjectReference{Name: cmName}}}},
						{Name: "results", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: o.PVC}}},
					},
				},
			},
		},
	}
	return cm, job, nil
}

// manifest returns the ConfigMap and the Job (objects) as one YAML
// stream for `kubectl apply -f`.
func manifest(o Options, f laid, givenErr error) ([]byte, error) {
	cm, job, err := objects(o, f, givenErr)
	if err != nil {
		return nil, err
	}
	return marshalAll(cm, job)
}

func ptr[T any](v T) *T { return &v }

// redactServerArgs returns args, run flags, with each --server-args value
// as session.RedactLaunchArgs writes it, the one redactor of launch
// commands: a pasted `vllm serve m --api-key sk-… HF_TOKEN=hf_…` would
// be in the Job's args for anyone who can read the Job, where run.json
// keeps it redacted anyway. "--" ends the flags.
func redactServerArgs(args []string) []string {
	out := slices.Clone(args)
	for i := 0; i < len(out) && out[i] != "--"; i++ {
		name, v, eq := strings.Cut(strings.TrimLeft(out[i], "-"), "=")
		switch {
		case !strings.HasPrefix(out[i], "-") || name != "server-args":
		case eq:
			out[i] = out[i][:len(out[i])-len(v)] + session.RedactLaunchArgs(v)
		case i+1 < len(out):
			out[i+1] = session.RedactLaunchArgs(out[i+1])
			i++
		}
	}
	return out
}

// checkNames refuses, before anything is applied, the names the API server
// or the kubelet would refuse later, one error each: the Job's name and
// its namespace are RFC 1123 labels (the Job's name is a label value of
// its pods), the claim and the Secret subdomains, and the image a
// reference without white space or control characters (a Pod with one
// is accepted and then fails as InvalidImageName). Empty names are left
// to the checks that require them.
func checkNames(name, namespace, image, pvc, secret string) []error {
	var errs []error
	check := func(what, v string, valid func(string) []string) {
		if v == "" {
			return
		}
		if msgs := valid(v); len(msgs) > 0 {
			errs = append(errs, fmt.Errorf("k8s: %s %s: %s", what, printable.Text(strconv.Quote(v)), strings.Join(msgs, "; ")))
		}
	}
	check("name", name, validation.IsDNS1123Label)
	check("namespace", namespace, validation.IsDNS1123Label)
	check("PersistentVolumeClaim", pvc, validation.IsDNS1123Subdomain)
	check("Secret", secret, validation.IsDNS1123Subdomain)
	check("image", image, func(v string) []string {
		if i := strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
			return []string{"an image reference holds no white space or control character"}
		}
		return nil
	})
	return errs
}

// checkRunFlags refuses o.Args that o.RunFlags do not read (err) and the
// flags given that the Job's args give themselves: a second --out would
// have every shard write one directory, a --shard or --scenario would
// undo the sharding or name a file the pods lack.
func checkRunFlags(o Options, f laid, err error) error {
	if err != nil {
		return fmt.Errorf("k8s: after --, inferbench %w", err)
	}
	own := []string{"shard", "scenario", "out"}
	if o.URL != "" {
		own = append(own, "url")
	}
	if o.StartAt != nil {
		own = append(own, "start-at")
	}
	given := f.flags
	errs := []error{flagFiles(f)}
	// A --start-at after -- is every pod's too, read as run reads it.
	if given.IsSet("start-at") && o.StartAt == nil {
		t, err := session.ParseStartAt(given.String("start-at"), o.now())
		if err != nil {
			errs = append(errs, fmt.Errorf("k8s: after --, %w", err))
		} else {
			o.StartAt = &t
			errs = append(errs, checkStartAt(o))
		}
	}
	for _, f := range slices.Sorted(maps.Keys(given.Words)) {
		switch {
		case f == "url" || f == "start-at":
			if slices.Contains(own, f) {
				errs = append(errs, fmt.Errorf("k8s: --%s after -- and k8s manifest's --%[1]s both set it: give it once, as k8s manifest --%[1]s", f))
			}
		case slices.Contains(own, f):
			errs = append(errs, fmt.Errorf("k8s: --%s after -- is the Job's own (each pod runs inferbench run --shard I/N --scenario … --out …): leave it out", f))
		}
	}
	return errors.Join(errs...)
}

// checkURLs refuses a target URL given to the pods (--url, or --url after
// --) that inferbench run refuses (targets.ParseBaseURL: no scheme, no
// host, an API endpoint instead of the server root), in run's words: the
// Job was applied, and every pod failed after its image pull.
func checkURLs(o Options) []error {
	var errs []error
	if err := checkBaseURL(o.URL); err != nil {
		errs = append(errs, fmt.Errorf("k8s: --url: %w", err))
	}
	if u, ok := argURL(o.Args); ok {
		if err := checkBaseURL(u); err != nil {
			errs = append(errs, fmt.Errorf("k8s: --url after --: %w", err))
		}
	}
	return errs
}

// checkBaseURL is targets.CheckBaseURL's error for u; none for an empty u.
func checkBaseURL(u string) error {
	if u == "" {
		return nil
	}
	return targets.CheckBaseURL(u)
}

// argURL returns the last --url value in run flags args, and whether one
// is there.
func argURL(args []string) (u string, ok bool) {
	for i, a := range args {
		switch {
		case (a == "--url" || a == "-url") && i+1 < len(args):
			u, ok = args[i+1], true
		case strings.HasPrefix(a, "--url="), strings.HasPrefix(a, "-url="):
			_, u, _ = strings.Cut(a, "=")
			ok = true
		}
	}
	return u, ok
}

// now is o.Now, or the time now where it is zero.
func (o Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now()
	}
	return o.Now
}

// startLead is the time suggested between making the manifest and the
// shards' start: kubectl apply, scheduling and the image pull.
const startLead = 3 * time.Minute

// checkStartAt refuses a StartAt not ahead of o.Now: every pod would start
// as soon as it ran (run warns and starts at once), each at its own time,
// and merge refuses shards that did not run at once. It suggests a time
// startLead ahead, on the minute.
func checkStartAt(o Options) error {
	if o.StartAt == nil {
		return nil
	}
	now := o.now()
	past := now.Sub(*o.StartAt)
	if past < 0 {
		return nil
	}
	ago := session.AgoWords(past)
	suggest := now.Add(startLead + time.Minute - 1).UTC().Truncate(time.Minute)
	return fmt.Errorf("k8s: --start-at %s was %s ago: each pod would start whenever it is scheduled and merge would refuse shards not run at once; "+
		"leave the pods time to be scheduled and pull the image, e.g. --start-at %s (%s from now)",
		o.StartAt.UTC().Format(time.RFC3339), ago, suggest.Format(time.RFC3339), suggest.Sub(now).Round(time.Second))
}
