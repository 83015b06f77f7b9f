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
import type { Hypothesis, VerdictStatus } from "../verdict";
import { decide } from "../verdict";
import { meanCI, type Interval } from "../stats/intervals";
import type { Row } from "../plot/spec";
import { RewardModel, type Comparison, type RewardModelConfig } from "../train/reward-model";
import { bestOfNExact, bestOfNKlBound } from "../train/best-of-n";
import { trainPpo, type PpoConfig } from "../train/ppo";
import { trainDpo, type DpoConfig, type Preference } from "../train/dpo";
import { contextSampler, exactPolicyDistribution, trainBaseModel, interpolateAt } from "./kit";
import { pairLabeler, type JudgedPair } from "./kit/world-runs";
import {
  believedUtility,
  exactDistribution,
  exactMetrics,
  judgeOracle,
  meanRaterParams,
  trueUtility,
  PRESETS,
  type Context,
  type ExactDistribution,
  type ParseState,
  type PopulationConfig,
  type World,
  type WorldMetrics,
} from "../world";
import { fitGao, type GaoFit } from "../stats/gao-fit";

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
  rm: Partial<RewardModelConfig>;
  /**
   * PPO runs: a fixed KL coefficient each, and the iterations after which the policy is
   * evaluated exactly (the last iteration, `ppo.iterations`, always is). The first run is the
   * *trajectory* run (weak leash, many checkpoints) used for the RL Gao fit.
   */
  ppoRuns: PpoRun[];
  ppo: Partial<PpoConfig>;
  /** DPO β values and settings. */
  dpoBetas: number[];
  dpo: Partial<DpoConfig>;
  /** The rater population. */
  population: PopulationConfig;
}

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

/** The RM input of (context, final state): context features ⊕ state features. */
export function rmFeatures(world: World, c: Context, s: ParseState): number[] {
  return [...world.contextSpace.contextFeatures(c), ...world.space.stateFeatures(s)];
}

/** Scores of `rm` for every context and parser state, in one batch. */
export function scoreTable(world: World, rm: RewardModel): ScoreTable {
  const feats: number[][] = [];
  for (const c of world.contexts) for (const s of world.space.states) feats.push(rmFeatures(world, c, s));
  const flat = rm.score(feats);
  const S = world.space.states.length;
  return world.contexts.map((_, i) => flat.slice(i * S, (i + 1) * S));
}

