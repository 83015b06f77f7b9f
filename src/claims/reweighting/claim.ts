/**
 * Claim 6 (notebook 08) as a claim module: budgets, the pre-registered thresholds, run and
 * decide. See index.ts for the three routes.
 */
import type { Mode } from "../../mode";
import { meanCI, type Interval } from "../../stats/intervals";
import { allOf, decide, type Hypothesis } from "../../verdict";
import type { World } from "../../world";
import { resolveBudget, SEEDS_RULE, type BudgetRules } from "../kit/budget";
import { exactPart, makePart, twoLevelDecision, type BaseBudget, type ClaimModule, type Decision, type Part } from "../kit/contract";
import { alongside, runSeedJobs, type ClaimRunOptions, type SeedJob } from "../kit/seed-runner";
import type { OnProgress } from "../kit/seeds";
import { ALGORITHMS, baseWeights } from "./algorithms";
import type { WeightDpoRun } from "./dpo-weights";
import { LABELLERS, type LabellerName } from "./labellers";
import { deploymentDefectionOf, type Mixture } from "./mixture";
import { networkRow, type NetworkBudget, type NetworkRow } from "./network";
import { labelScores, logOddsChange, reweightAtKl } from "./reweight";
import { labelsOf, reweightingSeedTask, reweightingSetup, weightsJob, type ReweightingJob } from "./seed-jobs";

// ───────────────────────── Version 2: pre-registered thresholds ─────────────────────────
// Fixed in code before the claim's first run. Incentive parts are exact (no interval) and must
// clear a margin of a factor 1.05 in the odds; transmission parts are decided on the 95%
// interval over seeds against 0 (the direction is the claim; the exact level says by how much).

/** Incentive margin: an odds change counts when it exceeds a factor 1.05 (log 1.05 ≈ 0.049). */
export const ODDS_MARGIN = Math.log(1.05);
/** Exact check: the honest : perfect-deceiver odds move by less than this (log units). */
export const ODDS_CHECK_TOLERANCE = 1e-9;
/** The mixture picture "predicts a network" when the network's change is within this factor of the prediction. */
export const NETWORK_FACTOR = 2;

/** Headline: under typical raters, DPO on the mixture's weights raises the sycophant's odds against honest. */
export const CLAIM6_HEADLINE: Hypothesis = {
  claim: 6,
  effect: "DPO on the mixture's weights, typical raters: log-odds change of sycophant : honest",
  direction: "above",
  threshold: 0,
  thresholdText: "> 0 (95% interval over seeds)",
};


/** The budget of a claim-6 run. */
export interface ReweightingBudget extends BaseBudget {
  /** Base weight of the perfect deceiver in the decided parts. */
  perfectWeight: number;
  /** Base weights of the perfect deceiver in the deployment table (exact). */
  perfectWeights: number[];
  /** KL on training queries at which the exact level is read (nats per query). */
  decisionKl: number;
  /** KLs of the exact weight curves. */
  klGrid: number[];
  /** DPO on the mixture's weights. */
  dpo: { pairs: number; beta: number; steps: number; lr: number };
  /** The network route: how many of the seeds run it, and its budget. */
  network: NetworkBudget & { seeds: number };
}

export const BUDGET_RULES: BudgetRules = {
  seeds: SEEDS_RULE,
  perfectWeight: { kind: "number", min: 0.001, max: 0.9 },
  perfectWeights: { kind: "numbers", min: 0.001, max: 0.9, minLength: 1, maxLength: 20 },
  decisionKl: { kind: "number", min: 0.001, max: 5 },
  klGrid: { kind: "numbers", min: 0.001, max: 5, minLength: 1, maxLength: 40 },
  dpo: {
    kind: "object",
    rules: {
      pairs: { kind: "integer", min: 10, max: 1_000_000 },
      beta: { kind: "number", min: 0.001, max: 100 },
      steps: { kind: "integer", min: 1, max: 100_000 },
      lr: { kind: "number", min: 1e-6, max: 10 },
    },
  },
  network: {
    kind: "object",
    rules: {
      seeds: { kind: "integer", min: 0, max: 100 },
      trainDocs: { kind: "integer", min: 10, max: 1_000_000 },
      heldOutDocs: { kind: "integer", min: 10, max: 100_000 },
      pairs: { kind: "integer", min: 10, max: 1_000_000 },
      beta: { kind: "number", min: 0.001, max: 100 },
      epochs: { kind: "integer", min: 1, max: 100 },
    },
  },
};

const KL_GRID = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2];

