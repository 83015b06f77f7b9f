/**
 * Benchmarks of the training steps (plain exports; `make bench` wires them up). Each
 * returns steps per second after a warm-up, on the current backend. Uses a synthetic
 * SequenceSpace shaped like the world's (vocab 13, maxLen 10, 24 state features).
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import type { ContextSpace, SequenceSpace } from "../space";
import { TokenPolicy } from "../policy/token-policy";
import { Mlp } from "../policy/mlp";
import { makeOptimizer } from "../tf/optim";
import { dpoStep, encodePairs, referenceLogps } from "../train/dpo";
import { collectRollout, ppoStep } from "../train/ppo";
import { rewardModelStep, Comparison } from "../train/reward-model";
import { worldDocuments } from "../claims/kit/world-adapter";
import { createWorld } from "../world";

export interface BenchResult {
  name: string;
  backend: string;
  stepsPerSecond: number;
  /** Sequences (or comparisons) per step. */
  batchSize: number;
  /** Token slots per sequence. */
  seqLen: number;
}

/** A position-counting space: state = (position, last token) one-hot. */
function benchSpace(vocab = 13, maxLen = 10): SequenceSpace<{ pos: number; last: number }> {
  return {
    vocabSize: vocab,
    endToken: 0,
    maxLen,
    tokenNames: Array.from({ length: vocab }, (_, i) => `t${i}`),
    stateDim: vocab + 11,
    initialState: () => ({ pos: 0, last: 0 }),
    step: (s, t) => ({ pos: Math.min(10, s.pos + 1), last: t }),
    key: (s) => `${s.pos}:${s.last}`,
    stateFeatures: (s) => {
      const f = new Array<number>(vocab + 11).fill(0);
      f[s.last] = 1;
      f[vocab + s.pos] = 1;
      return f;
    },
  };
}
const ctxSpace: ContextSpace<number> = { contextDim: 13, contextFeatures: (c) => Array.from({ length: 13 }, (_, i) => (i === c % 13 ? 1 : 0)) };

function time(fn: () => void, steps: number, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) fn();
  return (steps * 1000) / (performance.now() - t0);
}

/** DPO steps/s on the token policy: `batchSize` pairs, sequences of up to `seqLen` tokens. */
export function benchDpo(batchSize = 64, seqLen = 10, steps = 20): BenchResult {
  const space = benchSpace(13, seqLen);
  const p = new TokenPolicy(space, ctxSpace, [64, 64], Rng.fromSeed(1)), ref = p.frozenCopy();
  const opt = makeOptimizer("adam", 1e-3);
  const rng = Rng.fromSeed(2);
  const ctx = Array.from({ length: 2 * batchSize }, () => rng.int(48));
  const outs = ref.sample(rng, ctx);
  const pairs = Array.from({ length: batchSize }, (_, i) => ({ context: ctx[2 * i]!, chosen: outs[2 * i]!, rejected: outs[2 * i + 1]! }));
  const rl = referenceLogps(ref, pairs);
  // As in training: the batch is encoded inside each step (trainDpo's batches change every step).
  const sps = time(() => dpoStep(p, opt, pairs, rl.chosen, rl.rejected, { lossType: "sigmoid", beta: 0.1, epsilon: 0, clipNorm: 1 }, encodePairs(p, pairs)), steps);
  p.dispose(); ref.dispose(); opt.dispose();
  return { name: "dpo step", backend: tf.getBackend(), stepsPerSecond: sps, batchSize, seqLen };
}

/**
 * DPO steps/s on the world's own outputs: 64 pairs of human-corpus documents (short, like
 * the base model's samples), world policy [64, 64]. `meanLength` is their mean token count.
 */
