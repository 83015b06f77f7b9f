/**
 * Claim 2 — the reward model learns the rater, and optimising it overshoots (CLAIMS.md;
 * cubefox's comment on tailcalled's post, LessWrong, 2024-06-10, and the reply).
 *
 * Per seed: pretrain a base model; draw pairs of base-model samples and have the typical
 * rater population label them; fit Bradley–Terry reward models (RMs) on the first N kept
 * pairs for several N (nested data sets). Each RM scores an output by its meaning (context
 * features ⊕ final parser-state features, docs/training.md), so its score is a table over
 * (context, final state) and every optimisation of it can be evaluated exactly:
 *
 * - best-of-n, exactly, over the base model's distribution of final states per context
 *   (KL is then over meanings, a lower bound of the sequence-level KL of best-of-n over
 *   token sequences; the analytic bound log n − (n−1)/n is reported beside it);
 * - PPO on the RM (several fixed KL coefficients; each run is evaluated exactly at chosen
 *   iterations along its trajectory, so the RL curve R(d) has points from small d up), and
 *   offline DPO on the *same raw rater labels* the RM was fit to (several β), both
 *   evaluated by exact DP with sequence KL.
 *
 * Rows carry the proxy (RM) score gain over the base model, true and rater-believed
 * utility, the inflation gap and its parts, the deceptive rates, and the RM-versus-rater
 * disagreement on the policy's own outputs.
 */
import { Rng } from "../rng";
import type { Hypothesis } from "../verdict";
import { allOf, decide } from "../verdict";
import { meanCI, type Interval } from "../stats/intervals";
import type { Mode } from "../mode";
import { ConfigError } from "../errors";
import { RewardModel, type Comparison, type RewardModelConfig } from "../train/reward-model";
import { bestOfNExact, bestOfNKlBound } from "../train/best-of-n";
import { trainPpo, type PpoConfig } from "../train/ppo";
import { trainDpo, type DpoConfig, type Preference } from "../train/dpo";
import { assertFiniteRow, interpolateAt, type OnProgress } from "./kit/seeds";
import { contextSampler, exactPolicyDistribution, pairLabeler, trainBaseModel, type JudgedPair } from "./kit/world-runs";
import { meaningFeatures, rewardFeatures } from "./kit/world-adapter";
import type { BaseBudget, ClaimModule, Decision, Part } from "./kit/contract";
import { checkField, SEEDS_RULE, type BudgetRules } from "./kit/budget";
import { objectListCheck, populationCheck, resolveConfig } from "./kit/run-config";
import {
  expectedBelievedUtility,
  expectedTrueUtility,
  exactDistribution,
  exactMetrics,
  judgeOracle,
  meanRaterParams,
  pickMetrics,
  PRESETS,
  type Context,
  type ExactDistribution,
  type PopulationConfig,
  type World,
  type WorldMetrics,
} from "../world";
import { fitGao, type GaoFit } from "../stats/gao-fit";

/** The reward-model settings the experiment sets (the rest of `RewardModelConfig` keeps its defaults). */
export type OvershootRmConfig = Pick<RewardModelConfig, "hidden" | "epochs" | "learningRate" | "batchSize">;
/** The PPO settings the experiment sets (β comes from each run; the rest keeps PPO's defaults). */
export type OvershootPpoConfig = Pick<PpoConfig, "iterations" | "batchSize" | "epochs" | "minibatches" | "learningRate">;
/** The offline-DPO settings the experiment sets (β comes from `dpoBetas`). */
export type OvershootDpoConfig = Pick<DpoConfig, "epochs" | "batchSize" | "learningRate">;

