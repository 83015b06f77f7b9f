/** Reading the results: overshoot, Gao fits, the PPO and DPO curves, matched KL and the grid of KL values. */
import { interpolateAt } from "../kit/seeds";
import { fitGao, type GaoFit } from "../../stats/gao-fit";
import { DPO, PPO, type BonRow, type EvalRow, type Method, type RlRow, type SeedResult } from "./experiment";

/** Overshoot of one best-of-n curve: max true utility along it minus the value at the largest n, and where the max sits. */
export function overshoot(curve: readonly Pick<BonRow, "n" | "d" | "trueUtility">[]): { drop: number; peakN: number; peakD: number } {
  const sorted = [...curve].sort((a, b) => a.n - b.n);
  let best = sorted[0]!;
  for (const r of sorted) if (r.trueUtility > best.trueUtility) best = r;
  const last = sorted[sorted.length - 1]!;
  return { drop: best.trueUtility - last.trueUtility, peakN: best.n, peakD: best.d };
}

/** Gao fit of the true-utility gain against d for one curve. */
export function gaoFitOf(form: "bon" | "rl", curve: readonly Pick<EvalRow, "d" | "trueGain">[]): GaoFit | null {
  const pts = curve.filter((r) => typeof r.d === "number" && r.d > 0);
  if (new Set(pts.map((r) => r.d.toFixed(9))).size < 2) return null;
  return fitGao(form, pts.map((r) => r.d), pts.map((r) => r.trueGain));
}

/** Which PPO points form the PPO curve: the end of every run (one point per β), or the trajectory run's checkpoints. */
export type PpoCurve = "ends" | "trajectory";

/** The fields that place an RL row on a method's curve. */
export type CurveKey = Pick<RlRow, "method" | "beta" | "final">;

/**
 * The points of one method's curve in one seed (base model at KL 0 included): DPO's β sweep;
 * PPO's run ends (one per β, like DPO's sweep) or the trajectory run (the first β in
 * `ppoRuns`, i.e. the smallest-β run with the most checkpoints, identified here as the β of
 * the most PPO rows).
 */
export function methodCurve<R extends CurveKey>(rl: readonly R[], method: Method, ppo: PpoCurve = "ends"): R[] {
  const rows = rl.filter((r) => r.method === method);
  if (method !== PPO) return rows;
  if (ppo === "ends") return rows.filter((r) => r.final === true);
  return rows.filter((r) => r.beta === null || r.beta === trajectoryBeta(rows));
}

/** The β of the PPO run with the most evaluated checkpoints (ties: the smallest β). */
export function trajectoryBeta(rl: readonly Pick<RlRow, "method" | "beta">[]): number | null {
  const counts = new Map<number, number>();
  for (const r of rl) if (r.method === PPO && typeof r.beta === "number") counts.set(r.beta, (counts.get(r.beta) ?? 0) + 1);
  let best: number | null = null;
  for (const [b, c] of counts) if (best === null || c > counts.get(best)! || (c === counts.get(best)! && b < best)) best = b;
  return best;
}

/**
 * The matched-KL budget of one seed, fixed by rule before looking at the metric: the
 * midpoint of the KL range that both curves' *trained* points cover, i.e. of
 * [max(min KL_PPO, min KL_DPO), min(max KL_PPO, max KL_DPO)]; null when the ranges do not
 * overlap.
 */
export function matchedKlBudget(a: readonly number[], b: readonly number[]): number | null {
  const ta = a.filter((x) => x > 0), tb = b.filter((x) => x > 0);
  if (ta.length === 0 || tb.length === 0) return null;
  const lo = Math.max(Math.min(...ta), Math.min(...tb)), hi = Math.min(Math.max(...ta), Math.max(...tb));
  return hi >= lo ? (lo + hi) / 2 : null;
}

/** A metric of an evaluated row that curves can be read at. */
export type CurveMetric = Exclude<keyof EvalRow, "kl" | "d">;

/**
 * `metric` of PPO-on-RM minus DPO-on-labels for one seed, both interpolated (linearly in
 * KL, base model at KL 0 included) at `at` — by default the matched-KL budget of
 * {@link matchedKlBudget}.
 */
export function matchedKlGapDifference(rl: readonly RlRow[], metric: CurveMetric = "inflationGap", ppo: PpoCurve = "ends", at?: number): { kl: number; diff: number; ppo: number; dpo: number } | null {
  const pts = (m: Method) => methodCurve(rl, m, ppo).map((r) => ({ x: r.kl, y: r[metric] }));
  const a = pts(PPO), b = pts(DPO);
  if (a.length < 2 || b.length < 2) return null;
  const kl = at ?? matchedKlBudget(a.map((p) => p.x), b.map((p) => p.x));
  if (kl === null) return null;
  const ya = interpolateAt(a, kl), yb = interpolateAt(b, kl);
  return ya === null || yb === null ? null : { kl, diff: ya - yb, ppo: ya, dpo: yb };
}

/** Rise and fall of true utility along the PPO trajectory run: best gain over the base model, and best minus last. */
export function ppoRiseFall(rl: readonly RlRow[]): { rise: number; fall: number; peakKl: number; lastKl: number } | null {
  const traj = methodCurve(rl, PPO, "trajectory").sort((x, y) => (x.iteration ?? 0) - (y.iteration ?? 0));
  if (traj.length < 2) return null;
  const baseU = traj[0]!.trueUtility;
  let best = traj[0]!;
  for (const r of traj) if (r.trueUtility > best.trueUtility) best = r;
  const last = traj[traj.length - 1]!;
  return { rise: best.trueUtility - baseU, fall: best.trueUtility - last.trueUtility, peakKl: best.kl, lastKl: last.kl };
}