/** Per (context, state): expected true and population-believed utility over the truth posterior. */
export function utilityTables(world: World, population: PopulationConfig): { truth: number[][]; believed: number[][] } {
  const params = meanRaterParams(population);
  const truth: number[][] = [], believed: number[][] = [];
  for (const e of world.entries) {
    const t: number[] = [], b: number[] = [];
    for (const s of world.space.states) {
      const m = world.space.meaning(s);
      let ut = 0, ub = 0;
      e.truthPosterior.forEach((p, k) => {
        if (p === 0) return;
        ut += p * trueUtility(world.config, k, m);
        ub += p * believedUtility(world.config, params, e.context, k, m);
      });
      t.push(ut);
      b.push(ub);
    }
    truth[e.context.index] = t;
    believed[e.context.index] = b;
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

const METRICS: readonly (keyof WorldMetrics & string)[] = [
  "trueUtility",
  "believedUtility",
  "inflationGap",
  "overestimation",
  "underestimation",
  "sycophancyRate",
  "exaggerationRate",
  "hallucinationRate",
  "accuracy",
];

function evalRow(world: World, dist: ExactDistribution, rm: ScoreTable, believed: number[][], baseProxy: number): Row {
  const m = exactMetrics(world, dist);
  const row: Row = { kl: dist.kl, d: Math.sqrt(Math.max(0, dist.kl)), proxy: expectedScore(dist, rm) - baseProxy };
  for (const k of METRICS) row[k] = m[k];
  row["rmRaterDisagreement"] = rmRaterDisagreement(dist, rm, believed);
  return row;
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
  return pairs.map((p) => ({ a: rmFeatures(world, p.context, world.space.parse(p.a).state), b: rmFeatures(world, p.context, world.space.parse(p.b).state), label: p.label }));
}

/** Results of one seed: best-of-n rows, RL rows (PPO on the RM and DPO on labels), RM rows. */
export interface OvershootSeed {
  bon: Row[];
  rl: Row[];
  rm: Row[];
}

/** One seed of the claim-2 experiment (see the file comment). */
export function overshootSeed(world: World, overrides: Partial<OvershootConfig>, rng: Rng): OvershootSeed {
  const cfg = { ...OVERSHOOT_DEFAULTS, ...overrides };
  const base = trainBaseModel(world, { trainDocs: cfg.trainDocs, heldOutDocs: cfg.heldOutDocs }, rng.fork("base"));
  const out: OvershootSeed = { bon: [], rl: [], rm: [] };
  try {
    const baseDist = exactDistribution(world, base.table, base.table);
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
        out.rm.push({ rmPairs: N, "accuracy/rater": acc["accuracy/rater"]!, "accuracy/oracle": acc["accuracy/oracle"]!, "disagreement/base": rmRaterDisagreement(baseDist, table, believed) });
        for (const n of cfg.ns) {
          const dist = bestOfNDistribution(baseDist, table, n);
          out.bon.push({ rmPairs: N, n, klBound: bestOfNKlBound(n), dBound: Math.sqrt(bestOfNKlBound(n)), ...evalRow(world, dist, table, believed, baseProxy) });
        }
        if (N !== cfg.indirectionPairs) continue;
        const baseRow = { beta: null, iteration: 0, final: true, ...evalRow(world, baseDist, table, believed, baseProxy) };
        out.rl.push({ method: PPO, ...baseRow }, { method: DPO, ...baseRow });
        const reward = (cs: readonly Context[], outputs: readonly number[][]) => cs.map((c, i) => table[c.index]![world.space.parse(outputs[i]!).state.index]!);
        const iterations = cfg.ppo.iterations ?? 20;
        for (const run of cfg.ppoRuns) {
          const policy = base.policy.trainableCopy();
          const at = new Set([...run.checkpoints, iterations]);
          try {
            trainPpo(policy, base.reference, contextSampler(world), reward, { ...cfg.ppo, iterations, beta: run.beta }, rng.fork(`ppo/${run.beta}`), (it) => {
              if (!at.has(it)) return;
              out.rl.push({ method: PPO, beta: run.beta, iteration: it, final: it === iterations, ...evalRow(world, exactPolicyDistribution(world, policy, base.table), table, believed, baseProxy) });
            });
          } finally {
            policy.dispose();
          }
        }
        const prefs: Preference<Context>[] = train.pairs.slice(0, N).map((p) => (p.label === 1 ? { context: p.context, chosen: p.a, rejected: p.b } : { context: p.context, chosen: p.b, rejected: p.a }));
        for (const beta of cfg.dpoBetas) {
          const policy = base.policy.trainableCopy();
          try {
            trainDpo(policy, base.reference, prefs, { ...cfg.dpo, beta }, rng.fork("dpo"));
            out.rl.push({ method: DPO, beta, iteration: null, final: true, ...evalRow(world, exactPolicyDistribution(world, policy, base.table), table, believed, baseProxy) });
          } finally {
            policy.dispose();
          }
        }
      } finally {
        model.dispose();
      }
    }
    // True-utility gains relative to the base model, for the Gao fits.
    const baseTrue = base.metrics.trueUtility;
    for (const r of [...out.bon, ...out.rl]) r["trueGain"] = (r["trueUtility"] as number) - baseTrue;
  } finally {
    base.dispose();
  }
  return out;
}

/** Overshoot of one best-of-n curve: max true utility along it minus the value at the largest n, and where the max sits. */
export function overshoot(curve: readonly Row[]): { drop: number; peakN: number; peakD: number } {
  const sorted = [...curve].sort((a, b) => (a["n"] as number) - (b["n"] as number));
  let best = sorted[0]!;
  for (const r of sorted) if ((r["trueUtility"] as number) > (best["trueUtility"] as number)) best = r;
  const last = sorted[sorted.length - 1]!;
  return { drop: (best["trueUtility"] as number) - (last["trueUtility"] as number), peakN: best["n"] as number, peakD: best["d"] as number };
}

/** Gao fit of the true-utility gain against d for one curve. */
export function gaoFitOf(form: "bon" | "rl", curve: readonly Row[]): GaoFit | null {
  const pts = curve.filter((r) => typeof r["d"] === "number" && (r["d"] as number) > 0);
  if (new Set(pts.map((r) => (r["d"] as number).toFixed(9))).size < 2) return null;
  return fitGao(form, pts.map((r) => r["d"] as number), pts.map((r) => r["trueGain"] as number));
}