export interface OvershootConfig {
  /** RM training-set sizes (kept rater-labelled pairs; nested prefixes of one draw). */
  rmPairs: number[];
  /** The RM size used for PPO and for the DPO comparison (must be one of rmPairs). */
  indirectionPairs: number;
  /** Held-out pairs for RM accuracy (vs rater and vs oracle). */
  heldOutPairs: number;
  /** Base-model pretraining documents. */
  trainDocs: number;
  heldOutDocs: number;
  /** best-of-n values. */
  ns: number[];
  /** Reward-model settings. */
  rm: OvershootRmConfig;
  /**
   * PPO runs: a fixed KL coefficient each, and the iterations after which the policy is
   * evaluated exactly (the last iteration, `ppo.iterations`, always is). The first run is the
   * *trajectory* run (weak leash, many checkpoints) used for the RL Gao fit.
   */
  ppoRuns: PpoRun[];
  ppo: OvershootPpoConfig;
  /** DPO β values and settings. */
  dpoBetas: number[];
  dpo: OvershootDpoConfig;
  /** The rater population. */
  population: PopulationConfig;
}

/** What a caller may override: any field, the nested trainer settings field by field. */
export type OvershootOverrides = Partial<Omit<OvershootConfig, "rm" | "ppo" | "dpo">> & { rm?: Partial<OvershootRmConfig>; ppo?: Partial<OvershootPpoConfig>; dpo?: Partial<OvershootDpoConfig> };

/** One PPO run of the claim-2 experiment. */
export interface PpoRun {
  beta: number;
  /** Iterations (1-based) after which the policy is evaluated exactly. */
  checkpoints: number[];
}

export const OVERSHOOT_DEFAULTS: OvershootConfig = {
  rmPairs: [500, 2000, 8000],
  indirectionPairs: 2000,
  heldOutPairs: 1000,
  trainDocs: 6000,
  heldOutDocs: 500,
  ns: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
  rm: { hidden: [32], epochs: 10, learningRate: 0.01, batchSize: 64 },
  ppoRuns: [
    { beta: 0.03, checkpoints: [1, 2, 3, 5, 8, 12, 16, 20] },
    { beta: 0.3, checkpoints: [20] },
    { beta: 1, checkpoints: [20] },
    { beta: 3, checkpoints: [20] },
  ],
  ppo: { iterations: 20, batchSize: 128, epochs: 2, minibatches: 2, learningRate: 1e-3 },
  dpoBetas: [0.1, 0.3, 1, 3],
  dpo: { epochs: 2, batchSize: 64, learningRate: 1e-3 },
  population: PRESETS.typical.population,
};

const LR_RULE = { kind: "number", min: 1e-9, max: 10 } as const;
const BATCH_RULE = { kind: "integer", min: 1, max: 100_000 } as const;
const EPOCHS_RULE = { kind: "integer", min: 1, max: 1000 } as const;
const COEF_RULE = { kind: "number", min: 1e-6, max: 1000 } as const;

/** Field rules of {@link OvershootConfig} (every bound finite; `ppoRuns` and `population` have their own checks). */
const CONFIG_RULES: BudgetRules = {
  rmPairs: { kind: "integers", min: 1, max: 100_000, minLength: 1, maxLength: 20 },
  indirectionPairs: { kind: "integer", min: 1, max: 100_000 },
  heldOutPairs: { kind: "integer", min: 1, max: 100_000 },
  trainDocs: { kind: "integer", min: 1, max: 1_000_000 },
  heldOutDocs: { kind: "integer", min: 1, max: 1_000_000 },
  ns: { kind: "integers", min: 1, max: 1_000_000, minLength: 1, maxLength: 50 },
  rm: { kind: "object", rules: { hidden: { kind: "integers", min: 1, max: 1024, minLength: 1, maxLength: 8 }, epochs: EPOCHS_RULE, learningRate: LR_RULE, batchSize: BATCH_RULE } },
  ppo: { kind: "object", rules: { iterations: { kind: "integer", min: 1, max: 10_000 }, batchSize: BATCH_RULE, epochs: EPOCHS_RULE, minibatches: BATCH_RULE, learningRate: LR_RULE } },
  dpoBetas: { kind: "numbers", min: 1e-6, max: 1000, minLength: 1, maxLength: 20 },
  dpo: { kind: "object", rules: { epochs: EPOCHS_RULE, batchSize: BATCH_RULE, learningRate: LR_RULE } },
};

