/**
 * Claim 4 (notebook 06): complex capabilities need shaping.
 *
 * A behaviour of k coordinated steps (the manoeuvre P1…Pk) is fine-tuned from the base
 * policy by REINFORCE, either with credit only on completion ("sparse": reward [prefix = k])
 * or with credit for recognised partial progress ("shaped": reward prefix/k — the
 * return of potential-based shaping with potential Φ = prefix/k, Ng et al. 1999, except
 * that partial prefixes keep their credit at the end).
 *
 * The policy is a residual tabular softmax for one query context,
 *     π(a | pos, s) ∝ π_base(a | pos, s) · exp(θ[pos, s, a]),   θ = 0 at the start,
 * so it starts exactly at the base (the human corpus, per-step probability ε) and keeps the
 * base's zeros. Sequences are sampled token by token from the current policy (no shortcut:
 * before the first success the sparse gradient is exactly zero and the policy does not
 * move, so the first-success time is a geometric draw with rate ε^k, and the sampler makes
 * that draw the honest way). Updates are plain SGD on the batch's summed REINFORCE
 * gradient with the batch-mean reward as baseline (CLAIMS.md: plain SGD for tabular
 * policies).
 *
 * Runs that hit the sample budget are returned as censored, never as successes; the
 * per-k rate of first success is estimated by events per exposure (the censoring-aware
 * maximum-likelihood rate of a geometric time), and its log is fitted against k.
 */
import { ConfigError } from "../errors";
import { Rng } from "../rng";
import { linearFit, meanCI, type Interval } from "../stats/intervals";
import type { Hypothesis } from "../verdict";
import { allOf, decide } from "../verdict";
import { corpusTable, createWorld, type DeepPartial, type World, type WorldConfig } from "../world";
import { ResidualTabularPolicy } from "../policy/residual-tabular";
import { trainReinforceToTarget } from "../train/reinforce";
import { checkField, resolveBudget, SEEDS_RULE, type BudgetRules } from "./kit/budget";
import { makePart, twoLevelDecision, type BaseBudget, type ClaimModule, type Decision, type Part } from "./kit/contract";
import type { OnProgress } from "./kit/seeds";
import { keepLast, runSeedJobs, seedTask, type ClaimRunOptions } from "./kit/seed-runner";
import type { Mode } from "../mode";

/** Reward schemes: credit on completion only, or for each recognised in-order step. */
export type Credit = "sparse" | "shaped";

/** Reward of a final manoeuvre prefix m out of k. */
export const CREDIT: Record<Credit, (m: number, k: number) => number> = {
  sparse: (m, k) => (m === k ? 1 : 0),
  shaped: (m, k) => m / k,
};

/** Both credit schemes, in the order the sweep runs them. */
export const CREDITS: readonly Credit[] = ["sparse", "shaped"];

/** Configuration of one shaping run. */
export interface ShapingConfig {
  /** Manoeuvre length k. */
  k: number;
  /** Credit scheme. */
  credit: Credit;
  /** ε: the base model's per-step probability (corpus `manoeuvreStepRate`). */
  epsilon: number;
  /** Sequences per update batch. */
  batch: number;
  /** SGD learning rate on the residual logits (summed, not averaged, over the batch). */
  lr: number;
  /** Target success rate: the run stops when the exact completion probability reaches it. */
  target: number;
  /** Budget: at most this many sampled sequences; a run that reaches it is censored. */
  maxSamples: number;
  /** Index of the (fixed) query context the policy answers. */
  context: number;
}

/** Defaults: ε = 0.1 (the world's), batches of 16, rate 1, target 0.5. */
export const DEFAULT_SHAPING: ShapingConfig = { k: 3, credit: "sparse", epsilon: 0.1, batch: 16, lr: 1, target: 0.5, maxSamples: 5e6, context: 0 };

