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
import type { Hypothesis, VerdictStatus } from "../verdict";
import { allOf, decide } from "../verdict";
import type { Row } from "../plot/spec";
import { corpusTable, createWorld, type DeepPartial, type World, type WorldConfig } from "../world";

/** Reward schemes: credit on completion only, or for each recognised in-order step. */
export type Credit = "sparse" | "shaped";

/** Reward of a final manoeuvre prefix m out of k. */
export const CREDIT: Record<Credit, (m: number, k: number) => number> = {
  sparse: (m, k) => (m === k ? 1 : 0),
  shaped: (m, k) => m / k,
};

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

/** A world with manoeuvre length k and per-step probability ε (everything else default). */
export function shapingWorld(k: number, epsilon: number, overrides: DeepPartial<WorldConfig> = {}): World {
  return createWorld({ ...overrides, manoeuvreLength: k, corpus: { ...(overrides.corpus ?? {}), manoeuvreStepRate: epsilon } });
}

/**
 * A residual tabular policy for one context: dense arrays over (position, state, token).
 * `probs` holds the current next-token distribution of every row reachable under the base.
 */
export class ResidualPolicy {
  readonly V: number;
  readonly S: number;
  readonly T: number;
  private readonly base: Float64Array;
  private readonly theta: Float64Array;
  readonly probs: Float64Array;
  constructor(readonly world: World, readonly contextIndex: number) {
    const space = world.space;
    this.V = space.vocabSize;
    this.S = space.states.length;
    this.T = space.maxLen;
    const n = this.T * this.S * this.V;
    this.base = new Float64Array(n);
    this.theta = new Float64Array(n);
    this.probs = new Float64Array(n);
    const table = corpusTable(world);
    const ctx = world.contexts[contextIndex];
    if (!ctx) throw new ConfigError("context", contextIndex, `an index in [0, ${world.contexts.length - 1}]`);
    for (let pos = 0; pos < this.T; pos++)
      for (let si = 0; si < this.S; si++) {
        const s = space.states[si]!;
        if (s.ended) continue;
        const p = table(ctx, pos, s);
        const off = (pos * this.S + si) * this.V;
        for (let a = 0; a < this.V; a++) this.base[off + a] = p[a]!;
      }
    this.probs.set(this.base);
  }

  /** Samples one sequence; returns its final prefix and fills `path` with row offsets and tokens. */
  sample(rng: Rng, path: { offsets: number[]; tokens: number[] }): number {
    const space = this.world.space;
    const V = this.V;
    path.offsets.length = 0;
    path.tokens.length = 0;
    let si = space.initialState().index;
    for (let pos = 0; pos < this.T; pos++) {
      const off = (pos * this.S + si) * V;
      let u = rng.next();
      let a = 0;
      for (; a < V - 1; a++) {
        u -= this.probs[off + a]!;
        if (u < 0) break;
      }
      // Rounding: never pick a zero-probability token.
      while (this.probs[off + a]! === 0) a--;
      path.offsets.push(off);
      path.tokens.push(a);
      const ns = space.transitions[si * V + a]!;
      si = ns;
      if (a === space.endToken) break;
    }
    return space.states[si]!.progress;
  }

  /** θ[row, a] += lr · adv · (1[a = token] − π(a | row)) along a sampled path; rows renormalised after. */
  accumulate(path: { offsets: number[]; tokens: number[] }, adv: number, lr: number, touched: Set<number>): void {
    const V = this.V;
    for (let i = 0; i < path.offsets.length; i++) {
      const off = path.offsets[i]!;
      const tok = path.tokens[i]!;
      for (let a = 0; a < V; a++) {
        const p = this.probs[off + a]!;
        if (p === 0 && this.base[off + a] === 0) continue;
        this.theta[off + a] = this.theta[off + a]! + lr * adv * ((a === tok ? 1 : 0) - p);
      }
      touched.add(off);
    }
  }

