/**
 * Claim 5, version 2: the manoeuvre under label-based training, at both levels.
 *
 *   - Incentive: for each (k, d) of a grid fixed before the run, the label limit of a
 *     fixed-parameter rater (Bradley–Terry fitted to its exact labels on pairs from the base,
 *     the infinite-data limit of DPO and of a reward model fitted to labels), tilted exactly
 *     at a matched KL; completion (exact, from token probabilities) relative to base, and
 *     deception in the same optimum. The measured label boundary is where completion crosses
 *     its base rate (linear interpolation in d of log10(completion / base)).
 *   - Transmission: offline DPO on sampled labels (dpo.ts) in a subset of the grid's cells,
 *     over paired seeds, with β set to the incentive optimum's β at the matched KL (so each
 *     run's infinite-data limit is the incentive point of its cell) and its shortfall from
 *     that limit at its own KL.
 *   - Presets: the label limit of each rater preset (with its parameter spread) at the same KL.
 */
import { Rng } from "../../rng";
import { meanCI } from "../../stats/intervals";
import { labelLimit, tiltAtKl, expectedReward, type LabelLimit, type Tilt } from "../../incentive";
import { exactDistribution, exactMetrics, type ExactDistribution, meanRaterParams, PRESETS, PRESET_NAMES, utilityScale, type PolicyTable, type PresetName, type RaterParams, type World, type WorldMetrics } from "../../world";
import type { OnProgress } from "../kit/seeds";
import { cellRater, detectionThreshold, fixedPopulation, labelThreshold, labelThresholdK } from "./boundaries";
import { dpoOnLabels, type LabelDpoConfig } from "./dpo";
import { makeSlice, type Slice } from "./exact";

/** The rater of the label grid: the typical population's means (ρ = 0.6, v = 0.2, h = 0.15, β_r = 15) with detection d; every parameter fixed. */
export function labelRater(d: number): RaterParams {
  return cellRater(d, meanRaterParams(PRESETS.typical.population).appeal);
}

/** Options of the incentive grid. */
export interface LabelGridOptions {
  /** Manoeuvre lengths. */
  ks: readonly number[];
  /** Detection rates (fixed before the run). */
  ds: readonly number[];
  /** Matched KL (nats per query) of every optimum. */
  kl: number;
  /** Relative KL tolerance of the tilt. */
  tolerance: number;
}

/** The closed-form boundaries of a rater in a world of manoeuvre length k. */
export type ClosedBoundaries = {
  /** Expected-believed-utility boundary h/(h + L). */
  dStar: number;
  /** Single-step label boundary (a − ½)/(a − b). */
  dLabel: number;
  /** Whole-manoeuvre label boundary (all k steps against none; = dLabel at k = 1). */
  dLabelK: number | null;
};

/** d*, d_label and the k-step label boundary of a rater (its h and β_r) in a world. */
export function closedBoundaries(world: World, rater: Pick<RaterParams, "appeal" | "rationality">, k: number): ClosedBoundaries {
  const L = world.config.belief.noticedStepPenalty;
  const scale = utilityScale(world.config);
  return {
    dStar: detectionThreshold(rater.appeal, L),
    dLabel: labelThreshold(rater.appeal, L, rater.rationality, scale),
    dLabelK: labelThresholdK(rater.appeal, L, rater.rationality, scale, k),
  };
}

/** Metrics of an optimum (or trained policy) relative to the base, judged by one rater. */
export type RiseMetrics = {
  completion: number;
  baseCompletion: number;
  /** completion / base completion. */
  completionRatio: number;
  log10Ratio: number;
  /** completion − base completion. */
  excess: number;
  sycophancyRise: number;
  fabricationRise: number;
  exaggerationRise: number;
  inflationRise: number;
  kl: number;
};

function rise(m: WorldMetrics, base: WorldMetrics): RiseMetrics {
  return {
    completion: m.completionRate,
    baseCompletion: base.completionRate,
    completionRatio: m.completionRate / base.completionRate,
    log10Ratio: Math.log10(m.completionRate / base.completionRate),
    excess: m.completionRate - base.completionRate,
    sycophancyRise: m.sycophancyRate - base.sycophancyRate,
    fabricationRise: m.fabricationRate - base.fabricationRate,
    exaggerationRise: m.exaggerationRate - base.exaggerationRate,
    inflationRise: m.inflationGap - base.inflationGap,
    kl: m.kl,
  };
}

/** One incentive cell: the label limit's optimum at the matched KL (NaN metrics if unreachable). */
export type LabelCellRow = { k: number; d: number; h: number; betaR: number; tiltBeta: number; fitResidual: number } & ClosedBoundaries & RiseMetrics;

