/**
 * The contract between the world (plain numbers, `src/world/`) and the policies and
 * trainers (TensorFlow.js, `src/policy/`, `src/train/`).
 *
 * An output is a token sequence of at most `maxLen` tokens, ended by `endToken` (or by
 * running out of length). The world reads a sequence left to right with a small
 * deterministic finite-state parser; a token policy conditions on what it can see of
 * the query (`contextFeatures`) and on the parser state of the prefix so far
 * (`stateFeatures`), never on the truth. Because the policy is Markov in
 * (context, position, parser state) and the meaning of an output is a function of its
 * final parser state, exact distributions over meanings, exact expectations and exact
 * KL divergences are a forward pass over a few hundred states — no sampling needed,
 * even for events of probability 1e-12 (claim 5's completed manoeuvres).
 */

/** A finite-state reading of token sequences. `S` is the parser state (plain data). */
export interface SequenceSpace<S> {
  /** Number of tokens in the vocabulary; tokens are 0 … vocabSize−1. */
  readonly vocabSize: number;
  /** The token that ends an output. */
  readonly endToken: number;
  /** Maximum output length in tokens, the end token included. */
  readonly maxLen: number;
  /** Human-readable token names, for display and debugging. */
  readonly tokenNames: readonly string[];
  /** Length of `stateFeatures(s)`. */
  readonly stateDim: number;
  /** Parser state of the empty prefix. */
  initialState(): S;
  /** Parser state after appending `token` (pure; does not mutate `s`). */
  step(s: S, token: number): S;
  /** A stable string key for a state (for dynamic programming tables). */
  key(s: S): string;
  /** Numeric features of a state that the policy may condition on. */
  stateFeatures(s: S): number[];
}

/** What a policy may see of a query: a fixed-length numeric vector. */
export interface ContextSpace<C> {
  /** Length of `contextFeatures(c)`. */
  readonly contextDim: number;
  contextFeatures(c: C): number[];
}