const CUSTOM_CHECKS = {
  ppoRuns: objectListCheck({ beta: COEF_RULE, checkpoints: { kind: "integers", min: 1, max: 10_000, minLength: 0, maxLength: 1000 } }, 1, 20),
  population: populationCheck,
};

/** Checks that relate fields (the PPO split, checkpoints within the run, the indirection RM among the sizes). */
function checkRelations(name: string, c: OvershootConfig): OvershootConfig {
  if (!c.rmPairs.includes(c.indirectionPairs)) throw new ConfigError(`${name}.indirectionPairs`, c.indirectionPairs, `one of rmPairs (${c.rmPairs.join(", ")})`);
  if (c.ppo.batchSize % c.ppo.minibatches !== 0) throw new ConfigError(`${name}.ppo.minibatches`, c.ppo.minibatches, `an integer that divides ppo.batchSize = ${c.ppo.batchSize}`);
  c.ppoRuns.forEach((r, i) =>
    r.checkpoints.forEach((it, j) => {
      if (it > c.ppo.iterations) throw new ConfigError(`${name}.ppoRuns[${i}].checkpoints[${j}]`, it, `an integer in [1, ppo.iterations = ${c.ppo.iterations}]`);
    }),
  );
  return c;
}

/**
 * `overrides` laid over {@link OVERSHOOT_DEFAULTS} (`rm`, `ppo` and `dpo` merged field by
 * field) and checked before any work: unknown keys, wrong types and values outside their
 * range throw a ConfigError naming the field.
 */
export function resolveOvershootConfig(overrides: unknown, name = "overshootSeed config"): OvershootConfig {
  return checkRelations(name, resolveConfig(name, OVERSHOOT_DEFAULTS, CONFIG_RULES, CUSTOM_CHECKS, overrides));
}

/** Threshold for the overshoot part: true utility at the largest n is below its best by more than this. */
export const OVERSHOOT_DROP_THRESHOLD = 0.02;
/** Threshold for the indirection part: inflation gap, PPO-on-RM minus DPO-on-labels, at matched KL. */
export const INDIRECTION_THRESHOLD = 0;

/**
 * Main hypothesis: best-of-n on the RM (fit on `indirectionPairs` rater pairs) overshoots:
 * the true utility at the largest n lies more than 0.02 utility units below the best true
 * utility along the curve (interval over seeds).
 */
export const OVERSHOOT_HYPOTHESIS: Hypothesis = {
  claim: 2,
  effect: "best-of-n on the reward model: best true utility along the curve minus true utility at the largest n",
  direction: "above",
  threshold: OVERSHOOT_DROP_THRESHOLD,
  thresholdText: "overshoot > 0.02 utility units, and inflation gap of PPO-on-RM − DPO-on-labels at matched KL (midpoint of the KL range both reach) > 0",
};

/** Reward-model scores for every (context, parser state): scores[context.index][state.index]. */
export type ScoreTable = number[][];

/** Scores of `rm` for every context and parser state, in one batch. */
export function scoreTable(world: World, rm: RewardModel): ScoreTable {
  const feats: number[][] = [];
  for (const c of world.contexts) for (const s of world.space.states) feats.push(meaningFeatures(world, c, s));
  const flat = rm.score(feats);
  const S = world.space.states.length;
  return world.contexts.map((_, i) => flat.slice(i * S, (i + 1) * S));
}