  /** Recomputes π on the given rows (after an update; the gradient used the old π). */
  refresh(rows: Iterable<number>): void {
    const V = this.V;
    for (const off of rows) {
      let mx = -Infinity;
      for (let a = 0; a < V; a++) if (this.base[off + a]! > 0 && this.theta[off + a]! > mx) mx = this.theta[off + a]!;
      let z = 0;
      for (let a = 0; a < V; a++) {
        const b = this.base[off + a]!;
        const q = b > 0 ? b * Math.exp(this.theta[off + a]! - mx) : 0;
        this.probs[off + a] = q;
        z += q;
      }
      for (let a = 0; a < V; a++) this.probs[off + a] = this.probs[off + a]! / z;
    }
  }

  /** Exact probability that a sequence completes the manoeuvre (forward pass over states). */
  completionProbability(): number {
    const space = this.world.space;
    const V = this.V;
    const k = this.world.vocab.steps;
    let dist = new Float64Array(this.S);
    let next = new Float64Array(this.S);
    dist[space.initialState().index] = 1;
    let done = 0;
    for (let pos = 0; pos < this.T; pos++) {
      next.fill(0);
      const last = pos === this.T - 1;
      for (let si = 0; si < this.S; si++) {
        const m = dist[si]!;
        if (m === 0) continue;
        const off = (pos * this.S + si) * V;
        for (let a = 0; a < V; a++) {
          const p = this.probs[off + a]!;
          if (p === 0) continue;
          const ns = space.transitions[si * V + a]!;
          if (a === space.endToken || last) {
            if (space.states[ns]!.progress === k) done += m * p;
          } else next[ns] = next[ns]! + m * p;
        }
      }
      [dist, next] = [next, dist];
    }
    return done;
  }
}

/** One REINFORCE run from the base; see the module comment. */
export function runShaping(config: Partial<ShapingConfig>, rng: Rng, world?: World): ShapingRun {
  const c: ShapingConfig = { ...DEFAULT_SHAPING, ...config };
  if (!(c.batch >= 2 && Number.isInteger(c.batch))) throw new ConfigError("batch", c.batch, "an integer ≥ 2");
  if (!(c.lr > 0)) throw new ConfigError("lr", c.lr, "> 0");
  if (!(c.target > 0 && c.target < 1)) throw new ConfigError("target", c.target, "(0, 1)");
  const w = world ?? shapingWorld(c.k, c.epsilon);
  const policy = new ResidualPolicy(w, c.context);
  const reward = CREDIT[c.credit];
  const baseCompletion = policy.completionProbability();
  const sampling = rng.fork("sampling");
  const paths = Array.from({ length: c.batch }, () => ({ offsets: [] as number[], tokens: [] as number[] }));
  const rewards = new Float64Array(c.batch);
  let samples = 0;
  let first: number | null = null;
  let reached: number | null = null;
  let updates = 0;
  let completion = baseCompletion;
  while (samples < c.maxSamples && reached === null) {
    const n = Math.min(c.batch, c.maxSamples - samples);
    let sum = 0;
    let allSame = true;
    for (let i = 0; i < n; i++) {
      const m = policy.sample(sampling, paths[i]!);
      samples++;
      if (m === c.k && first === null) first = samples;
      rewards[i] = reward(m, c.k);
      sum += rewards[i]!;
      if (rewards[i] !== rewards[0]) allSame = false;
    }
    // Identical rewards give an exactly zero gradient (e.g. the sparse case before any success).
    if (allSame) continue;
    const mean = sum / n;
    const touched = new Set<number>();
    for (let i = 0; i < n; i++) if (rewards[i] !== mean) policy.accumulate(paths[i]!, rewards[i]! - mean, c.lr, touched);
    policy.refresh(touched);
    updates++;
    completion = policy.completionProbability();
    if (completion >= c.target) reached = samples;
  }
  return {
    k: c.k,
    credit: c.credit,
    samplesToFirst: first ?? samples,
    firstCensored: first === null,
    samplesToTarget: reached ?? samples,
    targetCensored: reached === null,
    updates,
    baseCompletion,
    finalCompletion: completion,
  };
}

