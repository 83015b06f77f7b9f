import type { SequenceSpace } from "../../src/space";

/**
 * The rows a policy table covers, enumerated the straightforward way (the tests' reference
 * for src/dense-table.ts): per position, the states reachable from the initial state by
 * non-end tokens, in first-reached order; then every context × position × state, contexts
 * outermost.
 */
export function tableRows<C, S>(sp: SequenceSpace<S>, contexts: readonly C[]): { context: C; position: number; state: S }[] {
  const layers: S[][] = [];
  let frontier = new Map<string, S>([[sp.key(sp.initialState()), sp.initialState()]]);
  for (let pos = 0; pos < sp.maxLen; pos++) {
    layers.push([...frontier.values()]);
    const next = new Map<string, S>();
    for (const s of frontier.values()) for (let t = 0; t < sp.vocabSize; t++) if (t !== sp.endToken) next.set(sp.key(sp.step(s, t)), sp.step(s, t));
    frontier = next;
  }
  const rows: { context: C; position: number; state: S }[] = [];
  for (const c of contexts) layers.forEach((states, pos) => states.forEach((state) => rows.push({ context: c, position: pos, state })));
  return rows;
}