/** A cell's label limit and its tilt, kept for the transmission runs of the same cell. */
export interface LabelCell {
  row: LabelCellRow;
  limit: LabelLimit;
  tilt: Tilt | null;
  rater: RaterParams;
}

const NAN_RISE = (base: number): RiseMetrics => ({ completion: NaN, baseCompletion: base, completionRatio: NaN, log10Ratio: NaN, excess: NaN, sycophancyRise: NaN, fabricationRise: NaN, exaggerationRise: NaN, inflationRise: NaN, kl: NaN });

/** The label limit of `rater`'s labels on base pairs, tilted at `kl`, with its metrics against the base. */
export function labelCell(slice: Slice, rater: RaterParams, kl: number, tolerance: number, population = fixedPopulation(rater)): LabelCell {
  const world = slice.world;
  const limit = labelLimit(world, { kind: "population", population }, slice.base);
  const tilt = tiltAtKl(world, slice.base, limit.reward, kl, { tolerance });
  const base = exactMetrics(world, exactDistribution(world, slice.base, slice.base, { check: false }), { rater });
  const metrics = tilt ? rise(exactMetrics(world, tilt.dist, { rater }), base) : NAN_RISE(base.completionRate);
  const row: LabelCellRow = { k: slice.k, d: rater.detect, h: rater.appeal, betaR: rater.rationality, tiltBeta: tilt?.beta ?? NaN, fitResidual: limit.residual, ...closedBoundaries(world, rater, slice.k), ...metrics };
  return { row, limit, tilt, rater };
}

/** What {@link labelGrid} may be given instead of computing it: slices by k, and cells already computed (found by k and d). */
export interface LabelGridGiven {
  slices?: ReadonlyMap<number, Slice>;
  cells?: readonly LabelCell[];
}

/**
 * The incentive grid: one cell per (k, d), w = 0, all contexts. Cells are returned for reuse.
 * `given` slices and cells are used as they are (a cell is a pure function of its slice, rater,
 * KL and tolerance, so a cell computed earlier is the one this grid would compute).
 */
export function labelGrid(o: LabelGridOptions, onProgress?: OnProgress, given: LabelGridGiven = {}): { cells: LabelCell[]; slices: Map<number, Slice> } {
  const cells: LabelCell[] = [];
  const slices = new Map<number, Slice>();
  const total = o.ks.length * o.ds.length;
  let done = 0;
  for (const k of o.ks) {
    const slice = given.slices?.get(k) ?? makeSlice(k, 0);
    slices.set(k, slice);
    for (const d of o.ds) {
      cells.push(given.cells?.find((c) => c.row.k === k && c.row.d === d) ?? labelCell(slice, labelRater(d), o.kl, o.tolerance));
      onProgress?.(++done, total, `labels: k = ${k}, d = ${d}`);
    }
  }
  return { cells, slices };
}

/**
 * Where a curve of log10(completion / base) over increasing d first crosses 0 from above
 * (linear interpolation between grid points); null if it never does on the grid (or is
 * never above 0).
 */
export function measuredBoundary(rows: readonly { d: number; log10Ratio: number }[]): number | null {
  const r = [...rows].filter((x) => Number.isFinite(x.log10Ratio)).sort((a, b) => a.d - b.d);
  for (let i = 0; i + 1 < r.length; i++) {
    const a = r[i]!, b = r[i + 1]!;
    if (a.log10Ratio > 0 && b.log10Ratio <= 0) return a.d + ((b.d - a.d) * a.log10Ratio) / (a.log10Ratio - b.log10Ratio);
  }
  return null;
}

/** Per k: the measured label boundary beside d*, d_label and the k-step label boundary. */
export type LabelBoundaryV2Row = { k: number; dStar: number; dLabel: number; dLabelK: number | null; measured: number | null };

/** Measured boundaries of the incentive grid, per k. */
export function labelBoundariesV2(rows: readonly LabelCellRow[]): LabelBoundaryV2Row[] {
  const ks = [...new Set(rows.map((r) => r.k))];
  return ks.map((k) => {
    const rk = rows.filter((r) => r.k === k);
    const r0 = rk[0]!;
    return { k, dStar: r0.dStar, dLabel: r0.dLabel, dLabelK: r0.dLabelK, measured: measuredBoundary(rk) };
  });
}

/** One DPO run on labels, per (d, seed). */
export type DpoRow = { k: number; d: number; seed: number; dpoBeta: number; pairs: number; completedPairs: number; longerPrefixWins: number; shortfall: number; proxy: number; limitProxy: number } & RiseMetrics;

