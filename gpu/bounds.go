package gpu

// The largest value a GPU can report, per quantity, far above any real
// GPU's, so that only garbage goes past them: a backend (gpu/dcgm,
// gpu/smi) drops a value past its bound, negative or not a number, and
// says so on the sample. One set of bounds for every backend.
const (
	MaxPercent  = 100
	MaxBytes    = 1 << 50 // a PiB
	MaxMiB      = MaxBytes >> 20
	MaxWatts    = 1e5
	MaxCelsius  = 1e3
	MaxMHz      = 1e5
	MaxEnergyMJ = 1e18 // 30,000 years at 1 kW
)

// Within reports whether v is a value a GPU can have against its bound:
// within [0, limit], limit in v's unit (one of the Max* above). NaN is
// not. A backend drops a value it refuses and says so on the sample.
func Within(v, limit float64) bool { return v >= 0 && v <= limit }
