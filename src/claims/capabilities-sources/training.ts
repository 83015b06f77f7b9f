/**
 * Claim 7 (a): outcome training against rater-label training in the same cells.
 *
 * Each cell is claim 5's single-context-group slice (world with manoeuvre length k, w = 0,
 * the human corpus as base with per-step probability ε), and the rater of the contrast has
 * detection d above its label boundary d_label. Per k:
 *
 *   - incentive: the exact KL-regularised optimum of the outcome reward (outcome.ts) and of
 *     the rater's label-implied reward (claim 5's `labelImpliedReward`), both at the same β;
 *   - transmission: claim 5's sampled REINFORCE with a KL penalty, from the base, with the
 *     outcome reward as its signal, at budgets multiplier × (1/ε)^k; and the same trainer on
 *     sampled pairwise labels of the contrast rater at the largest budget.
 *
 * Completion is computed exactly from each trained policy's token probabilities.
 */
import { Rng } from "../../rng";
import { meanCI, type Interval } from "../../stats/intervals";
import { softOptimalPolicy, utilityScale } from "../../world";
import type { OnProgress } from "../kit/seeds";
import { cellMetrics, cellRater, exactOptimumCell, labelThreshold, LEARNED_ABSOLUTE, LEARNED_RELATIVE, makeSlice, sampledTrainingCell, type Slice } from "../no-power-seeking";
import { outcomeReward } from "./outcome";
import { wilsonInterval } from "./proportion";

/** Detection rate of the contrast rater: above its label boundary d_label = 0.388 (h = 0.25, β_r = 15). */
export const LABEL_D = 0.5;
/** Unnoticed-step appeal of the contrast rater (claim 5's sampled cells). */
export const LABEL_H = 0.25;

/**
 * Cells whose base completion exceeds this are shown but not decided: there "≥ 10× base"
 * would need a completion above ½ (at k = 1 with ε = 0.2 it is impossible), so the learned
 * rule does not measure learning.
 */
export const MAX_DECIDED_BASE = 0.05;

/** The "learned" rule (claim 5's): completion ≥ 10× base and ≥ 0.01. */
export function learned(completion: number, baseCompletion: number): boolean {
  return completion / baseCompletion >= LEARNED_RELATIVE && completion >= LEARNED_ABSOLUTE;
}

/** The sampled-training settings shared by every cell of (a). */
export interface OutcomeTraining {
  /** ε: the base model's per-step probability. */
  epsilon: number;
  /** g: payoff of a completed manoeuvre in the outcome reward. */
  g: number;
  /** KL coefficient β (exact optima and sampled training). */
  beta: number;
  /** Outputs per update. */
  batch: number;
  /** Plain-SGD learning rate. */
  lr: number;
  /** Contexts per slice. */
  contexts: number;
}

/** The slice of claim 7's cell at manoeuvre length k. */
export function outcomeSlice(k: number, o: Pick<OutcomeTraining, "epsilon" | "contexts">): Slice {
  return makeSlice(k, 0, { contexts: o.contexts, overrides: { corpus: { manoeuvreStepRate: o.epsilon } } });
}

/** Sample budget of a cell: multiplier × (1/ε)^k, at least one batch (the trainer rounds down to whole batches). */
export function cellBudget(k: number, epsilon: number, multiplier: number, batch: number): number {
  return Math.max(batch, Math.round(multiplier * epsilon ** -k));
}

/** Incentive level of one k: both exact optima at the same β. */
export interface IncentiveRow {
  k: number;
  baseCompletion: number;
  /** Whether the cell is decided (base completion ≤ MAX_DECIDED_BASE). */
  decided: boolean;
  outcomeCompletion: number;
  outcomeRatio: number;
  outcomeKl: number;
  /** True utility of the outcome optimum minus the base's (the hidden cost shows here). */
  outcomeTrueUtilityChange: number;
  labelCompletion: number;
  labelRatio: number;
  labelKl: number;
  /** The contrast rater's d and its single-step label boundary. */
  labelD: number;
  dLabel: number;
}

/** The exact optima of one slice (see the module comment). */
export function incentiveRow(slice: Slice, o: OutcomeTraining): IncentiveRow {
  const rater = cellRater(LABEL_D, LABEL_H);
  const opt = softOptimalPolicy(slice.world, slice.base, outcomeReward(slice.world, o.g), o.beta, { entries: slice.entries });
  const m = cellMetrics(slice, opt.table, rater);
  const base = cellMetrics(slice, slice.base, rater);
  const lab = exactOptimumCell(slice, LABEL_D, LABEL_H, o.beta, "label");
  const L = slice.world.config.belief.noticedStepPenalty;
  return {
    k: slice.k,
    baseCompletion: slice.baseCompletion,
    decided: slice.baseCompletion <= MAX_DECIDED_BASE,
    outcomeCompletion: m.completion,
    outcomeRatio: m.completionRatio,
    outcomeKl: m.kl,
    outcomeTrueUtilityChange: m.trueUtility - base.trueUtility,
    labelCompletion: lab.completion,
    labelRatio: lab.completionRatio,
    labelKl: lab.kl,
    labelD: LABEL_D,
    dLabel: labelThreshold(LABEL_H, L, rater.rationality, utilityScale(slice.world.config)),
  };
}

