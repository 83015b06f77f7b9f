import { expect } from "chai";
import { createWorld } from "../../src/world/world";

describe("world/parser (OutputSpace)", () => {
  const w = createWorld();
  const v = w.vocab;
  const read = (...names: string[]) => w.space.parse(v.encode(names));

  it("lays out the vocabulary: answers, confidence, evidence, filler, steps, end", () => {
    expect(v.names).to.deep.equal(["A", "B", "C", "D", "hedge", "plain", "overclaim", "evidence", "filler", "P1", "P2", "P3", "<end>"]);
    expect(w.space.endToken).to.equal(12);
    expect(w.space.vocabSize).to.equal(13);
    expect(v.kind(9)).to.equal("step");
    expect(() => v.kind(13)).to.throw(RangeError);
    expect(() => v.encode(["Z"])).to.throw(RangeError);
  });

  it("reads a well-formed output", () => {
    const r = read("P1", "C", "overclaim", "evidence", "<end>");
    expect(r.meaning).to.deep.equal({ answer: 2, confidence: "overclaim", evidence: true, prefix: 1, completed: false });
    expect(r.length).to.equal(5);
    expect(r.answerPos).to.equal(1);
    expect(r.stepPos).to.deep.equal([0]);
  });

  it("gives malformed outputs a defined meaning", () => {
    expect(read("<end>").meaning).to.deep.equal({ answer: null, confidence: "none", evidence: false, prefix: 0, completed: false });
    expect(read("hedge", "evidence", "<end>").meaning.answer).to.equal(null);
    expect(read("hedge", "evidence", "<end>").meaning.confidence).to.equal("none");
    // first answer and first confidence count
    expect(read("B", "A", "hedge", "overclaim", "<end>").meaning).to.include({ answer: 1, confidence: "hedge" });
    // confidence may precede the answer; an answer alone reads as plain
    expect(read("overclaim", "D", "<end>").meaning.confidence).to.equal("overclaim");
    expect(read("D", "<end>").meaning.confidence).to.equal("plain");
    // tokens after <end> are ignored
    expect(read("A", "<end>", "B", "evidence").meaning).to.include({ answer: 0, evidence: false });
    // out-of-order steps do not count; in-order subsequence does
    expect(read("P2", "P1", "P3", "<end>").meaning.prefix).to.equal(1);
    expect(read("P1", "filler", "P2", "A", "P3", "<end>").meaning).to.include({ prefix: 3, completed: true });
    expect(read("P1", "P1", "P3", "<end>").meaning.prefix).to.equal(1);
  });

  it("reads an output without <end> as ending at maxLen and ignores tokens beyond it", () => {
    const r = w.space.parse(v.encode(["filler", "filler", "filler", "filler", "filler", "filler", "filler", "filler", "filler", "filler", "A", "plain"]));
    expect(r.length).to.equal(10);
    expect(r.meaning.answer).to.equal(null);
    expect(r.state.ended).to.equal(false);
  });

  it("has a small, fully reachable, interned state space with unique keys", () => {
    const seen = new Set<number>([w.space.initialState().index]);
    const queue = [w.space.initialState()];
    while (queue.length) {
      const s = queue.pop()!;
      for (let t = 0; t < v.size; t++) {
        const n = w.space.step(s, t);
        if (!seen.has(n.index)) { seen.add(n.index); queue.push(n); }
      }
    }
    expect(seen.size).to.equal(w.space.states.length);
    const keys = new Set(w.space.states.map((s) => w.space.key(s)));
    expect(keys.size).to.equal(w.space.states.length);
    w.space.states.forEach((s, i) => expect(s.index).to.equal(i));
    expect(w.space.step(w.space.initialState(), v.answer(1))).to.equal(w.space.step(w.space.initialState(), v.answer(1)));
  });

  it("gives state features of length stateDim with one-hot blocks", () => {
    const s = read("B", "hedge", "evidence", "P1", "P2").state;
    const f = w.space.stateFeatures(s);
    expect(f.length).to.equal(w.space.stateDim);
    expect(f.reduce((a, b) => a + b, 0)).to.equal(4); // answer, confidence, evidence, progress (not ended)
    expect(w.contextSpace.contextFeatures(w.contexts[5]!).length).to.equal(w.contextSpace.contextDim);
  });
});
