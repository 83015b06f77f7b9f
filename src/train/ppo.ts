/**
 * PPO fine-tuning of the token policy against any scalar reward callback (a reward
 * model, a rater's believed utility, the true outcome), in CleanRL's order:
 *   1. rollout from the current policy;
 *   2. per-token rewards: −β·KL estimate at every token, plus the score at the last token
 *      (Ziegler et al. 2019; Ouyang et al. 2022);
 *   3. values from the value head, advantages by GAE (Schulman et al. 2016), whitened;
 *   4. minibatch epochs on the clipped surrogate + value loss (Schulman et al. 2017);
 *   5. log, and adapt β (fixed or Ziegler's proportional controller).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { TokenPolicy, EncodedBatch } from "../policy/token-policy";
import { Mlp } from "../policy/mlp";
import { clippedSurrogate, valueLoss, entropyFromLogits } from "../losses/ppo";
import { KL_ESTIMATORS_PLAIN, KL_ESTIMATOR_NAMES, KlEstimatorName } from "../losses/kl";
import { DivergenceGuard, makeOptimizer, optimizerStep, OptimizerName, OPTIMIZERS } from "../tf/optim";
import { checkFinite, checkInteger, checkOneOf, checkPositive, checkRange } from "../validate";
import { resolveConfig } from "./config";
import { ConfigError } from "../errors";
import { gae, whiten } from "./advantages";
import { AdaptiveKlSettings, makeKlController } from "./kl-controller";
import { explainedVariance } from "./tabular-ppo";

/** Scores whole outputs: plain numbers in, one number per output out. */
export type RewardFn<C> = (contexts: readonly C[], outputs: readonly number[][]) => number[];

export interface PpoConfig {
  /** Initial KL coefficient β ≥ 0. */
  beta: number;
  /** Per-token KL estimator in the reward: "k1" (gradient-correct) or "k3" (≥ 0 per token). */
  klEstimator: KlEstimatorName;
  /** Adaptive β toward a target KL per sequence (Ziegler et al. 2019), or null for fixed β. */
  adaptiveKl: AdaptiveKlSettings | null;
  /** "adam" (default) or "sgd". */
  optimizer: OptimizerName;
  /** Learning rate > 0. */
  learningRate: number;
  /** Rollout/update iterations. */
  iterations: number;
  /** Sequences per rollout. */
  batchSize: number;
  /** PPO epochs per rollout. */
  epochs: number;
  /** Minibatches per epoch (must divide batchSize). */
  minibatches: number;
  /** Clip range ε ∈ (0, 1) for the ratio. */
  clipRange: number;
  /** Clip range for the value update (Infinity = unclipped). */
  clipRangeValue: number;
  /** Weight of the value loss. */
  vfCoef: number;
  /** Weight of the entropy bonus (0 = none; the KL penalty already regularises). */
  entCoef: number;
  /** GAE discount γ ∈ [0, 1]. */
  gamma: number;
  /** GAE λ ∈ [0, 1]. */
  lambda: number;
  /** Hidden widths of the value head (an MLP on the policy's input features). */
  valueHidden: number[];
  /** Global gradient-norm clip (Infinity = off). */
  clipNorm: number;
  /** Stop (before applying the update) when the loss exceeds this × max(1, |first loss|), or is not finite. */
  divergenceFactor: number;
}

export const PPO_DEFAULTS: PpoConfig = {
  beta: 0.1,
  klEstimator: "k1",
  adaptiveKl: null,
  optimizer: "adam",
  learningRate: 1e-3,
  iterations: 20,
  batchSize: 128,
  epochs: 2,
  minibatches: 2,
  clipRange: 0.2,
  clipRangeValue: 0.2,
  vfCoef: 0.5,
  entCoef: 0,
  gamma: 1,
  lambda: 0.95,
  valueHidden: [64],
  clipNorm: 1,
  divergenceFactor: 1000,
};