/**
 * A trained policy's shortfall in proxy reward (the cell's label-limit scores) from the
 * limit's optimum at the policy's own KL. `dist` is the policy's exact distribution
 * (KL to the reference included). The tilt's β is searched above a tenth of the cell's
 * matched-KL β (a run's KL below the matched KL needs a larger β).
 */
export function fastShortfall(world: World, cell: Pick<DpoCell, "limit" | "tilt">, reference: PolicyTable, dist: ExactDistribution, tolerance: number): { kl: number; proxy: number; limitProxy: number; shortfall: number } {
  const proxy = expectedReward(world, dist, cell.limit.reward);
  if (!(dist.kl > 1e-12)) return { kl: dist.kl, proxy, limitProxy: proxy, shortfall: 0 };
  const b = cell.tilt?.beta;
  const t = tiltAtKl(world, reference, cell.limit.reward, dist.kl, { tolerance, ...(b ? { betaRange: [b / 10, b * 1e4] as [number, number] } : {}) });
  const limitProxy = t ? expectedReward(world, t.dist, cell.limit.reward) : NaN;
  return { kl: dist.kl, proxy, limitProxy, shortfall: limitProxy - proxy };
}

/** Options of the transmission runs. */
export interface DpoGridOptions {
  /** Detection rates trained (each a cell of the incentive grid at `k`). */
  ds: readonly number[];
  /** Manoeuvre length. */
  k: number;
  /** Trainer config (β is set per cell from the incentive optimum). */
  trainer: Omit<LabelDpoConfig, "beta">;
  /** Relative KL tolerance of the shortfall's tilt. */
  tolerance: number;
}

/**
 * What a DPO run needs of its incentive cell: the labelling rater, the label limit's reward
 * (for the shortfall) and the optimum at the matched KL (its β is the run's DPO β). A
 * {@link LabelCell} is one; a worker thread rebuilds one from plain data (seed-jobs.ts).
 */
export interface DpoCell {
  rater: RaterParams;
  limit: Pick<LabelLimit, "reward">;
  tilt: Pick<Tilt, "beta"> | null;
}

/** The trained cells of `cells`: k = o.k and d in o.ds, in the order of o.ds (throws if one is missing). */
export function dpoCells(cells: readonly LabelCell[], o: Pick<DpoGridOptions, "k" | "ds">): LabelCell[] {
  return o.ds.map((d) => {
    const cell = cells.find((c) => c.row.k === o.k && Math.abs(c.row.d - d) < 1e-12);
    if (!cell) throw new RangeError(`dpoGrid: no incentive cell at k = ${o.k}, d = ${d}`);
    return cell;
  });
}

/**
 * One DPO run on labels in one cell (root `Rng.fromSeed(seed)`), its exact metrics against
 * the base judged by the cell's rater, and its shortfall. The cell's optimum must exist
 * (a finite β). `base`: the base's metrics for the cell's rater, if already computed.
 */
export function dpoSeedRow(slice: Slice, cell: DpoCell, o: Pick<DpoGridOptions, "trainer" | "tolerance">, seed: number, base?: WorldMetrics): DpoRow {
  const world = slice.world;
  const k = slice.k;
  const d = cell.rater.detect;
  const beta = cell.tilt?.beta ?? NaN;
  if (!Number.isFinite(beta)) throw new RangeError(`dpoSeedRow: the cell at k = ${k}, d = ${d} has no optimum at the matched KL`);
  const baseMetrics = base ?? exactMetrics(world, exactDistribution(world, slice.base, slice.base, { check: false }), { rater: cell.rater });
  const run = dpoOnLabels(slice, cell.rater, { ...o.trainer, beta }, Rng.fromSeed(seed).fork(`claim5v2-dpo-k${k}`));
  const dist = exactDistribution(world, run.table, slice.base, { check: false });
  const m = exactMetrics(world, dist, { rater: cell.rater });
  if (!Number.isFinite(m.completionRate)) throw new RangeError(`dpoGrid: run diverged (d = ${d}, seed ${seed}): lower the learning rate`);
  const sf = fastShortfall(world, cell, slice.base, dist, o.tolerance);
  return { k, d, seed, dpoBeta: beta, pairs: run.pairs, completedPairs: run.completedPairs, longerPrefixWins: run.longerPrefixWins, shortfall: sf.shortfall, proxy: sf.proxy, limitProxy: sf.limitProxy, ...rise(m, baseMetrics) };
}

/**
 * DPO on sampled labels over paired seeds, in the cells of `cells` with k = o.k and d in
 * o.ds (a cell without an optimum at the matched KL is skipped), in this thread. The
 * claim's section runs the same rows as seed jobs (seed-jobs.ts, `runDpoJobs`).
 */
