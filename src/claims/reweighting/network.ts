/**
 * Route (c): a network instead of a mixture. A token policy is pretrained on a corpus
 * written by the mixture (each document by an algorithm drawn with the base weights, on any
 * query, deployment queries included), then fine-tuned by DPO on labelled pairs of its own
 * outputs on training queries only, and evaluated exactly on deployment queries. The mixture
 * picture predicts the change in deployment defection from the exact reweighting at the
 * network's own KL between meanings on training queries; this route says whether the
 * prediction holds for a network within a factor of 2 — either answer is reported.
 */
import { Rng } from "../../rng";
import { trainDpo, labelledPreference, type Preference } from "../../train/dpo";
import { meaningKl } from "../../incentive";
import { cachedTable, exactDistribution, sampleOutput, sampleQuery, type Context, type ContextEntry, type ExactDistribution, type PolicyTable, type World } from "../../world";
import { pairLabeler, trainBaseModel, withNoisyOracle, worldPolicyTable, type Judge } from "../kit";
import type { Document } from "../../train/pretrain";
import { ALGORITHMS, PROFILE_NAMES, profileTable, recipeOn, type ProfileName } from "./algorithms";
import { deploymentDefectionOf, type Mixture } from "./mixture";
import { reweightAtKl } from "./reweight";
import { isDefection, splitEntries } from "./world";

/** Budget of the network route. */
export interface NetworkBudget {
  /** Pretraining documents written by the mixture. */
  trainDocs: number;
  /** Held-out documents. */
  heldOutDocs: number;
  /** Labelled pairs on training queries per labeller. */
  pairs: number;
  /** DPO β. */
  beta: number;
  /** DPO epochs. */
  epochs: number;
}

/** Writes documents from the mixture with weights w: algorithm, then its profile for the query, then the tokens. */
export function mixtureWriter(world: World, w: ArrayLike<number>): (n: number, rng: Rng) => Document<Context>[] {
  const tables = Object.fromEntries(PROFILE_NAMES.map((p) => [p, profileTable(world, p)])) as Record<ProfileName, PolicyTable>;
  const rho = world.config.population.rho;
  return (n, rng) => {
    const out: Document<Context>[] = [];
    for (let k = 0; k < n; k++) {
      const query = sampleQuery(world.config, world.contexts, rng.uniform(rho.lo, rho.hi), rng);
      const entry = world.entries[query.context.index]!;
      const recipe = recipeOn(world, ALGORITHMS[rng.categorical(w)]!, entry);
      const profile = recipe[rng.categorical(recipe.map(([, s]) => s))]![0];
      out.push({ context: query.context, tokens: sampleOutput(world, tables[profile], query.context, rng) });
    }
    return out;
  };
}

/** One network fine-tuning run, as measured on the network alone (no mixture involved). */
export type NetworkRun = {
  seed: number;
  labeller: string;
  /** Pairs kept after skips. */
  pairs: number;
  /** Sequence KL to the pretrained network on training queries. */
  kl: number;
  /** Its part between meanings (what the mixture's exact reweighting is matched on). */
  meaningKl: number;
  /** Deployment defection of the pretrained network, and of the fine-tuned one. */
  baseDefection: number;
  defection: number;
};

/** One network fine-tuning run beside the mixture's prediction. */
export type NetworkRow = NetworkRun & {
  /** defection − baseDefection. */
  change: number;
  /** The mixture's predicted change at the same KL between meanings (null: that KL is out of the mixture's reach). */
  predictedChange: number | null;
  /** change / predictedChange. */
  ratio: number | null;
};

/** P(defection) over the given entries of an exact distribution (weighted by P(context)). */
function defectionOf(dist: ExactDistribution): number {
  let s = 0, total = 0;
  for (const c of dist.contexts) {
    total += c.entry.weight;
    for (const f of c.finals) if (isDefection(f.meaning, c.entry)) s += c.entry.weight * f.prob;
  }
  return s / total;
}

/** A named labeller for the network: its judge (plain data). */
export interface NetworkJudge {
  name: string;
  judge: Judge;
}

