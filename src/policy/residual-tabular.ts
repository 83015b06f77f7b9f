/**
 * A residual tabular token policy over a finite-state reading of sequences, starting
 * exactly at a base policy:
 *
 *     π(a | c, pos, s) ∝ π_base(a | c, pos, s) · exp(θ_shared[pos, s, a] + θ_c[c, pos, s, a]),
 *
 * with θ = 0 at the start. `shared: false` drops θ_shared (one table per context, e.g. a
 * single-context policy); with `shared: true` both parts receive the same increment, so
 * what is learned in one context carries over to the others (as a network's shared weights
 * would) while the per-context part can still learn context-dependent behaviour. Zeros of
 * the base stay zero, so KL to the base stays finite. Plain numbers only (no tensors, no
 * world): the caller supplies the base probabilities and the state machine.
 *
 * Rows are addressed by `off = (pos·S + s)·V` within a context; `probs` holds the current
 * next-token distribution of every row, indexed `c·T·S·V + off + a`.
 */
import type { Rng } from "../rng";
import { ConfigError } from "../errors";

/** The finite-state reading a residual policy samples over (the world's parser, as numbers). */
export interface StateMachine {
  /** Tokens 0 … vocabSize−1. */
  readonly vocabSize: number;
  /** The token that ends a sequence. */
  readonly endToken: number;
  /** Maximum sequence length (the end token included). */
  readonly maxLen: number;
  /** Number of states. */
  readonly numStates: number;
  /** Index of the empty prefix's state. */
  readonly initialState: number;
  /** `transitions[s · vocabSize + a]` = state after reading token a in state s. */
  readonly transitions: ArrayLike<number>;
}

/** A sampled sequence: the row offset (within its context) and the token at each step. */
export interface SampledPath {
  offsets: number[];
  tokens: number[];
}

/** A fresh, empty path buffer (reused across samples). */
export function emptyPath(): SampledPath {
  return { offsets: [], tokens: [] };
}

export interface ResidualTabularOptions {
  /** The state machine sequences are read with. */
  machine: StateMachine;
  /** Number of contexts. */
  contexts: number;
  /** Base next-token distribution of (context, position, state), or null where the state has ended. */
  base: (context: number, pos: number, state: number) => ArrayLike<number> | null;
  /** Add a part of θ shared by all contexts (see the module comment). */
  shared: boolean;
}

export class ResidualTabularPolicy {
  readonly V: number;
  readonly S: number;
  readonly T: number;
  readonly C: number;
  readonly machine: StateMachine;
  readonly shared: boolean;
  /** Size of one context's block (T·S·V). */
  readonly rowSize: number;
  private readonly base: Float64Array;
  private readonly thetaShared: Float64Array | null;
  private readonly thetaCtx: Float64Array;
  /** Current next-token probabilities, indexed ((c·T + pos)·S + s)·V + a. */
  readonly probs: Float64Array;

  constructor(o: ResidualTabularOptions) {
    const m = o.machine;
    if (!(Number.isInteger(o.contexts) && o.contexts >= 1 && o.contexts <= 100_000)) throw new ConfigError("contexts", o.contexts, "an integer in [1, 100000]");
    this.machine = m;
    this.shared = o.shared;
    this.V = m.vocabSize;
    this.S = m.numStates;
    this.T = m.maxLen;
    this.C = o.contexts;
    this.rowSize = this.T * this.S * this.V;
    this.base = new Float64Array(this.C * this.rowSize);
    this.thetaShared = o.shared ? new Float64Array(this.rowSize) : null;
    this.thetaCtx = new Float64Array(this.C * this.rowSize);
    for (let c = 0; c < this.C; c++)
      for (let pos = 0; pos < this.T; pos++)
        for (let si = 0; si < this.S; si++) {
          const p = o.base(c, pos, si);
          if (p === null) continue;
          const off = c * this.rowSize + (pos * this.S + si) * this.V;
          for (let a = 0; a < this.V; a++) this.base[off + a] = p[a]!;
        }
    this.probs = Float64Array.from(this.base);
  }