/** The rules every shaping field is checked against (finite bounds: every run ends). */
const RUN_RULES = {
  epsilon: { kind: "number", min: 0.001, max: 0.9 },
  batch: { kind: "integer", min: 2, max: 4096 },
  lr: { kind: "number", min: 1e-6, max: 100 },
  target: { kind: "number", min: 0.001, max: 0.999 },
  maxSamples: { kind: "integer", min: 1, max: 1e8 },
} as const satisfies BudgetRules;

/** Rules of one run's config: the run fields plus k, the credit scheme and the context. */
export const SHAPING_RULES: BudgetRules = {
  k: { kind: "integer", min: 1, max: 6 },
  credit: { kind: "oneOf", options: CREDITS },
  ...RUN_RULES,
  context: { kind: "integer", min: 0, max: 1000 },
};

/** The outcome of one run. */
export interface ShapingRun {
  k: number;
  credit: Credit;
  /** Sequences sampled up to and including the first completed one (or the budget, if censored). */
  samplesToFirst: number;
  /** No completion within the budget. */
  firstCensored: boolean;
  /** Sequences sampled until the exact completion probability reached the target (or the budget). */
  samplesToTarget: number;
  /** The target was not reached within the budget. */
  targetCensored: boolean;
  /** Updates (batches with a non-zero gradient) until the target. */
  updates: number;
  /** Exact base completion probability (ε^k) in this context. */
  baseCompletion: number;
  /** Exact completion probability at the end of the run. */
  finalCompletion: number;
}

/** One row of the sweep: a run and its seed. */
export type ShapingRow = { seed: number } & ShapingRun;

/** A world with manoeuvre length k and per-step probability ε (everything else default, or `overrides`). */
export function shapingWorld(k: number, epsilon: number, overrides: DeepPartial<WorldConfig> = {}): World {
  return createWorld({ ...overrides, manoeuvreLength: k, corpus: { ...(overrides.corpus ?? {}), manoeuvreStepRate: epsilon } });
}

/**
 * The residual tabular policy of one query context, starting at the human corpus
 * (policy/residual-tabular.ts with a single context and no shared part).
 */
export function shapingPolicy(world: World, contextIndex: number): ResidualTabularPolicy {
  const space = world.space;
  const ctx = world.contexts[contextIndex];
  if (!ctx) throw new ConfigError("context", contextIndex, `an index in [0, ${world.contexts.length - 1}]`);
  const table = corpusTable(world);
  const machine = { vocabSize: space.vocabSize, endToken: space.endToken, maxLen: space.maxLen, numStates: space.states.length, initialState: space.initialState().index, transitions: space.transitions };
  return new ResidualTabularPolicy({ machine, contexts: 1, shared: false, base: (_c, pos, si) => (space.states[si]!.ended ? null : table(ctx, pos, space.states[si]!)) });
}

/** Whether a final state completes the world's manoeuvre. */
export function completes(world: World): (state: number) => boolean {
  const k = world.vocab.steps;
  return (si) => world.space.states[si]!.progress === k;
}

/** One REINFORCE run from the base (config checked before any work); see the module comment. */
export function runShaping(config: Partial<ShapingConfig>, rng: Rng, world?: World): ShapingRun {
  const c = resolveBudget<ShapingConfig>("runShaping", DEFAULT_SHAPING, SHAPING_RULES, config);
  const w = world ?? shapingWorld(c.k, c.epsilon);
  const policy = shapingPolicy(w, c.context);
  const reward = CREDIT[c.credit];
  const success = completes(w);
  const baseCompletion = policy.endProbability(0, success);
  const states = w.space.states;
  const r = trainReinforceToTarget(policy, c, { reward: (si) => reward(states[si]!.progress, c.k), success }, rng.fork("sampling"));
  return { k: c.k, credit: c.credit, samplesToFirst: r.samplesToFirst, firstCensored: r.firstCensored, samplesToTarget: r.samplesToTarget, targetCensored: r.targetCensored, updates: r.updates, baseCompletion, finalCompletion: r.finalCompletion };
}

