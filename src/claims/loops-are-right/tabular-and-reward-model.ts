/**
 * Library functions for notebook 02 (training loops meet their closed forms). Each returns
 * plain rows ready for a table or a Vega-Lite spec.
 */
import { Rng } from "../../rng";
import { TabularPolicy } from "../../policy/tabular";
import { klTilt, klDivergence, expectation, softmaxPlain, totalVariation } from "../../train/closed-form";
import { bradleyTerryPairs, trainTabularDpo } from "../../train/tabular-dpo";
import { trainTabularPg } from "../../train/tabular-pg";
import { trainTabularPpo } from "../../train/tabular-ppo";
import { RewardModel, rewardModelConfig, type Comparison, type RewardModelConfig } from "../../train/reward-model";
import { ConfigError } from "../../errors";
import { checkInteger, checkRange } from "../../validate";
import { contextSampler, pairLabeler, type BaseModel } from "../kit/world-runs";
import { rewardFeatures } from "../kit/world-adapter";
import {
  believedUtility,
  expectedBelievedUtility,
  expectedTrueUtility,
  meanRaterParams,
  trueUtility,
  OUTPUT_TYPES,
  type Context,
  type Meaning,
  type PopulationConfig,
  type World,
} from "../../world";
import { linearFit } from "../../stats/intervals";

/**
 * IPO's population optimum for Bradley–Terry preferences P_ij = σ(r_i − r_j) with pairs
 * drawn uniformly: h_ij = g_i − g_j (g = log π/π_ref) is the least-squares fit of
 * (2P_ij − 1)/(2τ) on the complete graph, so g_i = (1/(Kτ))·Σ_j (P_ij − ½) + const.
 * (It differs from the KL-tilt π*: IPO does not invert the Bradley–Terry link.)
 */
export function ipoClosedForm(ref: readonly number[], r: readonly number[], tau: number): number[] {
  const K = r.length;
  const g = r.map((ri) => r.reduce((s, rj) => s + (1 / (1 + Math.exp(-(ri - rj))) - 0.5), 0) / (K * tau));
  return softmaxPlain(ref.map((p, i) => Math.log(p) + g[i]!));
}

export interface ConvergenceRow {
  method: "dpo" | "ipo" | "pg" | "ppo";
  step: number;
  /** Total variation to the method's closed-form optimum. */
  tv: number;
  /** Exact KL(π ‖ π_ref). */
  kl: number;
  /** KL(π_target ‖ π_ref) of the closed form (the value training should approach). */
  targetKl: number;
}

/**
 * Convergence traces of tabular DPO (exact Bradley–Terry pair weights), IPO (same data),
 * KL-regularised REINFORCE and PPO (k1 penalty), all with plain SGD, from π_ref toward their
 * closed forms (π* ∝ π_ref·exp(r/β) for DPO/PG/PPO; {@link ipoClosedForm} for IPO, τ = β).
 */
export function tabularConvergenceTraces(
  ref: number[],
  r: number[],
  beta: number,
  rng: Rng,
  steps = 300,
): ConvergenceRow[] {
  checkInteger("steps", steps, 1, 100_000);
  checkRange("beta", beta, 1e-6, 1e6);
  if (ref.length !== r.length || r.length < 2) throw new ConfigError("r.length", r.length, `the number of reference probabilities (${ref.length}), at least 2`);
  const rows: ConvergenceRow[] = [];
  const K = r.length;
  const run = (method: ConvergenceRow["method"], target: number[], train: (p: TabularPolicy, q: TabularPolicy) => Record<string, number>[]) => {
    const p = TabularPolicy.fromProbs([ref]);
    const q = p.frozenCopy();
    try {
      const targetKl = klDivergence(target, ref);
      for (const l of train(p, q)) rows.push({ method, step: l["step"]!, tv: l["policy/tv_to_target"]!, kl: l["objective/kl_exact"]!, targetKl });
    } finally {
      p.dispose();
      q.dispose();
    }
  };
  const star = klTilt(ref, r, beta);
  const ipo = ipoClosedForm(ref, r, beta);
  const pairs = bradleyTerryPairs([r]);
  const dpoLr = (5 * K * K) / (16 * beta * beta);
  const logEvery = Math.max(1, Math.floor(steps / 50));
  run("dpo", star, (p, q) => trainTabularDpo(p, q, pairs, { beta, learningRate: dpoLr, steps, logEvery }, rng.fork("dpo"), [star]));
  run("ipo", ipo, (p, q) => trainTabularDpo(p, q, pairs, { lossType: "ipo", beta, learningRate: (0.1 * K * K) / 4, steps, logEvery }, rng.fork("ipo"), [ipo]));
  run("pg", star, (p, q) => trainTabularPg(p, q, [r], { beta, learningRate: 2, steps, logEvery }, rng.fork("pg"), [star]));
  run("ppo", star, (p, q) => trainTabularPpo(p, q, [r], { beta, learningRate: 2, iterations: steps, logEvery }, rng.fork("ppo"), [star]));
  return rows;
}