  /** Samples one sequence in context c; fills `path`; returns the final state index. */
  sample(c: number, rng: Rng, path: SampledPath): number {
    const m = this.machine;
    const V = this.V;
    path.offsets.length = 0;
    path.tokens.length = 0;
    let si = m.initialState;
    const cOff = c * this.rowSize;
    for (let pos = 0; pos < this.T; pos++) {
      const off = (pos * this.S + si) * V;
      let u = rng.next();
      let a = 0;
      for (; a < V - 1; a++) {
        u -= this.probs[cOff + off + a]!;
        if (u < 0) break;
      }
      // Rounding: never pick a zero-probability token.
      while (this.probs[cOff + off + a]! === 0) a--;
      path.offsets.push(off);
      path.tokens.push(a);
      si = m.transitions[si * V + a]!;
      if (a === m.endToken) break;
    }
    return si;
  }

  /** log π(o | c) − log π_base(o | c) along a sampled path (the per-sample KL term). */
  logRatio(c: number, path: SampledPath): number {
    const cOff = c * this.rowSize;
    let s = 0;
    for (let i = 0; i < path.offsets.length; i++) {
      const j = cOff + path.offsets[i]! + path.tokens[i]!;
      s += Math.log(this.probs[j]! / this.base[j]!);
    }
    return s;
  }

  /**
   * The REINFORCE increment along a path: θ[row, a] += step·(1[a = token] − π(a | row)) for
   * every token on the base's support (both parts of θ when shared); records touched rows.
   * The probabilities are not updated until {@link refresh} (the gradient uses the old π).
   */
  accumulate(c: number, path: SampledPath, step: number, touched: Set<number>): void {
    const V = this.V;
    const cOff = c * this.rowSize;
    const shared = this.thetaShared;
    for (let i = 0; i < path.offsets.length; i++) {
      const off = path.offsets[i]!;
      const tok = path.tokens[i]!;
      for (let a = 0; a < V; a++) {
        if (this.base[cOff + off + a] === 0) continue;
        const g = step * ((a === tok ? 1 : 0) - this.probs[cOff + off + a]!);
        if (shared) shared[off + a] = shared[off + a]! + g;
        this.thetaCtx[cOff + off + a] = this.thetaCtx[cOff + off + a]! + g;
      }
      touched.add(off);
    }
  }

  /** Recomputes π on touched rows: in every context when θ is shared, else in `context` only. */
  refresh(rows: Iterable<number>, context = 0): void {
    const V = this.V;
    const shared = this.thetaShared;
    const c0 = shared ? 0 : context;
    const c1 = shared ? this.C : context + 1;
    for (const off of rows)
      for (let c = c0; c < c1; c++) {
        const o = c * this.rowSize + off;
        const logit = (a: number) => (shared ? shared[off + a]! + this.thetaCtx[o + a]! : this.thetaCtx[o + a]!);
        let mx = -Infinity;
        for (let a = 0; a < V; a++) if (this.base[o + a]! > 0) mx = Math.max(mx, logit(a));
        if (mx === -Infinity) continue;
        let z = 0;
        for (let a = 0; a < V; a++) {
          const b = this.base[o + a]!;
          const q = b > 0 ? b * Math.exp(logit(a) - mx) : 0;
          this.probs[o + a] = q;
          z += q;
        }
        for (let a = 0; a < V; a++) this.probs[o + a] = this.probs[o + a]! / z;
      }
  }

  /** The current next-token distribution of (context, position, state) (a view, not a copy). */
  row(c: number, pos: number, state: number): Float64Array {
    const o = c * this.rowSize + (pos * this.S + state) * this.V;
    return this.probs.subarray(o, o + this.V);
  }

  /**
   * Exact probability that a sequence in context c ends in a state accepted by `accept`
   * (forward pass over states; a sequence ends at the end token or at the last position).
   */
  endProbability(c: number, accept: (state: number) => boolean): number {
    const m = this.machine;
    const V = this.V;
    const cOff = c * this.rowSize;
    let dist = new Float64Array(this.S);
    let next = new Float64Array(this.S);
    dist[m.initialState] = 1;
    let done = 0;
    for (let pos = 0; pos < this.T; pos++) {
      next.fill(0);
      const last = pos === this.T - 1;
      for (let si = 0; si < this.S; si++) {
        const mass = dist[si]!;
        if (mass === 0) continue;
        const off = cOff + (pos * this.S + si) * V;
        for (let a = 0; a < V; a++) {
          const p = this.probs[off + a]!;
          if (p === 0) continue;
          const ns = m.transitions[si * V + a]!;
          if (a === m.endToken || last) {
            if (accept(ns)) done += mass * p;
          } else next[ns] = next[ns]! + mass * p;
        }
      }
      [dist, next] = [next, dist];
    }
    return done;
  }
}