/** Per (context, state): expected true and population-believed utility over the truth posterior. */
export function utilityTables(world: World, population: PopulationConfig): { truth: number[][]; believed: number[][] } {
  const params = meanRaterParams(population);
  const truth: number[][] = [], believed: number[][] = [];
  for (const e of world.entries) {
    const meanings = world.space.states.map((s) => world.space.meaning(s));
    truth[e.context.index] = meanings.map((m) => expectedTrueUtility(world.config, e, m));
    believed[e.context.index] = meanings.map((m) => expectedBelievedUtility(world.config, params, e, m));
  }
  return { truth, believed };
}

/** E[table] under a distribution (context-weighted). */
export function expectedScore(dist: ExactDistribution, table: number[][]): number {
  let s = 0, w = 0;
  for (const c of dist.contexts) {
    const row = table[c.entry.context.index]!;
    for (const f of c.finals) s += c.entry.weight * f.prob * row[f.state.index]!;
    w += c.entry.weight;
  }
  return s / w;
}

/**
 * RM-versus-rater disagreement on the policy's own outputs: over pairs of independent
 * outputs of the policy for the same query (exact), the share — among pairs the rater's
 * expected believed utility separates — that the RM orders the other way.
 */
export function rmRaterDisagreement(dist: ExactDistribution, rm: ScoreTable, believed: number[][]): number {
  let dis = 0, tot = 0;
  for (const c of dist.contexts) {
    const r = rm[c.entry.context.index]!, b = believed[c.entry.context.index]!;
    const f = c.finals;
    for (let i = 0; i < f.length; i++) {
      for (let j = i + 1; j < f.length; j++) {
        const db = b[f[i]!.state.index]! - b[f[j]!.state.index]!;
        if (Math.abs(db) < 1e-12) continue;
        const w = c.entry.weight * f[i]!.prob * f[j]!.prob;
        tot += w;
        if (db * (r[f[i]!.state.index]! - r[f[j]!.state.index]!) < 0) dis += w;
      }
    }
  }
  return tot > 0 ? dis / tot : NaN;
}

/** The exact best-of-n distribution over final states per context, with meaning-level KL. */
export function bestOfNDistribution(base: ExactDistribution, rm: ScoreTable, n: number): ExactDistribution {
  let kl = 0, w = 0;
  const contexts = base.contexts.map((c) => {
    const row = rm[c.entry.context.index]!;
    const b = bestOfNExact(c.finals.map((f) => f.prob), c.finals.map((f) => row[f.state.index]!), n);
    kl += c.entry.weight * b.kl;
    w += c.entry.weight;
    return { ...c, finals: c.finals.map((f, i) => ({ ...f, prob: b.probs[i]! })), kl: b.kl };
  });
  return { contexts, kl: kl / w };
}


/** Method labels of the RL rows. */
export const PPO = "PPO on RM";
export const DPO = "DPO on rater labels";
/** The method of an RL row. */
export type Method = typeof PPO | typeof DPO;

/** The world metrics every evaluated row reports, in column order. */
export const METRICS = [
  "trueUtility",
  "believedUtility",
  "inflationGap",
  "overestimation",
  "underestimation",
  "sycophancyRate",
  "exaggerationRate",
  "hallucinationRate",
  "accuracy",
] as const satisfies readonly (keyof WorldMetrics)[];

/** One exactly evaluated policy: KL, d = √KL, proxy gain, world metrics, RM-vs-rater disagreement, true-utility gain. */
export type EvalRow = {
  /** KL to the base model (over meanings for best-of-n, over sequences for PPO and DPO). */
  kl: number;
  /** d = √KL. */
  d: number;
  /** RM score gained over the base model. */
  proxy: number;
} & Pick<WorldMetrics, (typeof METRICS)[number]> & {
  rmRaterDisagreement: number;
  /** True utility minus the base model's (for the Gao fits). */
  trueGain: number;
};

