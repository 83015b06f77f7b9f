/**
 * Gao, Schulman & Hilton (2022), "Scaling Laws for Reward Model Overoptimization": the gold
 * score gained over the initial policy, as a function of d = √KL(π ‖ π_init), follows
 *
 *   best-of-n:  R(d) = d·(α − β·d)          peak at d* = α / (2β)
 *   RL (PPO):   R(d) = d·(α − β·log d)      peak at d* = exp(α/β − 1)
 *
 * Both are linear in (α, β) with no intercept (R(0) = 0), so least squares has a closed
 * form: regress y = R(d) − R(0) on the two columns (d, −d²) or (d, −d·log d).
 */
import { ConfigError } from "../errors";

export type GaoForm = "bon" | "rl";

export interface GaoFit {
  form: GaoForm;
  alpha: number;
  beta: number;
  /** 1 − RSS / Σ(y − ȳ)² over the fitted points. */
  r2: number;
  /** Peak of the fitted curve (Infinity when β ≤ 0: the form does not turn over). */
  peakD: number;
  /** The fitted curve's value at its peak (Infinity when it does not turn over). */
  peakValue: number;
  /** Points used. */
  n: number;
}

/** The fitted curve R(d) for given α, β. */
export function gaoCurve(form: GaoForm, alpha: number, beta: number, d: number): number {
  if (d <= 0) return 0;
  return form === "bon" ? d * (alpha - beta * d) : d * (alpha - beta * Math.log(d));
}

/**
 * Least-squares fit of `gains` (R(d) − R(0), one per point) against `ds` (d = √KL ≥ 0).
 * Points with d = 0 carry no information about α, β and are ignored.
 */
export function fitGao(form: GaoForm, ds: readonly number[], gains: readonly number[]): GaoFit {
  if (ds.length !== gains.length) throw new ConfigError("gains.length", gains.length, `equal to ds.length = ${ds.length}`);
  const pts = ds.map((d, i) => ({ d, y: gains[i]! })).filter((p) => p.d > 0 && Number.isFinite(p.d) && Number.isFinite(p.y));
  if (pts.length < 2) throw new ConfigError("Gao fit points with d > 0", pts.length, "at least 2");
  // Columns x1 = d, x2 = −d² (bon) or −d·log d (rl); y = α·x1 + β·x2.
  const x2 = (d: number) => (form === "bon" ? -d * d : -d * Math.log(d));
  let s11 = 0, s12 = 0, s22 = 0, s1y = 0, s2y = 0;
  for (const p of pts) {
    const a = p.d, b = x2(p.d);
    s11 += a * a;
    s12 += a * b;
    s22 += b * b;
    s1y += a * p.y;
    s2y += b * p.y;
  }
  const det = s11 * s22 - s12 * s12;
  if (!(Math.abs(det) > 1e-300)) throw new ConfigError("Gao fit design", "singular", "points at two or more distinct d");
  const alpha = (s22 * s1y - s12 * s2y) / det;
  const beta = (s11 * s2y - s12 * s1y) / det;
  const my = pts.reduce((s, p) => s + p.y, 0) / pts.length;
  let rss = 0, tss = 0;
  for (const p of pts) {
    rss += (p.y - gaoCurve(form, alpha, beta, p.d)) ** 2;
    tss += (p.y - my) ** 2;
  }
  const peakD = beta > 0 ? (form === "bon" ? alpha / (2 * beta) : Math.exp(alpha / beta - 1)) : Infinity;
  const peakValue = Number.isFinite(peakD) ? gaoCurve(form, alpha, beta, peakD) : Infinity;
  return { form, alpha, beta, r2: tss === 0 ? 1 : 1 - rss / tss, peakD, peakValue, n: pts.length };
}
