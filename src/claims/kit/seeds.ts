/**
 * Running a condition over seeds and summarising it: what every claim notebook shares.
 * Each seed gets its own root `Rng`, so conditions run with the same seeds are paired
 * (same queries, same initial draws) and differences between them can be taken per seed.
 */
import { Rng } from "../../rng";
import { meanCI, type Interval } from "../../stats/intervals";
import type { Row } from "../../plot/spec";
import { ConfigError, NonFiniteResultError } from "../../errors";

/** Called after each finished unit of work (seed × condition), e.g. to update a progress line. */
export type OnProgress = (done: number, total: number, label: string) => void;

/** The seeds of a run: `count` seeds starting at `first` (1, 2, 3, … by default). */
export function seedList(count: number, first = 1): number[] {
  if (!Number.isInteger(count) || count < 1) throw new ConfigError("seed count", count, "an integer ≥ 1");
  return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * Runs `run(rng, seed)` for every seed of every condition; returns one row per
 * (condition, seed) with the condition's name and the seed added.
 */
export async function runConditions<C extends { name: string }>(
  conditions: readonly C[],
  seeds: readonly number[],
  run: (condition: C, rng: Rng, seed: number) => Promise<Row | Row[]> | Row | Row[],
  onProgress?: OnProgress,
): Promise<Row[]> {
  const rows: Row[] = [];
  const total = conditions.length * seeds.length;
  let done = 0;
  for (const c of conditions) {
    for (const seed of seeds) {
      const out = await run(c, Rng.fromSeed(seed), seed);
      for (const r of Array.isArray(out) ? out : [out]) {
        assertFiniteRow(r, seed, c.name);
        rows.push({ condition: c.name, seed, ...r });
      }
      onProgress?.(++done, total, `${c.name}, seed ${seed}`);
    }
  }
  return rows;
}

/**
 * Throws a {@link NonFiniteResultError} if any number in `row` is NaN or ±∞ (null marks
 * "not measured" and is allowed), naming the seed and condition.
 */
export function assertFiniteRow(row: Readonly<Record<string, unknown>>, seed: number, condition: string): void {
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === "number" && !Number.isFinite(v)) throw new NonFiniteResultError(seed, condition, k, v);
  }
}

/**
 * Means and 95% intervals of `metrics` per group of `by` fields: one row per group with
 * `<metric>` (mean), `<metric>_lo`, `<metric>_hi` and `n`.
 */
export function summarise(rows: readonly Row[], by: readonly string[], metrics: readonly string[]): Row[] {
  const groups = new Map<string, { key: Row; values: Map<string, number[]> }>();
  for (const r of rows) {
    const key: Row = {};
    for (const b of by) key[b] = r[b] ?? null;
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) {
      g = { key, values: new Map(metrics.map((m) => [m, []])) };
      groups.set(k, g);
    }
    for (const m of metrics) {
      const v = r[m];
      if (typeof v === "number" && Number.isFinite(v)) g.values.get(m)!.push(v);
    }
  }
  return [...groups.values()].map(({ key, values }) => {
    const out: Row = { ...key };
    let n = 0;
    for (const m of metrics) {
      const xs = values.get(m)!;
      n = Math.max(n, xs.length);
      if (xs.length === 0) {
        out[m] = null;
        continue;
      }
      const ci: Interval = meanCI(xs);
      out[m] = ci.estimate;
      out[`${m}_lo`] = Number.isFinite(ci.lo) ? ci.lo : ci.estimate;
      out[`${m}_hi`] = Number.isFinite(ci.hi) ? ci.hi : ci.estimate;
    }
    out["n"] = n;
    return out;
  });
}

/**
 * Linear interpolation of y at x = `at` along a curve given by points sorted or not;
 * returns null when `at` lies outside the curve's x range (no extrapolation).
 * Used to compare conditions at matched KL rather than matched β.
 */
export function interpolateAt(points: readonly { x: number; y: number }[], at: number): number | null {
  const p = [...points].filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y)).sort((a, b) => a.x - b.x);
  if (p.length === 0 || at < p[0]!.x || at > p[p.length - 1]!.x) return null;
  for (let i = 1; i < p.length; i++) {
    const a = p[i - 1]!, b = p[i]!;
    if (at <= b.x) return b.x === a.x ? (a.y + b.y) / 2 : a.y + ((b.y - a.y) * (at - a.x)) / (b.x - a.x);
  }
  return p[p.length - 1]!.y;
}

/** The fields of `R` whose values are numbers (or null). */
export type NumericField<R> = { [K in keyof R]-?: R[K] extends number | null ? K : never }[keyof R] & string;

/**
 * A typed summary row: the group fields, each metric's mean (null when no seed had a value)
 * with `<metric>_lo` and `<metric>_hi` (present whenever the mean is), and the count `n`.
 */
export type SummaryRow<R, K extends keyof R, M extends string> = { [k in K]: R[k] | null } & { [m in M]: number | null } & { [m in M as `${m}_lo` | `${m}_hi`]: number } & { n: number };

/**
 * {@link summarise} for typed rows: `by` must name fields of the rows and `metrics` their
 * numeric fields, and neither may be `n`, the count column every summary adds — a group
 * field called `n` would be overwritten by the count (as best-of-n's `n` once was), so
 * that mistake is a type error here.
 */
export function summariseRows<R extends object, K extends Exclude<keyof R & string, "n">, M extends Exclude<NumericField<R>, "n">>(
  rows: readonly R[],
  by: readonly K[],
  metrics: readonly M[],
): SummaryRow<R, K, M>[] {
  return summarise(rows as unknown as readonly Row[], by, metrics) as unknown as SummaryRow<R, K, M>[];
}
