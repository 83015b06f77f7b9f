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
import { denseTableOf, type DenseTable, type ReachableRows } from "../dense-table";
import type { Meaning, ParseState } from "./parser";
import { checkDistribution, type PolicyTable } from "./policy-table";
import type { Context, ContextEntry } from "./query";
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

/**
 * The exact final-state distribution of `table` in every context, and KL to `reference` if
 * given. A table that carries its dense form (a network's `policyTable`, src/dense-table.ts)
 * takes a fast path on integer indices ({@link exactForDenseContext}; same numbers, same
 * order of summation); any other table is called per (context, position, state).
 */
export function exactDistribution(world: World, table: PolicyTable, reference?: PolicyTable, options: ExactOptions = {}): ExactDistribution {
  const check = options.check ?? true;
  const entries = options.entries ?? world.entries;
  const dense = denseTableOf<Context, ParseState>(table);
  const fast = dense !== undefined && dense.rows.space === world.space ? dense : undefined;
  const refDense = fast ? denseTableOf<Context, ParseState>(reference) : undefined;
  const refFast = refDense !== undefined && refDense.rows === fast!.rows ? refDense : undefined;
  const contexts = entries.map((entry) => {
    const b = fast ? fast.block(entry.context) : -1;
    if (b < 0) return exactForContext(world, entry, table, reference, check);
    const rb = refFast ? refFast.block(entry.context) : -1;
    const ref: DenseRef | PolicyTable | undefined = rb >= 0 ? { probs: refFast!.probs, block: rb } : reference;
    return exactForDenseContext(world, entry, fast!, b, ref, check);
  });
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

/** A reference given as a block of a dense table with the same rows. */
interface DenseRef {
  probs: Float64Array;
  block: number;
}

/** Per row layout: rows of each position sorted by state index, and each row's state index. */
interface RowOrder {
  order: Int32Array;
  stateIndex: Int32Array;
}

const orderCache = new WeakMap<ReachableRows<ParseState>, RowOrder>();

/**
 * Visiting each position's rows in ascending state index makes the dense pass add the same
 * numbers in the same order as {@link exactForContext}'s loop over states, so the results
 * are bit-identical.
 */
function rowOrder(rows: ReachableRows<ParseState>): RowOrder {
  let o = orderCache.get(rows);
  if (o === undefined) {
    const stateIndex = Int32Array.from(rows.states, (s) => s.index);
    const order = new Int32Array(rows.count);
    for (let pos = 0; pos + 1 < rows.start.length; pos++) {
      const from = rows.start[pos]!,
        to = rows.start[pos + 1]!;
      const ids = Array.from({ length: to - from }, (_, i) => from + i).sort((a, b) => stateIndex[a]! - stateIndex[b]!);
      order.set(ids, from);
    }
    o = { order, stateIndex };
    orderCache.set(rows, o);
  }
  return o;
}

/** Whether probs[at … at+n) is a probability vector (the test of `checkDistribution`, without its message). */
function isDistribution(probs: Float64Array, at: number, n: number): boolean {
  let total = 0;
  for (let i = at; i < at + n; i++) {
    const p = probs[i]!;
    if (!(p >= 0) || !Number.isFinite(p)) return false;
    total += p;
  }
  return Math.abs(total - 1) <= 1e-6;
}

/**
 * {@link exactForContext} on a dense table: the mass lives on reachable rows (every state
 * that can carry mass is one), and probabilities, next rows and final states are read by
 * integer index. Same sums in the same order, so the same numbers.
 */
export function exactForDenseContext(
  world: World,
  entry: ContextEntry,
  table: DenseTable<Context, ParseState>,
  block: number,
  reference: DenseRef | PolicyTable | undefined,
  check = true,
): ContextDistribution {
  const space = world.space;
  const V = space.vocabSize;
  const end = space.endToken;
  const rows = table.rows;
  const R = rows.count;
  const { order, stateIndex } = rowOrder(rows);
  const nextRow = rows.next;
  const transitions = space.transitions;
  const probs = table.probs;
  const base = block * R * V;
  const refTable = typeof reference === "function" ? reference : undefined;
  // The reference row is always read from a Float64Array (monomorphic loads): the dense
  // reference's own array, or a row of a function reference copied into `scratch`.
  const scratch = new Float64Array(V);
  const refProbs = reference === undefined ? null : typeof reference === "function" ? scratch : reference.probs;
  const refBase = reference !== undefined && typeof reference !== "function" ? reference.block * R * V : 0;
  // Rows of different positions are disjoint, so one array holds every position's mass.
  const mass = new Float64Array(R);
  const finals = new Float64Array(space.states.length);
  mass[rows.index[0]!.get(space.key(space.initialState()))!] = 1;
  let kl = 0;
  let expectedLength = 0;
  for (let pos = 0; pos < space.maxLen; pos++) {
    const last = pos === space.maxLen - 1;
    let any = false;
    for (let k = rows.start[pos]!, stop = rows.start[pos + 1]!; k < stop; k++) {
      const r = order[k]!;
      const m = mass[r]!;
      if (m === 0) continue;
      any = true;
      expectedLength += m;
      const si = stateIndex[r]!;
      const po = base + r * V;
      if (check && !isDistribution(probs, po, V)) failCheck(world, probs.subarray(po, po + V), "", entry, pos, si);
      let ro = 0;
      if (refTable) {
        const row = refTable(entry.context, pos, space.states[si]!);
        if (check) checkReferenceRow(world, row, entry, pos, si);
        for (let t = 0; t < V; t++) scratch[t] = row[t]!;
      } else if (refProbs) {
        ro = refBase + r * V;
        if (check && !isDistribution(refProbs, ro, V)) failCheck(world, refProbs.subarray(ro, ro + V), "reference: ", entry, pos, si);
      }
      let stepKl = 0;
      const no = r * V;
      const so = si * V;
      for (let t = 0; t < V; t++) {
        const p = probs[po + t]!;
        if (p === 0) continue;
        if (refProbs) {
          const q = refProbs[ro + t]!;
          stepKl += q > 0 ? p * Math.log(p / q) : Infinity;
        }
        if (t === end || last) {
          const ns = transitions[so + t]!;
          finals[ns] = finals[ns]! + m * p;
        } else {
          const nr = nextRow[no + t]!;
          mass[nr] = mass[nr]! + m * p;
        }
      }
      kl += m * stepKl;
    }
    if (!any) break;
  }
  const out: FinalState[] = [];
  for (let si = 0; si < finals.length; si++) {
    const p = finals[si]!;
    if (p > 0) {
      const state = space.states[si]!;
      out.push({ state, meaning: space.meaning(state), prob: p });
    }
  }
  return { entry, finals: out, kl, expectedLength };
}

/** Where a table row sits, for error messages (as {@link exactForContext} words it). */
function where(prefix: string, entry: ContextEntry, pos: number, key: string): string {
  return `${prefix}context ${entry.context.index}, position ${pos}, state ${key}`;
}

/** `checkDistribution` on a function reference's row (the message built only on failure). */
function checkReferenceRow(world: World, row: ArrayLike<number>, entry: ContextEntry, pos: number, si: number): void {
  checkDistribution(world, row, () => where("reference: ", entry, pos, world.space.key(world.space.states[si]!)));
}

/** Throws `checkDistribution`'s error for a row that failed {@link isDistribution}. */
function failCheck(world: World, row: Float64Array, prefix: string, entry: ContextEntry, pos: number, si: number): void {
  checkDistribution(world, row, where(prefix, entry, pos, world.space.key(world.space.states[si]!)));
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
