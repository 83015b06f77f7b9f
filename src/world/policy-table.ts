/**
 * The plain-number policy interface used for exact computation: a function from
 * (context, position, parser state) to next-token probabilities (length vocabSize, summing
 * to 1). Any token policy that is Markov in these three — a trained network evaluated on
 * every state, a tabular policy, the human corpus — can be written as one.
 */
import type { Rng } from "../rng";
import type { ParseState } from "./parser";
import type { Context } from "./query";
import type { World } from "./world";

/** Next-token probabilities at (context, position, state). */
export type PolicyTable = (context: Context, position: number, state: ParseState) => ArrayLike<number>;

/** Samples one output (token ids, ending at `<end>` or at maxLen tokens) from a policy table. */
export function sampleOutput(world: World, table: PolicyTable, context: Context, rng: Rng): number[] {
  const space = world.space;
  const tokens: number[] = [];
  let s = space.initialState();
  for (let pos = 0; pos < space.maxLen; pos++) {
    const t = rng.categorical(table(context, pos, s));
    tokens.push(t);
    if (t === space.endToken) break;
    s = space.step(s, t);
  }
  return tokens;
}

/** Log-probability of a token sequence under a policy table (stops at `<end>` or maxLen). */
export function sequenceLogProb(world: World, table: PolicyTable, context: Context, tokens: readonly number[]): number {
  const space = world.space;
  let s = space.initialState();
  let lp = 0;
  for (let pos = 0; pos < tokens.length && pos < space.maxLen; pos++) {
    const t = tokens[pos]!;
    lp += Math.log(table(context, pos, s)[t] ?? 0);
    if (t === space.endToken) break;
    s = space.step(s, t);
  }
  return lp;
}

/** Throws when `probs` is not a probability vector of the vocabulary's length. */
export function checkDistribution(world: World, probs: ArrayLike<number>, where: string | (() => string)): void {
  // `where` may be a function: it is only needed for the message, and building the string for
  // every (position, state) of an exact pass costs more than the check itself.
  const at = () => (typeof where === "string" ? where : where());
  if (probs.length !== world.vocab.size) throw new RangeError(`policy table at ${at()} returned ${probs.length} probabilities; expected ${world.vocab.size}`);
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i]!;
    if (!(p >= 0) || !Number.isFinite(p)) throw new RangeError(`policy table at ${at()} returned probability ${p} for token ${i}`);
    total += p;
  }
  if (Math.abs(total - 1) > 1e-6) throw new RangeError(`policy table at ${at()} returned probabilities summing to ${total}; expected 1`);
}
