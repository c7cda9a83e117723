package cost

import "sync"

// Builtin is the built-in catalog (Load("")), loaded once for the process:
// for readers that only look GPUs up in it (a stated GPU's names, a run's
// GPU for grouping). It is shared: do not change it; a command that merges
// a user's prices loads its own.
var Builtin = sync.OnceValues(func() (*Catalog, error) { return Load("") })