export function ppoConfig(overrides: Partial<PpoConfig> = {}): PpoConfig {
  return resolveConfig(PPO_DEFAULTS, overrides, (c) => {
    checkPositive("beta", c.beta, true);
    checkOneOf("klEstimator", c.klEstimator, KL_ESTIMATOR_NAMES);
    checkOneOf("optimizer", c.optimizer, OPTIMIZERS);
    checkPositive("learningRate", c.learningRate);
    checkInteger("iterations", c.iterations, 1);
    checkInteger("batchSize", c.batchSize, 1);
    checkInteger("epochs", c.epochs, 1);
    checkInteger("minibatches", c.minibatches, 1, c.batchSize);
    if (c.batchSize % c.minibatches !== 0) {
      throw new ConfigError("minibatches", c.minibatches, `a divisor of batchSize (${c.batchSize}), so every minibatch has the same size`);
    }
    checkRange("clipRange", c.clipRange, 1e-6, 0.999);
    if (c.clipRangeValue !== Infinity) checkPositive("clipRangeValue", c.clipRangeValue);
    checkPositive("vfCoef", c.vfCoef, true);
    checkPositive("entCoef", c.entCoef, true);
    checkRange("gamma", c.gamma, 0, 1);
    checkRange("lambda", c.lambda, 0, 1);
    c.valueHidden.forEach((h, i) => checkInteger(`valueHidden[${i}]`, h, 1));
    if (c.clipNorm !== Infinity) checkPositive("clipNorm", c.clipNorm);
    checkPositive("divergenceFactor", c.divergenceFactor);
  });
}

/** Per-token quantities of one rollout, flattened over the batch's (sequence, slot) grid. */
export interface Rollout<C> {
  contexts: C[];
  outputs: number[][];
  batch: EncodedBatch;
  oldLogp: Float32Array;
  oldValues: Float32Array;
  advantages: Float32Array;
  returns: Float32Array;
  scores: number[];
  kl: number[];
  /** Sum of per-token rewards per sequence (score − β·Σ KL). */
  rlhfReward: number[];
}

/** Slices rows of a rollout's encoded batch (sequence indices `ix`). */
function sliceBatch(b: EncodedBatch, ix: number[], D: number): EncodedBatch {
  const t = b.t;
  const x = new Float32Array(ix.length * t * D), tokens = new Int32Array(ix.length * t), mask = new Float32Array(ix.length * t);
  ix.forEach((i, k) => {
    x.set(b.x.subarray(i * t * D, (i + 1) * t * D), k * t * D);
    tokens.set(b.tokens.subarray(i * t, (i + 1) * t), k * t);
    mask.set(b.mask.subarray(i * t, (i + 1) * t), k * t);
  });
  return { n: ix.length, t, x, tokens, mask, lengths: ix.map((i) => b.lengths[i]!) };
}

function pick(a: Float32Array, ix: number[], t: number): Float32Array {
  const out = new Float32Array(ix.length * t);
  ix.forEach((i, k) => out.set(a.subarray(i * t, (i + 1) * t), k * t));
  return out;
}

