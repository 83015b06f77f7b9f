/**
 * A share of seeds (e.g. runs that learned the manoeuvre) with its 95% Wilson score interval,
 * which stays inside [0, 1] and is not degenerate at 0 or n successes (unlike the normal
 * approximation). With n = 4 and 4 successes it is [0.51, 1]; with 15 of 15, [0.80, 1].
 */
import type { Interval } from "../../stats/intervals";

/** z of a two-sided 95% interval. */
const Z = 1.959963984540054;

/** Share of `successes` out of `n`, with its Wilson interval (NaN bounds when n = 0). */
export function wilsonInterval(successes: number, n: number): Interval {
  if (n === 0) return { estimate: NaN, lo: NaN, hi: NaN, n: 0 };
  const p = successes / n;
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { estimate: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half), n };
}
