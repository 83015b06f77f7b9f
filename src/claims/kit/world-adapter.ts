/**
 * The glue between the world (src/world, plain numbers) and the token trainers: the
 * human corpus as documents, the pretrained base model, and the policy as the world's
 * `PolicyTable` for exact metrics.
 */
import { Rng } from "../../rng";
import { TokenPolicy } from "../../policy/token-policy";
import { sampleCorpus, type World, type Context, type ParseState, type PolicyTable } from "../../world";
import { pretrain, crossEntropy, PretrainConfig, Document } from "../../train/pretrain";

/** `n` corpus documents (context + tokens; the truth is dropped: the policy never sees it). */
export function worldDocuments(world: World, n: number, rng: Rng): Document<Context>[] {
  return sampleCorpus(world, n, rng).map((d) => ({ context: d.query.context, tokens: d.tokens }));
}

export interface BaseModelOptions {
  /** Training documents. */
  trainDocs: number;
  /** Held-out documents. */
  heldOutDocs: number;
  /** Hidden widths of the policy MLP. */
  hidden: number[];
  /** Pretraining config overrides. */
  pretrain: Partial<PretrainConfig>;
}

export const BASE_MODEL_DEFAULTS: BaseModelOptions = { trainDocs: 20000, heldOutDocs: 2000, hidden: [64, 64], pretrain: {} };

/** Writes `n` pretraining documents from a random stream (default: the world's human corpus). */
export type DocumentWriter = (n: number, rng: Rng) => Document<Context>[];

/**
 * Pretrains the base model on the world's corpus (or on the documents `write` produces).
 * Streams forked from `rng`: "init", "corpus/train", "corpus/heldout", "pretrain". The
 * caller owns (and disposes) the policy.
 */
export function pretrainBaseModel(
  world: World,
  options: Partial<BaseModelOptions>,
  rng: Rng,
  write: DocumentWriter = (n, r) => worldDocuments(world, n, r),
): { policy: TokenPolicy<Context, ParseState>; logs: Record<string, number>[]; heldOutLoss: number; heldOut: Document<Context>[] } {
  const o = { ...BASE_MODEL_DEFAULTS, ...options };
  const policy = new TokenPolicy<Context, ParseState>(world.space, world.contextSpace, o.hidden, rng.fork("init"));
  const train = write(o.trainDocs, rng.fork("corpus/train"));
  const heldOut = write(o.heldOutDocs, rng.fork("corpus/heldout"));
  const logs = pretrain(policy, train, heldOut, o.pretrain, rng.fork("pretrain"));
  return { policy, logs, heldOutLoss: crossEntropy(policy, heldOut), heldOut };
}

/**
 * The policy as the world's exact `PolicyTable` over all of the world's contexts. It carries
 * its dense form (src/dense-table.ts), so `exactDistribution` runs on integer indices; keep
 * the returned function itself (or `cachedTable` of it, which returns it unchanged) rather
 * than a wrapper, or the exact pass falls back to calling it per state.
 */
export function worldPolicyTable(policy: TokenPolicy<Context, ParseState>, world: World): PolicyTable {
  return policy.policyTable(world.contexts);
}

/**
 * A reward model's input for a meaning: the context's features ⊕ the final parser state's
 * features. Every reward model over the world reads outputs this way, so its score is a
 * table over (context, final state) and optimising it can be evaluated exactly.
 */
export function meaningFeatures(world: World, context: Context, state: ParseState): number[] {
  return [...world.contextSpace.contextFeatures(context), ...world.space.stateFeatures(state)];
}

/** The reward model's input for an output's tokens: {@link meaningFeatures} of its final parser state. */
export function rewardFeatures(world: World, context: Context, tokens: readonly number[]): number[] {
  return meaningFeatures(world, context, world.space.parse(tokens).state);
}
