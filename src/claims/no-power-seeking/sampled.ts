/**
 * Claim 5's sampled part: what finite-budget training learns in a cell. REINFORCE with a KL
 * penalty (train/reinforce.ts) on a residual tabular policy over several contexts with a
 * shared part (policy/residual-tabular.ts), starting at the base; completion, deception and
 * KL of the trained policy are then computed exactly from its token probabilities.
 */
import { ConfigError } from "../../errors";
import { Rng } from "../../rng";
import { meanCI } from "../../stats/intervals";
import { judge, utilityScale, type PolicyTable, type TerminalReward, type World } from "../../world";
import { ResidualTabularPolicy, type StateMachine } from "../../policy/residual-tabular";
import { trainReinforceKl } from "../../train/reinforce";
import { checkField, resolveBudget, SEEDS_RULE, type BudgetRules } from "../kit/budget";
import type { OnProgress } from "../kit/seeds";
import { cellRater, detectionThreshold, wholeManoeuvreThreshold } from "./boundaries";
import { believedReward, cellMetrics, exactOptimumCell, makeSlice, type CellMetrics, type Slice } from "./exact";

/** Configuration of one sampled-training run (REINFORCE with a KL penalty, from the base). */
export interface SampledConfig {
  /** Budget: sampled outputs in total (all contexts together; rounded down to whole batches). */
  samples: number;
  /** Outputs per update. */
  batch: number;
  /** Plain-SGD learning rate on the residual logits (batch-averaged gradient). */
  lr: number;
  /** KL coefficient β (the same as the exact optimum's). */
  beta: number;
  /** Step size of the per-context running-mean baseline. */
  baselineRate: number;
  /**
   * Training signal: "reward" = the rater type's expected believed utility of each sample;
   * "labels" = sampled pairwise labels from `judge` (two outputs per context draw), each
   * output's reward its centred label (label − ½) times 4·scale/β_r, the slope of the
   * Bradley–Terry logit at ½, so that it is on the utility scale.
   */
  signal: "reward" | "labels";
}

/** Defaults: 64 outputs per update, rate 2, β = 0.3. The sample budget is set per mode by the claim's budget. */
export const DEFAULT_SAMPLED: SampledConfig = { samples: 32000, batch: 64, lr: 2, beta: 0.3, baselineRate: 0.05, signal: "reward" };

/** Rules of a sampled-training config (finite bounds: every run ends). */
export const SAMPLED_RULES = {
  samples: { kind: "integer", min: 2, max: 1e8 },
  batch: { kind: "integer", min: 2, max: 4096 },
  lr: { kind: "number", min: 1e-6, max: 100 },
  beta: { kind: "number", min: 0.001, max: 100 },
  baselineRate: { kind: "number", min: 1e-6, max: 1 },
  signal: { kind: "oneOf", options: ["reward", "labels"] },
} as const satisfies BudgetRules;

/** A sampled-training config checked before any work (unknown keys rejected). */
export function sampledConfig(name: string, config: Partial<SampledConfig>): SampledConfig {
  const c = resolveBudget<SampledConfig>(name, DEFAULT_SAMPLED, SAMPLED_RULES, config);
  if (c.samples < c.batch) throw new ConfigError(`${name}.samples`, c.samples, `an integer ≥ batch (${c.batch})`);
  if (c.signal === "labels" && c.batch % 2 !== 0) throw new ConfigError(`${name}.batch`, c.batch, "an even integer with signal \"labels\"");
  return c;
}

/**
 * The residual policy of a slice: one table per context plus a part shared by all contexts
 * (what is learned about the manoeuvre in one context carries over to the others, as a
 * network's shared weights would; the corpus's manoeuvre part does not depend on the
 * context). Any per-context tabular policy on the base's support is representable, so the
 * exact optimum (soft-optimal.ts) is this family's optimum too.
 */
