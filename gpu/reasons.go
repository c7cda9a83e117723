package gpu

import (
	"fmt"
	"math/bits"
)

// Clock-event (throttle) reason names, one per bit of NVML's
// nvmlClocksEventReasons mask. The bit values are those of nvml.h (NVML API
// 13, as generated into go-nvml v0.13.4-1 const.go); DCGM's
// DCGM_FI_DEV_CLOCKS_EVENT_REASONS field and nvidia-smi's
// clocks_event_reasons.active print the same mask. The names follow
// nvidia-smi's clocks_event_reasons.* query fields.
const (
	ReasonGPUIdle              = "gpu_idle"                    // 0x1
	ReasonApplicationsClocks   = "applications_clocks_setting" // 0x2
	ReasonSWPowerCap           = "sw_power_cap"                // 0x4
	ReasonHWSlowdown           = "hw_slowdown"                 // 0x8
	ReasonSyncBoost            = "sync_boost"                  // 0x10
	ReasonSWThermalSlowdown    = "sw_thermal_slowdown"         // 0x20
	ReasonHWThermalSlowdown    = "hw_thermal_slowdown"         // 0x40
	ReasonHWPowerBrakeSlowdown = "hw_power_brake_slowdown"     // 0x80
	ReasonDisplayClockSetting  = "display_clock_setting"       // 0x100
	ReasonBoardLimit           = "board_limit"                 // 0x200
	ReasonReliability          = "reliability"                 // 0x400
	// ReasonThrottled is the single reason an AMD backend reports when the
	// tool says only THROTTLED.
	ReasonThrottled = "throttled"
)

// reasonName returns the name of bit b of the mask, "" when it has none.
func reasonName(b int) string {
	switch b {
	case 0:
		return ReasonGPUIdle
	case 1:
		return ReasonApplicationsClocks
	case 2:
		return ReasonSWPowerCap
	case 3:
		return ReasonHWSlowdown
	case 4:
		return ReasonSyncBoost
	case 5:
		return ReasonSWThermalSlowdown
	case 6:
		return ReasonHWThermalSlowdown
	case 7:
		return ReasonHWPowerBrakeSlowdown
	case 8:
		return ReasonDisplayClockSetting
	case 9:
		return ReasonBoardLimit
	case 10:
		return ReasonReliability
	}
	return ""
}

// ClockEventReasons returns the names of the bits set in an NVML
// clock-event reasons mask, lowest bit first; a bit without a name reads
// "bit_N". A zero mask returns an empty, non-nil slice (present, none
// active).
func ClockEventReasons(mask uint64) []string {
	out := make([]string, 0, bits.OnesCount64(mask))
	for mask != 0 {
		b := bits.TrailingZeros64(mask)
		mask &^= 1 << b
		if name := reasonName(b); name != "" {
			out = append(out, name)
		} else {
			out = append(out, fmt.Sprintf("bit_%d", b))
		}
	}
	return out
}

// IsThrottle reports whether reason lowers clocks below what the workload
// asked for: power capping, thermal or hardware slowdown, power brake, or an
// AMD "throttled" status. Idle, application clock settings, sync boost and
// display clocks are clock events, not throttling.
func IsThrottle(reason string) bool {
	switch reason {
	case ReasonSWPowerCap, ReasonHWSlowdown, ReasonSWThermalSlowdown,
		ReasonHWThermalSlowdown, ReasonHWPowerBrakeSlowdown, ReasonThrottled:
		return true
	}
	return false
}