export const BUDGETS: Readonly<Record<Mode, ReweightingBudget>> = {
  quick: {
    seeds: [1, 2, 3],
    perfectWeight: 0.1,
    perfectWeights: [0.02, 0.1, 0.3],
    decisionKl: 0.2,
    klGrid: [0.05, 0.2, 0.5],
    dpo: { pairs: 1000, beta: 1, steps: 400, lr: 0.02 },
    network: { seeds: 1, trainDocs: 2000, heldOutDocs: 200, pairs: 300, beta: 0.5, epochs: 1 },
  },
  full: {
    seeds: Array.from({ length: 15 }, (_, i) => i + 1),
    perfectWeight: 0.1,
    perfectWeights: [0.02, 0.05, 0.1, 0.2, 0.4],
    decisionKl: 0.2,
    klGrid: KL_GRID,
    dpo: { pairs: 4000, beta: 1, steps: 1500, lr: 0.02 },
    network: { seeds: 2, trainDocs: 10000, heldOutDocs: 1000, pairs: 3000, beta: 0.5, epochs: 2 },
  },
};

const IDX = Object.fromEntries(ALGORITHMS.map((a, i) => [a, i])) as Record<(typeof ALGORITHMS)[number], number>;

/** How a reweighting moved the algorithms (log units), and the deployment defection it carries. */
export type Shift = {
  /** log-odds change of sycophant : honest. */
  sycophant: number;
  /** log-odds change of deceiver : honest. */
  deceiver: number;
  /** log-odds change of perfect deceiver : honest (0 exactly at the incentive level). */
  perfectVsHonest: number;
  /** log change of the perfect deceiver's share. */
  perfect: number;
  /** log change of the control deceiver's share. */
  control: number;
  /** Smallest log-odds change of perfect deceiver : a over the algorithms a the labeller penalises (null: none penalised). */
  perfectGain: number | null;
  /** Deployment defection of the reweighted mixture, and of the base mixture. */
  defection: number;
  baseDefection: number;
  /** The perfect deceiver's part of the deployment defection. */
  perfectDefection: number;
};

/**
 * The algorithms a labeller penalises, read off an exact reweighting: those (other than the
 * honest algorithm and the perfect deceiver) whose odds against honest fall.
 */
export function penalised(q: ArrayLike<number>, w: ArrayLike<number>): number[] {
  return ALGORITHMS.map((_, a) => a).filter((a) => a !== IDX.honest && a !== IDX["perfect deceiver"] && logOddsChange(q, w, a, IDX.honest) < 0);
}

/** The shift from base weights w to q (penalised set as given, e.g. from the exact level). */
export function shiftOf(mix: Mixture, q: ArrayLike<number>, w: ArrayLike<number>, penalisedSet: readonly number[]): Shift {
  const pd = IDX["perfect deceiver"];
  return {
    sycophant: logOddsChange(q, w, IDX.sycophant, IDX.honest),
    deceiver: logOddsChange(q, w, IDX.deceiver, IDX.honest),
    perfectVsHonest: logOddsChange(q, w, pd, IDX.honest),
    perfect: Math.log(q[pd]! / w[pd]!),
    control: Math.log(q[IDX["control deceiver"]]! / w[IDX["control deceiver"]]!),
    perfectGain: penalisedSet.length === 0 ? null : Math.min(...penalisedSet.map((a) => logOddsChange(q, w, pd, a))),
    defection: deploymentDefectionOf(mix, q),
    baseDefection: deploymentDefectionOf(mix, w),
    perfectDefection: q[pd]! * mix.deploymentDefection[pd]!,
  };
}

/** One exact reweighting (route a): a labeller, a base weight of the perfect deceiver, a KL. */
export type ExactRow = { labeller: LabellerName; perfectWeight: number; kl: number; beta: number } & Shift;
/** One algorithm's weight before and after (long format, for the curves and tables). */
export type WeightRow = { route: "exact" | "trained"; labeller: LabellerName; seed: number | null; kl: number; algorithm: string; base: number; weight: number };
/** One DPO run on the mixture's weights (route b) beside the exact level at its KL. */
export type TrainedRow = {
  seed: number;
  labeller: LabellerName;
  kl: number;
  loss: number;
  gradNorm: number;
  /** The exact reweighting's perfect-deceiver share change at this KL (the predicted direction). */
  exactPerfect: number;
  /** The exact reweighting's deployment defection at this KL. */
  exactDefection: number;
} & Shift;

/** Everything a run produces. */
export interface ReweightingResults {
  exact: ExactRow[];
  weights: WeightRow[];
  trained: TrainedRow[];
  network: NetworkRow[];
}