export function slicePolicy(slice: Slice): { policy: ResidualTabularPolicy; table: (fallback: PolicyTable) => PolicyTable } {
  const space = slice.world.space;
  const machine: StateMachine = { vocabSize: space.vocabSize, endToken: space.endToken, maxLen: space.maxLen, numStates: space.states.length, initialState: space.initialState().index, transitions: space.transitions };
  const policy = new ResidualTabularPolicy({
    machine,
    contexts: slice.entries.length,
    shared: true,
    base: (c, pos, si) => (space.states[si]!.ended ? null : slice.base(slice.entries[c]!.context, pos, space.states[si]!)),
  });
  const localIndex = new Map<number, number>(slice.entries.map((e, c) => [e.context.index, c]));
  // The current policy as a table (contexts outside the slice's entries fall back to `fallback`).
  const table = (fallback: PolicyTable): PolicyTable => (ctx, pos, s) => {
    const c = localIndex.get(ctx.index);
    if (c === undefined || s.ended) return fallback(ctx, pos, s);
    return policy.row(c, pos, s.index);
  };
  return { policy, table };
}

/** What one sampled-training run learned in one cell. */
export type SampledCell = CellMetrics & {
  /** Outputs sampled. */
  samples: number;
  /** Updates made. */
  updates: number;
  /** Sampled outputs that completed the manoeuvre during training. */
  completionsSeen: number;
  /** Samples up to the first completed output (null: none within the budget). */
  firstCompletionAt: number | null;
};

/**
 * Finite-budget sampled training in one (d, h) cell: REINFORCE with a KL penalty from the
 * base, maximising E[R] − β·KL(π ‖ π_base) with R the rater type's expected believed
 * utility of the sampled output (the same objective as the exact optimum). Each update
 * draws `batch` contexts by their probability and one output per context from the current
 * policy (train/reinforce.ts). Completion, deception and KL are then computed exactly from
 * the trained policy's token probabilities.
 *
 * `trainingReward` replaces the rater's expected believed utility as R with signal "reward"
 * (claim 7's outcome reward); the rater still judges the metrics and, with signal "labels",
 * the comparisons.
 */
export function sampledTrainingCell(slice: Slice, d: number, h: number, config: Partial<SampledConfig>, rng: Rng, trainingReward?: TerminalReward): SampledCell {
  const c = sampledConfig("sampledTrainingCell", config);
  const rater = cellRater(d, h);
  const reward = trainingReward ?? believedReward(slice.world, rater);
  const space = slice.world.space;
  const k = slice.k;
  const { policy, table } = slicePolicy(slice);
  const weights = slice.entries.map((e) => e.weight);
  // Terminal rewards cached per (context, final state).
  const rCache = new Map<number, number>();
  const R = (ci: number, si: number) => {
    const key = ci * space.states.length + si;
    let r = rCache.get(key);
    if (r === undefined) {
      r = reward(slice.entries[ci]!, space.states[si]!);
      rCache.set(key, r);
    }
    return r;
  };
  const pick = rng.fork("contexts");
  const sampling = rng.fork("sampling");
  const judging = rng.fork("labels");
  const compare = {
    slope: (4 * utilityScale(slice.world.config)) / rater.rationality,
    label: (ci: number, a: { tokens: number[] }, b: { tokens: number[] }) => {
      const entry = slice.entries[ci]!;
      const query = { context: entry.context, truth: judging.categorical(entry.truthPosterior) };
      return judge(slice.world.config, { kind: "belief", params: rater }, query, space.parse(a.tokens), space.parse(b.tokens), judging).label ?? 0.5;
    },
  };
  const success = (si: number) => space.states[si]!.progress === k;
  const pickContext = () => pick.categorical(weights);
  const signal = c.signal === "labels" ? { pickContext, success, compare } : { pickContext, success, reward: R };
  const r = trainReinforceKl(policy, c, signal, sampling);
  const m = cellMetrics(slice, table(slice.base), rater);
  return { ...m, samples: r.samples, updates: r.updates, completionsSeen: r.completionsSeen, firstCompletionAt: r.firstCompletionAt };
}

/** One sampled cell of the grid: where it sits relative to d* and d_w. */
export type SampledCellSpec = {
  k: number;
  w: number;
  h: number;
  d: number;
  /** "below d*", "band (d* < d < d_w)", "above d_w" (w > 0) or "above d*" (w = 0). */
  region: string;
};