/** Which signal a trained run used. */
export type TrainSignal = "outcome" | "labels";

/** One sampled-training run. */
export interface TrainRow {
  k: number;
  signal: TrainSignal;
  multiplier: number;
  /** Outputs actually sampled. */
  samples: number;
  seed: number;
  baseCompletion: number;
  completion: number;
  completionRatio: number;
  learned: boolean;
  kl: number;
  completionsSeen: number;
  /** Samples up to the first completion (null: censored at `samples`). */
  firstCompletionAt: number | null;
}

/** Runs one cell (k, signal, multiplier) for one seed. Seeds are paired across cells. */
export function trainCell(slice: Slice, o: OutcomeTraining, signal: TrainSignal, multiplier: number, seed: number): TrainRow {
  const samples = cellBudget(slice.k, o.epsilon, multiplier, o.batch);
  const config = { samples, batch: o.batch, lr: o.lr, beta: o.beta, signal: signal === "outcome" ? ("reward" as const) : ("labels" as const) };
  const rng = Rng.fromSeed(seed).fork(`claim7-${signal}-k${slice.k}-m${multiplier}`);
  const r = sampledTrainingCell(slice, LABEL_D, LABEL_H, config, rng, signal === "outcome" ? outcomeReward(slice.world, o.g) : undefined);
  return {
    k: slice.k, signal, multiplier, samples: r.samples, seed, baseCompletion: slice.baseCompletion,
    completion: r.completion, completionRatio: r.completionRatio, learned: learned(r.completion, slice.baseCompletion),
    kl: r.kl, completionsSeen: r.completionsSeen, firstCompletionAt: r.firstCompletionAt,
  };
}

/** Per (k, signal, multiplier): the share of seeds that learned, and the completion ratio. */
export interface CellSummary {
  k: number;
  signal: TrainSignal;
  multiplier: number;
  samples: number;
  /** samples / (1/ε)^k as actually run (the batch minimum can raise it). */
  budgetOverBarrier: number;
  decided: boolean;
  seeds: number;
  learnedShare: Interval;
  ratio: Interval;
  meanKl: number;
}

/** Summaries of the runs (`epsilon` to express budgets in units of (1/ε)^k). */
export function summariseCells(rows: readonly TrainRow[], epsilon: number): CellSummary[] {
  const groups = new Map<string, TrainRow[]>();
  for (const r of rows) {
    const key = `${r.k}|${r.signal}|${r.multiplier}`;
    const g = groups.get(key) ?? [];
    g.push(r);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const r0 = g[0]!;
    const ratios = g.map((r) => r.completionRatio);
    return {
      k: r0.k, signal: r0.signal, multiplier: r0.multiplier, samples: r0.samples,
      budgetOverBarrier: r0.samples * epsilon ** r0.k,
      decided: r0.baseCompletion <= MAX_DECIDED_BASE,
      seeds: g.length,
      learnedShare: wilsonInterval(g.filter((r) => r.learned).length, g.length),
      ratio: g.length >= 2 ? meanCI(ratios) : { estimate: ratios[0]!, lo: NaN, hi: NaN, n: 1 },
      meanKl: g.reduce((a, r) => a + r.kl, 0) / g.length,
    };
  });
}

/** Options of the sweep. */
export interface OutcomeSweep extends OutcomeTraining {
  ks: readonly number[];
  multipliers: readonly number[];
}

/** Everything (a) computes. */
export interface OutcomeResults {
  incentive: IncentiveRow[];
  runs: TrainRow[];
  cells: CellSummary[];
}

/**
 * The incentive rows, then every (k, multiplier, seed) outcome run and, at the largest
 * multiplier, the label runs on the same seeds.
 */
export function outcomeSweep(o: OutcomeSweep, seeds: readonly number[], onProgress?: OnProgress): OutcomeResults {
  const incentive: IncentiveRow[] = [];
  const runs: TrainRow[] = [];
  const total = o.ks.length * seeds.length * (o.multipliers.length + 1);
  let done = 0;
  for (const k of o.ks) {
    const slice = outcomeSlice(k, o);
    incentive.push(incentiveRow(slice, o));
    for (const seed of seeds) runs.push(...seedCells(slice, o, o.multipliers, seed, (label) => onProgress?.(++done, total, `${label}, seed ${seed}`)));
  }
  return { incentive, runs, cells: summariseCells(runs, o.epsilon) };
}

/**
 * One seed's runs in one slice, in the sweep's order: outcome training at every multiplier,
 * then rater-label training at the largest. `onStep` after each run, naming it.
 */
export function seedCells(slice: Slice, o: OutcomeTraining, multipliers: readonly number[], seed: number, onStep?: (label: string) => void): TrainRow[] {
  const top = Math.max(...multipliers);
  const runs: TrainRow[] = [];
  for (const m of multipliers) {
    runs.push(trainCell(slice, o, "outcome", m, seed));
    onStep?.(`outcome, k = ${slice.k}, ${m}×`);
  }
  runs.push(trainCell(slice, o, "labels", top, seed));
  onStep?.(`labels, k = ${slice.k}, ${top}×`);
  return runs;
}