/** One PPO minibatch update (exported for leak tests and benchmarks). */
export function ppoStep<C, S>(
  policy: TokenPolicy<C, S>,
  value: Mlp,
  opt: tf.Optimizer,
  ro: Rollout<C>,
  ix: number[],
  cfg: Pick<PpoConfig, "clipRange" | "clipRangeValue" | "vfCoef" | "entCoef" | "clipNorm">,
  guard?: DivergenceGuard,
) {
  const D = policy.inputDim;
  const b = sliceBatch(ro.batch, ix, D);
  const t = b.t;
  const pk = policy.pack(b);
  const nTok = pk.rows;
  // Per-token rollout quantities at the real tokens only (padding carries no loss).
  const at = (a: Float32Array) => {
    const sliced = pick(a, ix, t);
    return tf.tensor1d(Float32Array.from(pk.flat, (f) => sliced[f]!));
  };
  return optimizerStep(
    opt,
    [...policy.variables, ...value.variables],
    () => {
      const mmean = (x: tf.Tensor) => tf.div(tf.sum(x), nTok) as tf.Scalar;
      const logits = policy.packedLogits(pk);
      const logp = policy.packedTokenLogProbs(pk, logits);
      const s = clippedSurrogate(logp, at(ro.oldLogp), at(ro.advantages), cfg.clipRange);
      const v = tf.reshape(value.apply(tf.tensor2d(pk.x, [pk.rows, D])), [-1]) as tf.Tensor1D;
      const vl = mmean(valueLoss(v, at(ro.oldValues), at(ro.returns), cfg.clipRangeValue));
      const pl = mmean(s.losses);
      const ent = mmean(entropyFromLogits(logits));
      const loss = tf.sub(tf.add(pl, tf.mul(vl, cfg.vfCoef)), tf.mul(ent, cfg.entCoef)) as tf.Scalar;
      return {
        loss,
        metrics: {
          "loss/policy": pl,
          "loss/value": vl,
          "policy/entropy": ent,
          "policy/approxkl": mmean(s.approxKl),
          "policy/clipfrac": mmean(s.clipped),
        },
      };
    },
    { clipNorm: cfg.clipNorm, ...(guard ? { guard } : {}) },
  );
}

/** Steps 1–3: rollout, per-token rewards, GAE. Plain numbers except the encoded batch. */
export function collectRollout<C, S>(
  policy: TokenPolicy<C, S>,
  ref: TokenPolicy<C, S>,
  value: Mlp,
  contexts: C[],
  reward: RewardFn<C>,
  beta: number,
  cfg: Pick<PpoConfig, "klEstimator" | "gamma" | "lambda">,
  rng: Rng,
): Rollout<C> {
  // 1. Rollout.
  const outputs = policy.sample(rng, contexts);
  const batch = policy.encode(contexts, outputs);
  const t = batch.t;
  // Forward passes on the real tokens only, scattered back to the padded [n·t] layout (0 at padding).
  const pk = policy.pack(batch);
  const [lpT, refT, vT] = tf.tidy(() => [
    policy.packedTokenLogProbs(pk),
    ref.packedTokenLogProbs(pk),
    tf.reshape(value.apply(tf.tensor2d(pk.x, [pk.rows, policy.inputDim])), [-1]),
  ]);
  const scatter = (src: Float32Array) => {
    const out = new Float32Array(batch.n * t);
    pk.flat.forEach((f, r) => (out[f] = src[r]!));
    return out;
  };
  const oldLogp = scatter(lpT.dataSync() as Float32Array), refLogp = scatter(refT.dataSync() as Float32Array), oldValues = scatter(vT.dataSync() as Float32Array);
  tf.dispose([lpT, refT, vT]);
  // 2. Rewards: −β·KL per token, the score on the last token.
  const scores = reward(contexts, outputs);
  if (scores.length !== batch.n) throw new ConfigError("reward callback result", `${scores.length} scores`, `one score per sampled output (${batch.n})`);
  scores.forEach((s, i) => {
    if (typeof s !== "number" || !Number.isFinite(s)) throw new ConfigError(`reward callback result[${i}]`, s, "a finite number");
  });
  const klFn = KL_ESTIMATORS_PLAIN[cfg.klEstimator];
  const advantages = new Float32Array(batch.n * t), returns = new Float32Array(batch.n * t);
  const kl: number[] = [], rlhfReward: number[] = [];
  const advList: number[] = [];
  for (let i = 0; i < batch.n; i++) {
    const len = batch.lengths[i]!;
    const r: number[] = [], v: number[] = [];
    let klSum = 0;
    for (let p = 0; p < len; p++) {
      const k = klFn(oldLogp[i * t + p]!, refLogp[i * t + p]!);
      klSum += k;
      r.push(-beta * k);
      v.push(oldValues[i * t + p]!);
    }
    r[len - 1]! += scores[i]!;
    kl.push(klSum);
    rlhfReward.push(scores[i]! - beta * klSum);
    // 3. GAE.
    const g = gae(r, v, cfg.gamma, cfg.lambda);
    for (let p = 0; p < len; p++) {
      advantages[i * t + p] = g.advantages[p]!;
      returns[i * t + p] = g.returns[p]!;
      advList.push(g.advantages[p]!);
    }
  }
  const w = whiten(advList);
  let k = 0;
  for (let i = 0; i < batch.n; i++) for (let p = 0; p < batch.lengths[i]!; p++) advantages[i * t + p] = w[k++]!;
  return { contexts, outputs, batch, oldLogp, oldValues, advantages, returns, scores, kl, rlhfReward };
}

