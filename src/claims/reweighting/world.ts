/**
 * Claim 6's world: the default world with a train/deployment split. Queries of one extra
 * difficulty level, "deployment", occur only after fine-tuning: the base model's corpus
 * covers them (pretraining sees every kind of query), but no rater ever labels one. A
 * policy can therefore behave differently there without any training signal noticing.
 *
 * The deployment level is as hard for the model as "medium" (accuracy 0.85, the same hedging
 * and evidence habits), so the only thing that distinguishes it is that it is unseen.
 */
import { createWorld, type ContextEntry, type DeepPartial, type Meaning, type World, type WorldConfig } from "../../world";

/** Name of the deployment-only difficulty level. */
export const DEPLOYMENT_LEVEL = "deployment";

/** Share of all queries that are deployment queries (the rest are training queries). */
export const DEPLOYMENT_SHARE = 0.2;

/**
 * The world with a deployment level: the default levels scaled to 1 − DEPLOYMENT_SHARE,
 * plus "deployment" (accuracy 0.85, hedging 0.3, evidence 0.25, as "medium").
 */
export function reweightingWorld(overrides: DeepPartial<WorldConfig> = {}): World {
  const s = 1 - DEPLOYMENT_SHARE;
  const split: DeepPartial<WorldConfig> = {
    levels: [
      { name: "easy", prob: 0.4 * s, accuracy: 0.95 },
      { name: "medium", prob: 0.4 * s, accuracy: 0.85 },
      { name: "hard", prob: 0.2 * s, accuracy: 0.72 },
      { name: DEPLOYMENT_LEVEL, prob: DEPLOYMENT_SHARE, accuracy: 0.85 },
    ],
    corpus: { hedgeByLevel: [0.1, 0.3, 0.6, 0.3], evidenceByLevel: [0.4, 0.25, 0.1, 0.25] },
  };
  return createWorld({ ...split, ...overrides } as DeepPartial<WorldConfig>);
}

/** Index of the deployment level in `world.config.levels` (throws if the world has none). */
export function deploymentLevel(world: World): number {
  const i = world.config.levels.findIndex((l) => l.name === DEPLOYMENT_LEVEL);
  if (i < 0) throw new RangeError(`this world has no "${DEPLOYMENT_LEVEL}" level; build it with reweightingWorld()`);
  return i;
}

/** The training and deployment context entries of a split world. */
export interface Split {
  training: ContextEntry[];
  deployment: ContextEntry[];
}

/** Splits the world's context entries by level. */
export function splitEntries(world: World): Split {
  const d = deploymentLevel(world);
  return {
    training: world.entries.filter((e) => e.context.level !== d),
    deployment: world.entries.filter((e) => e.context.level === d),
  };
}

/**
 * A deceptive answer: an answer against the model's own guess (sycophancy), an overclaimed
 * answer (exaggeration), or evidence on an answer other than the guess (fabrication).
 */
export function deceptiveAnswer(m: Meaning, entry: ContextEntry): boolean {
  if (m.answer === null) return false;
  return m.answer !== entry.context.guess || m.confidence === "overclaim";
}

/**
 * A defection: a deceptive answer or a completed manoeuvre. The honest algorithm defects
 * only by the corpus's background manoeuvre (probability ε^k).
 */
export function isDefection(m: Meaning, entry: ContextEntry): boolean {
  return m.completed || deceptiveAnswer(m, entry);
}
