/**
 * The pieces every token-policy experiment on the world shares: the pretrained base
 * model, contexts drawn as queries arrive, raters (a population or the oracle) as pair
 * labellers for DPO, believed or true utility as PPO rewards, and exact metrics of a
 * policy against its reference. Claim notebooks combine these; they hold no loops.
 */
import { Rng } from "../../rng";
import type { TokenPolicy } from "../../policy/token-policy";
import type { PairLabeler } from "../../train/dpo";
import type { RewardFn } from "../../train/ppo";
import { pretrainBaseModel, worldPolicyTable, type BaseModelOptions, type DocumentWriter } from "./world-adapter";
import {
  believedUtility,
  expectedBelievedUtility,
  expectedTrueUtility,
  exactDistribution,
  exactMetrics,
  judge,
  judgeOracle,
  meanRaterParams,
  sampleRater,
  trueUtility,
  type Context,
  type ExactDistribution,
  type ParseState,
  type PolicyTable,
  type PopulationConfig,
  type World,
  type WorldMetrics,
} from "../../world";

/** The token policy over the world's outputs. */
export type WorldPolicy = TokenPolicy<Context, ParseState>;

/** Who labels comparisons: a rater population, or the oracle (true outcomes). */
export type Judge = { kind: "population"; population: PopulationConfig } | { kind: "oracle" };

/** A pretrained base model with its frozen copy (the KL reference) and exact table. */
export interface BaseModel {
  /** The trainable pretrained policy (fine-tune a `trainableCopy()` of it, not it). */
  policy: WorldPolicy;
  /** A frozen copy: the reference of every KL in the experiment. */
  reference: WorldPolicy;
  /** The reference as an exact policy table. */
  table: PolicyTable;
  /** Held-out next-token cross-entropy of pretraining (nats per token). */
  heldOutLoss: number;
  /** Exact metrics of the base model (KL 0). */
  metrics: WorldMetrics;
  /** Frees both policies. */
  dispose(): void;
}

/** Pretrains the base model on the world's human corpus, or on `write`'s documents (streams forked from `rng`). */
export function trainBaseModel(world: World, options: Partial<BaseModelOptions>, rng: Rng, write?: DocumentWriter): BaseModel {
  const { policy, heldOutLoss } = pretrainBaseModel(world, options, rng, write);
  const reference = policy.frozenCopy();
  const table = worldPolicyTable(reference, world);
  const metrics = exactMetrics(world, exactDistribution(world, table, table));
  return {
    policy,
    reference,
    table,
    heldOutLoss,
    metrics,
    dispose() {
      policy.dispose();
      reference.dispose();
    },
  };
}

/** Exact metrics of `policy`, with `kl` = exact sequence KL(policy ‖ reference). */
export function evaluatePolicy(world: World, policy: WorldPolicy, reference: PolicyTable): WorldMetrics {
  return exactMetrics(world, exactPolicyDistribution(world, policy, reference));
}

/** The exact distribution of `policy`'s outputs per context (with KL to `reference`). */
export function exactPolicyDistribution(world: World, policy: WorldPolicy, reference: PolicyTable): ExactDistribution {
  return exactDistribution(world, worldPolicyTable(policy, world), reference);
}

/** Draws `n` contexts as queries arrive (by their probability in the world). */
export function contextSampler(world: World): (rng: Rng, n: number) => Context[] {
  const weights = world.entries.map((e) => e.weight);
  return (rng, n) => Array.from({ length: n }, () => world.entries[rng.categorical(weights)]!.context);
}

/** Draws the hidden truth of a query with context `c` from its posterior. */
function drawTruth(world: World, c: Context, rng: Rng): number {
  return rng.categorical(world.entries[c.index]!.truthPosterior);
}

/** One labelled pair, as a labeller can record it (e.g. for a post-hoc reveal, or to fit a reward model). */
export interface JudgedPair {
  context: Context;
  /** The hidden truth the pair was judged under. */
  truth: number;
  a: number[];
  b: number[];
  /** 1: a preferred, 0: b preferred (skipped and "equal" pairs are not recorded). */
  label: 1 | 0;
}

/**
 * A DPO pair labeller: for each pair, a fresh rater from the population (or the oracle)
 * judges both outputs for a query whose truth is drawn from the context's posterior.
 * "Equal" and skipped judgements return null (the pair is dropped). Kept pairs are
 * appended to `record` if given (recording draws no randomness).
 */
export function pairLabeler(world: World, who: Judge, record?: JudgedPair[]): PairLabeler<Context> {
  const cfg = world.config;
  return (context, a, b, rng) => {
    const query = { context, truth: drawTruth(world, context, rng) };
    const ra = world.space.parse(a);
    const rb = world.space.parse(b);
    const j =
      who.kind === "oracle"
        ? judgeOracle(cfg, query, ra.meaning, rb.meaning, rng)
        : judge(cfg, sampleRater(who.population, rng), query, ra, rb, rng);
    if (j.label === null || j.label === 0.5) return null;
    const label = j.label === 1 ? 1 : 0;
    record?.push({ context, truth: query.truth, a, b, label });
    return label;
  };
}

/**
 * A PPO reward: the population's expected believed utility of each output (exact over
 * the truth posterior, evidence checks, step noticing and φ, at the population's mean
 * parameters), or with `who.kind === "oracle"` the expected true utility.
 */
export function utilityReward(world: World, who: Judge): RewardFn<Context> {
  const cfg = world.config;
  const params = who.kind === "population" ? meanRaterParams(who.population) : null;
  return (contexts, outputs) =>
    contexts.map((c, i) => {
      const m = world.space.parse(outputs[i]!).meaning;
      const entry = world.entries[c.index]!;
      return params ? expectedBelievedUtility(cfg, params, entry, m) : expectedTrueUtility(cfg, entry, m);
    });
}