export function benchDpoWorld(batchSize = 64, steps = 20): BenchResult & { meanLength: number } {
  const world = createWorld();
  const p = new TokenPolicy(world.space, world.contextSpace, [64, 64], Rng.fromSeed(1)), ref = p.frozenCopy();
  const opt = makeOptimizer("adam", 1e-3);
  const docs = worldDocuments(world, 2 * batchSize, Rng.fromSeed(2));
  const pairs = Array.from({ length: batchSize }, (_, i) => ({ context: docs[2 * i]!.context, chosen: docs[2 * i]!.tokens, rejected: docs[2 * i + 1]!.tokens }));
  const rl = referenceLogps(ref, pairs);
  const sps = time(() => dpoStep(p, opt, pairs, rl.chosen, rl.rejected, { lossType: "sigmoid", beta: 0.1, epsilon: 0, clipNorm: 1 }, encodePairs(p, pairs)), steps);
  const meanLength = docs.reduce((a, d) => a + d.tokens.length, 0) / docs.length;
  p.dispose(); ref.dispose(); opt.dispose();
  return { name: "dpo step, world corpus pairs", backend: tf.getBackend(), stepsPerSecond: sps, batchSize, seqLen: world.space.maxLen, meanLength };
}

/** PPO: full iterations (rollout + 2 epochs × 2 minibatches) per second, `batchSize` sequences. */
export function benchPpo(batchSize = 64, seqLen = 10, iterations = 5): BenchResult {
  const space = benchSpace(13, seqLen);
  const p = new TokenPolicy(space, ctxSpace, [64, 64], Rng.fromSeed(1)), ref = p.frozenCopy();
  const value = new Mlp([p.inputDim, 64, 1], Rng.fromSeed(3));
  const opt = makeOptimizer("adam", 1e-3);
  const rng = Rng.fromSeed(2);
  const reward = (_c: readonly number[], o: readonly number[][]) => o.map((s) => s.length);
  const sps = time(() => {
    const ro = collectRollout(p, ref, value, Array.from({ length: batchSize }, () => rng.int(48)), reward, 0.1, { klEstimator: "k1", gamma: 1, lambda: 0.95 }, rng);
    const half = batchSize / 2;
    for (let e = 0; e < 2; e++) for (let m = 0; m < 2; m++) ppoStep(p, value, opt, ro, Array.from({ length: half }, (_, i) => m * half + i), { clipRange: 0.2, clipRangeValue: 0.2, vfCoef: 0.5, entCoef: 0, clipNorm: 1 });
  }, iterations, 1);
  p.dispose(); ref.dispose(); value.dispose(); opt.dispose();
  return { name: "ppo iteration (rollout + 4 minibatch steps)", backend: tf.getBackend(), stepsPerSecond: sps, batchSize, seqLen };
}

/** Reward-model steps/s: `batchSize` comparisons of `dim`-dimensional features, MLP [32]. */
export function benchRewardModel(batchSize = 64, dim = 37, steps = 50): BenchResult {
  const rng = Rng.fromSeed(1);
  const net = new Mlp([dim, 32, 1], rng);
  const opt = makeOptimizer("adam", 1e-2);
  const batch: Comparison[] = Array.from({ length: batchSize }, () => ({
    a: Array.from({ length: dim }, () => rng.normal()),
    b: Array.from({ length: dim }, () => rng.normal()),
    label: rng.int(2),
  }));
  const sps = time(() => rewardModelStep(net, opt, batch, 1e-4), steps);
  net.dispose(); opt.dispose();
  return { name: "reward-model step", backend: tf.getBackend(), stepsPerSecond: sps, batchSize, seqLen: 1 };
}

/** All benchmarks, as rows. */
export function runTrainingBenchmarks(): BenchResult[] {
  return [benchDpo(), benchDpoWorld(), benchPpo(), benchRewardModel()];
}

/**
 * The rows `make bench` prints (scripts/bench.ts calls `benchJobs` of each area module):
 * job name, the batch and sequence length in `detail`, steps per second. The seeds of the
 * synthetic data are fixed inside each benchmark, so `_rng` is unused.
 */
export function benchJobs(_rng?: Rng): { job: string; detail: string; stepsPerSecond: number }[] {
  return runTrainingBenchmarks().map((r) => ({
    job: r.name,
    detail:
      r.seqLen > 1
        ? `batch ${r.batchSize}, length ≤ ${r.seqLen}${"meanLength" in r ? `, mean ${(r as { meanLength: number }).meanLength.toFixed(1)}` : ""}`
        : `batch ${r.batchSize}`,
    stepsPerSecond: r.stepsPerSecond,
  }));
}
