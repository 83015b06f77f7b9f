/**
 * Gauss–Legendre quadrature: expectations over a parameter drawn uniformly from [lo, hi].
 * With n nodes the rule is exact for polynomials of degree ≤ 2n − 1, which is what makes
 * the label probabilities of a rater population exact in the parameters that enter them
 * polynomially (checks with probability v, noticing with probability d), and very accurate
 * for the smooth ones (the rater's rationality β_r and step appeal h inside a sigmoid).
 */
import { ConfigError } from "../errors";

/** Nodes and weights of a uniform expectation: Σ w_i f(x_i) ≈ E[f(X)], X ~ U[lo, hi]; Σ w_i = 1. */
export interface UniformRule {
  x: Float64Array;
  w: Float64Array;
}

/** The n-point Gauss–Legendre rule on [−1, 1] (Newton on P_n from Chebyshev starting points). */
export function gaussLegendre(n: number): UniformRule {
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigError("gaussLegendre n", n, "an integer in [1, 64]");
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      // P_n(z) and its derivative by the three-term recurrence.
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? z : p1;
      const pnm1 = n === 1 ? 1 : p0;
      dp = (n * (z * pn - pnm1)) / (z * z - 1);
      const dz = pn / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x[i] = z;
    w[i] = 2 / ((1 - z * z) * dp * dp);
  }
  return { x, w };
}

/**
 * The rule for E[f(X)], X ~ U[lo, hi] (weights sum to 1). A point range (lo = hi) is one
 * node of weight 1, so a fixed rater costs one evaluation.
 */
export function uniformRule(lo: number, hi: number, n: number): UniformRule {
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw new ConfigError("uniformRule range", [lo, hi], "finite lo ≤ hi");
  if (lo === hi) return { x: Float64Array.of(lo), w: Float64Array.of(1) };
  const g = gaussLegendre(n);
  const mid = (lo + hi) / 2;
  const half = (hi - lo) / 2;
  return { x: g.x.map((z) => mid + half * z), w: g.w.map((v) => v / 2) };
}

/** E[X^i (1 − X)^j] for X ~ U[lo, hi], exact for i + j ≤ 2n − 1 (tabulated up to `degree`). */
export function binomialMoments(lo: number, hi: number, degree: number): (i: number, j: number) => number {
  const rule = uniformRule(lo, hi, Math.max(1, Math.ceil((degree + 1) / 2)));
  const table = new Float64Array((degree + 1) * (degree + 1));
  for (let i = 0; i <= degree; i++)
    for (let j = 0; i + j <= degree; j++) {
      let s = 0;
      for (let q = 0; q < rule.x.length; q++) s += rule.w[q]! * Math.pow(rule.x[q]!, i) * Math.pow(1 - rule.x[q]!, j);
      table[i * (degree + 1) + j] = s;
    }
  return (i, j) => {
    if (i + j > degree) throw new RangeError(`moment degree ${i + j} above the tabulated ${degree}`);
    return table[i * (degree + 1) + j]!;
  };
}