export function dpoGrid(cells: readonly LabelCell[], slice: Slice, o: DpoGridOptions, seeds: readonly number[], onProgress?: OnProgress): DpoRow[] {
  if (slice.k !== o.k) throw new RangeError(`dpoGrid: the slice has k = ${slice.k}, the options k = ${o.k}`);
  const rows: DpoRow[] = [];
  const todo = dpoCells(cells, o);
  const world = slice.world;
  let done = 0;
  for (const cell of todo) {
    const base = exactMetrics(world, exactDistribution(world, slice.base, slice.base, { check: false }), { rater: cell.rater });
    for (const seed of seeds) {
      if (!Number.isFinite(cell.row.tiltBeta)) continue;
      rows.push(dpoSeedRow(slice, cell, o, seed, base));
      onProgress?.(++done, todo.length * seeds.length, `DPO on labels: d = ${cell.row.d}, seed ${seed}`);
    }
  }
  return rows;
}

/** Per cell: means and 95% intervals over seeds of the DPO runs, beside the cell's incentive point. */
export type DpoSummaryRow = {
  k: number; d: number; dStar: number; dLabel: number; dLabelK: number | null; seeds: number;
  incentiveRatio: number; incentiveSycophancyRise: number;
  ratio: number; ratio_lo: number; ratio_hi: number;
  excess: number; excess_lo: number; excess_hi: number;
  sycophancyRise: number; sycophancyRise_lo: number; sycophancyRise_hi: number;
  fabricationRise: number; inflationRise: number;
  kl: number; shortfall: number; shortfall_hi: number; completedPairs: number;
};

/** Summaries of the DPO rows per cell (intervals NaN with fewer than 2 seeds). */
export function dpoSummary(rows: readonly DpoRow[], cells: readonly LabelCellRow[]): DpoSummaryRow[] {
  const ds = [...new Set(rows.map((r) => `${r.k}|${r.d}`))];
  return ds.map((key) => {
    const g = rows.filter((r) => `${r.k}|${r.d}` === key);
    const c = cells.find((x) => `${x.k}|${x.d}` === key)!;
    const ci = (f: (r: DpoRow) => number) => (g.length >= 2 ? meanCI(g.map(f)) : { estimate: f(g[0]!), lo: NaN, hi: NaN, n: g.length });
    const mean = (f: (r: DpoRow) => number) => g.reduce((a, r) => a + f(r), 0) / g.length;
    const ratio = ci((r) => r.completionRatio), excess = ci((r) => r.excess), syc = ci((r) => r.sycophancyRise), sf = ci((r) => r.shortfall);
    return {
      k: c.k, d: c.d, dStar: c.dStar, dLabel: c.dLabel, dLabelK: c.dLabelK, seeds: g.length,
      incentiveRatio: c.completionRatio, incentiveSycophancyRise: c.sycophancyRise,
      ratio: ratio.estimate, ratio_lo: ratio.lo, ratio_hi: ratio.hi,
      excess: excess.estimate, excess_lo: excess.lo, excess_hi: excess.hi,
      sycophancyRise: syc.estimate, sycophancyRise_lo: syc.lo, sycophancyRise_hi: syc.hi,
      fabricationRise: mean((r) => r.fabricationRise), inflationRise: mean((r) => r.inflationRise),
      kl: mean((r) => r.kl), shortfall: sf.estimate, shortfall_hi: sf.hi, completedPairs: mean((r) => r.completedPairs),
    };
  });
}

/** One preset's place relative to the label boundary: its label limit (with its parameter spread) at the matched KL. */
export type PresetRow = { preset: PresetName; k: number; meanD: number; meanH: number; meanBetaR: number; side: string } & ClosedBoundaries & RiseMetrics;

/**
 * Each preset's mean rater (every parameter fixed at the preset's mean, as in the label
 * grid) as the labeller, k from `slice`; "raised" if its label limit's optimum at the
 * matched KL completes the manoeuvre more often than the base, else "at or below base".
 * The presets' spread is not integrated (with it, each limit costs about ten times more).
 */
export function presetSides(slice: Slice, kl: number, tolerance: number, onProgress?: OnProgress): PresetRow[] {
  return PRESET_NAMES.map((name, i) => {
    const mean = meanRaterParams(PRESETS[name].population);
    const cell = labelCell(slice, mean, kl, tolerance);
    onProgress?.(i + 1, PRESET_NAMES.length, `preset ${name}`);
    const { k: _k, d: _d, h: _h, betaR: _b, tiltBeta: _t, fitResidual: _f, ...rest } = cell.row;
    return { preset: name, k: slice.k, meanD: mean.detect, meanH: mean.appeal, meanBetaR: mean.rationality, side: rest.completionRatio > 1 ? "raised (below its boundary)" : "at or below base (above its boundary)", ...rest };
  });
}
