/**
 * A tiny SequenceSpace for tests: tokens 0 = <end>, 1 = "good", 2 = "bad", 3 = "filler";
 * maxLen 4; the parser state counts good and bad tokens (capped at 3).
 */
import type { ContextSpace, SequenceSpace } from "../../src/space";

export interface ToyState {
  good: number;
  bad: number;
  ended: boolean;
}

export const toySpace: SequenceSpace<ToyState> = {
  vocabSize: 4,
  endToken: 0,
  maxLen: 4,
  tokenNames: ["<end>", "good", "bad", "filler"],
  stateDim: 9,
  initialState: () => ({ good: 0, bad: 0, ended: false }),
  step: (s, t) => ({ good: Math.min(3, s.good + (t === 1 ? 1 : 0)), bad: Math.min(3, s.bad + (t === 2 ? 1 : 0)), ended: s.ended || t === 0 }),
  key: (s) => `${s.good}${s.bad}${s.ended ? "x" : ""}`,
  stateFeatures: (s) => {
    const f = new Array<number>(9).fill(0);
    f[s.good] = 1;
    f[4 + s.bad] = 1;
    f[8] = s.ended ? 1 : 0;
    return f;
  },
};

export type ToyContext = 0 | 1;
export const toyContexts: ContextSpace<ToyContext> = {
  contextDim: 2,
  contextFeatures: (c) => (c === 0 ? [1, 0] : [0, 1]),
};

/** Every output of the toy space: sequences ending with <end>, or of length maxLen. */
export function allOutputs(): number[][] {
  const out: number[][] = [];
  const rec = (prefix: number[]) => {
    for (let t = 0; t < 4; t++) {
      const s = [...prefix, t];
      if (t === 0 || s.length === 4) out.push(s);
      else rec(s);
    }
  };
  rec([]);
  return out;
}

/** Number of "good" tokens in an output. */
export const goodCount = (seq: readonly number[]) => seq.filter((t) => t === 1).length;