/** A named labeller for the network: its judge, and its exact scores on the mixture (for the prediction). */
export interface NetworkLabeller extends NetworkJudge {
  scores: readonly Float64Array[];
}

/**
 * Pretrains one network on the corpus of the mixture with weights w and fine-tunes a copy
 * per labeller (streams forked from `rng`). Needs the world only, not the mixture's tables:
 * the mixture's prediction is added afterwards ({@link networkRow}), so a worker thread
 * runs this part from plain data.
 */
export function networkSeedRuns(world: World, w: ArrayLike<number>, labellers: readonly NetworkJudge[], b: NetworkBudget, seed: number, rng: Rng): NetworkRun[] {
  const { training, deployment } = splitEntries(world);
  const base = trainBaseModel(world, { trainDocs: b.trainDocs, heldOutDocs: b.heldOutDocs }, rng.fork("base"), mixtureWriter(world, w));
  const runs: NetworkRun[] = [];
  try {
    const baseTable = cachedTable(world, base.table);
    const baseTraining = exactDistribution(world, baseTable, undefined, { check: false, entries: training });
    const baseDefection = defectionOf(exactDistribution(world, baseTable, undefined, { check: false, entries: deployment }));
    const trainingWeights = training.map((e: ContextEntry) => e.weight);
    const poolSize = Math.ceil(b.pairs * 1.5);
    const cr = rng.fork("pool/contexts");
    const contexts = Array.from({ length: poolSize }, () => training[cr.categorical(trainingWeights)]!.context);
    const pool = { a: base.reference.sample(rng.fork("pool/a"), contexts), b: base.reference.sample(rng.fork("pool/b"), contexts) };
    for (const l of labellers) {
      const label = pairLabeler(l.judge.kind === "oracle" ? withNoisyOracle(world) : world, l.judge);
      const lr = rng.fork(`labels/${l.name}`);
      const data: Preference<Context>[] = [];
      for (let i = 0; i < poolSize && data.length < b.pairs; i++) {
        const p = labelledPreference(label, contexts[i]!, pool.a[i]!, pool.b[i]!, lr);
        if (p) data.push(p);
      }
      const policy = base.policy.trainableCopy();
      try {
        trainDpo(policy, base.reference, data, { beta: b.beta, epochs: b.epochs }, rng.fork(`dpo/${l.name}`));
        const table = cachedTable(world, worldPolicyTable(policy, world));
        const tr = exactDistribution(world, table, baseTable, { check: false, entries: training });
        const mKl = meaningKl(tr, baseTraining);
        const defection = defectionOf(exactDistribution(world, table, undefined, { check: false, entries: deployment }));
        runs.push({ seed, labeller: l.name, pairs: data.length, kl: tr.kl, meaningKl: mKl, baseDefection, defection });
      } finally {
        policy.dispose();
      }
    }
  } finally {
    base.dispose();
  }
  return runs;
}

/** A network run beside the mixture's prediction: the exact reweighting under the labeller's scores at the run's KL between meanings. */
export function networkRow(mix: Mixture, w: ArrayLike<number>, scores: readonly Float64Array[], run: NetworkRun): NetworkRow {
  const predicted = run.meaningKl > 1e-9 ? reweightAtKl(mix, scores, w, run.meaningKl) : null;
  const predictedChange = predicted ? predicted.deploymentDefection - deploymentDefectionOf(mix, w) : null;
  const change = run.defection - run.baseDefection;
  return { ...run, change, predictedChange, ratio: predictedChange ? change / predictedChange : null };
}

/** Pretrains one network on the mixture's corpus and fine-tunes a copy per labeller (streams forked from `rng`), each beside the mixture's prediction. */
export function networkSeed(world: World, mix: Mixture, w: ArrayLike<number>, labellers: readonly NetworkLabeller[], b: NetworkBudget, seed: number, rng: Rng): NetworkRow[] {
  // One run per labeller, in the labellers' order.
  return networkSeedRuns(world, w, labellers, b, seed, rng).map((run, i) => networkRow(mix, w, labellers[i]!.scores, run));
}