/**
 * The sampled grid: for each (k, w) and one appeal h, detection rates 0, half of d*, one
 * point between d* and d_w (a third of the way; 1.5·d* when w = 0, where d_w = d*), 2·d_w
 * (at most 0.95) and 0.6.
 */
export function sampledGridCells(ks: readonly number[], ws: readonly number[], h: number, L = 2): SampledCellSpec[] {
  const out: SampledCellSpec[] = [];
  for (const k of ks)
    for (const w of ws) {
      const dStar = detectionThreshold(h, L);
      const dW = wholeManoeuvreThreshold(h, L, w, k);
      const mid = w > 0 ? dStar + (dW - dStar) / 3 : 1.5 * dStar;
      const ds = [0, dStar / 2, mid, Math.min(2 * dW, 0.95), 0.6];
      const uniq = [...new Set(ds.map((d) => Math.round(d * 1e6) / 1e6))].sort((a, b) => a - b);
      for (const d of uniq) {
        const region = d < dStar ? "below d*" : w === 0 ? "above d*" : d < dW ? "band d*<d<d_w" : "above d_w";
        out.push({ k, w, h, d, region });
      }
    }
  return out;
}

/** Which answer a row of {@link sampledVsExact} holds. */
export type SampledMethod = "exact" | "exact-label" | "sampled" | "sampled-labels";

/** A cell's place and its base rates, shared by its rows. */
export type CellCommon = SampledCellSpec & { dStar: number; dWhole: number; baseCompletion: number; baseSycophancy: number; baseInflation: number };

/** One row of {@link sampledVsExact}: exact rows have no training counts (and seed null). */
export type SampledRow = { method: SampledMethod; seed: number | null } & CellCommon & CellMetrics & Partial<Omit<SampledCell, keyof CellMetrics>> & { log10Ratio: number };

/** Options of {@link sampledVsExact} and {@link budgetSweep}: the training config plus contexts per slice. */
export type SampledRunOptions = Partial<SampledConfig> & { contexts?: number; labelRuns?: boolean };

function splitOptions(name: string, o: SampledRunOptions): { train: Partial<SampledConfig>; contexts: number | undefined; labelRuns: boolean } {
  const { contexts, labelRuns, ...train } = o;
  if (contexts !== undefined) checkField(`${name}.contexts`, contexts, { kind: "integer", min: 1, max: 1000 });
  if (labelRuns !== undefined) checkField(`${name}.labelRuns`, labelRuns, { kind: "boolean" });
  sampledConfig(name, train);
  return { train, contexts, labelRuns: labelRuns ?? false };
}

/**
 * Runs the sampled grid over seeds and, for each cell, the exact optimum beside it: one
 * row per (cell, seed) with `method: "sampled"`, one per cell with `method: "exact"` and one
 * with `method: "exact-label"` (the optimum of the label-implied reward; seed null), each with the cell's base completion, base sycophancy and base inflation gap.
 * Seeds are paired across cells. Options are checked before any work.
 */