/**
 * The reward-versus-KL frontier of the closed form, one row per β: KL(π*‖π_ref), the
 * optimised (proxy) reward E_π*[r] and, when given, the true reward E_π*[truth].
 * (A world version is the same call on the world's enumerated outputs per context.)
 */
export function betaSweepTabular(
  ref: number[],
  r: number[],
  betas: number[],
  truth?: number[],
): { beta: number; kl: number; d: number; proxy: number; true: number }[] {
  return betas.map((beta) => {
    const p = klTilt(ref, r, beta);
    const kl = klDivergence(p, ref);
    return { beta, kl, d: Math.sqrt(kl), proxy: expectation(p, r), true: truth ? expectation(p, truth) : NaN };
  });
}

export { totalVariation };

/** The reward model's input for an output: context features ⊕ final parser-state features (one copy, in the kit's world glue). */
export { rewardFeatures };

/** Expected believed utility (population's mean rater) and expected true utility of a meaning in a context. */
function expectedUtilities(world: World, population: PopulationConfig, context: Context, m: Meaning): { believed: number; true: number } {
  const entry = world.entries[context.index]!;
  return { believed: expectedBelievedUtility(world.config, meanRaterParams(population), entry, m), true: expectedTrueUtility(world.config, entry, m) };
}

export interface RewardModelStudyOptions {
  /** Comparisons (pairs of base-model samples) labelled by the population to train on. */
  trainPairs: number;
  /** Held-out pairs drawn the same way (pairs with identical meanings are dropped). */
  heldOutPairs: number;
  /** Reward-model config overrides. */
  rewardModel: Partial<RewardModelConfig>;
}

const STUDY_FIELDS = ["trainPairs", "heldOutPairs", "rewardModel"];

/** Checks the study's options before any work: known fields, pair counts in [1, 10⁶], a valid reward-model config. */
export function checkRewardModelStudyOptions(options: RewardModelStudyOptions): void {
  if (typeof options !== "object" || options === null) throw new ConfigError("reward-model study options", options, "an object");
  for (const [k, v] of Object.entries(options)) {
    if (!STUDY_FIELDS.includes(k)) throw new ConfigError(k, v, `a known field: ${STUDY_FIELDS.join(", ")}`);
  }
  checkInteger("trainPairs", options.trainPairs, 1, 1_000_000);
  checkInteger("heldOutPairs", options.heldOutPairs, 1, 1_000_000);
  const rm = rewardModelConfig(options.rewardModel);
  checkInteger("rewardModel.epochs", rm.epochs, 1, 10_000);
  checkInteger("rewardModel.ensembleSize", rm.ensembleSize, 1, 100);
}

/** Held-out agreement of the reward model (and of the rater's own labels) with each kind of label. */
export interface RewardModelAccuracyRow {
  /** Which labels the predictions are scored against. */
  labels: "rater (sampled)" | "oracle (sampled truth)" | "rater's expected preference" | "expected true utility";
  /** Share of held-out pairs where the reward model prefers the labelled side (ties in the labels skipped). */
  rewardModel: number;
  /** The same for the rater's own sampled label used as the prediction (NaN against itself). */
  raterLabel: number;
  /** Pairs scored. */
  n: number;
}

/** Mean reward-model score of a canonical output type against its exact believed and true utility. */
export interface OutputTypeScoreRow {
  outputType: string;
  /** Reward-model score averaged over contexts (by their probability). */
  rmScore: number;
  /** Expected believed utility at the population's mean rater. */
  believed: number;
  /** Expected true utility. */
  true: number;
}

export interface RewardModelStudy {
  accuracy: RewardModelAccuracyRow[];
  byType: OutputTypeScoreRow[];
  /** R² of RM score on believed and on true utility over (context, output type) cells. */
  fit: { r2Believed: number; r2True: number; cells: number };
  /** Comparisons used for training (after skipped/"equal" labels are dropped). */
  trainComparisons: number;
  /** Training log of the reward model. */
  logs: Record<string, number>[];
}

/**
 * What a Bradley–Terry reward model learns from rater comparisons of base-model samples:
 * held-out accuracy against the labelling population's fresh labels, the oracle's labels
 * (truth drawn from the context's posterior), and the two noise-free preferences (sign of
 * the expected believed utility difference at the mean rater, sign of the expected true
 * utility difference); and its mean score per canonical output type next to that type's
 * believed and true utility. Streams: "train", "heldout", "rm", "labels/*".
 */