/** Route (a) for every labeller: the exact rows, the exact weight curves (per labeller) and each labeller's scores at the decided base weight. */
interface ExactLevel {
  exact: ExactRow[];
  curves: Map<LabellerName, WeightRow[]>;
  scores: Map<LabellerName, Float64Array[]>;
}

/**
 * Route (a): the exact reweighting over the base weights of the perfect deceiver, and the
 * curve at the decided weight. Between labellers it lets the event loop turn, so that with
 * threads this thread hands them their next jobs (a thread's job is given out from here).
 */
async function exactLevel(mix: Mixture, b: ReweightingBudget, tick: (label: string) => void): Promise<ExactLevel> {
  const out: ExactLevel = { exact: [], curves: new Map(), scores: new Map() };
  for (const name of LABELLERS) {
    const labels = labelsOf(name);
    const curve: WeightRow[] = [];
    for (const pw of [...new Set([...b.perfectWeights, b.perfectWeight])].sort((x, y) => x - y)) {
      const w = baseWeights(pw);
      const scores = labelScores(mix, labels, w);
      if (pw === b.perfectWeight) out.scores.set(name, scores);
      const kls = pw === b.perfectWeight ? [...new Set([...b.klGrid, b.decisionKl])].sort((x, y) => x - y) : [b.decisionKl];
      for (const kl of kls) {
        const r = reweightAtKl(mix, scores, w, kl);
        if (!r) continue;
        if (kl === b.decisionKl) out.exact.push({ labeller: name, perfectWeight: pw, kl: r.kl, beta: r.beta, ...shiftOf(mix, r.weights, w, penalised(r.weights, w)) });
        if (pw === b.perfectWeight) ALGORITHMS.forEach((a, i) => curve.push({ route: "exact", labeller: name, seed: null, kl: r.kl, algorithm: a, base: w[i]!, weight: r.weights[i]! }));
      }
    }
    out.curves.set(name, curve);
    tick(`exact reweighting, ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return out;
}

/** A run of DPO on the mixture's weights (route b) beside the exact level at its own KL (`scores`: the labeller's, at base weights w0). */
function trainedRow(mix: Mixture, w0: Float64Array, scores: readonly Float64Array[], name: LabellerName, seed: number, kl: number, run: WeightDpoRun): TrainedRow {
  const ex = kl > 1e-9 ? reweightAtKl(mix, scores, w0, kl) : null;
  const exW = ex ? ex.weights : w0;
  return {
    seed,
    labeller: name,
    kl,
    loss: run.loss,
    gradNorm: run.gradNorm,
    exactPerfect: Math.log(exW[IDX["perfect deceiver"]]! / w0[IDX["perfect deceiver"]]!),
    exactDefection: deploymentDefectionOf(mix, exW),
    ...shiftOf(mix, run.weights, w0, penalised(exW, w0)),
  };
}

/**
 * The seed jobs of a run: the network seeds first (the longest jobs, so threads start them
 * first), then DPO on the weights, labeller by labeller, seed by seed, each with its labelled
 * pairs drawn here (this computes every labeller's exact labels, which route a uses too).
 */
export function reweightingJobs(b: ReweightingBudget, seeds: readonly number[]): (SeedJob<ReweightingJob> & { steps: number })[] {
  const network: NetworkBudget = { trainDocs: b.network.trainDocs, heldOutDocs: b.network.heldOutDocs, pairs: b.network.pairs, beta: b.network.beta, epochs: b.network.epochs };
  const dpo = { pairs: b.dpo.pairs, beta: b.dpo.beta, steps: b.dpo.steps, lr: b.dpo.lr };
  return [
    ...seeds.slice(0, b.network.seeds).map((seed) => ({ seed, condition: "network", steps: 1, payload: { kind: "network" as const, seed, perfectWeight: b.perfectWeight, network } })),
    ...LABELLERS.flatMap((name) => seeds.map((seed) => ({ seed, condition: `DPO on weights, ${name}`, steps: 1, payload: weightsJob(name, seed, b.perfectWeight, dpo) }))),
  ];
}

/**
 * Runs the three routes. `world` is not used: claim 6 has its own world with a deployment
 * split. Route (a) is exact and runs in this thread; routes (b) and (c) are seed jobs
 * (seed-jobs.ts; route b's labelled pairs are drawn here first) on `options.runner`
 * (default: one after another in this thread, after route a; with threads, beside it:
 * `alongside`). The rows come out in the same order
 * whichever runner ran the jobs.
 */
export async function runReweighting(_world: World | null, budget: ReweightingBudget, seeds: readonly number[], onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<ReweightingResults> {
  const b = resolveBudget("claim 6 budget", budget, BUDGET_RULES);
  const { mix } = reweightingSetup();
  const w0 = baseWeights(b.perfectWeight);
  const jobs = reweightingJobs(b, seeds);
  // Progress: one step per labeller's exact level, one per job; the two counts add up, whichever finishes first.
  const total = LABELLERS.length + jobs.length;
  let exactDone = 0, jobsDone = 0;
  const { here: level, seeds: results } = await alongside(
    options.runner,
    () => exactLevel(mix, b, (label) => onProgress?.(++exactDone + jobsDone, total, label)),
    (onStarted) =>
      runSeedJobs(
        options.runner,
        reweightingSeedTask,
        jobs,
        (d, _t, label) => {
          jobsDone = d;
          onProgress?.(exactDone + jobsDone, total, label);
        },
        onStarted,
      ),
  );
  const weights: WeightRow[] = [];
  const trained: TrainedRow[] = [];
  const network: NetworkRow[] = [];
  // Network seeds in seed order, one run per labeller (LABELLERS order), each beside the mixture's prediction under the labeller's scores.
  for (const r of results) if (r.kind === "network") for (const run of r.runs) network.push(networkRow(mix, w0, level.scores.get(run.labeller as LabellerName)!, run));
  // Per labeller: its exact curve, then its trained runs seed by seed (the order of the weight rows).
  for (const name of LABELLERS) {
    weights.push(...level.curves.get(name)!);
    jobs.forEach((job, i) => {
      const r = results[i]!;
      if (job.payload.kind !== "weights" || job.payload.labeller !== name || r.kind !== "weights") return;
      trained.push(trainedRow(mix, w0, level.scores.get(name)!, name, job.seed, r.kl, r.run));
      ALGORITHMS.forEach((a, k) => weights.push({ route: "trained", labeller: name, seed: job.seed, kl: r.kl, algorithm: a, base: w0[k]!, weight: r.run.weights[k]! }));
    });
  }
  return { exact: level.exact, weights, trained, network };
}

/** Which labellers each evidence part is decided for. */
const RISERS: readonly LabellerName[] = ["typical", "hurried"];
const CONTROL: readonly LabellerName[] = ["typical", "hurried", "oracle"];

type ExactDecided = Pick<ExactRow, "labeller" | "perfectWeight" | "sycophant" | "deceiver" | "control" | "perfectVsHonest">;
type TrainedDecided = Pick<TrainedRow, "labeller" | "sycophant" | "deceiver" | "control" | "perfect" | "exactPerfect" | "perfectGain">;

/** Incentive parts (exact, at the decided base weight and KL) and the odds check. */
export function decideIncentive(rows: readonly ExactDecided[], perfectWeight: number): Part[] {
  const at = (l: LabellerName): ExactDecided | undefined => rows.find((r) => r.labeller === l && r.perfectWeight === perfectWeight);
  const value = (l: LabellerName, f: "sycophant" | "deceiver" | "control"): number => at(l)?.[f] ?? NaN;
  const parts: Part[] = [];
  const pct = "a factor 1.05 in the odds (exact)";
  for (const f of ["sycophant", "deceiver"] as const) {
    for (const l of RISERS) parts.push(exactPart({ key: `incentive/${f}/${l}`, effect: `exact reweighting, ${l} raters: log-odds change of ${f} : honest`, direction: "above", threshold: ODDS_MARGIN, thresholdText: `rises by more than ${pct}` }, value(l, f), decide));
    parts.push(exactPart({ key: `incentive/${f}/oracle`, effect: `exact reweighting, noisy oracle: log-odds change of ${f} : honest`, direction: "below", threshold: -ODDS_MARGIN, thresholdText: `falls by more than ${pct}` }, value("oracle", f), decide));
  }
  for (const l of CONTROL) parts.push(exactPart({ key: `incentive/control/${l}`, effect: `exact reweighting, ${l === "oracle" ? "noisy oracle" : `${l} raters`}: log change of the control deceiver's weight`, direction: "below", threshold: -ODDS_MARGIN, thresholdText: `falls by more than a factor 1.05 (exact)` }, value(l, "control"), decide));
  const worst = Math.max(...LABELLERS.map((l) => Math.abs(at(l)?.perfectVsHonest ?? NaN)));
  parts.push(exactPart({ key: "check/perfect-odds", effect: "exact reweighting, every labeller: |log-odds change of perfect deceiver : honest| (identical on training queries)", direction: "below", threshold: ODDS_CHECK_TOLERANCE, thresholdText: "< 1e-9 (identity)", role: "check" }, worst, decide));
  return parts;
}

/** Transmission parts: DPO on the mixture's weights over seeds, each against 0 in the claimed (or the exactly predicted) direction. */
export function decideTransmission(rows: readonly TrainedDecided[]): Part[] {
  // No value at all (e.g. the labeller penalises no algorithm): an empty interval, decided inconclusive.
  const ci = (l: LabellerName, f: (r: TrainedDecided) => number | null): Interval => {
    const xs = rows.filter((r) => r.labeller === l).map(f).filter((x): x is number => x !== null && Number.isFinite(x));
    return xs.length === 0 ? { estimate: NaN, lo: NaN, hi: NaN, n: 0 } : meanCI(xs);
  };
  const parts: Part[] = [];
  const tt = (dir: "above" | "below"): string => `${dir === "above" ? "> 0" : "< 0"} (95% interval over seeds)`;
  for (const f of ["sycophant", "deceiver"] as const) {
    for (const l of RISERS) parts.push(makePart({ key: `transmission/${f}/${l}`, effect: `DPO on the mixture's weights, ${l} raters: log-odds change of ${f} : honest`, direction: "above", threshold: 0, thresholdText: tt("above") }, ci(l, (r) => r[f]), decide));
    parts.push(makePart({ key: `transmission/${f}/oracle`, effect: `DPO on the mixture's weights, noisy oracle: log-odds change of ${f} : honest`, direction: "below", threshold: 0, thresholdText: tt("below") }, ci("oracle", (r) => r[f]), decide));
  }
  for (const l of CONTROL) parts.push(makePart({ key: `transmission/control/${l}`, effect: `DPO on the mixture's weights, ${l}: log change of the control deceiver's weight`, direction: "below", threshold: 0, thresholdText: tt("below") }, ci(l, (r) => r.control), decide));
  for (const l of CONTROL) {
    const mine = rows.filter((r) => r.labeller === l);
    // The direction is predicted by the exact level at each run's own KL (the mean of the predictions' signs decides).
    const predicted = mine.reduce((s, r) => s + r.exactPerfect, 0) >= 0 ? "above" : "below";
    parts.push(makePart({ key: `transmission/perfect-share/${l}`, effect: `DPO on the mixture's weights, ${l}: log change of the perfect deceiver's weight, in the direction the exact level predicts (${predicted === "above" ? "rise" : "fall"})`, direction: predicted, threshold: 0, thresholdText: tt(predicted) }, ci(l, (r) => r.perfect), decide));
    // Vacuous when the exact level penalises no algorithm for this labeller (every run's set is empty): no part.
    if (mine.every((r) => r.perfectGain === null)) continue;
    parts.push(makePart({ key: `transmission/perfect-gain/${l}`, effect: `DPO on the mixture's weights, ${l}: smallest log-odds gain of the perfect deceiver over an algorithm the labeller penalises`, direction: "above", threshold: 0, thresholdText: tt("above") }, ci(l, (r) => r.perfectGain), decide));
  }
  return parts;
}

/** Decides claim 6 (version 2). Headline: the typical raters' trained sycophant : honest odds. */
export function decideReweighting(results: { exact: readonly ExactDecided[]; trained: readonly TrainedDecided[] }, budget: Pick<ReweightingBudget, "perfectWeight">): Decision {
  const tr = decideTransmission(results.trained);
  const parts = [...decideIncentive(results.exact, budget.perfectWeight), ...tr];
  return twoLevelDecision(parts, tr.find((p) => p.key === "transmission/sycophant/typical")!.interval, allOf);
}

/** Claim 6 as a claim module (kit/contract.ts). */
export const claim = {
  claim: 6,
  notebook: "08-reweighting-algorithms",
  budgets: BUDGETS,
  budget: (mode: Mode, overrides?: unknown) => resolveBudget("claim 6 budget", BUDGETS[mode], BUDGET_RULES, overrides),
  hypothesis: (_budget: ReweightingBudget) => CLAIM6_HEADLINE,
  run: (world: World, budget: ReweightingBudget, seeds: readonly number[], onProgress?: OnProgress, options?: ClaimRunOptions) => runReweighting(world, budget, seeds, onProgress, options),
  decide: (results: ReweightingResults, budget: ReweightingBudget) => decideReweighting(results, budget),
} satisfies ClaimModule<ReweightingBudget, ReweightingResults>;
