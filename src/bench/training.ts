/**
 * Benchmarks of the training steps (plain exports; `make bench` wires them up). Each
 * benchmark is a {@link StepBench}: a closure doing one unit of work (a DPO step, a PPO
 * iteration, a reward-model step) on fixed synthetic data, timed on the current backend.
 * Uses a synthetic SequenceSpace shaped like the world's (vocab 13, maxLen 10, 24 state
 * features) unless it says "world".
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";
import type { ContextSpace, SequenceSpace } from "../space";
import { TokenPolicy } from "../policy/token-policy";
import { Mlp } from "../policy/mlp";
import { makeOptimizer } from "../tf/optim";
import { dpoStep, encodePairs, referenceLogps, type Preference } from "../train/dpo";
import { collectRollout, ppoStep } from "../train/ppo";
import { rewardModelStep, Comparison } from "../train/reward-model";
import { worldDocuments } from "../claims/kit/world-adapter";
import { createWorld } from "../world";
import { exactDistribution } from "../world/exact";
import { linearFit } from "../stats/intervals";
import { clockMs } from "./roofline";

/**
 * The shapes of a step, for the PyTorch mirror (scripts/bench_torch.py builds random data
 * of exactly these shapes and runs the same computation).
 */
export type TorchSpec =
  | { kind: "dpo"; inputDim: number; hidden: number[]; vocab: number; lengths: number[] }
  | { kind: "ppo"; inputDim: number; hidden: number[]; valueHidden: number[]; vocab: number; batch: number; maxLen: number; epochs: number; minibatches: number }
  | { kind: "rm"; dim: number; hidden: number[]; batch: number };

