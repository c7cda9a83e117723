package k8s

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// Getting the run directories off the results volume: the image is
// distroless (no shell, no tar, so `kubectl cp` cannot work), and the Job's
// pods are gone when it completes. A collector pod mounts the claim
// read-only and idles (`inferbench k8s hold`); `kubectl exec` runs
// `inferbench k8s tar DIR` in it, which streams DIR to stdout as a tar
// archive for the local tar to unpack.

// DefaultHold is how long the collector pod waits for `kubectl exec` before
// it exits on its own, so a forgotten one does not hold the claim forever.
const DefaultHold = time.Hour

// CollectorOptions describe the collector pod.
type CollectorOptions struct {
	// Name is the Job's name; the pod is NAME-collect. Default "inferbench".
	Name string
	// Namespace is the pod's namespace; empty leaves it to kubectl.
	Namespace string
	// Image holds /inferbench (the Job's image).
	Image string
	// PVC is the claim the Job wrote its run directories to.
	PVC string
	// Hold is how long the pod waits (default DefaultHold).
	Hold time.Duration
}

// CollectorPod returns the pod that serves the results volume to `kubectl
// exec … /inferbench k8s tar`.
func CollectorPod(o CollectorOptions) (*corev1.Pod, error) {
	if o.Name == "" {
		o.Name = "inferbench"
	}
	var errs []error
	switch {
	case o.Hold < 0:
		errs = append(errs, fmt.Errorf("k8s: --hold %s: the pod's wait must be positive", o.Hold))
	case o.Hold == 0:
		o.Hold = DefaultHold
	}
	if o.Image == "" {
		errs = append(errs, errors.New("k8s: an image is required"))
	}
	if o.PVC == "" {
		errs = append(errs, errors.New("k8s: the PersistentVolumeClaim holding the run directories is required"))
	}
	errs = append(errs, checkNames(o.Name, o.Namespace, o.Image, o.PVC, "")...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	labels := map[string]string{"app.kubernetes.io/name": "inferbench", "app.kubernetes.io/instance": o.Name,
		"app.kubernetes.io/component": "collector"}
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: o.Name + "-collect", Namespace: o.Namespace, Labels: labels},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			// The hold ends the pod; this is the backstop.
			ActiveDeadlineSeconds: ptr(int64(o.Hold/time.Second) + 60),
			Containers: []corev1.Container{{
				Name:    "collect",
				Image:   o.Image,
				Command: []string{"/inferbench"},
				Args:    []string{"k8s", "hold", "--for", o.Hold.String()},
				VolumeMounts: []corev1.VolumeMount{
					{Name: "results", MountPath: ResultsDir, ReadOnly: true},
				},
				SecurityContext: restricted(),
			}},
			SecurityContext: &corev1.PodSecurityContext{FSGroup: ptr(int64(65532))},
			Volumes: []corev1.Volume{
				{Name: "results", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
					ClaimName: o.PVC, ReadOnly: true}}},
			},
		},
	}, nil
}

// CollectorManifest returns the collector pod as YAML for `kubectl apply -f`.
func CollectorManifest(o CollectorOptions) ([]byte, error) {
	pod, err := CollectorPod(o)
	if err != nil {
		return nil, err
	}
	return marshalAll(pod)
}

// WriteTar writes the directory dir to w as a tar archive whose entries are
// named BASE/… (BASE is the last element of dir made absolute, so that
// "..", "." and "runs/" name a real directory and no entry climbs out of
// the directory it is unpacked in). Directories and regular files are
// archived, in lexical order; anything else (a link, a socket) is left out,
// never followed, and named in skipped. dir itself must be a directory, not
// a link to one, and must hold at least one regular file: an empty archive
// is an error, and nothing is written then. A file still growing (a shard
// still running) is archived at the size it had when listed: its last
// line may be cut short, which `report` and `merge` read past with a
// warning.
//
// Not archive/tar's Writer.AddFS (Go 1.26): it names entries without the
// BASE element, fails the whole archive with "write too long" when a file
// grows while copied and "cannot add non-regular file" on a socket, and
// archives links to paths that exist only in the pod.
func WriteTar(w io.Writer, dir string) (skipped []string, err error) {
	dir = filepath.Clean(dir) // "bench/" would resolve a link named bench
	info, err := os.Lstat(dir)
	if err != nil {
		return nil, err
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s is a symbolic link: give the directory it points to (links are never followed)", dir)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(abs)
	if base == string(filepath.Separator) || base == "." || base == ".." {
		return nil, fmt.Errorf("%s has no name to archive it under: give a directory below the root", dir)
	}
	type entry struct {
		rel, name string
		info      fs.FileInfo
	}
	var entries []entry
	files := 0
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(abs, p)
		if err != nil {
			return err
		}
		if !d.Type().IsDir() && !d.Type().IsRegular() {
			skipped = append(skipped, filepath.Join(dir, rel))
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		name := path.Join(base, filepath.ToSlash(rel))
		if d.IsDir() {
			name += "/"
		} else {
			files++
		}
		entries = append(entries, entry{rel: rel, name: name, info: fi})
		return nil
	})
	if err != nil {
		return skipped, err
	}
	if files == 0 {
		return skipped, fmt.Errorf("%s holds no regular file: nothing to archive", dir)
	}
	// Files are opened through an os.Root: one swapped for a link after it
	// was listed (the shards may still be writing) cannot lead outside.
	root, err := os.OpenRoot(abs)
	if err != nil {
		return skipped, err
	}
	defer root.Close()
	tw := tar.NewWriter(w)
	for _, e := range entries {
		hdr, err := tar.FileInfoHeader(e.info, "")
		if err != nil {
			return skipped, err
		}
		hdr.Name = e.name
		// Owner names would be the pod's, meaningless on the reader's machine.
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		hdr.Format = tar.FormatPAX
		if err := tw.WriteHeader(hdr); err != nil {
			return skipped, err
		}
		if e.info.IsDir() {
			continue
		}
		if err := copyFile(tw, root, e.rel, hdr.Size); err != nil {
			return skipped, err
		}
	}
	return skipped, tw.Close()
}

// copyFile writes the first size bytes of the file rel under root to w.
func copyFile(w io.Writer, root *os.Root, rel string, size int64) error {
	f, err := root.Open(rel)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.CopyN(w, f, size)
	if err != nil {
		return fmt.Errorf("%s: shrank to %s bytes while archived (%w)", filepath.Join(root.Name(), rel), strconv.FormatInt(n, 10), err)
	}
	return nil
}

// restricted is the containers' security context: non-root (the
// distroless nonroot user), no privilege escalation, read-only root, no
// capabilities.
func restricted() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		RunAsNonRoot:             ptr(true),
		RunAsUser:                ptr(int64(65532)),
		AllowPrivilegeEscalation: ptr(false),
		ReadOnlyRootFilesystem:   ptr(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
}

// marshalAll joins objects as one YAML stream.
func marshalAll(objs ...any) ([]byte, error) {
	var buf bytes.Buffer
	for i, obj := range objs {
		b, err := yaml.Marshal(obj)
		if err != nil {
			return nil, fmt.Errorf("k8s: %w", err)
		}
		if i > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
	}
	return buf.Bytes(), nil
}