/** Options of the k sweep. */
export interface ShapingSweep {
  ks: readonly number[];
  credits: readonly Credit[];
  seeds: readonly number[];
  config?: Partial<ShapingConfig>;
  /** The world's config, overridden per k (default: the defaults). */
  worldConfig?: DeepPartial<WorldConfig>;
}

/** Every (credit, k, seed) run, as rows. Seeds are paired across credits and k. Options are checked before any work. */
export function shapingSweep(o: ShapingSweep, onProgress?: OnProgress): ShapingRow[] {
  checkField("shapingSweep.ks", o.ks, BUDGET_RULES["ks"]!);
  checkField("shapingSweep.credits", o.credits, { kind: "subset", options: CREDITS, minLength: 1 });
  checkField("shapingSweep.seeds", o.seeds, SEEDS_RULE);
  resolveBudget("shapingSweep.config", DEFAULT_SHAPING, SHAPING_RULES, o.config ?? {});
  const rows: ShapingRow[] = [];
  const total = o.ks.length * o.credits.length * o.seeds.length;
  let done = 0;
  for (const k of o.ks) {
    const world = shapingWorld(k, o.config?.epsilon ?? DEFAULT_SHAPING.epsilon, o.worldConfig);
    for (const credit of o.credits)
      for (const seed of o.seeds) {
        const r = runShaping({ ...o.config, k, credit }, Rng.fromSeed(seed).fork(`shaping-k${k}`), world);
        rows.push({ seed, ...r });
        onProgress?.(++done, total, `${credit}, k = ${k}, seed ${seed}`);
      }
  }
  return rows;
}

/** One (credit, k, seed) run as a job (plain data): the run's settings, the seed and the world config each k's world overrides. */
export interface ShapingPayload {
  k: number;
  credit: Credit;
  seed: number;
  config: Partial<ShapingConfig>;
  worldConfig: DeepPartial<WorldConfig>;
}

/** The world of a job's k (a pure function of k, ε and the overrides), kept for the thread's next job of the same k. */
const keptShapingWorld = keepLast(shapingWorld);
function jobWorld(p: ShapingPayload): World {
  return keptShapingWorld(p.k, p.config.epsilon ?? DEFAULT_SHAPING.epsilon, p.worldConfig);
}

/** One run of the sweep as a job a worker thread can run (stream `Rng.fromSeed(seed).fork("shaping-k…")`, as in {@link shapingSweep}). */
export const shapingSeedTask = seedTask("complexityNeedsShaping.shapingSeedTask", (p: ShapingPayload): ShapingRow => ({
  seed: p.seed,
  ...runShaping({ ...p.config, k: p.k, credit: p.credit }, Rng.fromSeed(p.seed).fork(`shaping-k${p.k}`), jobWorld(p)),
}));

/**
 * {@link shapingSweep} with every run a job on `options.runner` (default: one after another
 * in this thread). Jobs go out largest k first (the longest runs), and the rows come back
 * in the sweep's order (k, credit, seed), equal to `shapingSweep`'s. Options are checked
 * before any work; `onProgress` counts runs.
 */