/** One benchmarked unit of work. */
export interface StepBench {
  name: string;
  /** Batch and lengths, for the printed table. */
  detail: string;
  /** Does one step (or iteration). */
  run(): void;
  dispose(): void;
  torch?: TorchSpec;
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
const DPO_CFG = { lossType: "sigmoid", beta: 0.1, epsilon: 0, clipNorm: 1 } as const;

/** A DPO step bench on given pairs (the batch is encoded inside each step, as in training). */
function dpoBench<C, S>(name: string, detail: string, p: TokenPolicy<C, S>, pairs: Preference<C>[]): StepBench {
  const ref = p.frozenCopy();
  const opt = makeOptimizer("adam", 1e-3);
  const rl = referenceLogps(ref, pairs);
  const lengths = [...pairs.map((d) => Math.min(d.chosen.length, p.space.maxLen)), ...pairs.map((d) => Math.min(d.rejected.length, p.space.maxLen))];
  return {
    name,
    detail,
    run: () => void dpoStep(p, opt, pairs, rl.chosen, rl.rejected, DPO_CFG, encodePairs(p, pairs)),
    dispose: () => {
      p.dispose();
      ref.dispose();
      opt.dispose();
    },
    torch: { kind: "dpo", inputDim: p.inputDim, hidden: [...p.hidden], vocab: p.space.vocabSize, lengths },
  };
}

/** DPO on the synthetic space: `batchSize` pairs sampled from the initial policy (sequences of up to `maxLen` tokens). */
export function dpoSampledBench(batchSize = 64, maxLen = 10): StepBench {
  const p = new TokenPolicy(benchSpace(13, maxLen), ctxSpace, [64, 64], Rng.fromSeed(1));
  const rng = Rng.fromSeed(2);
  const ctx = Array.from({ length: 2 * batchSize }, () => rng.int(48));
  const outs = p.sample(rng, ctx);
  const pairs = Array.from({ length: batchSize }, (_, i) => ({ context: ctx[2 * i]!, chosen: outs[2 * i]!, rejected: outs[2 * i + 1]! }));
  return dpoBench("dpo step", `batch ${batchSize} pairs, length ≤ ${maxLen}`, p, pairs);
}

/**
 * DPO on the synthetic space with every sequence exactly `length` tokens long (for the
 * scaling slopes). The space's `maxLen` (default `length`) sets the width of the position
 * one-hot in the network's input, so a length sweep keeps it fixed at the sweep's largest
 * length: otherwise the first layer widens with the length and the work per token grows.
 */
export function dpoFixedLengthBench(batchSize: number, length: number, maxLen = length): StepBench {
  if (maxLen < length) throw new RangeError(`dpoFixedLengthBench: maxLen ${maxLen} < length ${length}`);
  const p = new TokenPolicy(benchSpace(13, maxLen), ctxSpace, [64, 64], Rng.fromSeed(1));
  const rng = Rng.fromSeed(2);
  const seq = () => Array.from({ length }, () => 1 + rng.int(12)); // never the end token
  const pairs = Array.from({ length: batchSize }, () => ({ context: rng.int(48), chosen: seq(), rejected: seq() }));
  return dpoBench("dpo step, fixed length", `batch ${batchSize} pairs, length ${length}`, p, pairs);
}

/** DPO on the world's own outputs: pairs of human-corpus documents, world policy [64, 64]. */
export function dpoWorldBench(batchSize = 64): StepBench {
  const world = createWorld();
  const p = new TokenPolicy(world.space, world.contextSpace, [64, 64], Rng.fromSeed(1));
  const docs = worldDocuments(world, 2 * batchSize, Rng.fromSeed(2));
  const pairs = Array.from({ length: batchSize }, (_, i) => ({ context: docs[2 * i]!.context, chosen: docs[2 * i]!.tokens, rejected: docs[2 * i + 1]!.tokens }));
  const meanLength = docs.reduce((a, d) => a + d.tokens.length, 0) / docs.length;
  return dpoBench("dpo step, world corpus pairs", `batch ${batchSize} pairs, mean length ${meanLength.toFixed(1)}`, p, pairs);
}

/** PPO: full iterations (rollout + 2 epochs × 2 minibatches) of `batchSize` sequences. */
export function ppoBench(batchSize = 64, maxLen = 10): StepBench {
  const p = new TokenPolicy(benchSpace(13, maxLen), ctxSpace, [64, 64], Rng.fromSeed(1)), ref = p.frozenCopy();
  const value = new Mlp([p.inputDim, 64, 1], Rng.fromSeed(3));
  const opt = makeOptimizer("adam", 1e-3);
  const rng = Rng.fromSeed(2);
  const reward = (_c: readonly number[], o: readonly number[][]) => o.map((s) => s.length);
  const cfg = { clipRange: 0.2, clipRangeValue: 0.2, vfCoef: 0.5, entCoef: 0, clipNorm: 1 };
  const half = batchSize / 2;
  return {
    name: "ppo iteration (rollout + 4 minibatch steps)",
    detail: `batch ${batchSize}, length ≤ ${maxLen}`,
    run: () => {
      const ro = collectRollout(p, ref, value, Array.from({ length: batchSize }, () => rng.int(48)), reward, 0.1, { klEstimator: "k1", gamma: 1, lambda: 0.95 }, rng);
      for (let e = 0; e < 2; e++) for (let m = 0; m < 2; m++) ppoStep(p, value, opt, ro, Array.from({ length: half }, (_, i) => m * half + i), cfg);
    },
    dispose: () => {
      p.dispose();
      ref.dispose();
      value.dispose();
      opt.dispose();
    },
    torch: { kind: "ppo", inputDim: p.inputDim, hidden: [64, 64], valueHidden: [64], vocab: 13, batch: batchSize, maxLen, epochs: 2, minibatches: 2 },
  };
}

/** Reward-model steps: `batchSize` comparisons of `dim`-dimensional features, MLP [32]. */
export function rewardModelBench(batchSize = 64, dim = 37): StepBench {
  const rng = Rng.fromSeed(1);
  const net = new Mlp([dim, 32, 1], rng);
  const opt = makeOptimizer("adam", 1e-2);
  const batch: Comparison[] = Array.from({ length: batchSize }, () => ({
    a: Array.from({ length: dim }, () => rng.normal()),
    b: Array.from({ length: dim }, () => rng.normal()),
    label: rng.int(2),
  }));
  return {
    name: "reward-model step",
    detail: `batch ${batchSize}, ${dim} features`,
    run: () => void rewardModelStep(net, opt, batch, 1e-4),
    dispose: () => {
      net.dispose();
      opt.dispose();
    },
    torch: { kind: "rm", dim, hidden: [32], batch: batchSize },
  };
}

/**
 * Exact evaluation of a network policy on the world, as the claims run it after each
 * training run: the policy table of a [64, 64] policy (every context × reachable (position,
 * state) row), then the exact distribution over final states with the KL to the reference.
 * The reference's table is computed once, outside the timed step, as the claims compute
 * their base model's table once per seed.
 */
export function exactEvalBench(): StepBench {
  const world = createWorld();
  // A reference with other weights, as after training (equal weights would make every log-ratio 0).
  const p = new TokenPolicy(world.space, world.contextSpace, [64, 64], Rng.fromSeed(1));
  const ref = new TokenPolicy(world.space, world.contextSpace, [64, 64], Rng.fromSeed(2));
  const refTable = ref.policyTable(world.contexts);
  return {
    name: "exact evaluation (policy table + exact distribution)",
    detail: `world, ${world.contexts.length} contexts, reference table precomputed`,
    run: () => void exactDistribution(world, p.policyTable(world.contexts), refTable),
    dispose: () => {
      p.dispose();
      ref.dispose();
    },
  };
}

/** The steps `make bench` times on every backend. */
export function standardBenches(): (() => StepBench)[] {
  return [() => dpoSampledBench(), () => dpoWorldBench(), () => ppoBench(), () => rewardModelBench(), () => exactEvalBench()];
}

/** Rate of a unit of work: median over `rounds` rounds of at least `minMs` each ({@link clockMs}: CPU time in Node), after `warmup` calls. */
export function measure(run: () => void, rounds = 5, minMs = 250, warmup = 2): { perSecond: number; rounds: number[] } {
  for (let i = 0; i < warmup; i++) run();
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = clockMs();
    let dt = 0;
    do {
      run();
      n++;
      dt = clockMs() - t0;
    } while (dt < minMs);
    rates.push((n * 1000) / dt);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return { perSecond: sorted[Math.floor(sorted.length / 2)]!, rounds: rates };
}

/** Times one bench (median rate) and disposes it. */
export function timeBench(make: () => StepBench, rounds = 5, minMs = 250): { name: string; detail: string; perSecond: number; torch?: TorchSpec } {
  const b = make();
  try {
    const m = measure(b.run, rounds, minMs);
    return { name: b.name, detail: b.detail, perSecond: m.perSecond, ...(b.torch ? { torch: b.torch } : {}) };
  } finally {
    b.dispose();
  }
}

/** One point of a scaling sweep. */
export interface ScalingPoint {
  batch: number;
  length: number;
  /** Seconds per step. */
  seconds: number;
}

/**
 * Log-log slopes of the DPO step's cost: seconds per step against the batch (pairs, at
 * length 10) and against the sequence length (at batch 64), sequences of exactly that
 * many tokens, every point with the same network (the position one-hot as wide as the
 * largest length), so the work is proportional to batch × length. A slope of 1 is linear.
 */
export function dpoScaling(batches = [16, 32, 64, 128, 256], lengths = [5, 10, 20, 40], rounds = 3): { batch: ScalingPoint[]; length: ScalingPoint[]; batchSlope: number; lengthSlope: number } {
  const maxLen = Math.max(10, ...lengths);
  const point = (batch: number, length: number): ScalingPoint => ({ batch, length, seconds: 1 / timeBench(() => dpoFixedLengthBench(batch, length, maxLen), rounds, 150).perSecond });
  const b = batches.map((x) => point(x, 10));
  const l = lengths.map((x) => point(64, x));
  const slope = (xs: number[], ys: number[]) => linearFit(xs.map(Math.log), ys.map(Math.log)).slope.estimate;
  return { batch: b, length: l, batchSlope: slope(batches, b.map((p) => p.seconds)), lengthSlope: slope(lengths, l.map((p) => p.seconds)) };
}

/**
 * The rows every backend's column of `make bench` shows (scripts/bench.ts calls
 * `benchJobs` of each area module): job name, batch and length in `detail`, steps per
 * second. The seeds of the synthetic data are fixed inside each bench, so `_rng` is unused.
 */
export function benchJobs(_rng?: Rng): { job: string; detail: string; stepsPerSecond: number }[] {
  return standardBenches().map((make) => {
    const r = timeBench(make, 3, 200);
    return { job: r.name, detail: r.detail, stepsPerSecond: r.perSecond };
  });
}

/** The current backend's name (for callers that print it). */
export function backendName(): string {
  return tf.getBackend();
}
