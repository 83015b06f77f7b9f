/**
 * Imitation pretraining: fit the token policy to a corpus by next-token cross-entropy.
 * The result is the base model every experiment fine-tunes (and its frozen reference).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import { TokenPolicy } from "../policy/token-policy";
import { DivergenceGuard, makeOptimizer, optimizerStep, OptimizerName, OPTIMIZERS } from "../tf/optim";
import { checkFinite, checkInteger, checkOneOf, checkPositive } from "../validate";
import { resolveConfig } from "./config";

/** One corpus document: what the writer saw and what they wrote. */
export interface Document<C> {
  context: C;
  tokens: number[];
}

export interface PretrainConfig {
  /** "adam" (default) or "sgd". */
  optimizer: OptimizerName;
  /** Learning rate > 0. */
  learningRate: number;
  /** Passes over the training documents. */
  epochs: number;
  /** Documents per step. */
  batchSize: number;
  /** Global gradient-norm clip (Infinity = off). */
  clipNorm: number;
  /** Log a row every `logEvery` steps. */
  logEvery: number;
  /** Stop (before applying the update) when the loss exceeds this × max(1, |first loss|), or is not finite. */
  divergenceFactor: number;
}

export const PRETRAIN_DEFAULTS: PretrainConfig = {
  optimizer: "adam",
  learningRate: 3e-3,
  epochs: 3,
  batchSize: 128,
  clipNorm: 1,
  logEvery: 20,
  divergenceFactor: 1000,
};

export function pretrainConfig(overrides: Partial<PretrainConfig> = {}): PretrainConfig {
  return resolveConfig(PRETRAIN_DEFAULTS, overrides, (c) => {
    checkOneOf("optimizer", c.optimizer, OPTIMIZERS);
    checkPositive("learningRate", c.learningRate);
    checkInteger("epochs", c.epochs, 1);
    checkInteger("batchSize", c.batchSize, 1);
    if (c.clipNorm !== Infinity) checkPositive("clipNorm", c.clipNorm);
    checkInteger("logEvery", c.logEvery, 1);
    checkPositive("divergenceFactor", c.divergenceFactor);
  });
}

/** One cross-entropy step on a batch of documents (exported for leak tests and benchmarks). */
export function pretrainStep<C, S>(policy: TokenPolicy<C, S>, opt: tf.Optimizer, docs: readonly Document<C>[], clipNorm = Infinity, guard?: DivergenceGuard) {
  const b = policy.encode(docs.map((d) => d.context), docs.map((d) => d.tokens));
  const nTok = b.lengths.reduce((a, c) => a + c, 0);
  const packed = policy.pack(b);
  return optimizerStep(opt, policy.variables, () => ({ loss: tf.div(tf.neg(tf.sum(policy.packedTokenLogProbs(packed))), nTok) as tf.Scalar }), { clipNorm, ...(guard ? { guard } : {}) });
}

/** Mean next-token cross-entropy (nats per token) of `policy` on `docs`. */
export function crossEntropy<C, S>(policy: TokenPolicy<C, S>, docs: readonly Document<C>[], chunk = 512): number {
  let total = 0, n = 0;
  for (let i = 0; i < docs.length; i += chunk) {
    const part = docs.slice(i, i + chunk);
    const lp = policy.logProbsOf(part.map((d) => d.context), part.map((d) => d.tokens));
    for (const row of lp.tokens) {
      for (const x of row) total -= x;
      n += row.length;
    }
  }
  return total / n;
}

/**
 * Trains `policy` in place on `train`. Log rows: `step`, `epoch`, `loss` (train batch),
 * and at each epoch end `eval/loss` on `heldOut` (nats per token).
 */
export function pretrain<C, S>(
  policy: TokenPolicy<C, S>,
  train: readonly Document<C>[],
  heldOut: readonly Document<C>[],
  overrides: Partial<PretrainConfig>,
  rng: Rng,
): Record<string, number>[] {
  const cfg = pretrainConfig(overrides);
  const opt = makeOptimizer(cfg.optimizer, cfg.learningRate);
  const logs: Record<string, number>[] = [];
  let step = 0;
  try {
    const guard = new DivergenceGuard("pretraining", cfg.divergenceFactor);
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const perm = rng.shuffle(train.map((_, i) => i));
      for (let s = 0; s < perm.length; s += cfg.batchSize) {
        const res = pretrainStep(policy, opt, perm.slice(s, s + cfg.batchSize).map((i) => train[i]!), cfg.clipNorm, guard);
        checkFinite(++step, "loss", res.loss);
        if (step % cfg.logEvery === 0) logs.push({ step, epoch, loss: res.loss });
      }
      if (heldOut.length > 0) logs.push({ step, epoch, "eval/loss": crossEntropy(policy, heldOut) });
    }
  } finally {
    opt.dispose();
  }
  return logs;
}

/**
 * Base rates reproduced? Samples one output per held-out document's context from the
 * policy and compares `metric` on those samples with `metric` on the documents.
 * Returns rows { metric, corpus, policy, diff }.
 */
export function compareRates<C, S>(
  policy: TokenPolicy<C, S>,
  heldOut: readonly Document<C>[],
  metric: (docs: readonly Document<C>[]) => Record<string, number>,
  rng: Rng,
): { metric: string; corpus: number; policy: number; diff: number }[] {
  const contexts = heldOut.map((d) => d.context);
  const samples = policy.sample(rng, contexts).map((tokens, i) => ({ context: contexts[i]!, tokens }));
  const a = metric(heldOut);
  const b = metric(samples);
  return Object.keys(a).map((k) => ({ metric: k, corpus: a[k]!, policy: b[k]!, diff: b[k]! - a[k]! }));
}
