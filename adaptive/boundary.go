package adaptive

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// This file computes the repeated-looks boundary: the constant c such that
// the K standardized statistics of a level's look schedule all stay inside
// ±c with probability 1 − α. Each look's interval is then built at the
// nominal level 2Φ(−c) instead of α, and whatever rule stops the level — a
// precise interval, a settled verdict, a time limit — the interval reported
// at the stop covers with probability at least 1 − α: these are repeated
// confidence intervals (Jennison & Turnbull, "Interim analyses: the repeated
// confidence interval approach", JRSS B 51(3), 1989) with Pocock's constant
// boundary (Pocock, "Group sequential methods in the design and analysis of
// clinical trials", Biometrika 64(2), 1977), computed for our own unequally
// spaced looks instead of read from a table for equal ones.
//
// Why not Bonferroni: adjacent looks share 95 % of their data, so splitting α
// evenly over ~50 looks (z = 3.3 instead of 2.0) pays for 50 independent
// chances to be wrong where there are only a handful; the exact constant for
// the same schedule is about 2.8. Why not a confidence sequence: valid at
// every n, it pays for looks we never take; the runner looks on a known
// schedule, so we can price exactly that schedule.

// normCDF is Φ, the standard normal distribution function.
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// normPDF is φ, the standard normal density.
func normPDF(x float64) float64 { return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi) }

// exitProbability is P(max_j |W(t_j)|/√t_j ≥ c) for a standard Brownian
// motion W observed at the increasing information times t: the chance that
// at least one of the looks' z statistics leaves ±c. By Donsker's theorem it
// is the limit for every statistic here (a count of values below a quantile,
// a sum of tokens over time), whose partial sums behave as a random walk.
//
// It integrates the density of the walk among the paths still inside the
// boundary from look to look (Armitage, McPherson & Rowe, "Repeated
// significance tests on accumulating data", JRSS A 132(2), 1969; Jennison &
// Turnbull, Group Sequential Methods, 2000, ch. 19): Simpson's rule on a grid
// fine enough for the narrowest Gaussian step, the kernel cut at ±7 sd (φ(7) < 10⁻¹¹).
func exitProbability(t []float64, c float64) float64 {
	exit := 2 * normCDF(-c)
	if len(t) < 2 {
		return exit
	}
	// Grid points per look: the spacing must resolve the smallest step's
	// standard deviation (a third of it), whatever the look's width 2c√t.
	m := 21
	for j := 1; j < len(t); j++ {
		need := int(math.Ceil(6*c*math.Sqrt(t[j-1]/(t[j]-t[j-1])))) + 1
		m = max(m, need)
	}
	m = min(m|1, 2001) // odd, for Simpson's rule
	xs, fs := make([]float64, m), make([]float64, m)
	ys, gs := make([]float64, m), make([]float64, m)
	a := c * math.Sqrt(t[0])
	h := 2 * a / float64(m-1)
	for i := range xs {
		xs[i] = -a + float64(i)*h
		fs[i] = normPDF(xs[i]/math.Sqrt(t[0])) / math.Sqrt(t[0])
	}
	for j := 1; j < len(t); j++ {
		// Weight the density by Simpson's coefficients once.
		for i := range fs {
			w := 2.0
			switch {
			case i == 0 || i == m-1:
				w = 1
			case i%2 == 1:
				w = 4
			}
			fs[i] *= w * h / 3
		}
		sd := math.Sqrt(t[j] - t[j-1])
		b := c * math.Sqrt(t[j])
		for i, x := range xs {
			exit += fs[i] * (normCDF((-b-x)/sd) + normCDF((x-b)/sd))
		}
		if j == len(t)-1 {
			break
		}
		hb := 2 * b / float64(m-1)
		reach := int(7*sd/h) + 1
		// On the uniform grid, consecutive kernel values e_i =
		// exp(−(y − x_i)²/2sd²) have ratios r_i that shrink by the constant
		// factor exp(−h²/sd²): two multiplications per term instead of an
		// exponential (the integration is most of NewPlan's time).
		q := math.Exp(-h * h / (sd * sd))
		for k := range ys {
			y := -b + float64(k)*hb
			ys[k] = y
			// xs[i] within 7 sd of y.
			mid := int((y + a) / h)
			lo, hi := max(mid-reach, 0), min(mid+reach, m-1)
			d := (y - xs[lo]) / sd
			e := math.Exp(-0.5 * d * d)
			r := math.Exp((2*(y-xs[lo])*h - h*h) / (2 * sd * sd))
			var g float64
			for i := lo; i <= hi; i++ {
				g += fs[i] * e
				e *= r
				r *= q
			}
			gs[k] = g / (sd * math.Sqrt(2*math.Pi))
		}
		xs, ys = ys, xs
		fs, gs = gs, fs
		a, h = b, hb
	}
	return exit
}

// pocockConstant is the c with exitProbability(t, c) = alpha (two-sided).
// It solves log exitProbability(t, c) = log alpha, which is nearly linear in
// c (a normal tail's log is −c²/2 plus slowly varying terms), by the
// Illinois variant of regula falsi between the unadjusted quantile (too
// small: one look alone already exits with alpha) and Bonferroni's (too
// large: it ignores that the looks are correlated); about five evaluations.

func pocockConstant(t []float64, alpha float64) float64 {
	lo := distuv.UnitNormal.Quantile(1 - alpha/2)
	if len(t) < 2 {
		return lo
	}
	hi := distuv.UnitNormal.Quantile(1 - alpha/2/float64(len(t)))
	g := func(c float64) float64 { return math.Log(exitProbability(t, c)) - math.Log(alpha) }
	glo, ghi := g(lo), g(hi)
	if glo <= 0 {
		return lo
	}
	side := 0
	for range 60 {
		c := (lo*ghi - hi*glo) / (ghi - glo)
		f := g(c)
		if math.Abs(f) < 1e-5 || hi-lo < 1e-6 {
			return c
		}
		if f > 0 { // c too small: the root is above
			lo, glo = c, f
			if side == 1 {
				ghi /= 2
			}
			side = 1
		} else {
			hi, ghi = c, f
			if side == -1 {
				glo /= 2
			}
			side = -1
		}
	}
	return (lo + hi) / 2
}
