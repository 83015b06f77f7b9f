/**
 * A world instance: a validated config plus everything derived from it once (vocabulary,
 * output space, context space, the context enumeration and the utility scale). Most
 * functions in src/world take a `World`.
 */
import { makeWorldConfig, utilityScale, type DeepPartial, type WorldConfig } from "./config";
import { OutputSpace } from "./parser";
import { enumerateContexts, makeContexts, QueryContextSpace, type Context, type ContextEntry } from "./query";
import { Vocab } from "./vocab";

/** A world: config and derived structures. Treat as immutable. */
export interface World {
  /** The validated config. */
  readonly config: WorldConfig;
  /** Token layout. */
  readonly vocab: Vocab;
  /** The `SequenceSpace` implementation (parser). */
  readonly space: OutputSpace;
  /** The `ContextSpace` implementation. */
  readonly contextSpace: QueryContextSpace;
  /** All contexts, indexed by `Context.index`. */
  readonly contexts: readonly Context[];
  /** Contexts with their probabilities and truth posteriors (mean ρ of the population). */
  readonly entries: readonly ContextEntry[];
  /** `utilityScale(config)`. */
  readonly scale: number;
}

/** Builds a world from overrides of the defaults (a full config is also accepted: it overrides everything). */
export function createWorld(config: WorldConfig | DeepPartial<WorldConfig> = {}): World {
  const full = makeWorldConfig(config as DeepPartial<WorldConfig>);
  const vocab = new Vocab(full.answers, full.manoeuvreLength);
  const contexts = makeContexts(full);
  return {
    config: full,
    vocab,
    space: new OutputSpace(vocab, full.maxLen),
    contextSpace: new QueryContextSpace(full.answers, full.levels.length),
    contexts,
    entries: enumerateContexts(full, contexts),
    scale: utilityScale(full),
  };
}
