/**
 * Claim 6's trained work as seed jobs (kit/seed-runner.ts), so a runner can spread it over
 * worker threads: one job per (labeller, seed) of DPO on the mixture's weights (route b) and
 * one per network seed (route c). A job's payload is plain data. A labeller's exact labels
 * are large tables (and labellers carry functions), so they never travel: this thread draws
 * each run's labelled pairs from them ({@link weightsJob}; indices into the mixture's tables,
 * from the run's own stream) and the job carries the pairs. The mixture's tables travel not
 * at all: each thread rebuilds them from the claim's fixed world (`reweightingWorld()`, a pure
 * function) once ({@link reweightingSetup}); a network job needs the world only and names its
 * labellers. Each job's randomness comes from its own `Rng.fromSeed(seed)`, forked as the
 * sequential run always did, so the results do not depend on the runner.
 *
 * A job returns what it trained, not rows: the rows are assembled in the calling thread
 * beside the exact level (whose scores the trained runs are compared with).
 */
import { Rng } from "../../rng";
import type { ContextLabels } from "../../incentive";
import type { World } from "../../world";
import { seedTask } from "../kit/seed-runner";
import { baseWeights } from "./algorithms";
import { mixtureKl, sampleWeightPairs, trainWeightDpo, type WeightDpoConfig, type WeightDpoRun, type WeightPair } from "./dpo-weights";
import { LABELLERS, labellerOf, type LabellerName } from "./labellers";
import { buildMixture, mixtureLabels, type Mixture } from "./mixture";
import { networkSeedRuns, type NetworkBudget, type NetworkRun } from "./network";
import { reweightingWorld } from "./world";

let setup: { world: World; mix: Mixture } | null = null;
const labels = new Map<LabellerName, ContextLabels[]>();

/** Claim 6's world and the mixture's tables on it (built once per thread: a pure function of nothing). */
export function reweightingSetup(): { world: World; mix: Mixture } {
  if (!setup) {
    const world = reweightingWorld();
    setup = { world, mix: buildMixture(world) };
  }
  return setup;
}

/** A labeller's exact labels on the mixture of {@link reweightingSetup} (built once per labeller, in the thread that draws the pairs and computes the exact level). */
export function labelsOf(name: LabellerName): ContextLabels[] {
  let l = labels.get(name);
  if (!l) {
    const { world, mix } = reweightingSetup();
    const { labeller, world: judging } = labellerOf(world, name);
    l = mixtureLabels(judging, mix, labeller);
    labels.set(name, l);
  }
  return l;
}

/** One run of DPO on the mixture's weights (route b): its labeller and seed (names), the base weight of the perfect deceiver, its labelled pairs, the DPO settings. */
export interface WeightsJob {
  kind: "weights";
  labeller: LabellerName;
  seed: number;
  perfectWeight: number;
  /** The run's labelled pairs (drawn by {@link weightsJob}). */
  pairs: WeightPair[];
  dpo: WeightDpoConfig;
}

/** One network seed (route c): pretraining on the mixture's corpus, then a fine-tuned copy per labeller (all of LABELLERS). */
export interface NetworkJob {
  kind: "network";
  seed: number;
  perfectWeight: number;
  network: NetworkBudget;
}

/** A claim-6 job's payload. */
export type ReweightingJob = WeightsJob | NetworkJob;

/** What a job returns: the trained weights (and their KL on training queries), or the network's runs. */
export type ReweightingJobResult = { kind: "weights"; kl: number; run: WeightDpoRun } | { kind: "network"; runs: NetworkRun[] };

/**
 * The job of one run of DPO on the mixture's weights: `pairs` labelled pairs drawn from the
 * labeller's exact labels under base weights (stream `claim 6/weights/<labeller>` of the seed).
 */
export function weightsJob(labeller: LabellerName, seed: number, perfectWeight: number, dpo: WeightDpoConfig & { pairs: number }): WeightsJob {
  const { mix } = reweightingSetup();
  const rng = Rng.fromSeed(seed).fork(`claim 6/weights/${labeller}`);
  const pairs = sampleWeightPairs(mix, labelsOf(labeller), baseWeights(perfectWeight), dpo.pairs, rng);
  return { kind: "weights", labeller, seed, perfectWeight, pairs, dpo: { beta: dpo.beta, steps: dpo.steps, lr: dpo.lr } };
}

/** Trains the mixture's weights on the job's pairs, and their KL to the base on training queries. */
export function runWeightsJob(p: WeightsJob): { kl: number; run: WeightDpoRun } {
  const { mix } = reweightingSetup();
  const w0 = baseWeights(p.perfectWeight);
  const run = trainWeightDpo(mix, p.pairs, w0, { beta: p.dpo.beta, steps: p.dpo.steps, lr: p.dpo.lr });
  return { kl: mixtureKl(mix, run.weights, w0), run };
}

/** The network route on one seed (stream `claim 6/network` of the seed), every labeller in LABELLERS order. */
export function runNetworkJob(p: NetworkJob): NetworkRun[] {
  const { world } = reweightingSetup();
  const judges = LABELLERS.map((name) => ({ name, judge: labellerOf(world, name).labeller }));
  return networkSeedRuns(world, baseWeights(p.perfectWeight), judges, p.network, p.seed, Rng.fromSeed(p.seed).fork("claim 6/network"));
}

/** A claim-6 job as a task a worker thread can run. */
export const reweightingSeedTask = seedTask("reweighting.reweightingSeedTask", (p: ReweightingJob): ReweightingJobResult => {
  if (p.kind === "weights") return { kind: "weights", ...runWeightsJob(p) };
  return { kind: "network", runs: runNetworkJob(p) };
});