export async function runShapingSweep(o: ShapingSweep, onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<ShapingRow[]> {
  checkField("shapingSweep.ks", o.ks, BUDGET_RULES["ks"]!);
  checkField("shapingSweep.credits", o.credits, { kind: "subset", options: CREDITS, minLength: 1 });
  checkField("shapingSweep.seeds", o.seeds, SEEDS_RULE);
  resolveBudget("shapingSweep.config", DEFAULT_SHAPING, SHAPING_RULES, o.config ?? {});
  const runs = o.ks.flatMap((k) => o.credits.flatMap((credit) => o.seeds.map((seed) => ({ k, credit, seed }))));
  const order = runs.map((_, i) => i).sort((a, b) => runs[b]!.k - runs[a]!.k || a - b);
  const config = { ...(o.config ?? {}) };
  const worldConfig = o.worldConfig ?? {};
  const jobs = order.map((i) => {
    const { k, credit, seed } = runs[i]!;
    return { seed, condition: `${credit}, k = ${k}`, payload: { k, credit, seed, config, worldConfig } };
  });
  const done = await runSeedJobs(options.runner, shapingSeedTask, jobs, onProgress);
  const rows: ShapingRow[] = new Array(runs.length);
  order.forEach((run, j) => (rows[run] = done[j]!));
  return rows;
}

/** What {@link firstSuccessRates} reads of a run. */
export type RateInput = Pick<ShapingRow, "credit" | "k"> & Partial<Pick<ShapingRow, "samplesToFirst" | "firstCensored" | "samplesToTarget" | "targetCensored">>;

/** Events per exposure of one (credit, k). Null where no run had an event. */
export type RateRow = {
  credit: Credit;
  k: number;
  runs: number;
  events: number;
  censored: number;
  exposure: number;
  meanTime: number | null;
  logTime: number | null;
  logTime_lo: number | null;
  logTime_hi: number | null;
};

/**
 * Events per exposure for each (credit, k): the rate of first success is
 * (#runs with a success) / (total samples, censored runs' exposure included), the
 * maximum-likelihood rate of a geometric time under right-censoring. Returns mean time 1/rate,
 * its log, and how many runs were censored.
 */
export function firstSuccessRates(rows: readonly RateInput[], which: "First" | "Target" = "First"): RateRow[] {
  const groups = new Map<string, RateInput[]>();
  for (const r of rows) {
    const key = `${r.credit}|${r.k}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const censoredOf = (r: RateInput) => (which === "First" ? r.firstCensored : r.targetCensored);
  const timeOf = (r: RateInput) => (which === "First" ? r.samplesToFirst : r.samplesToTarget) ?? NaN;
  const out: RateRow[] = [];
  for (const rs of groups.values()) {
    const events = rs.filter((r) => !censoredOf(r)).length;
    const exposure = rs.reduce((s, r) => s + timeOf(r), 0);
    const rate = events > 0 ? events / exposure : null;
    // Approximate 95% interval for log(rate) from the Poisson count of events (±1.96/√events).
    const half = events > 0 ? 1.96 / Math.sqrt(events) : null;
    out.push({
      credit: rs[0]!.credit,
      k: rs[0]!.k,
      runs: rs.length,
      events,
      censored: rs.length - events,
      exposure,
      meanTime: rate === null ? null : 1 / rate,
      logTime: rate === null ? null : -Math.log(rate),
      logTime_lo: rate === null ? null : -Math.log(rate) - half!,
      logTime_hi: rate === null ? null : -Math.log(rate) + half!,
    });
  }
  return out.sort((a, b) => String(a.credit).localeCompare(String(b.credit)) || a.k - b.k);
}

/**
 * Claim 4, version 2, headline and evidence part 1 (transmission): the growth rate in k of
 * ln(samples to first success) with shaped credit, divided by the growth rate with sparse
 * credit (least-squares slopes of the censoring-aware ln mean times against k), is below ½:
 * shaping at least halves the exponent of the growth. Interval: percentile bootstrap over
 * seeds (paired: a resampled seed brings all its k and both credits).
 */
export const CLAIM4_GROWTH_RATIO: Hypothesis = {
  claim: 4,
  effect: "growth rate in k of ln(samples to first success), shaped over sparse credit",
  direction: "below",
  threshold: 0.5,
  thresholdText: "< 0.5 (shaping at least halves the exponential growth rate)",
};

/**
 * Claim 4, version 2, evidence part 2 (transmission): at the largest k, sparse credit needs
 * more than 10 times as many samples to the first success as shaped credit
 * (log10 of the ratio of censoring-aware mean times; bootstrap interval over seeds).
 */
export const CLAIM4_COST_RATIO: Hypothesis = {
  claim: 4,
  effect: "log10(sparse / shaped mean samples to first success) at the largest k",
  direction: "above",
  threshold: 1,
  thresholdText: "> 1 (sparse needs more than 10× the samples)",
};

/**
 * Check of the simulator (role "check", never in the verdict): before the first success the
 * sparse gradient is exactly zero, so the first-success time is a geometric draw at the base
 * probability ε^k and the sparse slope of ln time against k, divided by log(1/ε), lies in
 * [0.75, 1.33] (version 1's headline, now a check).
 */
export const CLAIM4_SPARSE_SLOPE: Hypothesis = {
  claim: 4,
  effect: "check: slope of ln(samples to first success) vs k, sparse credit, divided by log(1/ε)",
  direction: "above",
  threshold: 0.75,
  thresholdText: "interval inside [0.75, 1.33] (geometric first success at the base rate ε^k)",
};

/** The upper bound of the same ratio (checked with CLAIM4_SPARSE_SLOPE). */
export const CLAIM4_SPARSE_SLOPE_UPPER: Hypothesis = { ...CLAIM4_SPARSE_SLOPE, direction: "below", threshold: 1.33, thresholdText: "< 1.33" };

/** Version of claim 4's pre-registration decided by {@link decideClaim}. */
export const CLAIM4_VERSION = 2;

/** Seed of the bootstrap's resampling stream (fixed: the decision is a pure function of the rows). */
export const BOOTSTRAP_SEED = 4;

/** The fits behind claim 4's parts and its reading. */
export interface ShapingFits {
  /** Slope of ln(samples to first success) against k, sparse credit (OLS over the pooled rates, interval from the fit). */
  sparseSlope: Interval;
  /** The same divided by log(1/ε) (the check). */
  slopeRatio: Interval;
  /** Shaped slope divided by log(1/ε) (descriptive). */
  shapedSlopeRatio: Interval;
  /** Evidence: shaped over sparse growth rate (point from all seeds, percentile bootstrap interval over seeds). */
  growthRatio: Interval;
  /** Evidence: log10(sparse / shaped mean samples to first success) at the largest k (bootstrap interval). */
  costRatio: Interval;
  /** Descriptive: the shaped time's power-law exponent in k. */
  shapedExponent: Interval;
  /** Descriptive: a straight line through the shaped mean times. */
  shapedLinear: { slope: Interval; r2: number } | null;
  /** Descriptive: log10(sparse / shaped samples to reach the target rate) at the largest k, per seed. */
  gap: Interval;
}

/** Point estimates of the two evidence quantities from a set of runs (see {@link growthEstimates}). */
export interface GrowthEstimates {
  sparseSlope: number;
  shapedSlope: number;
  /** shapedSlope / sparseSlope. */
  growthRatio: number;
  /** log10(sparse / shaped mean time) at the largest k. */
  costRatio: number;
}

/** Least-squares slope of y on x (NaN with fewer than two distinct x). */
function slopeOf(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (new Set(x).size < 2) return NaN;
  const mx = x.reduce((a, v) => a + v, 0) / n, my = y.reduce((a, v) => a + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/**
 * The evidence quantities from runs: per (credit, k) the censoring-aware rate of first
 * success, events / exposure (a group with no event uses ½ event, a continuity correction
 * that keeps a fully censored group's time finite and, if anything, understates it); the
 * least-squares slope of ln(1/rate) against k per credit; their ratio; and the log10 ratio
 * of mean times at the largest k.
 */
export function growthEstimates(rows: readonly RateInput[]): GrowthEstimates {
  const rates = firstSuccessRates(rows);
  const lnTime = (r: RateRow) => Math.log(r.exposure / Math.max(r.events, 0.5));
  const of = (credit: Credit) => rates.filter((r) => r.credit === credit);
  const sp = of("sparse"), sh = of("shaped");
  const sparseSlope = slopeOf(sp.map((r) => r.k), sp.map(lnTime));
  const shapedSlope = slopeOf(sh.map((r) => r.k), sh.map(lnTime));
  const kMax = Math.max(...rates.map((r) => r.k));
  const spMax = sp.find((r) => r.k === kMax), shMax = sh.find((r) => r.k === kMax);
  const costRatio = spMax && shMax ? (lnTime(spMax) - lnTime(shMax)) / Math.LN10 : NaN;
  return { sparseSlope, shapedSlope, growthRatio: shapedSlope / sparseSlope, costRatio };
}

/**
 * Percentile bootstrap over seeds (paired: a drawn seed brings all its runs, every k and both
 * credits): `resamples` draws from `rng`, each recomputing {@link growthEstimates}; returns
 * the 2.5% and 97.5% quantiles of each quantity (n = number of seeds).
 */
export function bootstrapGrowth(rows: readonly ShapingRow[], resamples: number, rng: Rng): { growthRatio: [number, number]; costRatio: [number, number] } {
  const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
  const bySeed = new Map(seeds.map((s) => [s, rows.filter((r) => r.seed === s)]));
  const g: number[] = [], c: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const draw: ShapingRow[] = [];
    for (let j = 0; j < seeds.length; j++) draw.push(...bySeed.get(seeds[rng.int(seeds.length)]!)!);
    const e = growthEstimates(draw);
    g.push(e.growthRatio);
    c.push(e.costRatio);
  }
  const q = (xs: number[]): [number, number] => {
    const f = xs.filter(Number.isFinite).sort((a, b) => a - b);
    if (f.length < xs.length || f.length === 0) return [NaN, NaN];
    const at = (p: number) => f[Math.min(f.length - 1, Math.max(0, Math.round(p * (f.length - 1))))]!;
    return [at(0.025), at(0.975)];
  };
  return { growthRatio: q(g), costRatio: q(c) };
}

/** Fits for claim 4 from sweep rows (`resamples` bootstrap draws on a fixed stream, {@link BOOTSTRAP_SEED}). */
export function shapingFits(rows: readonly ShapingRow[], epsilon: number, resamples = 2000): ShapingFits {
  const rates = firstSuccessRates(rows);
  const withTime = (credit: Credit) => rates.filter((r): r is RateRow & { logTime: number; meanTime: number } => r.credit === credit && r.logTime !== null);
  const sparse = withTime("sparse");
  const shaped = withTime("shaped");
  const nan: Interval = { estimate: NaN, lo: NaN, hi: NaN, n: 0 };
  const fitOrNaN = (xs: number[], ys: number[]) => (xs.length >= 3 ? linearFit(xs, ys).slope : nan);
  const sparseSlope = fitOrNaN(sparse.map((r) => r.k), sparse.map((r) => r.logTime));
  const L = Math.log(1 / epsilon);
  const slopeRatio = { estimate: sparseSlope.estimate / L, lo: sparseSlope.lo / L, hi: sparseSlope.hi / L, n: sparseSlope.n };
  const shapedSlope = fitOrNaN(shaped.map((r) => r.k), shaped.map((r) => r.logTime));
  const shapedSlopeRatio = { estimate: shapedSlope.estimate / L, lo: shapedSlope.lo / L, hi: shapedSlope.hi / L, n: shapedSlope.n };
  // Evidence: growth-rate ratio and cost ratio, with a paired bootstrap over seeds.
  const nSeeds = new Set(rows.map((r) => r.seed)).size;
  const point = growthEstimates(rows);
  const boot = nSeeds >= 2 ? bootstrapGrowth(rows, resamples, Rng.fromSeed(BOOTSTRAP_SEED).fork("bootstrap")) : { growthRatio: [NaN, NaN] as [number, number], costRatio: [NaN, NaN] as [number, number] };
  const growthRatio: Interval = { estimate: point.growthRatio, lo: boot.growthRatio[0], hi: boot.growthRatio[1], n: nSeeds };
  const costRatio: Interval = { estimate: point.costRatio, lo: boot.costRatio[0], hi: boot.costRatio[1], n: nSeeds };
  // Descriptive only: the power-law exponent and a straight-line fit of the mean time.
  const shapedExponent = fitOrNaN(shaped.map((r) => Math.log(r.k)), shaped.map((r) => r.logTime));
  const shapedLinear = shaped.length >= 3 ? (() => { const f = linearFit(shaped.map((r) => r.k), shaped.map((r) => r.meanTime)); return { slope: f.slope, r2: f.r2 }; })() : null;
  // Descriptive: per seed, log10(sparse/shaped) samples to target at the largest k (censored sparse runs count at the budget: a lower bound).
  const kMax = Math.max(...rows.map((r) => r.k));
  const bySeed = (credit: Credit) => new Map(rows.filter((r) => r.k === kMax && r.credit === credit).map((r) => [r.seed, r]));
  const sp = bySeed("sparse");
  const sh = bySeed("shaped");
  const diffs: number[] = [];
  for (const [seed, r] of sp) {
    const s = sh.get(seed);
    if (!s || s.targetCensored) continue;
    diffs.push(Math.log10(r.samplesToTarget / s.samplesToTarget));
  }
  const gap = diffs.length >= 2 ? meanCI(diffs) : nan;
  return { sparseSlope, slopeRatio, shapedSlopeRatio, growthRatio, costRatio, shapedExponent, shapedLinear, gap };
}

/**
 * Why claim 4 has no incentive level: the exact KL-regularised optimum of the sparse reward
 * [completed] reweights only the completion event, so it is the least-KL policy that
 * completes with probability `p` from a base that completes with probability `q`, and its
 * KL is the Bernoulli divergence p·ln(p/q) + (1−p)·ln((1−p)/(1−q)) — for q = ε^k it grows
 * linearly in k (≈ p·k·ln(1/ε)). The exact optimum needs no exploration; the exponential
 * cost exists only for sampled training.
 */
export function minKlForCompletion(q: number, p: number): number {
  if (!(q > 0 && q < 1)) throw new ConfigError("minKlForCompletion q", q, "a probability in (0, 1)");
  if (!(p > 0 && p < 1)) throw new ConfigError("minKlForCompletion p", p, "a probability in (0, 1)");
  return p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
}

// ───────────────────────── The claim contract ─────────────────────────

/** Claim 4's budget: seeds, manoeuvre lengths, the run settings and the bootstrap. */
export interface ShapingBudget extends BaseBudget {
  /** Manoeuvre lengths k swept. */
  ks: number[];
  /** ε: the base model's per-step probability. */
  epsilon: number;
  /** Sequences per update batch. */
  batch: number;
  /** SGD learning rate. */
  lr: number;
  /** Target success rate. */
  target: number;
  /** Sample budget per run (censored beyond). */
  maxSamples: number;
  /** Bootstrap resamples of the seeds for the evidence intervals. */
  bootstrap: number;
}

/** Budget rules: finite bounds on every field, unknown keys rejected. */
export const BUDGET_RULES: BudgetRules = {
  seeds: SEEDS_RULE,
  ks: { kind: "integers", min: 1, max: 6, minLength: 1, maxLength: 6 },
  ...RUN_RULES,
  bootstrap: { kind: "integer", min: 100, max: 100_000 },
};

/**
 * Quick (test suite) and full (reports) budgets of version 2, fixed before any version-2
 * run: seeds 101–115 (never used before). With 5 million samples a sparse run at k = 6
 * (base completion 10⁻⁶) is censored with probability e⁻⁵ ≈ 0.7%, so censoring stays rare.
 */
export const BUDGETS: Readonly<Record<Mode, ShapingBudget>> = {
  quick: { seeds: [101, 102], ks: [1, 2, 3, 4], epsilon: 0.1, batch: 16, lr: 1, target: 0.5, maxSamples: 2e5, bootstrap: 200 },
  full: { seeds: [101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115], ks: [1, 2, 3, 4, 5, 6], epsilon: 0.1, batch: 16, lr: 1, target: 0.5, maxSamples: 5e6, bootstrap: 2000 },
};

/** What claim 4's run returns. */
export interface ShapingResults {
  /** Every (credit, k, seed) run. */
  rows: ShapingRow[];
  /** First success: events per exposure per (credit, k). */
  rates: RateRow[];
  /** Reaching the target: events per exposure per (credit, k). */
  targetRates: RateRow[];
}

/** The run settings of a budget (what `runShaping` takes besides k and the credit). */
export function runConfig(b: ShapingBudget): Partial<ShapingConfig> {
  return { epsilon: b.epsilon, batch: b.batch, lr: b.lr, target: b.target, maxSamples: b.maxSamples };
}

/**
 * Runs every (credit, k, seed), each a job on `options.runner` (default: one after another
 * in this thread; {@link runShapingSweep}), and computes the rates. `world`'s config is the
 * base each k's world overrides.
 */
export async function runClaim(world: World, budget: ShapingBudget, seeds: readonly number[], onProgress?: OnProgress, options: ClaimRunOptions = {}): Promise<ShapingResults> {
  const rows = await runShapingSweep({ ks: budget.ks, credits: CREDITS, seeds, config: runConfig(budget), worldConfig: world.config }, onProgress, options);
  return { rows, rates: firstSuccessRates(rows), targetRates: firstSuccessRates(rows, "Target") };
}

/**
 * Decides claim 4, version 2 (`twoLevelDecision`; no incentive level: see
 * {@link minKlForCompletion}): evidence (transmission) is the growth-rate ratio (shaped over
 * sparse, below ½) and the cost ratio at the largest k (log10 above 1), both with paired
 * bootstrap intervals over seeds; the sparse slope over log(1/ε) inside [0.75, 1.33] is a
 * check of the simulator. Headline: the growth-rate ratio.
 */
export function decideClaim(results: ShapingResults, budget: ShapingBudget): Decision {
  const f = shapingFits(results.rows, budget.epsilon, budget.bootstrap);
  const part = (key: string, h: Hypothesis, iv: Interval) => makePart({ key, effect: h.effect, direction: h.direction, threshold: h.threshold, thresholdText: h.thresholdText, role: "evidence", level: "transmission" }, iv, decide);
  const check: Part = {
    key: "check/sparse-slope",
    effect: CLAIM4_SPARSE_SLOPE.effect,
    status: allOf([decide(CLAIM4_SPARSE_SLOPE, f.slopeRatio), decide(CLAIM4_SPARSE_SLOPE_UPPER, f.slopeRatio)]),
    interval: f.slopeRatio,
    direction: CLAIM4_SPARSE_SLOPE.direction,
    threshold: CLAIM4_SPARSE_SLOPE.threshold,
    thresholdText: CLAIM4_SPARSE_SLOPE.thresholdText,
    role: "check",
    level: "transmission",
  };
  const parts = [part("growth-ratio", CLAIM4_GROWTH_RATIO, f.growthRatio), part("cost-ratio", CLAIM4_COST_RATIO, f.costRatio), check];
  return twoLevelDecision(parts, f.growthRatio, allOf, CLAIM4_VERSION);
}

/** Claim 4 as a claim module (kit/contract.ts). */
export const claim = {
  claim: 4,
  notebook: "06-complexity-needs-shaping",
  tensors: false,
  budgets: BUDGETS,
  budget: (mode: Mode, overrides?: unknown) => resolveBudget("claim 4 budget", BUDGETS[mode], BUDGET_RULES, overrides),
  hypothesis: (_budget: ShapingBudget) => CLAIM4_GROWTH_RATIO,
  run: (world: World, budget: ShapingBudget, seeds: readonly number[], onProgress?: OnProgress, options?: ClaimRunOptions) => runClaim(world, budget, seeds, onProgress, options),
  decide: decideClaim,
} satisfies ClaimModule<ShapingBudget, ShapingResults>;
