/**
 * The world-level β sweep of notebook 02: DPO (offline, on rater labels) and PPO (on the
 * same population's expected believed utility) from one pretrained base model, one run per
 * β, each scored exactly: KL to the base, the optimised "reward" (expected believed
 * utility at the population's mean rater) and the true utility. Plus the exact
 * KL-regularised frontier of that same reward, computed by tilting the base model's exact
 * output distribution (no training). Plain rows out.
 */
import { Rng } from "../../rng";
import { labelledPreference, trainDpo, type Preference } from "../../train/dpo";
import { trainPpo } from "../../train/ppo";
import { klTilt, klDivergence } from "../../train/closed-form";
import {
  contextSampler,
  evaluatePolicy,
  pairLabeler,
  utilityReward,
  type BaseModel,
  type Judge,
} from "../kit/world-runs";
import {
  believedUtility,
  expectedBelievedUtility,
  expectedTrueUtility,
  exactDistribution,
  meanRaterParams,
  trueUtility,
  type Context,
  type PopulationConfig,
  type World,
} from "../../world";
import { resolveConfig } from "../../train/config";
import { checkInteger } from "../../validate";
import { ConfigError } from "../../errors";

export interface WorldSweepOptions {
  /** β values for DPO (Bradley–Terry units of the rater's labels). */
  dpoBetas: number[];
  /** β values for PPO (units of the believed-utility reward). */
  ppoBetas: number[];
  /** Offline preference pairs sampled from the base model (before skipped/"equal" ones are dropped). */
  dpoPairs: number;
  /** Passes over the pairs. */
  dpoEpochs: number;
  /** DPO learning rate (Adam). */
  dpoLearningRate: number;
  /** PPO iterations (rollout + update). */
  ppoIterations: number;
  /** Sequences per PPO rollout. */
  ppoBatchSize: number;
  /** PPO learning rate (Adam). */
  ppoLearningRate: number;
}

export const WORLD_SWEEP_DEFAULTS: WorldSweepOptions = {
  dpoBetas: [0.25, 0.5, 1, 2],
  ppoBetas: [0.05, 0.1, 0.2, 0.4],
  dpoPairs: 4000,
  dpoEpochs: 2,
  dpoLearningRate: 1e-3,
  ppoIterations: 60,
  ppoBatchSize: 128,
  ppoLearningRate: 1e-3,
};

function checkPositiveUpTo(field: string, v: unknown, max: number): void {
  if (!(typeof v === "number" && Number.isFinite(v) && v > 0 && v <= max)) throw new ConfigError(field, v, `a finite number in (0, ${max}]`);
}

/** The sweep's options: `overrides` over the defaults, unknown keys rejected, every field within finite bounds. */
export function worldSweepOptions(overrides: Partial<WorldSweepOptions> = {}): WorldSweepOptions {
  return resolveConfig(WORLD_SWEEP_DEFAULTS, overrides, (c) => {
    for (const field of ["dpoBetas", "ppoBetas"] as const) {
      const xs: unknown = c[field];
      if (!Array.isArray(xs) || xs.length > 20) throw new ConfigError(field, xs, "a list of at most 20 βs");
      xs.forEach((b: unknown, i) => checkPositiveUpTo(`${field}[${i}]`, b, 1000));
    }
    checkInteger("dpoPairs", c.dpoPairs, 1, 1_000_000);
    checkInteger("dpoEpochs", c.dpoEpochs, 1, 100);
    checkPositiveUpTo("dpoLearningRate", c.dpoLearningRate, 10);
    checkInteger("ppoIterations", c.ppoIterations, 1, 100_000);
    checkInteger("ppoBatchSize", c.ppoBatchSize, 2, 100_000);
    checkPositiveUpTo("ppoLearningRate", c.ppoLearningRate, 10);
  });
}

/** One fine-tuning run of the sweep, scored exactly against the base model. */
export interface WorldSweepRow {
  method: "dpo" | "ppo";
  beta: number;
  /** Exact sequence KL(π ‖ π_base), averaged over contexts. */
  kl: number;
  /** √KL (Gao et al.'s distance). */
  d: number;
  /** Exact expected believed utility at the population's mean rater: the optimised reward. */
  believed: number;
  /** Exact expected true utility. */
  true: number;
  /** believed − true. */
  gap: number;
  sycophancy: number;
  exaggeration: number;
  hallucination: number;
  /** Wall-clock seconds of training (not evaluation). */
  seconds: number;
}

/**
 * Offline DPO pairs: two base-model samples per drawn context, labelled by `who`
 * (skipped and "equal" judgements dropped). Streams "contexts", "samples", "labels".
 */
export function samplePreferencePairs(world: World, base: BaseModel, who: Judge, n: number, rng: Rng): Preference<Context>[] {
  const contexts = contextSampler(world)(rng.fork("contexts"), n);
  const sampRng = rng.fork("samples");
  const a = base.reference.sample(sampRng, contexts);
  const b = base.reference.sample(sampRng, contexts);
  const label = pairLabeler(world, who);
  const labRng = rng.fork("labels");
  const out: Preference<Context>[] = [];
  contexts.forEach((c, i) => {
    const pref = labelledPreference(label, c, a[i]!, b[i]!, labRng);
    if (pref !== null) out.push(pref);
  });
  return out;
}

/**
 * The sweep for one seed: the same pair set for every DPO β and the same PPO streams for
 * every PPO β (common random numbers), each run from a fresh trainable copy of the base.
 * `onRun` is called after each run (for a progress bar).
 */