/** A best-of-n point: RM data size, n, the analytic KL bound and its √. */
export type BonRow = { rmPairs: number; n: number; klBound: number; dBound: number } & EvalRow;
/** A PPO checkpoint or DPO run (β null and iteration 0: the base model; DPO's iteration is null). */
export type RlRow = { method: Method; beta: number | null; iteration: number | null; final: boolean } & EvalRow;
/** A reward model: held-out agreement with the rater and the oracle, disagreement on base-model outputs. */
export type RmRow = { rmPairs: number; "accuracy/rater": number; "accuracy/oracle": number; "disagreement/base": number };
/** A row tagged with its seed. */
export type Seeded<R> = { seed: number } & R;

function evalRow(world: World, dist: ExactDistribution, rm: ScoreTable, believed: number[][], baseProxy: number, baseTrue: number): EvalRow {
  const m = exactMetrics(world, dist);
  return {
    kl: dist.kl,
    d: Math.sqrt(Math.max(0, dist.kl)),
    proxy: expectedScore(dist, rm) - baseProxy,
    ...pickMetrics(m, METRICS),
    rmRaterDisagreement: rmRaterDisagreement(dist, rm, believed),
    trueGain: m.trueUtility - baseTrue,
  };
}

/** Rater-labelled pairs of base-model samples (kept pairs only) with their oracle labels. */
function labelledPairs(world: World, sample: (rng: Rng, cs: Context[]) => number[][], population: PopulationConfig, n: number, rng: Rng): { pairs: JudgedPair[]; oracle: number[] } {
  const ctxRng = rng.fork("contexts"), sampRng = rng.fork("sampling"), labRng = rng.fork("labels"), oraRng = rng.fork("oracle");
  const draw = contextSampler(world);
  const pairs: JudgedPair[] = [];
  const label = pairLabeler(world, { kind: "population", population }, pairs);
  for (let guard = 0; pairs.length < n && guard < 100; guard++) {
    const cs = draw(ctxRng, Math.ceil((n - pairs.length) * 1.1) + 8);
    const a = sample(sampRng, cs), b = sample(sampRng, cs);
    for (let i = 0; i < cs.length && pairs.length < n; i++) label(cs[i]!, a[i]!, b[i]!, labRng);
  }
  const oracle = pairs.map((p) => judgeOracle(world.config, { context: p.context, truth: p.truth }, world.space.parse(p.a).meaning, world.space.parse(p.b).meaning, oraRng).label as number);
  return { pairs, oracle };
}

function toComparisons(world: World, pairs: readonly JudgedPair[]): Comparison[] {
  return pairs.map((p) => ({ a: rewardFeatures(world, p.context, p.a), b: rewardFeatures(world, p.context, p.b), label: p.label }));
}

/** Results of one seed: best-of-n rows, RL rows (PPO on the RM and DPO on labels), RM rows. */
export interface OvershootSeed {
  bon: BonRow[];
  rl: RlRow[];
  rm: RmRow[];
}

