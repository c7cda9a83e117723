package prompt

import (
	"errors"
	"fmt"
	"math"
)

// Sample is one warm-up request: the prompt length it was built to have by
// estimate, and the prompt_tokens the server reported for it.
type Sample struct {
	Estimate int
	Actual   int
}

// Calibration corrects estimated prompt lengths with what the server
// reported: Actual ≈ Overhead + Factor × Estimate. Overhead is what the
// server adds whatever the prompt (a BOS, a chat template); it can only be
// told apart from Factor when the samples' estimates differ, and is 0
// otherwise (all warm-up prompts of one length: Factor is then the ratio of
// the sums).
type Calibration struct {
	Factor   float64
	Overhead float64
	// N is the number of samples; RMSE the root-mean-square difference, in
	// tokens, between the reported counts and the fit's; MaxErr the largest
	// such difference. They say how far a calibrated prompt may be off.
	N      int
	RMSE   float64
	MaxErr float64
}

// Calibrate fits samples by least squares (a line when the estimates
// differ, a factor through zero when they are all equal).
func Calibrate(samples []Sample) (Calibration, error) {
	var c Calibration
	var se, sa, see, sea float64
	for _, s := range samples {
		if s.Estimate <= 0 || s.Actual <= 0 {
			continue // a failed request, or one the server did not count
		}
		e, a := float64(s.Estimate), float64(s.Actual)
		c.N++
		se += e
		sa += a
		see += e * e
		sea += e * a
	}
	if c.N == 0 {
		return c, errors.New("calibrate: no sample with both an estimate and a reported count")
	}
	n := float64(c.N)
	if d := n*see - se*se; d > 1e-9*n*see {
		c.Factor = (n*sea - se*sa) / d
		c.Overhead = (sa - c.Factor*se) / n
	} else {
		c.Factor = sa / se
	}
	if c.Factor <= 0 {
		return Calibration{}, fmt.Errorf("calibrate: reported counts fall as estimates grow (factor %.3g): no usable fit", c.Factor)
	}
	var ss float64
	for _, s := range samples {
		if s.Estimate <= 0 || s.Actual <= 0 {
			continue
		}
		r := float64(s.Actual) - c.Predict(s.Estimate)
		ss += r * r
		c.MaxErr = max(c.MaxErr, math.Abs(r))
	}
	c.RMSE = math.Sqrt(ss / n)
	return c, nil
}

// Predict returns the tokens the server is expected to count for a prompt
// estimated at estimate.
func (c Calibration) Predict(estimate int) float64 {
	return c.Overhead + c.Factor*float64(estimate)
}

// EstimateFor returns the estimate (the word count for a word prompt) to
// build so that the server counts about tokens: at least 1.
func (c Calibration) EstimateFor(tokens int) int {
	if c.Factor <= 0 {
		return max(tokens, 1)
	}
	return max(1, int(math.Round((float64(tokens)-c.Overhead)/c.Factor)))
}

// Calibrated returns a prompt of words sized by c to count about tokens,
// recorded as SourceCalibrated with the count c predicts.
func Calibrated(c Calibration, tokens int, w Words) Prompt {
	k := c.EstimateFor(tokens)
	return Prompt{Text: w.Text(k), Tokens: int(math.Round(c.Predict(k))), Source: SourceCalibrated}
}

// Estimated returns a prompt of tokens words, taken as tokens tokens
// (SourceEstimated): the last resort.
func Estimated(tokens int, w Words) Prompt {
	k := max(tokens, 1)
	return Prompt{Text: w.Text(k), Tokens: k, Source: SourceEstimated}
}
