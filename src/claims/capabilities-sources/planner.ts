/**
 * Claim 7's planners: a policy that, before answering, searches a model of outcomes for the
 * output that model values most, instead of sampling and being reinforced.
 *
 *   - {@link backwardPlan}: the exact backward recursion over the token policy's states
 *     (world/soft-optimal.ts at a tiny β, whose optimum is the argmax policy), decoded
 *     greedily. Its cost is one node per reachable (position, parser state).
 *   - {@link boundedSearch}: a depth-first search over token sequences with a transposition
 *     table (a (position, parser state) already searched is not searched again) and a node
 *     budget, standing in for "hours of hidden brainstorming". Children are tried in order of
 *     the base model's probability (likely continuations first). When the budget runs out the
 *     search returns the best complete output found so far.
 *
 * Both search only outputs the base model can produce (tokens with base probability > 0):
 * the planner proposes what the model could say and asks its outcome model what would
 * happen. The outcome model is any terminal reward (the true outcome reward, the rater's
 * believed utility, or a model learned from samples, learned-model.ts).
 */
import { ConfigError } from "../../errors";
import { softOptimalPolicy, type ContextEntry, type PolicyTable, type TerminalReward, type World } from "../../world";

/** What one planning episode produced. */
export interface PlanResult {
  /** The planned output (tokens, ending with <end> unless it fills the maximum length). */
  tokens: number[];
  /** Index of the final parser state. */
  finalState: number;
  /** The outcome model's value of the planned output. */
  value: number;
  /** Whether the planned output completes the manoeuvre. */
  completes: boolean;
  /** Nodes expanded: (position, parser state) pairs whose continuations were listed. */
  nodes: number;
  /** Final outputs the outcome model was asked to value. */
  evaluations: number;
  /** The node budget ran out before the search finished (the plan is the best found so far). */
  exhausted: boolean;
}

/** β of the recursion in {@link backwardPlan}: small enough that the soft optimum is the argmax. */
export const ARGMAX_BETA = 1e-3;

/**
 * The exact planner: backward recursion (value iteration) of the outcome model over the
 * reachable (position, parser state) pairs of one context, then the greedy decode of the
 * resulting policy (ties go to the lower token index). Nodes = rows of the base policy read.
 */
export function backwardPlan(world: World, base: PolicyTable, entry: ContextEntry, model: TerminalReward): PlanResult {
  let nodes = 0;
  const counted: PolicyTable = (ctx, pos, s) => {
    nodes++;
    return base(ctx, pos, s);
  };
  const evaluated = new Set<number>();
  const counting: TerminalReward = (e, s) => {
    evaluated.add(s.index);
    return model(e, s);
  };
  const opt = softOptimalPolicy(world, counted, counting, ARGMAX_BETA, { entries: [entry] });
  const read = nodes;
  const space = world.space;
  const tokens: number[] = [];
  let si = space.initialState().index;
  for (let pos = 0; pos < space.maxLen; pos++) {
    const row = opt.table(entry.context, pos, space.states[si]!);
    let a = 0;
    for (let b = 1; b < space.vocabSize; b++) if (row[b]! > row[a]!) a = b;
    tokens.push(a);
    si = space.transitions[si * space.vocabSize + a]!;
    if (a === space.endToken) break;
  }
  const state = space.states[si]!;
  return { tokens, finalState: si, value: model(entry, state), completes: state.progress === world.vocab.steps, nodes: read, evaluations: evaluated.size, exhausted: false };
}

/** Largest node budget accepted (a finite bound: every search ends). */
export const MAX_NODES = 1e7;

/**
 * The bounded depth-first planner (see the module comment). `maxNodes` bounds the nodes
 * expanded; the result says whether it ran out.
 */
export function boundedSearch(world: World, base: PolicyTable, entry: ContextEntry, model: TerminalReward, maxNodes: number): PlanResult {
  if (!(Number.isInteger(maxNodes) && maxNodes >= 1 && maxNodes <= MAX_NODES)) throw new ConfigError("boundedSearch maxNodes", maxNodes, `an integer in [1, ${MAX_NODES}]`);
  const space = world.space;
  const V = space.vocabSize, S = space.states.length, T = space.maxLen, end = space.endToken;
  // Per searched (pos, state): best value found below it and the token that reaches it.
  const best = new Map<number, { value: number; token: number }>();
  const leafValue = new Map<number, number>();
  let nodes = 0;
  let exhausted = false;
  const leaf = (si: number) => {
    let v = leafValue.get(si);
    if (v === undefined) {
      v = model(entry, space.states[si]!);
      leafValue.set(si, v);
    }
    return v;
  };
  const visit = (pos: number, si: number): number => {
    nodes++;
    const row = base(entry.context, pos, space.states[si]!);
    const order = Array.from({ length: V }, (_, a) => a).filter((a) => row[a]! > 0).sort((a, b) => row[b]! - row[a]! || a - b);
    let value = -Infinity, token = -1;
    for (const a of order) {
      const ns = space.transitions[si * V + a]!;
      let v: number;
      if (a === end || pos === T - 1) v = leaf(ns);
      else {
        const child = best.get((pos + 1) * S + ns);
        if (child) v = child.value;
        else if (nodes >= maxNodes) {
          exhausted = true;
          continue;
        } else v = visit(pos + 1, ns);
      }
      if (v > value) {
        value = v;
        token = a;
      }
    }
    best.set(pos * S + si, { value, token });
    return value;
  };
  visit(0, space.initialState().index);
  // Decode the best output found.
  const tokens: number[] = [];
  let si = space.initialState().index;
  for (let pos = 0; pos < T; pos++) {
    const b = best.get(pos * S + si);
    if (!b || b.token < 0) break;
    tokens.push(b.token);
    si = space.transitions[si * V + b.token]!;
    if (b.token === end) break;
  }
  const state = space.states[si]!;
  return { tokens, finalState: si, value: leafValue.get(si) ?? -Infinity, completes: state.progress === world.vocab.steps, nodes, evaluations: leafValue.size, exhausted };
}
