import { expect } from "chai";
import { Rng } from "../../src/rng";
import { emptyPath, ResidualTabularPolicy, type StateMachine } from "../../src/policy/residual-tabular";

/**
 * A tiny reading: tokens a (0), b (1), end (2); the state counts a's (capped at 2), so
 * state 2 = "at least two a's". Three positions.
 */
const machine: StateMachine = {
  vocabSize: 3,
  endToken: 2,
  maxLen: 3,
  numStates: 3,
  initialState: 0,
  transitions: [1, 0, 0, 2, 1, 1, 2, 2, 2],
};
const BASE = [0.3, 0.5, 0.2];
// Context 1 never says b: a zero of the base that must stay zero.
const base = (c: number) => (c === 0 ? BASE : [0.6, 0, 0.4]);
const twoAs = (s: number) => s === 2;

describe("ResidualTabularPolicy", () => {
  it("starts exactly at the base; the exact end probability matches the closed form and sampling", () => {
    const p = new ResidualTabularPolicy({ machine, contexts: 2, shared: false, base });
    expect(Array.from(p.row(0, 1, 1))).to.deep.equal(BASE);
    // Two a's among the first tokens before an end: P = a·a (at positions 0, 1) + a·b·a + b·a·a.
    const exact = 0.3 * 0.3 + 2 * 0.3 * 0.5 * 0.3;
    expect(p.endProbability(0, twoAs)).to.be.closeTo(exact, 1e-15);
    expect(p.endProbability(0, () => true)).to.be.closeTo(1, 1e-15);
    const rng = Rng.fromSeed(2);
    const path = emptyPath();
    const n = 20000;
    let hits = 0;
    for (let i = 0; i < n; i++) if (twoAs(p.sample(0, rng, path))) hits++;
    expect(hits / n).to.be.closeTo(exact, 4 * Math.sqrt((exact * (1 - exact)) / n));
    expect(p.logRatio(0, path)).to.equal(0);
  });

  it("an increment on a sampled path raises that path's tokens and keeps the base's zeros", () => {
    const p = new ResidualTabularPolicy({ machine, contexts: 2, shared: false, base });
    const path = { offsets: [0], tokens: [0] }; // token a at position 0, state 0
    const touched = new Set<number>();
    p.accumulate(1, path, 1, touched);
    p.refresh(touched, 1);
    const row = p.row(1, 0, 0);
    expect(row[0]).to.be.greaterThan(0.6);
    expect(row[1]).to.equal(0);
    expect(row[0]! + row[2]!).to.be.closeTo(1, 1e-15);
    expect(Array.from(p.row(0, 0, 0))).to.deep.equal(BASE); // unshared: context 0 untouched
  });

  it("with a shared part, what is learned in one context carries over to the others", () => {
    const p = new ResidualTabularPolicy({ machine, contexts: 2, shared: true, base });
    const touched = new Set<number>();
    p.accumulate(1, { offsets: [0], tokens: [0] }, 1, touched);
    p.refresh(touched);
    expect(p.row(0, 0, 0)[0]).to.be.greaterThan(0.3);
    expect(p.row(1, 0, 0)[0]).to.be.greaterThan(0.6);
  });

  it("rejects a bad context count", () => {
    expect(() => new ResidualTabularPolicy({ machine, contexts: 0, shared: false, base })).to.throw(/contexts/);
  });
});