/** One seed's PPO − DPO difference at one fixed KL (null where a curve does not reach). */
export type GapDifferenceRow = { seed: number; kl: number; ppoCurve: string; diff: number | null };

/** Per seed, `metric` of PPO (both curves) minus DPO at fixed KL values (descriptive; null where a curve does not reach). */
export function differenceAtKl(perSeed: readonly SeedResult[], kls: readonly number[], metric: CurveMetric = "inflationGap"): GapDifferenceRow[] {
  const rows: GapDifferenceRow[] = [];
  for (const s of perSeed) {
    for (const kl of kls) {
      for (const ppo of ["ends", "trajectory"] as const) {
        const m = matchedKlGapDifference(s.result.rl, metric, ppo, kl);
        rows.push({ seed: s.seed, kl, ppoCurve: ppo === "ends" ? "PPO run ends (by β)" : "PPO trajectory", diff: m?.diff ?? null });
      }
    }
  }
  return rows;
}

/** Curve labels used by {@link curvesOnGrid}. */
export const CURVES = { ends: "PPO ends (by β)", trajectory: "PPO trajectory", dpo: "DPO (by β)" } as const;

/** One seed's curve read at one grid KL: the chosen metrics, interpolated. */
export type GridRow = { seed: number; curve: string; kl: number; d: number; [metric: string]: number | string | null };

/**
 * Per seed, each RL curve (PPO run ends, PPO trajectory, DPO sweep; base model at KL 0)
 * interpolated linearly at the KL values of `grid`, for `metrics`; a grid point outside a
 * seed's curve gives no row (no extrapolation). Summarise by [curve, kl] for mean bands.
 */
export function curvesOnGrid(perSeed: readonly SeedResult[], grid: readonly number[], metrics: readonly CurveMetric[]): GridRow[] {
  const rows: GridRow[] = [];
  for (const s of perSeed) {
    const curves: [string, RlRow[]][] = [[CURVES.ends, methodCurve(s.result.rl, PPO, "ends")], [CURVES.trajectory, methodCurve(s.result.rl, PPO, "trajectory")], [CURVES.dpo, methodCurve(s.result.rl, DPO)]];
    for (const [curve, pts] of curves) {
      for (const kl of grid) {
        const row: GridRow = { seed: s.seed, curve, kl, d: Math.sqrt(kl) };
        let ok = true;
        for (const m of metrics) {
          const y = interpolateAt(pts.map((r) => ({ x: r.kl, y: r[m] })), kl);
          if (y === null) ok = false;
          row[m] = y;
        }
        if (ok) rows.push(row);
      }
    }
  }
  return rows;
}

/** One Gao fit: per seed and RM size (best-of-n) or per seed (the PPO trajectory run). */
export type GaoFitRow = {
  seed: number;
  optimiser: string;
  rmPairs: number | null;
  alpha: number | null;
  beta: number | null;
  r2: number | null;
  r2OtherForm: number | null;
  fittedPeakD: number | null;
  observedPeakD: number | null;
  observedPeakN: number | null;
  overshoot: number | null;
};

/**
 * Gao fits per seed and RM size (best-of-n) and per seed (PPO trajectory run), as table
 * rows; `r2OtherForm` is the R² of the *other* optimiser's form on the same points (RL form
 * on best-of-n curves, best-of-n form on the PPO trajectory), to see which shape describes
 * the data better.
 */
export function gaoFitRows(perSeed: readonly SeedResult[]): GaoFitRow[] {
  const rows: GaoFitRow[] = [];
  for (const s of perSeed) {
    const sizes = [...new Set(s.result.bon.map((r) => r.rmPairs))];
    for (const N of sizes) {
      const curve = s.result.bon.filter((r) => r.rmPairs === N);
      const f = gaoFitOf("bon", curve);
      const o = overshoot(curve);
      rows.push({ seed: s.seed, optimiser: "best-of-n", rmPairs: N, alpha: f?.alpha ?? null, beta: f?.beta ?? null, r2: f?.r2 ?? null, r2OtherForm: gaoFitOf("rl", curve)?.r2 ?? null, fittedPeakD: f && Number.isFinite(f.peakD) ? f.peakD : null, observedPeakD: o.peakD, observedPeakN: o.peakN, overshoot: o.drop });
    }
    const traj = methodCurve(s.result.rl, PPO, "trajectory");
    const f = gaoFitOf("rl", traj);
    const rf = ppoRiseFall(s.result.rl);
    rows.push({ seed: s.seed, optimiser: `PPO trajectory (β = ${trajectoryBeta(s.result.rl)})`, rmPairs: null, alpha: f?.alpha ?? null, beta: f?.beta ?? null, r2: f?.r2 ?? null, r2OtherForm: gaoFitOf("bon", traj)?.r2 ?? null, fittedPeakD: f && Number.isFinite(f.peakD) ? f.peakD : null, observedPeakD: rf ? Math.sqrt(rf.peakKl) : null, observedPeakN: null, overshoot: rf?.fall ?? null });
  }
  return rows;
}