export function rewardModelStudy(
  world: World,
  base: BaseModel,
  population: PopulationConfig,
  options: RewardModelStudyOptions,
  rng: Rng,
): RewardModelStudy {
  checkRewardModelStudyOptions(options);
  const sampleCtx = contextSampler(world);
  const rater = pairLabeler(world, { kind: "population", population });
  const oracle = pairLabeler(world, { kind: "oracle" });
  const draw = (n: number, r: Rng) => {
    const contexts = sampleCtx(r.fork("contexts"), n);
    const a = base.reference.sample(r.fork("a"), contexts);
    const b = base.reference.sample(r.fork("b"), contexts);
    return contexts.map((c, i) => ({ context: c, a: a[i]!, b: b[i]! }));
  };
  // Training comparisons: rater labels only.
  const trainRng = rng.fork("train");
  const trainLab = trainRng.fork("labels");
  const data: Comparison[] = [];
  for (const p of draw(options.trainPairs, trainRng)) {
    const y = rater(p.context, p.a, p.b, trainLab);
    if (y === null) continue;
    data.push({ a: rewardFeatures(world, p.context, p.a), b: rewardFeatures(world, p.context, p.b), label: y });
  }
  const { model, logs } = RewardModel.train(data, options.rewardModel, rng.fork("rm"));
  try {
    // Held-out pairs with different meanings.
    const hRng = rng.fork("heldout");
    const held = draw(options.heldOutPairs, hRng).filter((p) => world.space.parse(p.a).state !== world.space.parse(p.b).state);
    const rLab = hRng.fork("labels/rater"), oLab = hRng.fork("labels/oracle");
    const tie = (x: number, y: number) => (Math.abs(x - y) < 1e-12 ? 0.5 : x > y ? 1 : 0);
    const labels: Record<string, number[]> = { rater: [], oracle: [], believed: [], true: [] };
    for (const p of held) {
      labels["rater"]!.push(rater(p.context, p.a, p.b, rLab) ?? 0.5);
      labels["oracle"]!.push(oracle(p.context, p.a, p.b, oLab) ?? 0.5);
      const ua = expectedUtilities(world, population, p.context, world.space.parse(p.a).meaning);
      const ub = expectedUtilities(world, population, p.context, world.space.parse(p.b).meaning);
      labels["believed"]!.push(tie(ua.believed, ub.believed));
      labels["true"]!.push(tie(ua.true, ub.true));
    }
    const pairs = held.map((p) => ({ a: rewardFeatures(world, p.context, p.a), b: rewardFeatures(world, p.context, p.b) }));
    const acc = model.accuracy(pairs, labels);
    const agree = (pred: number[], lab: number[]) => {
      let k = 0, n = 0;
      lab.forEach((y, i) => {
        if (y === 0.5 || pred[i] === 0.5) return;
        n++;
        if (pred[i] === y) k++;
      });
      return n === 0 ? NaN : k / n;
    };
    const count = (lab: number[]) => lab.filter((y) => y !== 0.5).length;
    const names = { rater: "rater (sampled)", oracle: "oracle (sampled truth)", believed: "rater's expected preference", true: "expected true utility" } as const;
    const accuracy: RewardModelAccuracyRow[] = (Object.keys(names) as (keyof typeof names)[]).map((k) => ({
      labels: names[k],
      rewardModel: acc[`accuracy/${k}`]!,
      raterLabel: k === "rater" ? NaN : agree(labels["rater"]!, labels[k]!),
      n: count(labels[k]!),
    }));
    // Scores by output type.
    const byType: OutputTypeScoreRow[] = [];
    const xsB: number[] = [], xsT: number[] = [], ys: number[] = [];
    for (const type of OUTPUT_TYPES) {
      const feats = world.entries.map((e) => rewardFeatures(world, e.context, type.build(world, e.context)));
      const scores = model.score(feats);
      let w = 0, s = 0, b = 0, u = 0;
      world.entries.forEach((e, i) => {
        const m = world.space.parse(type.build(world, e.context)).meaning;
        const eu = expectedUtilities(world, population, e.context, m);
        w += e.weight;
        s += e.weight * scores[i]!;
        b += e.weight * eu.believed;
        u += e.weight * eu.true;
        xsB.push(eu.believed);
        xsT.push(eu.true);
        ys.push(scores[i]!);
      });
      byType.push({ outputType: type.name, rmScore: s / w, believed: b / w, true: u / w });
    }
    const fit = { r2Believed: linearFit(xsB, ys).r2, r2True: linearFit(xsT, ys).r2, cells: ys.length };
    return { accuracy, byType, fit, trainComparisons: data.length, logs };
  } finally {
    model.dispose();
  }
}