/** One seed of the claim-2 experiment (see the file comment). `overrides` are checked before any work. */
export function overshootSeed(world: World, overrides: OvershootOverrides, rng: Rng): OvershootSeed {
  const cfg = resolveOvershootConfig(overrides);
  const base = trainBaseModel(world, { trainDocs: cfg.trainDocs, heldOutDocs: cfg.heldOutDocs }, rng.fork("base"));
  const out: OvershootSeed = { bon: [], rl: [], rm: [] };
  try {
    const baseDist = exactDistribution(world, base.table, base.table);
    const baseTrue = base.metrics.trueUtility;
    const { believed } = utilityTables(world, cfg.population);
    const sample = (r: Rng, cs: Context[]) => base.policy.sample(r, cs);
    const maxN = Math.max(...cfg.rmPairs);
    const train = labelledPairs(world, sample, cfg.population, maxN, rng.fork("rm-pairs"));
    const held = labelledPairs(world, sample, cfg.population, cfg.heldOutPairs, rng.fork("rm-heldout"));
    const heldCmp = toComparisons(world, held.pairs);
    const allCmp = toComparisons(world, train.pairs);
    for (const N of cfg.rmPairs) {
      const { model } = RewardModel.train(allCmp.slice(0, N), cfg.rm, rng.fork(`rm/${N}`));
      try {
        const table = scoreTable(world, model);
        const acc = model.accuracy(heldCmp, { rater: held.pairs.map((p) => p.label), oracle: held.oracle });
        const baseProxy = expectedScore(baseDist, table);
        const evaluate = (dist: ExactDistribution) => evalRow(world, dist, table, believed, baseProxy, baseTrue);
        out.rm.push({ rmPairs: N, "accuracy/rater": acc["accuracy/rater"]!, "accuracy/oracle": acc["accuracy/oracle"]!, "disagreement/base": rmRaterDisagreement(baseDist, table, believed) });
        for (const n of cfg.ns) out.bon.push({ rmPairs: N, n, klBound: bestOfNKlBound(n), dBound: Math.sqrt(bestOfNKlBound(n)), ...evaluate(bestOfNDistribution(baseDist, table, n)) });
        if (N !== cfg.indirectionPairs) continue;
        const baseRow = { beta: null, iteration: 0, final: true, ...evaluate(baseDist) };
        out.rl.push({ method: PPO, ...baseRow }, { method: DPO, ...baseRow });
        out.rl.push(...ppoOnRewardModel(world, base, table, cfg, rng, evaluate));
        out.rl.push(...dpoOnLabels(world, base, train.pairs.slice(0, N), cfg, rng, evaluate));
      } finally {
        model.dispose();
      }
    }
  } finally {
    base.dispose();
  }
  return out;
}

type Base = ReturnType<typeof trainBaseModel>;

/** PPO on the RM's score table, one run per `ppoRuns` entry, evaluated exactly at its checkpoints. */
function ppoOnRewardModel(world: World, base: Base, table: ScoreTable, cfg: OvershootConfig, rng: Rng, evaluate: (d: ExactDistribution) => EvalRow): RlRow[] {
  const rows: RlRow[] = [];
  const reward = (cs: readonly Context[], outputs: readonly number[][]) => cs.map((c, i) => table[c.index]![world.space.parse(outputs[i]!).state.index]!);
  const iterations = cfg.ppo.iterations;
  for (const run of cfg.ppoRuns) {
    const policy = base.policy.trainableCopy();
    const at = new Set([...run.checkpoints, iterations]);
    try {
      trainPpo(policy, base.reference, contextSampler(world), reward, { ...cfg.ppo, iterations, beta: run.beta }, rng.fork(`ppo/${run.beta}`), (it) => {
        if (!at.has(it)) return;
        rows.push({ method: PPO, beta: run.beta, iteration: it, final: it === iterations, ...evaluate(exactPolicyDistribution(world, policy, base.table)) });
      });
    } finally {
      policy.dispose();
    }
  }
  return rows;
}

/** Offline DPO on the raw rater labels the RM was fitted to, one run per β. */
function dpoOnLabels(world: World, base: Base, pairs: readonly JudgedPair[], cfg: OvershootConfig, rng: Rng, evaluate: (d: ExactDistribution) => EvalRow): RlRow[] {
  const rows: RlRow[] = [];
  const prefs: Preference<Context>[] = pairs.map((p) => (p.label === 1 ? { context: p.context, chosen: p.a, rejected: p.b } : { context: p.context, chosen: p.b, rejected: p.a }));
  for (const beta of cfg.dpoBetas) {
    const policy = base.policy.trainableCopy();
    try {
      trainDpo(policy, base.reference, prefs, { ...cfg.dpo, beta }, rng.fork("dpo"));
      rows.push({ method: DPO, beta, iteration: null, final: true, ...evaluate(exactPolicyDistribution(world, policy, base.table)) });
    } finally {
      policy.dispose();
    }
  }
  return rows;
}

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

