package main

import "math"

// float16 converts f to IEEE 754 binary16 bits, rounding to nearest, ties to
// even, as ggml's FP32→FP16 conversion does; values beyond the half range
// become ±Inf, NaN stays NaN.
func float16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	e32 := int((b >> 23) & 0xff)
	mant := b & 0x7fffff
	if e32 == 0xff {
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	}
	exp := e32 - 127 + 15
	if exp >= 0x1f {
		return sign | 0x7c00
	}
	if exp <= 0 {
		// Subnormal half: units of 2^-24; the value is (1.mant) × 2^(e32-150).
		if exp < -10 {
			return sign
		}
		m := mant | 0x800000
		shift := uint(14 - exp)
		r := m >> shift
		rem := m & (1<<shift - 1)
		half := uint32(1) << (shift - 1)
		if rem > half || (rem == half && r&1 == 1) {
			r++
		}
		return sign | uint16(r)
	}
	r := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && r&1 == 1) {
		r++ // a carry into the exponent is right, up to Inf
	}
	return sign | uint16(r)
}
