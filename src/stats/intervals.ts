/**
 * Summary statistics for results over seeds: means with Student-t 95% intervals, and
 * Monte Carlo standard errors. Plain numbers only.
 */
import { ConfigError } from "../errors";

/** A point estimate with a two-sided interval. */
export interface Interval {
  /** The estimate (e.g. the mean over seeds). */
  estimate: number;
  /** Lower end of the interval. */
  lo: number;
  /** Upper end of the interval. */
  hi: number;
  /** Number of observations behind it. */
  n: number;
}

/** Arithmetic mean. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new ConfigError("mean of", "[]", "at least one value");
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1 denominator); 0 for a single value. */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) ** 2;
  return Math.sqrt(ss / (xs.length - 1));
}

/** Standard error of the mean. */
export function standardError(xs: readonly number[]): number {
  return xs.length < 2 ? 0 : sd(xs) / Math.sqrt(xs.length);
}

// Two-sided 97.5% quantiles of Student's t for 1…30 degrees of freedom.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 0.975 quantile of Student's t with `df` degrees of freedom (table to 30, then a series in 1/df). */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new ConfigError("df", df, "≥ 1");
  if (df <= 30) return T975[Math.round(df) - 1]!;
  const z = 1.959964;
  // Cornish–Fisher expansion of the t quantile around the normal one.
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  return z + g1 / df + g2 / df ** 2;
}

/**
 * Mean with a 95% Student-t interval. With one value the interval is [−∞, ∞]: a single
 * seed supports no claim.
 */
export function meanCI(xs: readonly number[]): Interval {
  const m = mean(xs);
  if (xs.length < 2) return { estimate: m, lo: -Infinity, hi: Infinity, n: xs.length };
  const half = tQuantile975(xs.length - 1) * standardError(xs);
  return { estimate: m, lo: m - half, hi: m + half, n: xs.length };
}

/** Mean of paired differences a_i − b_i with a 95% interval (same seeds in both conditions). */
export function pairedDifferenceCI(a: readonly number[], b: readonly number[]): Interval {
  if (a.length !== b.length) throw new ConfigError("paired samples", `${a.length} vs ${b.length}`, "equal lengths");
  return meanCI(a.map((x, i) => x - b[i]!));
}

/** Ordinary least squares y = a + b·x; returns slope and intercept with 95% intervals. */
export function linearFit(xs: readonly number[], ys: readonly number[]): { slope: Interval; intercept: Interval; r2: number } {
  const n = xs.length;
  if (n !== ys.length || n < 3) throw new ConfigError("linearFit points", n, "≥ 3 paired values");
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    syy += (ys[i]! - my) ** 2;
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ys[i]! - a - b * xs[i]!) ** 2;
  const s2 = rss / (n - 2);
  const t = tQuantile975(n - 2);
  const seB = Math.sqrt(s2 / sxx);
  const seA = Math.sqrt(s2 * (1 / n + (mx * mx) / sxx));
  return {
    slope: { estimate: b, lo: b - t * seB, hi: b + t * seB, n },
    intercept: { estimate: a, lo: a - t * seA, hi: a + t * seA, n },
    r2: syy === 0 ? 1 : 1 - rss / syy,
  };
}
