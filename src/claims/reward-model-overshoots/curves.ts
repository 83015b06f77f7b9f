/** Reading the frontiers: rise and fall, the matched-KL comparison and its composition, Gao fits (descriptive). */
import { fitGao, type GaoFit } from "../../stats/gao-fit";
import type { EvalRow, FrontierRow, FrontierSource, LabellerName, ReferenceName, SeedResult } from "./experiment";

/** The points of one frontier (labeller, source, reference) in grid order. */
export function frontierCurve<R extends Pick<FrontierRow, "labeller" | "source" | "reference" | "klTarget">>(rows: readonly R[], labeller: LabellerName, source: FrontierSource, reference: ReferenceName = "corpus"): R[] {
  return rows.filter((r) => r.labeller === labeller && r.source === source && r.reference === reference).sort((a, b) => a.klTarget - b.klTarget);
}

/** Rise and fall of true utility along a frontier. */
export interface RiseFall {
  /** True utility at the peak (the highest point of the curve, KL 0 included) minus at KL 0 (≥ 0). */
  rise: number;
  /** True utility at the peak minus at the largest grid KL (≥ 0). */
  fall: number;
  /** Grid KL of the peak. */
  peakKl: number;
}

/**
 * Rise and fall of a frontier given in grid order (first point KL 0, last point the largest
 * pressure). NaN when the curve has fewer than two points or does not start at KL 0.
 */
export function riseFall(curve: readonly Pick<FrontierRow, "klTarget" | "trueUtility">[]): RiseFall {
  if (curve.length < 2 || curve[0]!.klTarget !== 0) return { rise: NaN, fall: NaN, peakKl: NaN };
  let peak = curve[0]!;
  for (const r of curve) if (r.trueUtility > peak.trueUtility) peak = r;
  return { rise: peak.trueUtility - curve[0]!.trueUtility, fall: peak.trueUtility - curve[curve.length - 1]!.trueUtility, peakKl: peak.klTarget };
}

/** The shares of over-estimation compared between the RM frontier and the label limit. */
export const SHARES = ["fabricationShare", "sycophancyShare", "exaggerationShare"] as const;

/** One seed's RM frontier against the label limit at the matched KL. */
export interface Indirection {
  /** Inflation gap of the RM frontier minus the label limit's. */
  gap: number;
  /** Per behaviour, RM-frontier share of E⁺ minus the label limit's. */
  shares: Record<(typeof SHARES)[number], number>;
  /** The largest absolute share change. */
  maxShift: number;
}

/** The RM frontier against the label limit at grid KL `kl` (null when either curve lacks that point). */
export function indirectionAt(rm: readonly FrontierRow[], limit: readonly FrontierRow[], kl: number): Indirection | null {
  const a = rm.find((r) => r.klTarget === kl), b = limit.find((r) => r.klTarget === kl);
  if (!a || !b) return null;
  const shares = { fabricationShare: a.fabricationShare - b.fabricationShare, sycophancyShare: a.sycophancyShare - b.sycophancyShare, exaggerationShare: a.exaggerationShare - b.exaggerationShare };
  return { gap: a.inflationGap - b.inflationGap, shares, maxShift: Math.max(...SHARES.map((k) => Math.abs(shares[k]))) };
}

/** Gao fit of the true-utility gain against d for one curve (null when fewer than two distinct d > 0). */
export function gaoFitOf(form: "bon" | "rl", curve: readonly Pick<EvalRow, "d" | "trueGain">[]): GaoFit | null {
  const pts = curve.filter((r) => r.d > 0);
  if (new Set(pts.map((r) => r.d.toFixed(9))).size < 2) return null;
  return fitGao(form, pts.map((r) => r.d), pts.map((r) => r.trueGain));
}

/** One Gao fit of one curve of one seed. */
export type GaoFitRow = {
  seed: number;
  curve: string;
  form: "bon" | "rl";
  alpha: number | null;
  beta: number | null;
  r2: number | null;
  /** R² of the other form on the same points. */
  r2OtherForm: number | null;
  /** α/(2β) or exp(α/β − 1); null when the fit does not turn over. */
  fittedPeakD: number | null;
};

/**
 * Gao fits per seed (description only): the best-of-n form on best-of-n, the RL form on the
 * pool RM's exact frontier (base-model reference) and on the PPO trajectory.
 */
export function gaoFitRows(perSeed: readonly SeedResult[]): GaoFitRow[] {
  const rows: GaoFitRow[] = [];
  const other = (f: "bon" | "rl") => (f === "bon" ? "rl" : "bon");
  const add = (seed: number, curve: string, form: "bon" | "rl", pts: readonly Pick<EvalRow, "d" | "trueGain">[]) => {
    if (pts.length === 0) return;
    const f = gaoFitOf(form, pts);
    rows.push({ seed, curve, form, alpha: f?.alpha ?? null, beta: f?.beta ?? null, r2: f?.r2 ?? null, r2OtherForm: gaoFitOf(other(form), pts)?.r2 ?? null, fittedPeakD: f && Number.isFinite(f.peakD) ? f.peakD : null });
  };
  for (const s of perSeed) {
    add(s.seed, "best-of-n (pool RM)", "bon", s.result.bon);
    add(s.seed, "RM frontier (pool RM, base model)", "rl", frontierCurve(s.result.frontier, "rater pool", "reward model", "base model"));
    add(s.seed, "PPO trajectory (pool RM)", "rl", s.result.ppo);
  }
  return rows;
}