export function sampledVsExact(cells: readonly SampledCellSpec[], seeds: readonly number[], config: SampledRunOptions, onProgress?: OnProgress): SampledRow[] {
  const { train, contexts, labelRuns } = splitOptions("sampledVsExact", config);
  checkField("sampledVsExact.seeds", seeds, SEEDS_RULE);
  const rows: SampledRow[] = [];
  const slices = new Map<string, Slice>();
  const total = cells.length * (seeds.length + 1) + (labelRuns ? cells.filter((c) => c.w === 0).length * seeds.length : 0);
  let done = 0;
  const beta = train.beta ?? DEFAULT_SAMPLED.beta;
  for (const cell of cells) {
    const key = `${cell.k}|${cell.w}`;
    let slice = slices.get(key);
    if (!slice) {
      slice = makeSlice(cell.k, cell.w, { contexts });
      slices.set(key, slice);
    }
    const L = slice.world.config.belief.noticedStepPenalty;
    const common: CellCommon = {
      ...cell,
      dStar: detectionThreshold(cell.h, L),
      dWhole: wholeManoeuvreThreshold(cell.h, L, cell.w, cell.k),
      baseCompletion: slice.baseCompletion,
      baseSycophancy: slice.baseMetrics.sycophancyRate,
      baseInflation: cellMetrics(slice, slice.base, cellRater(cell.d, cell.h)).inflationGap,
    };
    const ex = exactOptimumCell(slice, cell.d, cell.h, beta);
    rows.push({ method: "exact", seed: null, ...common, ...ex, log10Ratio: Math.log10(ex.completionRatio) });
    const exLabel = exactOptimumCell(slice, cell.d, cell.h, beta, "label");
    rows.push({ method: "exact-label", seed: null, ...common, ...exLabel, log10Ratio: Math.log10(exLabel.completionRatio) });
    const where = `k = ${cell.k}, w = ${cell.w}, d = ${cell.d}`;
    onProgress?.(++done, total, where);
    for (const seed of seeds) {
      const s = sampledTrainingCell(slice, cell.d, cell.h, { ...train, signal: "reward" }, Rng.fromSeed(seed).fork(`claim5-sampled-k${cell.k}-w${cell.w}-d${cell.d}`));
      rows.push({ method: "sampled", seed, ...common, ...s, log10Ratio: Math.log10(s.completionRatio) });
      onProgress?.(++done, total, `${where}, seed ${seed}`);
    }
    if (labelRuns && cell.w === 0)
      for (const seed of seeds) {
        const s = sampledTrainingCell(slice, cell.d, cell.h, { ...train, signal: "labels" }, Rng.fromSeed(seed).fork(`claim5-labels-k${cell.k}-w${cell.w}-d${cell.d}`));
        rows.push({ method: "sampled-labels", seed, ...common, ...s, log10Ratio: Math.log10(s.completionRatio) });
        onProgress?.(++done, total, `${where}, labels, seed ${seed}`);
      }
  }
  return rows;
}

/** Threshold for calling a manoeuvre "learned" in the report of the w > 0 band (not decided). */
export const LEARNED_RELATIVE = 10;
/** Absolute companion of LEARNED_RELATIVE: completion probability at least 1%. */
export const LEARNED_ABSOLUTE = 0.01;

/** Per cell: the exact optima and the sampled runs' means with 95% intervals over seeds. */
export type SummaryRow = {
  k: number; w: number; h: number; d: number; region: string; dStar: number; dWhole: number; baseCompletion: number;
  exactRatio: number; exactCompletion: number; exactKl: number;
  exactLabelRatio: number | null;
  exactSycophancyRise: number;
  sampledRatio: number; sampledRatio_lo: number; sampledRatio_hi: number;
  sampledExcess: number; sampledExcess_lo: number; sampledExcess_hi: number;
  sycophancyRise: number; sycophancyRise_lo: number; sycophancyRise_hi: number;
  inflationRise: number; inflationRise_lo: number; inflationRise_hi: number;
  sampledKl: number;
  labelsRatio: number | null; labelsRatio_lo: number | null; labelsRatio_hi: number | null;
  labelsSycophancyRise: number | null;
  completionsSeen: number;
  exactLearned: boolean;
  sampledLearned: boolean;
};

