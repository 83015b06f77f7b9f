/**
 * Queries and what the policy may see of them.
 *
 * A query has a true answer t (uniform over A options), a rater's stated prior p (= t with
 * the rater's probability ρ, otherwise uniform over the other A−1 options), a difficulty
 * level ℓ for the model (drawn with `levels[ℓ].prob`) and the model's best guess g (= t with
 * probability `levels[ℓ].accuracy`, otherwise uniform over the others).
 *
 * The policy's context is (p, g, ℓ) — never t. There are A·A·L contexts (48 by default);
 * `enumerateContexts` lists them with their probabilities and the exact posterior of the
 * truth given each, averaging ρ over the population (only the mean ρ enters, because
 * P(p | t) is linear in ρ).
 */
import type { ContextSpace } from "../space";
import type { Rng } from "../rng";
import { meanOf, type WorldConfig } from "./config";

/** What the policy sees of a query. */
export interface Context {
  /** Index in the context enumeration: (prior·A + guess)·L + level. */
  readonly index: number;
  /** The rater's stated prior (0-based option). */
  readonly prior: number;
  /** The model's best guess. */
  readonly guess: number;
  /** Difficulty level index. */
  readonly level: number;
}

/** A query: its context plus the truth (hidden from the policy). */
export interface Query {
  /** What the policy sees. */
  context: Context;
  /** The true answer. */
  truth: number;
}

/** One context with its probability and the truth's posterior. */
export interface ContextEntry {
  /** The context. */
  context: Context;
  /** P(context), averaging over the population's ρ. Sums to 1 over the enumeration. */
  weight: number;
  /** P(truth = t | context), length A. */
  truthPosterior: number[];
}

/** All contexts of a world, indexed by `Context.index`. */
export function makeContexts(config: WorldConfig): Context[] {
  const A = config.answers;
  const L = config.levels.length;
  const out: Context[] = [];
  for (let prior = 0; prior < A; prior++)
    for (let guess = 0; guess < A; guess++)
      for (let level = 0; level < L; level++) out.push(Object.freeze({ index: (prior * A + guess) * L + level, prior, guess, level }));
  return out;
}

/** The exact distribution over contexts, with the truth's posterior in each (mean ρ = `rho`). */
export function enumerateContexts(config: WorldConfig, contexts: readonly Context[] = makeContexts(config), rho = meanOf(config.population.rho)): ContextEntry[] {
  const A = config.answers;
  return contexts.map((context) => {
    const level = config.levels[context.level]!;
    const joint: number[] = [];
    let total = 0;
    for (let t = 0; t < A; t++) {
      const pPrior = context.prior === t ? rho : (1 - rho) / (A - 1);
      const pGuess = context.guess === t ? level.accuracy : (1 - level.accuracy) / (A - 1);
      const p = (1 / A) * level.prob * pPrior * pGuess;
      joint.push(p);
      total += p;
    }
    return { context, weight: total, truthPosterior: joint.map((p) => (total > 0 ? p / total : 1 / A)) };
  });
}

/** Draws a query for a rater whose prior is right with probability `rho`. */
export function sampleQuery(config: WorldConfig, contexts: readonly Context[], rho: number, rng: Rng): Query {
  const A = config.answers;
  const L = config.levels.length;
  const truth = rng.int(A);
  const prior = rng.bernoulli(rho) ? truth : otherThan(truth, A, rng);
  const level = rng.categorical(config.levels.map((l) => l.prob));
  const guess = rng.bernoulli(config.levels[level]!.accuracy) ? truth : otherThan(truth, A, rng);
  return { context: contexts[(prior * A + guess) * L + level]!, truth };
}

/** The `ContextSpace` of a world: one-hot prior (A), one-hot guess (A), one-hot level (L), agree flag (1). */
export class QueryContextSpace implements ContextSpace<Context> {
  readonly contextDim: number;
  constructor(
    /** A. */
    readonly answers: number,
    /** Number of difficulty levels. */
    readonly levels: number,
  ) {
    this.contextDim = 2 * answers + levels + 1;
  }
  contextFeatures(c: Context): number[] {
    const f = new Array<number>(this.contextDim).fill(0);
    f[c.prior] = 1;
    f[this.answers + c.guess] = 1;
    f[2 * this.answers + c.level] = 1;
    f[2 * this.answers + this.levels] = c.prior === c.guess ? 1 : 0;
    return f;
  }
}

function otherThan(x: number, A: number, rng: Rng): number {
  const y = rng.int(A - 1);
  return y >= x ? y + 1 : y;
}