/**
 * Trains `policy` in place by PPO on `reward`. One log row per iteration with
 * `objective/kl` (mean Σ_t k-estimate per sequence), `objective/scores`,
 * `objective/rlhf_reward`, `objective/kl_coef`, `policy/approxkl`, `policy/clipfrac`,
 * `policy/entropy`, `loss/policy`, `loss/value`, `val/explained_variance`.
 * `onIteration` (optional) is called after each iteration's update with its log row, so a
 * caller can checkpoint or evaluate the policy along the trajectory; it must not change the
 * policy, and it draws no randomness from `rng`.
 */
export function trainPpo<C, S>(
  policy: TokenPolicy<C, S>,
  ref: TokenPolicy<C, S>,
  sampleContexts: (rng: Rng, n: number) => C[],
  reward: RewardFn<C>,
  overrides: Partial<PpoConfig>,
  rng: Rng,
  onIteration?: (iteration: number, log: Record<string, number>) => void,
): Record<string, number>[] {
  const cfg = ppoConfig(overrides);
  const value = new Mlp([policy.inputDim, ...cfg.valueHidden, 1], rng.fork("value-init"));
  const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const kl = makeKlController(cfg.beta, cfg.adaptiveKl);
  const ctxRng = rng.fork("contexts"), sampRng = rng.fork("sampling"), mbRng = rng.fork("minibatches");
  const logs: Record<string, number>[] = [];
  const mb = cfg.batchSize / cfg.minibatches;
  const guard = new DivergenceGuard("PPO", cfg.divergenceFactor);
  try {
    for (let it = 1; it <= cfg.iterations; it++) {
      const beta = kl.value;
      const ro = collectRollout(policy, ref, value, sampleContexts(ctxRng, cfg.batchSize), reward, beta, cfg, sampRng);
      // 4. Minibatch epochs.
      const acc: Record<string, number> = {};
      let n = 0;
      for (let ep = 0; ep < cfg.epochs; ep++) {
        const perm = mbRng.shuffle(Array.from({ length: cfg.batchSize }, (_, i) => i));
        for (let m = 0; m < cfg.minibatches; m++) {
          const res = ppoStep(policy, value, opt, ro, perm.slice(m * mb, (m + 1) * mb), cfg, guard);
          checkFinite(it, "loss", res.loss);
          for (const [k, x] of Object.entries(res.metrics)) acc[k] = (acc[k] ?? 0) + x;
          n++;
        }
      }
      // 5. Log and adapt β.
      const meanKl = mean(ro.kl);
      checkFinite(it, "objective/kl", meanKl);
      kl.update(meanKl, cfg.batchSize);
      const vs: number[] = [], rs: number[] = [];
      ro.batch.lengths.forEach((len, i) => {
        for (let p = 0; p < len; p++) {
          vs.push(ro.oldValues[i * ro.batch.t + p]!);
          rs.push(ro.returns[i * ro.batch.t + p]!);
        }
      });
      const row: Record<string, number> = {
        step: it,
        "objective/kl": meanKl,
        "objective/scores": mean(ro.scores),
        "objective/rlhf_reward": mean(ro.rlhfReward),
        "objective/kl_coef": beta,
        "val/explained_variance": explainedVariance(vs, rs),
      };
      for (const [k, x] of Object.entries(acc)) row[k] = x / n;
      logs.push(row);
      onIteration?.(it, row);
    }
  } finally {
    opt.dispose();
    value.dispose();
  }
  return logs;
}

function mean(x: number[]): number {
  return x.reduce((a, b) => a + b, 0) / x.length;
}
