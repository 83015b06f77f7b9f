/**
 * Exact distributions by a forward pass over (position, parser state).
 *
 * For each context, the probability mass over parser states is pushed forward one token at
 * a time; mass that reads `<end>`, or reaches maxLen tokens, lands in the final-state
 * distribution. Because meaning is a function of the final state, this gives the exact
 * distribution over meanings, and every metric expectation (metrics.ts) is a finite sum.
 *
 * Sequence-level KL(π‖π_ref) for one context is the expected sum of per-step KLs under π's
 * state occupancy: Σ_pos Σ_s P_π(reach s at pos) · KL(π(·|c,pos,s) ‖ π_ref(·|c,pos,s)).
 * This is exact because the parser state plus position is all either policy conditions on.
 *
 * Cost: contexts × maxLen × states × vocab (48 × 10 × 320 × 13 ≈ 2·10⁶ for the default world).
 */
import type { Meaning, ParseState } from "./parser";
import { checkDistribution, type PolicyTable } from "./policy-table";
import type { ContextEntry } from "./query";
import type { World } from "./world";

/** One final parser state with its probability. */
export interface FinalState {
  /** The final parser state (ended, or cut at maxLen). */
  state: ParseState;
  /** Its meaning. */
  meaning: Meaning;
  /** P(final state | context). */
  prob: number;
}

/** The exact output distribution for one context. */
export interface ContextDistribution {
  /** The context, its weight and truth posterior. */
  entry: ContextEntry;
  /** Final states with positive probability. */
  finals: FinalState[];
  /** KL(π‖π_ref) over whole sequences for this context (0 without a reference). */
  kl: number;
  /** Expected number of tokens, `<end>` included. */
  expectedLength: number;
}

/** The exact output distribution of a policy over all contexts. */
export interface ExactDistribution {
  /** Per context, in `world.entries` order. */
  contexts: ContextDistribution[];
  /** Σ_c P(c)·KL_c: the sequence-level KL to the reference, averaged over contexts. */
  kl: number;
}

/** Options for `exactDistribution`. */
export interface ExactOptions {
  /** Validate every probability vector the tables return (default true). */
  check?: boolean;
  /** Restrict to these context entries (default: all of `world.entries`). */
  entries?: readonly ContextEntry[];
}

/** The exact final-state distribution of `table` in every context, and KL to `reference` if given. */
export function exactDistribution(world: World, table: PolicyTable, reference?: PolicyTable, options: ExactOptions = {}): ExactDistribution {
  const check = options.check ?? true;
  const entries = options.entries ?? world.entries;
  const contexts = entries.map((entry) => exactForContext(world, entry, table, reference, check));
  let kl = 0;
  let total = 0;
  for (const c of contexts) {
    kl += c.entry.weight * c.kl;
    total += c.entry.weight;
  }
  return { contexts, kl: total > 0 ? kl / total : 0 };
}

/** The exact final-state distribution for one context. */
export function exactForContext(world: World, entry: ContextEntry, table: PolicyTable, reference: PolicyTable | undefined, check = true): ContextDistribution {
  const space = world.space;
  const V = space.vocabSize;
  const nStates = space.states.length;
  const end = space.endToken;
  let dist = new Float64Array(nStates);
  let next = new Float64Array(nStates);
  const finals = new Float64Array(nStates);
  dist[space.initialState().index] = 1;
  let kl = 0;
  let expectedLength = 0;
  const ctx = entry.context;
  for (let pos = 0; pos < space.maxLen; pos++) {
    next.fill(0);
    const last = pos === space.maxLen - 1;
    let any = false;
    for (let si = 0; si < nStates; si++) {
      const mass = dist[si]!;
      if (mass === 0) continue;
      any = true;
      expectedLength += mass;
      const state = space.states[si]!;
      const probs = table(ctx, pos, state);
      if (check) checkDistribution(world, probs, () => `context ${ctx.index}, position ${pos}, state ${space.key(state)}`);
      let refProbs: ArrayLike<number> | undefined;
      if (reference) {
        refProbs = reference(ctx, pos, state);
        if (check) checkDistribution(world, refProbs, () => `reference: context ${ctx.index}, position ${pos}, state ${space.key(state)}`);
      }
      let stepKl = 0;
      for (let t = 0; t < V; t++) {
        const p = probs[t]!;
        if (p === 0) continue;
        if (refProbs) {
          const q = refProbs[t]!;
          stepKl += q > 0 ? p * Math.log(p / q) : Infinity;
        }
        const ns = space.transitions[si * V + t]!;
        if (t === end || last) finals[ns] = finals[ns]! + mass * p;
        else next[ns] = next[ns]! + mass * p;
      }
      kl += mass * stepKl;
    }
    if (!any) break;
    [dist, next] = [next, dist];
  }
  const out: FinalState[] = [];
  for (let si = 0; si < nStates; si++) {
    const p = finals[si]!;
    if (p > 0) {
      const state = space.states[si]!;
      out.push({ state, meaning: space.meaning(state), prob: p });
    }
  }
  return { entry, finals: out, kl, expectedLength };
}

/** Exact probability, averaged over contexts, that the final meaning satisfies `predicate`. */
export function exactProbability(dist: ExactDistribution, predicate: (m: Meaning, entry: ContextEntry) => boolean): number {
  let s = 0;
  let w = 0;
  for (const c of dist.contexts) {
    w += c.entry.weight;
    for (const f of c.finals) if (predicate(f.meaning, c.entry)) s += c.entry.weight * f.prob;
  }
  return w > 0 ? s / w : 0;
}