/** Options of the k sweep. */
export interface ShapingSweep {
  ks: readonly number[];
  credits: readonly Credit[];
  seeds: readonly number[];
  config?: Partial<ShapingConfig>;
}

/** Every (credit, k, seed) run, as rows. Seeds are paired across credits and k. */
export function shapingSweep(o: ShapingSweep, onProgress?: (done: number, total: number) => void): Row[] {
  const rows: Row[] = [];
  const total = o.ks.length * o.credits.length * o.seeds.length;
  let done = 0;
  for (const k of o.ks) {
    const world = shapingWorld(k, o.config?.epsilon ?? DEFAULT_SHAPING.epsilon);
    for (const credit of o.credits)
      for (const seed of o.seeds) {
        const r = runShaping({ ...o.config, k, credit }, Rng.fromSeed(seed).fork(`shaping-k${k}`), world);
        rows.push({ seed, ...r });
        onProgress?.(++done, total);
      }
  }
  return rows;
}

/**
 * Events per exposure for each (credit, k): the rate of first success is
 * (#runs with a success) / (total samples, censored runs' exposure included), the
 * maximum-likelihood rate of a geometric time under right-censoring. Returns mean time 1/rate,
 * its log, and how many runs were censored.
 */
export function firstSuccessRates(rows: readonly Row[], which: "First" | "Target" = "First"): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r["credit"]}|${r["k"]}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const out: Row[] = [];
  for (const rs of groups.values()) {
    const events = rs.filter((r) => !r[`${which === "First" ? "first" : "target"}Censored`]).length;
    const exposure = rs.reduce((s, r) => s + (r[`samplesTo${which}`] as number), 0);
    const rate = events > 0 ? events / exposure : null;
    // Approximate 95% interval for log(rate) from the Poisson count of events (±1.96/√events).
    const half = events > 0 ? 1.96 / Math.sqrt(events) : null;
    out.push({
      credit: rs[0]!["credit"]!,
      k: rs[0]!["k"]!,
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
  return out.sort((a, b) => String(a["credit"]).localeCompare(String(b["credit"])) || (a["k"] as number) - (b["k"] as number));
}

/** Claim 4, part 1: the sparse slope of log(first-success time) against k, relative to log(1/ε). */
export const CLAIM4_SPARSE_SLOPE: Hypothesis = {
  claim: 4,
  effect: "slope of log(samples to first success) vs k, sparse credit, divided by log(1/ε)",
  direction: "above",
  threshold: 0.75,
  thresholdText: "interval inside [0.75, 1.33] (exponential growth at the base model's rate)",
};

/** The upper bound of the same ratio (checked with CLAIM4_SPARSE_SLOPE). */
export const CLAIM4_SPARSE_SLOPE_UPPER: Hypothesis = { ...CLAIM4_SPARSE_SLOPE, direction: "below", threshold: 1.33, thresholdText: "< 1.33" };

/**
 * Claim 4, part 2: with shaped credit the growth per added step is far below the sparse
 * case's factor 1/ε: slope of log(first-success time) against k, divided by log(1/ε).
 */
export const CLAIM4_SHAPED_SLOPE: Hypothesis = {
  claim: 4,
  effect: "slope of log(samples to first success) vs k, shaped credit, divided by log(1/ε)",
  direction: "below",
  threshold: 0.5,
  thresholdText: "< 0.5 (each added step multiplies the time by less than √(1/ε))",
};

/** Claim 4, part 3: at the largest k, sparse needs many times more samples to reach the target rate. */
export const CLAIM4_GAP: Hypothesis = {
  claim: 4,
  effect: "log10(sparse / shaped samples to reach the target success rate) at the largest k",
  direction: "above",
  threshold: 1,
  thresholdText: "> 1 (sparse needs ≥ 10× more samples)",
};

/** Fits and decisions for claim 4 from sweep rows. */
export function decideShaping(rows: readonly Row[], epsilon: number): {
  status: VerdictStatus;
  sparseSlope: Interval;
  slopeRatio: Interval;
  shapedSlopeRatio: Interval;
  shapedExponent: Interval;
  shapedLinear: { slope: Interval; r2: number } | null;
  gap: Interval;
  parts: { effect: string; status: VerdictStatus; interval: Interval }[];
} {
  const rates = firstSuccessRates(rows);
  const sparse = rates.filter((r) => r["credit"] === "sparse" && r["logTime"] !== null);
  const shaped = rates.filter((r) => r["credit"] === "shaped" && r["logTime"] !== null);
  const nan: Interval = { estimate: NaN, lo: NaN, hi: NaN, n: 0 };
  const fitOrNaN = (xs: number[], ys: number[]) => (xs.length >= 3 ? linearFit(xs, ys).slope : nan);
  const sparseSlope = fitOrNaN(sparse.map((r) => r["k"] as number), sparse.map((r) => r["logTime"] as number));
  const L = Math.log(1 / epsilon);
  const slopeRatio = { estimate: sparseSlope.estimate / L, lo: sparseSlope.lo / L, hi: sparseSlope.hi / L, n: sparseSlope.n };
  const shapedSlope = fitOrNaN(shaped.map((r) => r["k"] as number), shaped.map((r) => r["logTime"] as number));
  const shapedSlopeRatio = { estimate: shapedSlope.estimate / L, lo: shapedSlope.lo / L, hi: shapedSlope.hi / L, n: shapedSlope.n };
  // Descriptive only: the power-law exponent and a straight-line fit of the mean time.
  const shapedExponent = fitOrNaN(shaped.map((r) => Math.log(r["k"] as number)), shaped.map((r) => r["logTime"] as number));
  const shapedLinear = shaped.length >= 3 ? (() => { const f = linearFit(shaped.map((r) => r["k"] as number), shaped.map((r) => r["meanTime"] as number)); return { slope: f.slope, r2: f.r2 }; })() : null;
  // Gap at the largest k: per seed, log10(sparse/shaped) samples to target (censored sparse runs count at the budget: a lower bound on the gap).
  const kMax = Math.max(...rows.map((r) => r["k"] as number));
  const bySeed = (credit: Credit) => new Map(rows.filter((r) => r["k"] === kMax && r["credit"] === credit).map((r) => [r["seed"] as number, r]));
  const sp = bySeed("sparse");
  const sh = bySeed("shaped");
  const diffs: number[] = [];
  for (const [seed, r] of sp) {
    const s = sh.get(seed);
    if (!s || s["targetCensored"]) continue;
    diffs.push(Math.log10((r["samplesToTarget"] as number) / (s["samplesToTarget"] as number)));
  }
  const gap = diffs.length >= 2 ? meanCI(diffs) : nan;
  const slopeStatus = allOf([decide(CLAIM4_SPARSE_SLOPE, slopeRatio), decide(CLAIM4_SPARSE_SLOPE_UPPER, slopeRatio)]);
  const parts = [
    { effect: CLAIM4_SPARSE_SLOPE.effect, status: slopeStatus, interval: slopeRatio },
    { effect: CLAIM4_SHAPED_SLOPE.effect, status: decide(CLAIM4_SHAPED_SLOPE, shapedSlopeRatio), interval: shapedSlopeRatio },
    { effect: CLAIM4_GAP.effect, status: decide(CLAIM4_GAP, gap), interval: gap },
  ];
  return { status: allOf(parts.map((p) => p.status)), sparseSlope, slopeRatio, shapedSlopeRatio, shapedExponent, shapedLinear, gap, parts };
}