export function worldBetaSweep(
  world: World,
  base: BaseModel,
  population: PopulationConfig,
  overrides: Partial<WorldSweepOptions>,
  rng: Rng,
  onRun?: (done: number, total: number) => void,
): WorldSweepRow[] {
  const o = worldSweepOptions(overrides);
  const who: Judge = { kind: "population", population };
  const total = o.dpoBetas.length + o.ppoBetas.length;
  const rows: WorldSweepRow[] = [];
  const score = (method: WorldSweepRow["method"], beta: number, train: (p: BaseModel["policy"]) => void) => {
    const p = base.policy.trainableCopy();
    try {
      const t0 = performance.now();
      train(p);
      const seconds = (performance.now() - t0) / 1000;
      const m = evaluatePolicy(world, p, base.table);
      rows.push({
        method,
        beta,
        kl: m.kl,
        d: Math.sqrt(Math.max(0, m.kl)),
        believed: m.believedUtility,
        true: m.trueUtility,
        gap: m.inflationGap,
        sycophancy: m.sycophancyRate,
        exaggeration: m.exaggerationRate,
        hallucination: m.hallucinationRate,
        seconds,
      });
    } finally {
      p.dispose();
    }
    onRun?.(rows.length, total);
  };
  const pairs = samplePreferencePairs(world, base, who, o.dpoPairs, rng.fork("dpo/pairs"));
  for (const beta of o.dpoBetas) {
    score("dpo", beta, (p) => trainDpo(p, base.reference, pairs, { beta, epochs: o.dpoEpochs, learningRate: o.dpoLearningRate }, rng.fork("dpo/train")));
  }
  const reward = utilityReward(world, who);
  const sample = contextSampler(world);
  for (const beta of o.ppoBetas) {
    score("ppo", beta, (p) =>
      trainPpo(p, base.reference, sample, reward, { beta, iterations: o.ppoIterations, batchSize: o.ppoBatchSize, learningRate: o.ppoLearningRate }, rng.fork("ppo/train")),
    );
  }
  return rows;
}

/** One point of the exact KL-regularised frontier. */
export interface FrontierRow {
  beta: number;
  kl: number;
  d: number;
  believed: number;
  true: number;
}

/**
 * The exact optimum of E[r] − β·KL(π ‖ π_base) for r = expected believed utility of the
 * population's mean rater, per β. The reward depends on an output only through its
 * meaning (final parser state), so the sequence-level optimum tilts the base model's
 * distribution over final states, π*(s | c) ∝ π_base(s | c)·exp(r(c, s)/β), and leaves the
 * base's distribution within each final state unchanged; its sequence KL therefore equals
 * the KL over final states. Reports the KL, believed and true utility of each π*.
 * β = Infinity gives the base model itself.
 */
export function exactWorldFrontier(world: World, base: BaseModel, population: PopulationConfig, betas: readonly number[]): FrontierRow[] {
  const params = meanRaterParams(population);
  const dist = exactDistribution(world, base.table);
  const cfg = world.config;
  const perContext = dist.contexts.map((c) => {
    return {
      weight: c.entry.weight,
      ref: c.finals.map((f) => f.prob),
      r: c.finals.map((f) => expectedBelievedUtility(cfg, params, c.entry, f.meaning)),
      u: c.finals.map((f) => expectedTrueUtility(cfg, c.entry, f.meaning)),
    };
  });
  const W = perContext.reduce((s, c) => s + c.weight, 0);
  return betas.map((beta) => {
    let kl = 0, believed = 0, tru = 0;
    for (const c of perContext) {
      const p = beta === Infinity ? c.ref : klTilt(c.ref, c.r, beta);
      kl += c.weight * (beta === Infinity ? 0 : klDivergence(p, c.ref));
      believed += c.weight * p.reduce((s, pi, i) => s + pi * c.r[i]!, 0);
      tru += c.weight * p.reduce((s, pi, i) => s + pi * c.u[i]!, 0);
    }
    return { beta, kl: kl / W, d: Math.sqrt(Math.max(0, kl / W)), believed: believed / W, true: tru / W };
  });
}

/**
 * The reward-versus-KL picture (Rafailov et al. 2023, fig. 2 left): one point per run
 * (colour = method), the exact frontier as a line. `y` is "believed" (the optimised
 * reward) or "true".
 */
export function frontierChart(
  runs: readonly (WorldSweepRow & { seed?: number })[],
  frontier: readonly FrontierRow[],
  y: "believed" | "true",
  o: { title?: string; yTitle?: string } = {},
): Record<string, unknown> {
  const label = { dpo: "DPO (rater labels)", ppo: "PPO (believed-utility reward)" } as const;
  const values = [
    ...frontier.filter((f) => Number.isFinite(f.kl)).map((f) => ({ kl: f.kl, value: f[y], series: "exact KL-regularised optimum", beta: f.beta })),
    ...runs.map((r) => ({ kl: r.kl, value: r[y], series: label[r.method], beta: r.beta, seed: r.seed ?? null })),
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: o.title ?? "",
    width: 420,
    height: 260,
    data: { values },
    config: { font: "sans-serif", view: { stroke: null }, axis: { labelFontSize: 11, titleFontSize: 12 } },
    encoding: {
      x: { field: "kl", type: "quantitative", title: "exact KL(π ‖ π_base), nats", scale: { zero: true } },
      y: { field: "value", type: "quantitative", title: o.yTitle ?? y, scale: { zero: false } },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom", columns: 1, labelLimit: 400 } },
      tooltip: [{ field: "series" }, { field: "beta" }, { field: "kl", format: ".3f" }, { field: "value", format: ".3f" }],
    },
    layer: [
      { transform: [{ filter: "datum.series === 'exact KL-regularised optimum'" }], mark: { type: "line", point: false }, encoding: { order: { field: "kl", type: "quantitative" } } },
      { transform: [{ filter: "datum.series !== 'exact KL-regularised optimum'" }], mark: { type: "point", filled: true, size: 70 } },
    ],
  };
}