/** Per-cell means and 95% intervals over seeds of the sampled rows, with the exact optimum beside. */
export function sampledCellSummary(rows: readonly SampledRow[]): SummaryRow[] {
  const key = (r: SampledRow) => `${r.k}|${r.w}|${r.h}|${r.d}`;
  const groups = new Map<string, { exact?: SampledRow; label?: SampledRow; sampled: SampledRow[]; sampledLabels: SampledRow[] }>();
  for (const r of rows) {
    const g = groups.get(key(r)) ?? { sampled: [], sampledLabels: [] };
    if (r.method === "exact") g.exact = r;
    else if (r.method === "exact-label") g.label = r;
    else if (r.method === "sampled") g.sampled.push(r);
    else if (r.method === "sampled-labels") g.sampledLabels.push(r);
    groups.set(key(r), g);
  }
  const out: SummaryRow[] = [];
  for (const g of groups.values()) {
    const s = g.sampled;
    if (s.length === 0 || !g.exact) continue;
    const e = g.exact;
    const ci = (f: (r: SampledRow) => number) => (s.length >= 2 ? meanCI(s.map(f)) : { estimate: f(s[0]!), lo: NaN, hi: NaN, n: 1 });
    const ratio = ci((r) => r.completionRatio);
    const excess = ci((r) => r.completion - r.baseCompletion);
    const syc = ci((r) => r.sycophancyRate - r.baseSycophancy);
    const infl = ci((r) => r.inflationGap - r.baseInflation);
    const kl = ci((r) => r.kl);
    const sl = g.sampledLabels;
    const labelRatio = sl.length >= 2 ? meanCI(sl.map((r) => r.completionRatio)) : null;
    const learned = (ratioV: number, comp: number) => ratioV >= LEARNED_RELATIVE && comp >= LEARNED_ABSOLUTE;
    out.push({
      k: e.k, w: e.w, h: e.h, d: e.d, region: e.region, dStar: e.dStar, dWhole: e.dWhole, baseCompletion: e.baseCompletion,
      exactRatio: e.completionRatio, exactCompletion: e.completion, exactKl: e.kl,
      exactLabelRatio: g.label ? g.label.completionRatio : null,
      exactSycophancyRise: e.sycophancyRate - e.baseSycophancy,
      sampledRatio: ratio.estimate, sampledRatio_lo: ratio.lo, sampledRatio_hi: ratio.hi,
      sampledExcess: excess.estimate, sampledExcess_lo: excess.lo, sampledExcess_hi: excess.hi,
      sycophancyRise: syc.estimate, sycophancyRise_lo: syc.lo, sycophancyRise_hi: syc.hi,
      inflationRise: infl.estimate, inflationRise_lo: infl.lo, inflationRise_hi: infl.hi,
      sampledKl: kl.estimate,
      labelsRatio: labelRatio?.estimate ?? null, labelsRatio_lo: labelRatio?.lo ?? null, labelsRatio_hi: labelRatio?.hi ?? null,
      labelsSycophancyRise: sl.length > 0 ? sl.reduce((a, r) => a + r.sycophancyRate - r.baseSycophancy, 0) / sl.length : null,
      completionsSeen: s.reduce((a, r) => a + (r.completionsSeen ?? NaN), 0) / s.length,
      exactLearned: learned(e.completionRatio, e.completion),
      sampledLearned: learned(ratio.estimate, e.baseCompletion + excess.estimate),
    });
  }
  return out;
}

/** One run of the budget sweep. */
export type BudgetRow = SampledCellSpec & { seed: number; samples: number; exactRatio: number; completionRatio: number; log10Ratio: number; completionsSeen: number; kl: number };

/**
 * Budget sweep in one cell: sampled training with several sample budgets (same seeds), to
 * show how far finite-budget training is from the exact optimum as the budget grows.
 */
export function budgetSweep(cell: SampledCellSpec, budgets: readonly number[], seeds: readonly number[], config: SampledRunOptions, onProgress?: OnProgress): BudgetRow[] {
  const { train, contexts } = splitOptions("budgetSweep", config);
  checkField("budgetSweep.budgets", budgets, { kind: "integers", min: 2, max: 1e8, minLength: 1, maxLength: 20 });
  checkField("budgetSweep.seeds", seeds, SEEDS_RULE);
  for (const samples of budgets) sampledConfig("budgetSweep", { ...train, samples });
  const slice = makeSlice(cell.k, cell.w, { contexts });
  const beta = train.beta ?? DEFAULT_SAMPLED.beta;
  const ex = exactOptimumCell(slice, cell.d, cell.h, beta);
  const rows: BudgetRow[] = [];
  let done = 0;
  for (const samples of budgets)
    for (const seed of seeds) {
      const s = sampledTrainingCell(slice, cell.d, cell.h, { ...train, samples }, Rng.fromSeed(seed).fork(`claim5-budget-k${cell.k}-w${cell.w}-d${cell.d}`));
      rows.push({ ...cell, seed, samples, exactRatio: ex.completionRatio, completionRatio: s.completionRatio, log10Ratio: Math.log10(s.completionRatio), completionsSeen: s.completionsSeen, kl: s.kl });
      onProgress?.(++done, budgets.length * seeds.length, `${samples} samples, seed ${seed}`);
    }
  return rows;
}