/** Which PPO points form the PPO curve: the end of every run (one point per β), or the trajectory run's checkpoints. */
export type PpoCurve = "ends" | "trajectory";

/**
 * The points of one method's curve in one seed (base model at KL 0 included): DPO's β sweep;
 * PPO's run ends (one per β, like DPO's sweep) or the trajectory run (the first β in
 * `ppoRuns`, i.e. the smallest-β run with the most checkpoints, identified here as the β of
 * the most PPO rows).
 */
export function methodCurve(rl: readonly Row[], method: string, ppo: PpoCurve = "ends"): Row[] {
  const rows = rl.filter((r) => r["method"] === method);
  if (method !== PPO) return rows;
  if (ppo === "ends") return rows.filter((r) => r["final"] === true);
  return rows.filter((r) => r["beta"] === null || r["beta"] === trajectoryBeta(rows));
}

/** The β of the PPO run with the most evaluated checkpoints (ties: the smallest β). */
export function trajectoryBeta(rl: readonly Row[]): number | null {
  const counts = new Map<number, number>();
  for (const r of rl) if (r["method"] === PPO && typeof r["beta"] === "number") counts.set(r["beta"] as number, (counts.get(r["beta"] as number) ?? 0) + 1);
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

/**
 * `metric` of PPO-on-RM minus DPO-on-labels for one seed, both interpolated (linearly in
 * KL, base model at KL 0 included) at `at` — by default the matched-KL budget of
 * {@link matchedKlBudget}.
 */
export function matchedKlGapDifference(rl: readonly Row[], metric = "inflationGap", ppo: PpoCurve = "ends", at?: number): { kl: number; diff: number; ppo: number; dpo: number } | null {
  const pts = (m: string) => methodCurve(rl, m, ppo).map((r) => ({ x: r["kl"] as number, y: r[metric] as number }));
  const a = pts(PPO), b = pts(DPO);
  if (a.length < 2 || b.length < 2) return null;
  const kl = at ?? matchedKlBudget(a.map((p) => p.x), b.map((p) => p.x));
  if (kl === null) return null;
  const ya = interpolateAt(a, kl), yb = interpolateAt(b, kl);
  return ya === null || yb === null ? null : { kl, diff: ya - yb, ppo: ya, dpo: yb };
}

/** Rise and fall of true utility along the PPO trajectory run: best gain over the base model, and best minus last. */
export function ppoRiseFall(rl: readonly Row[]): { rise: number; fall: number; peakKl: number; lastKl: number } | null {
  const traj = methodCurve(rl, PPO, "trajectory").sort((x, y) => ((x["iteration"] as number) ?? 0) - ((y["iteration"] as number) ?? 0));
  if (traj.length < 2) return null;
  const baseU = traj[0]!["trueUtility"] as number;
  let best = traj[0]!;
  for (const r of traj) if ((r["trueUtility"] as number) > (best["trueUtility"] as number)) best = r;
  const last = traj[traj.length - 1]!;
  return { rise: (best["trueUtility"] as number) - baseU, fall: (best["trueUtility"] as number) - (last["trueUtility"] as number), peakKl: best["kl"] as number, lastKl: last["kl"] as number };
}

export interface DecidedOvershoot {
  main: Interval;
  parts: { effect: string; status: VerdictStatus; interval: Interval }[];
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

/** Decides claim 2 from per-seed results (rows tagged with `seed`). */
export function decideOvershoot(seeds: readonly { seed: number; result: OvershootSeed }[], indirectionPairs: number): DecidedOvershoot {
  const drops = seeds.map((s) => overshoot(s.result.bon.filter((r) => r["rmPairs"] === indirectionPairs)).drop);
  const main = meanCIOrNaN(drops);
  const ok = <T,>(x: T | null): x is T => x !== null;
  const matched = seeds.map((s) => matchedKlGapDifference(s.result.rl)).filter(ok);
  const traj = seeds.map((s) => matchedKlGapDifference(s.result.rl, "inflationGap", "trajectory")).filter(ok);
  const rf = seeds.map((s) => ppoRiseFall(s.result.rl)).filter(ok);
  const ind = meanCIOrNaN(matched.map((m) => m.diff));
  return {
    main,
    matchedKl: meanCIOrNaN(matched.map((m) => m.kl)),
    trajectoryDiff: meanCIOrNaN(traj.map((m) => m.diff)),
    trajectoryKl: meanCIOrNaN(traj.map((m) => m.kl)),
    ppoRise: meanCIOrNaN(rf.map((x) => x.rise)),
    ppoFall: meanCIOrNaN(rf.map((x) => x.fall)),
    parts: [
      { effect: `best-of-n overshoot (RM on ${indirectionPairs} pairs): max true utility − true utility at largest n > ${OVERSHOOT_DROP_THRESHOLD}`, status: decide(OVERSHOOT_HYPOTHESIS, main), interval: main },
      { effect: `inflation gap, PPO-on-RM (run ends by β) − DPO-on-rater-labels at matched KL (midpoint of shared range) > ${INDIRECTION_THRESHOLD}`, status: decide({ direction: "above", threshold: INDIRECTION_THRESHOLD }, ind), interval: ind },
    ],
  };
}

/** Per seed, `metric` of PPO (both curves) minus DPO at fixed KL values (descriptive; null where a curve does not reach). */
export function differenceAtKl(perSeed: readonly { seed: number; result: OvershootSeed }[], kls: readonly number[], metric = "inflationGap"): Row[] {
  const rows: Row[] = [];
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

/**
 * Per seed, each RL curve (PPO run ends, PPO trajectory, DPO sweep; base model at KL 0)
 * interpolated linearly at the KL values of `grid`, for `metrics`; a grid point outside a
 * seed's curve gives no row (no extrapolation). Summarise by [curve, kl] for mean bands.
 */
export function curvesOnGrid(perSeed: readonly { seed: number; result: OvershootSeed }[], grid: readonly number[], metrics: readonly string[]): Row[] {
  const rows: Row[] = [];
  for (const s of perSeed) {
    const curves: [string, Row[]][] = [[CURVES.ends, methodCurve(s.result.rl, PPO, "ends")], [CURVES.trajectory, methodCurve(s.result.rl, PPO, "trajectory")], [CURVES.dpo, methodCurve(s.result.rl, DPO)]];
    for (const [curve, pts] of curves) {
      for (const kl of grid) {
        const row: Row = { seed: s.seed, curve, kl, d: Math.sqrt(kl) };
        let ok = true;
        for (const m of metrics) {
          const y = interpolateAt(pts.map((r) => ({ x: r["kl"] as number, y: r[m] as number })), kl);
          if (y === null) ok = false;
          row[m] = y;
        }
        if (ok) rows.push(row);
      }
    }
  }
  return rows;
}

/** Runs `overshootSeed` for each seed (root `Rng.fromSeed(seed)`); rows get a `seed` field. */
export function runOvershoot(
  world: World,
  overrides: Partial<OvershootConfig>,
  seeds: readonly number[],
  onProgress?: (done: number, total: number) => void,
): { perSeed: { seed: number; result: OvershootSeed }[]; bon: Row[]; rl: Row[]; rm: Row[] } {
  const perSeed: { seed: number; result: OvershootSeed }[] = [];
  seeds.forEach((seed, i) => {
    perSeed.push({ seed, result: overshootSeed(world, overrides, Rng.fromSeed(seed)) });
    onProgress?.(i + 1, seeds.length);
  });
  const tag = (k: "bon" | "rl" | "rm") => perSeed.flatMap((s) => s.result[k].map((r) => ({ seed: s.seed, ...r })));
  return { perSeed, bon: tag("bon"), rl: tag("rl"), rm: tag("rm") };
}

/**
 * Gao fits per seed and RM size (best-of-n) and per seed (PPO trajectory run), as table
 * rows; `r2OtherForm` is the R² of the *other* optimiser's form on the same points (RL form
 * on best-of-n curves, best-of-n form on the PPO trajectory), to see which shape describes
 * the data better.
 */
export function gaoFitRows(perSeed: readonly { seed: number; result: OvershootSeed }[]): Row[] {
  const rows: Row[] = [];
  for (const s of perSeed) {
    const sizes = [...new Set(s.result.bon.map((r) => r["rmPairs"] as number))];
    for (const N of sizes) {
      const curve = s.result.bon.filter((r) => r["rmPairs"] === N);
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
