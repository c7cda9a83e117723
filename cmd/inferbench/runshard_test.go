package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/inferbench/inferbench/session"
)

// TestShardBisectRefusedAsK8sSays: run --shard and k8s manifest --shards
// refuse a capacity bisection and adaptive levels with one rule
// (session.ShardRefusal) and give its words, so a user reads one reason
// whichever refuses it; --bisect 0 --precision 0 is taken by both. run
// said "each shard would pick its levels from its own part of the
// results", the manifest "run bisects for capacity in no shard (…)"; of
// --precision, the manifest "run stops no sharded level adaptively".
func TestShardBisectRefusedAsK8sSays(t *testing.T) {
	why := session.ErrShardBisect.Error()
	dir := t.TempDir()
	run := []string{"--scenario", "qualify", "--url", "http://127.0.0.1:1", "--model", "m", "--gpu-backend", "none", "--shard", "1/2"}
	checkUsageError(t, "--shard 1/2 with capacity bisection: "+why, append([]string{"run"}, append(run, "--out", filepath.Join(dir, "bisect"))...)...)
	manifest := []string{"manifest", "--scenario", "qualify", "--model", "m", "--shards", "2", "--image", "img:1"}
	if _, stderr, code := k8sApp(t, manifest...); code != exitUsage || !strings.Contains(stderr, why) {
		t.Errorf("k8s manifest of qualify over 2 shards: exit %d %q; want 2, saying %q", code, stderr, why)
	}

	if o := shardOptions(t, append(run, "--bisect", "0", "--precision", "0", "--out", filepath.Join(dir, "fixed"))); o.Shard.Count != 2 || o.BisectSteps != 0 {
		t.Errorf("run qualify --shard 1/2 --bisect 0 --precision 0: shard %+v, bisect %d; want shard 1 of 2 sweeping fixed levels", o.Shard, o.BisectSteps)
	}
	adaptive := session.ErrShardAdaptive.Error()
	checkUsageError(t, adaptive, append([]string{"run"}, append(run, "--bisect", "0", "--precision", "0.05", "--out", filepath.Join(dir, "adaptive"))...)...)
	if _, stderr, code := k8sApp(t, append(manifest, "--", "--bisect", "0", "--precision", "0.05")...); code != exitUsage || !strings.Contains(stderr, adaptive) {
		t.Errorf("k8s manifest of qualify over 2 shards -- --precision 0.05: exit %d %q; want 2, saying %q", code, stderr, adaptive)
	}
	if _, stderr, code := k8sApp(t, append(manifest, "--", "--bisect", "0", "--precision", "0")...); code != 0 {
		t.Errorf("k8s manifest of qualify over 2 shards -- --bisect 0 --precision 0: exit %d %q; want it taken", code, stderr)
	}
}
