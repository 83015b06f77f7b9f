/**
 * A policy table stored densely: the contract between a network policy's table
 * (`TokenPolicy.policyTable`, src/policy/) and the world's exact passes (src/world/exact.ts).
 *
 * A policy that is Markov in (context, position, parser state) only ever meets the
 * (position, state) pairs reachable from the initial state by non-end tokens. Those
 * reachable rows depend on the space alone, so they are enumerated once per space
 * ({@link reachableRows}, cached) with the transition between them as integers. A dense
 * table is then one Float64Array of blocks × rows × vocab probabilities (one block per
 * distinct context), and an exact pass can run on integer indices (block, row, token → next
 * row) instead of calling the table with a state object and a string key per row.
 *
 * A dense table is still an ordinary table function (every caller keeps working); it carries
 * the dense form as a `dense` property, which {@link denseTableOf} reads.
 */
import type { SequenceSpace } from "./space";

/** The (position, state) pairs reachable from the initial state, numbered 0 … count−1. */
export interface ReachableRows<S> {
  /** The space they were enumerated from (an exact pass checks it is its own). */
  readonly space: SequenceSpace<S>;
  /** Number of rows (R). */
  readonly count: number;
  /** The parser state of each row. */
  readonly states: readonly S[];
  /** The position of each row. */
  readonly positions: Int32Array;
  /** Rows of position p are start[p] … start[p+1]−1 (length maxLen + 1). */
  readonly start: Int32Array;
  /** Per position: state key → row. */
  readonly index: readonly ReadonlyMap<string, number>[];
  /**
   * `next[r · vocab + t]`: the row reached by reading token t in row r (at the next
   * position), or −1 when there is none (t is the end token, or r is at the last position).
   */
  readonly next: Int32Array;
}

const rowsCache = new WeakMap<object, ReachableRows<unknown>>();

/**
 * The reachable rows of `space` in breadth-first order (positions ascending; within a
 * position, in the order the previous position's rows first reach them). Computed once per
 * space object and cached: a space is immutable and `step` is pure.
 */
export function reachableRows<S>(space: SequenceSpace<S>): ReachableRows<S> {
  const cached = rowsCache.get(space) as ReachableRows<S> | undefined;
  if (cached) return cached;
  const V = space.vocabSize;
  const T = space.maxLen;
  const index: Map<string, number>[] = [];
  const states: S[] = [];
  const positions: number[] = [];
  const start = new Int32Array(T + 1);
  let frontier = new Map<string, S>([[space.key(space.initialState()), space.initialState()]]);
  for (let pos = 0; pos < T; pos++) {
    start[pos] = states.length;
    const here = new Map<string, number>();
    for (const [k, s] of frontier) {
      here.set(k, states.length);
      states.push(s);
      positions.push(pos);
    }
    index.push(here);
    const following = new Map<string, S>();
    if (pos + 1 < T) {
      for (const s of frontier.values()) {
        for (let t = 0; t < V; t++) {
          if (t === space.endToken) continue;
          const ns = space.step(s, t);
          following.set(space.key(ns), ns);
        }
      }
    }
    frontier = following;
  }
  start[T] = states.length;
  const next = new Int32Array(states.length * V).fill(-1);
  for (let r = 0; r < states.length; r++) {
    const pos = positions[r]!;
    if (pos + 1 >= T) continue;
    for (let t = 0; t < V; t++) {
      if (t === space.endToken) continue;
      next[r * V + t] = index[pos + 1]!.get(space.key(space.step(states[r]!, t)))!;
    }
  }
  const rows: ReachableRows<S> = { space, count: states.length, states, positions: Int32Array.from(positions), start, index, next };
  rowsCache.set(space, rows as ReachableRows<unknown>);
  return rows;
}

/** A policy's probabilities on every reachable row of a set of contexts. */
export interface DenseTable<C, S> {
  /** The row layout (shared by every dense table of the same space). */
  readonly rows: ReachableRows<S>;
  /** Vocabulary size (V). */
  readonly vocabSize: number;
  /**
   * Probabilities, [blocks, rows, vocab] row-major: row r of block b starts at
   * (b · rows.count + r) · vocab. Read-only.
   */
  readonly probs: Float64Array;
  /** The block holding context `c`, or −1 when the table has none for it (then call the table). */
  block(c: C): number;
}

/** A table function that also carries its dense form. */
export type WithDense<F, C, S> = F & { readonly dense: DenseTable<C, S> };

/** The dense form a table function carries, if any. */
export function denseTableOf<C, S>(table: unknown): DenseTable<C, S> | undefined {
  const d = (table as { dense?: DenseTable<C, S> } | null | undefined)?.dense;
  return d !== undefined && d.probs instanceof Float64Array ? d : undefined;
}