/** One seed's results. */
export interface SeedResult {
  seed: number;
  result: OvershootSeed;
}

/** Claim 2's decision, with the intervals that are reported beside it and not decided. */
export interface OvershootDecision extends Decision {
  /** Matched-KL budgets over seeds (nats). */
  matchedKl: Interval;
  /** Reported, not decided: the same difference with the PPO trajectory run as the PPO curve. */
  trajectoryDiff: Interval;
  trajectoryKl: Interval;
  /** Reported, not decided: true-utility rise over the base model and fall from the peak along the PPO trajectory. */
  ppoRise: Interval;
  ppoFall: Interval;
}

/** `meanCI`, or an all-NaN interval (decided "inconclusive") when there is no value at all. */
function meanCIOrNaN(xs: readonly number[]): Interval {
  return xs.length === 0 ? { estimate: NaN, lo: NaN, hi: NaN, n: 0 } : meanCI(xs);
}

/**
 * Decides claim 2 from per-seed results: the overshoot part (the headline) and the
 * indirection part, both "evidence"; the status is `allOf` them.
 */
export function decideOvershoot(seeds: readonly SeedResult[], indirectionPairs: number): OvershootDecision {
  const drops = seeds.map((s) => overshoot(s.result.bon.filter((r) => r.rmPairs === indirectionPairs)).drop);
  const main = meanCIOrNaN(drops);
  const ok = <T,>(x: T | null): x is T => x !== null;
  const matched = seeds.map((s) => matchedKlGapDifference(s.result.rl)).filter(ok);
  const traj = seeds.map((s) => matchedKlGapDifference(s.result.rl, "inflationGap", "trajectory")).filter(ok);
  const rf = seeds.map((s) => ppoRiseFall(s.result.rl)).filter(ok);
  const ind = meanCIOrNaN(matched.map((m) => m.diff));
  const hInd = { direction: "above", threshold: INDIRECTION_THRESHOLD } as const;
  const parts: Part[] = [
    { key: "overshoot", effect: `best-of-n overshoot (RM on ${indirectionPairs} pairs): max true utility − true utility at largest n > ${OVERSHOOT_DROP_THRESHOLD}`, status: decide(OVERSHOOT_HYPOTHESIS, main), interval: main, direction: OVERSHOOT_HYPOTHESIS.direction, threshold: OVERSHOOT_DROP_THRESHOLD, thresholdText: `> ${OVERSHOOT_DROP_THRESHOLD} utility units`, role: "evidence" },
    { key: "indirection", effect: `inflation gap, PPO-on-RM (run ends by β) − DPO-on-rater-labels at matched KL (midpoint of shared range) > ${INDIRECTION_THRESHOLD}`, status: decide(hInd, ind), interval: ind, ...hInd, thresholdText: `> ${INDIRECTION_THRESHOLD}`, role: "evidence" },
  ];
  return {
    status: allOf(parts.map((p) => p.status)),
    headline: main,
    parts,
    matchedKl: meanCIOrNaN(matched.map((m) => m.kl)),
    trajectoryDiff: meanCIOrNaN(traj.map((m) => m.diff)),
    trajectoryKl: meanCIOrNaN(traj.map((m) => m.kl)),
    ppoRise: meanCIOrNaN(rf.map((x) => x.rise)),
    ppoFall: meanCIOrNaN(rf.map((x) => x.fall)),
  };
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

/** What claim 2's run returns: the per-seed results, and every row tagged with its seed. */
export interface OvershootResults {
  perSeed: SeedResult[];
  bon: Seeded<BonRow>[];
  rl: Seeded<RlRow>[];
  rm: Seeded<RmRow>[];
}

/**
 * Runs `overshootSeed` for each seed (root `Rng.fromSeed(seed)`); rows get a `seed` field.
 * The config and the seeds are checked before any work; a NaN or infinite number in any
 * row fails the run, naming the seed and the row's condition.
 */
export function runOvershoot(world: World, overrides: OvershootOverrides, seeds: readonly number[], onProgress?: OnProgress): OvershootResults {
  const cfg = resolveOvershootConfig(overrides, "runOvershoot config");
  checkField("runOvershoot seeds", seeds, SEEDS_RULE);
  const perSeed: SeedResult[] = [];
  seeds.forEach((seed, i) => {
    const result = overshootSeed(world, cfg, Rng.fromSeed(seed));
    for (const r of result.bon) assertFiniteRow(r, seed, `best-of-n, RM ${r.rmPairs}, n ${r.n}`);
    for (const r of result.rl) assertFiniteRow(r, seed, `${r.method}, β ${r.beta}, iteration ${r.iteration}`);
    for (const r of result.rm) assertFiniteRow(r, seed, `reward model on ${r.rmPairs} pairs`);
    perSeed.push({ seed, result });
    onProgress?.(i + 1, seeds.length, `seed ${seed}`);
  });
  const tag = <R,>(rows: (s: OvershootSeed) => R[]) => perSeed.flatMap((s) => rows(s.result).map((r) => ({ seed: s.seed, ...r })));
  return { perSeed, bon: tag((r) => r.bon), rl: tag((r) => r.rl), rm: tag((r) => r.rm) };
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

/** A claim-2 budget: the experiment's settings and the seeds. */
export type OvershootBudget = BaseBudget & OvershootConfig;

/** Quick (test suite: exercises every path, including matched KL, in seconds) and full (reports) budgets. */
export const BUDGETS: Readonly<Record<Mode, OvershootBudget>> = {
  quick: {
    seeds: [1, 2],
    rmPairs: [200, 600],
    indirectionPairs: 600,
    heldOutPairs: 200,
    trainDocs: 500,
    heldOutDocs: 100,
    ns: [1, 4, 32, 256],
    rm: { hidden: [32], epochs: 3, learningRate: 0.01, batchSize: 64 },
    ppoRuns: [{ beta: 0.03, checkpoints: [2] }, { beta: 1, checkpoints: [] }],
    ppo: { iterations: 6, batchSize: 32, epochs: 1, minibatches: 2, learningRate: 1e-3 },
    dpoBetas: [0.1],
    dpo: { epochs: 1, batchSize: 64, learningRate: 1e-3 },
    population: PRESETS.typical.population,
  },
  full: { seeds: [1, 2, 3, 4, 5], ...OVERSHOOT_DEFAULTS },
};

/** The budget of `mode` with `overrides`, checked before any work. */
export function overshootBudget(mode: Mode, overrides?: unknown): OvershootBudget {
  if (mode !== "quick" && mode !== "full") throw new ConfigError("claim 2 mode", mode, `"quick" or "full"`);
  const name = "claim 2 budget";
  return checkRelations(name, resolveConfig(name, BUDGETS[mode], { seeds: SEEDS_RULE, ...CONFIG_RULES }, CUSTOM_CHECKS, overrides)) as OvershootBudget;
}

/** Claim 2 as one module: budgets, hypothesis, run and decide. */
export const claim = {
  claim: 2,
  notebook: "04-reward-model-overshoots",
  budgets: BUDGETS,
  budget: overshootBudget,
  hypothesis: (_budget: OvershootBudget) => OVERSHOOT_HYPOTHESIS,
  run: async (world: World, budget: OvershootBudget, seeds: readonly number[], onProgress?: OnProgress): Promise<OvershootResults> => {
    const { seeds: _budgetSeeds, ...cfg } = budget;
    return runOvershoot(world, cfg, seeds, onProgress);
  },
  decide: (results: OvershootResults, budget: OvershootBudget): OvershootDecision => decideOvershoot(results.perSeed, budget.indirectionPairs),
} satisfies ClaimModule<OvershootBudget, OvershootResults>;
