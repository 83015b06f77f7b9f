/**
 * The exact optimum of the KL-regularised objective over the world's token policies,
 *
 *     π* = argmax_π  E_{c, o ~ π(c)} [ R(c, o) ]  −  β · KL(π(c) ‖ π_ref(c)),
 *
 * by a soft Bellman backward recursion over (context, position, parser state). Because the
 * reward depends on an output only through its final parser state, and both policies are
 * Markov in (context, position, state), the sequence-level tilt π*(o) ∝ π_ref(o)·exp(R(o)/β)
 * (Rafailov et al. 2023, eq. 4) factorises into per-token tilts:
 *
 *     V(pos, s)     = β · log Σ_a π_ref(a | pos, s) · exp(Q(pos, s, a)/β)
 *     Q(pos, s, a)  = R(final state)          if a = <end> or pos = maxLen − 1
 *                   = V(pos + 1, next(s, a))  otherwise
 *     π*(a | pos, s) = π_ref(a | pos, s) · exp((Q(pos, s, a) − V(pos, s))/β).
 *
 * Tokens with π_ref = 0 keep probability 0, so KL(π* ‖ π_ref) is finite even against a
 * reference with zeros (such as the human corpus). The test checks the recursion against
 * brute-force tilting of every whole sequence on a tiny world.
 *
 * Plain numbers only: no tensors.
 */
import { ConfigError } from "../errors";
import { denseTableOf } from "../dense-table";
import type { ParseState } from "./parser";
import type { PolicyTable } from "./policy-table";
import type { Context, ContextEntry } from "./query";
import type { World } from "./world";

/** Terminal reward of a final parser state in a context (e.g. expected believed utility). */
export type TerminalReward = (entry: ContextEntry, state: ParseState) => number;

/** The exact KL-regularised optimum. */
export interface SoftOptimum {
  /** π* as a policy table (rows off the reference's support fall back to the reference). */
  table: PolicyTable;
  /** Soft value V(0, initial state) per context index: β·log E_ref[exp(R/β)]. */
  values: Map<number, number>;
}

/** Options for {@link softOptimalPolicy}. */
export interface SoftOptimumOptions {
  /** Restrict to these context entries (default: all of `world.entries`). */
  entries?: readonly ContextEntry[];
}

/**
 * Computes π* ∝ π_ref·exp(R/β) by backward recursion. Cost: contexts × maxLen × reachable
 * states × vocabulary.
 */
export function softOptimalPolicy(world: World, reference: PolicyTable, reward: TerminalReward, beta: number, options: SoftOptimumOptions = {}): SoftOptimum {
  if (!(beta > 0) || !Number.isFinite(beta)) throw new ConfigError("softOptimalPolicy beta", beta, "a positive finite number");
  const space = world.space;
  const V = space.vocabSize;
  const S = space.states.length;
  const T = space.maxLen;
  const end = space.endToken;
  const entries = options.entries ?? world.entries;
  const rows = new Map<number, Float64Array>();
  const values = new Map<number, number>();
  const key = (ci: number, pos: number, si: number) => (ci * T + pos) * S + si;

  for (const entry of entries) {
    const ctx = entry.context;
    // Forward: which states the reference reaches at each position (π* has the same support).
    const reach: Uint8Array[] = [];
    const refRows: (ArrayLike<number> | undefined)[][] = [];
    let cur = new Uint8Array(S);
    cur[space.initialState().index] = 1;
    for (let pos = 0; pos < T; pos++) {
      reach.push(cur);
      const rowsAt: (ArrayLike<number> | undefined)[] = new Array(S);
      const nxt = new Uint8Array(S);
      for (let si = 0; si < S; si++) {
        if (!cur[si]) continue;
        const p = reference(ctx, pos, space.states[si]!);
        rowsAt[si] = p;
        if (pos === T - 1) continue;
        for (let a = 0; a < V; a++) if (p[a]! > 0 && a !== end) nxt[space.transitions[si * V + a]!] = 1;
      }
      refRows.push(rowsAt);
      cur = nxt;
    }
    // Terminal rewards, cached per final state.
    const rCache = new Float64Array(S).fill(NaN);
    const terminal = (si: number) => {
      let r = rCache[si]!;
      if (Number.isNaN(r)) {
        r = reward(entry, space.states[si]!);
        if (!Number.isFinite(r)) throw new RangeError(`terminal reward ${r} at context ${ctx.index}, state ${space.key(space.states[si]!)}`);
        rCache[si] = r;
      }
      return r;
    };
    // Backward recursion.
    let vNext = new Float64Array(S);
    const q = new Float64Array(V);
    for (let pos = T - 1; pos >= 0; pos--) {
      const vHere = new Float64Array(S);
      const last = pos === T - 1;
      for (let si = 0; si < S; si++) {
        if (!reach[pos]![si]) continue;
        const p = refRows[pos]![si]!;
        let qMax = -Infinity;
        for (let a = 0; a < V; a++) {
          if (!(p[a]! > 0)) continue;
          const ns = space.transitions[si * V + a]!;
          q[a] = a === end || last ? terminal(ns) : vNext[ns]!;
          if (q[a]! > qMax) qMax = q[a]!;
        }
        let z = 0;
        for (let a = 0; a < V; a++) if (p[a]! > 0) z += p[a]! * Math.exp((q[a]! - qMax) / beta);
        const v = qMax + beta * Math.log(z);
        vHere[si] = v;
        const row = new Float64Array(V);
        for (let a = 0; a < V; a++) if (p[a]! > 0) row[a] = (p[a]! * Math.exp((q[a]! - qMax) / beta)) / z;
        rows.set(key(ctx.index, pos, si), row);
      }
      vNext = vHere;
    }
    values.set(ctx.index, vNext[space.initialState().index]!);
  }

  const table: PolicyTable = (ctx: Context, pos: number, s: ParseState) => rows.get(key(ctx.index, pos, s.index)) ?? reference(ctx, pos, s);
  return { table, values };
}

/**
 * Caches a policy table's rows (the corpus table allocates a new array per call). Use for
 * tables queried many times, e.g. a reference shared by many optima. A dense table (a
 * network's `policyTable`, src/dense-table.ts) already stores every row it returns; it is
 * returned as it is, so that exact passes keep its fast path.
 */
export function cachedTable(world: World, table: PolicyTable): PolicyTable {
  if (denseTableOf(table) !== undefined) return table;
  const S = world.space.states.length;
  const T = world.space.maxLen;
  const cache = new Map<number, ArrayLike<number>>();
  return (ctx, pos, s) => {
    const k = (ctx.index * T + pos) * S + s.index;
    let row = cache.get(k);
    if (!row) {
      row = Float64Array.from(table(ctx, pos, s) as ArrayLike<number>);
      cache.set(k, row);
    }
    return row;
  };
}
