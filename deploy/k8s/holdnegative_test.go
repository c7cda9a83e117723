package k8s

import (
	"strings"
	"testing"
	"time"
)

// TestCollectorRefusesNegativeHold: k8s collector --hold=-1s printed a pod
// that holds for an hour (a negative hold was taken as unset); it is
// refused, and an unset hold is still DefaultHold.
func TestCollectorRefusesNegativeHold(t *testing.T) {
	_, err := CollectorPod(CollectorOptions{Image: "i", PVC: "p", Hold: -time.Second})
	if err == nil || !strings.Contains(err.Error(), "--hold") {
		t.Errorf("hold -1s: err %v; want it refused, naming --hold", err)
	}
	pod, err := CollectorPod(CollectorOptions{Image: "i", PVC: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if args := pod.Spec.Containers[0].Args; args[len(args)-1] != DefaultHold.String() {
		t.Errorf("unset hold: args %v; want --for %s", args, DefaultHold)
	}
}
