import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { setupBackend } from "../helpers/backend";
import { tableRows } from "../helpers/reachable";
import { toySpace, toyContexts } from "../helpers/toy-space";
import { Rng } from "../../src/rng";
import { TokenPolicy } from "../../src/policy/token-policy";
import { denseTableOf, reachableRows } from "../../src/dense-table";
import { makeWorldConfig } from "../../src/world/config";
import { corpusTable } from "../../src/world/corpus";
import { exactDistribution, type ExactDistribution } from "../../src/world/exact";
import { cachedTable } from "../../src/world/soft-optimal";
import type { PolicyTable } from "../../src/world/policy-table";
import type { Context, ParseState } from "../../src/world";
import { createWorld, type World } from "../../src/world/world";

/**
 * The policy table as `main` computed it before the split first layer (the reference): the
 * full input row [context features | state features | position one-hot] of every context ×
 * reachable (position, state), one `Mlp.apply`, softmax, each row renormalised in float64;
 * rows looked up by string key; anything else computed on demand.
 */
function fullForwardTable(p: TokenPolicy<Context, ParseState>, contexts: readonly Context[]): PolicyTable {
  const sp = p.space;
  const V = sp.vocabSize;
  const rows = tableRows(sp, contexts);
  const D = p.inputDim;
  const x = new Float32Array(rows.length * D);
  rows.forEach((r, i) => {
    const cf = p.contextFeatures(r.context);
    x.set(cf, i * D);
    x.set(sp.stateFeatures(r.state), i * D + cf.length);
    x[i * D + cf.length + sp.stateDim + r.position] = 1;
  });
  const out = tf.tidy(() => tf.softmax(p.net.apply(tf.tensor2d(x, [rows.length, D]))));
  const flat = out.dataSync();
  out.dispose();
  const byKey = new Map<string, Float64Array>();
  const renorm = (src: ArrayLike<number>, at: number) => {
    let z = 0;
    for (let i = 0; i < V; i++) z += src[at + i]!;
    return Float64Array.from({ length: V }, (_, i) => src[at + i]! / z);
  };
  rows.forEach((r, i) => byKey.set(`${r.context.index}|${r.position}|${sp.key(r.state)}`, renorm(flat, i * V)));
  return (c, pos, s) => byKey.get(`${c.index}|${pos}|${sp.key(s)}`) ?? renorm(p.nextTokenProbs([{ context: c, position: pos, state: s }])[0]!, 0);
}

/** The same table without its dense form: exact passes take the per-state function path. */
const asFunction =
  (t: PolicyTable): PolicyTable =>
  (c, pos, s) =>
    t(c, pos, s);

/** Every number of two exact distributions must be the same float. */
function expectIdentical(a: ExactDistribution, b: ExactDistribution): void {
  expect(a.kl).to.equal(b.kl);
  expect(a.contexts.length).to.equal(b.contexts.length);
  a.contexts.forEach((c, i) => {
    const d = b.contexts[i]!;
    expect(c.entry).to.equal(d.entry);
    expect(c.kl).to.equal(d.kl);
    expect(c.expectedLength).to.equal(d.expectedLength);
    expect(c.finals.map((f) => [f.state.index, f.prob])).to.deep.equal(d.finals.map((f) => [f.state.index, f.prob]));
    expect(c.finals.map((f) => f.meaning)).to.deep.equal(d.finals.map((f) => f.meaning));
  });
}

/** Largest relative difference of two exact distributions (final-state probabilities, KL, expected length); final-state supports must match. */
function maxRelDiff(a: ExactDistribution, b: ExactDistribution): number {
  const rel = (x: number, y: number) => (x === y ? 0 : Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
  let m = rel(a.kl, b.kl);
  a.contexts.forEach((c, i) => {
    const d = b.contexts[i]!;
    expect(c.finals.map((f) => f.state.index)).to.deep.equal(d.finals.map((f) => f.state.index));
    c.finals.forEach((f, j) => (m = Math.max(m, rel(f.prob, d.finals[j]!.prob))));
    m = Math.max(m, rel(c.kl, d.kl), rel(c.expectedLength, d.expectedLength));
  });
  return m;
}

/** Largest absolute difference between two tables over every reachable row of `contexts`. */
function maxRowDiff(world: World, a: PolicyTable, b: PolicyTable, contexts: readonly Context[]): { diff: number; rows: number } {
  const rows = reachableRows(world.space);
  let diff = 0;
  for (const c of contexts) {
    for (let r = 0; r < rows.count; r++) {
      const pa = a(c, rows.positions[r]!, rows.states[r]!),
        pb = b(c, rows.positions[r]!, rows.states[r]!);
      for (let t = 0; t < pa.length; t++) diff = Math.max(diff, Math.abs(pa[t]! - pb[t]!));
    }
  }
  return { diff, rows: contexts.length * rows.count };
}

// The dense table's forward pass (Mlp.applyPairs) keeps the full product's summation order,
// so on the wasm backend its rows are the full forward pass's to the bit; on another backend
// allow float32 rounding.
const exact = () => tf.getBackend() === "wasm";
const ROW_TOL = 1e-6;
const DIST_TOL = 1e-5;

describe("exact evaluation on dense tables", () => {
  before(setupBackend);

  it("reachable rows: cached per space, positions in blocks, next rows agree with the space's step", () => {
    const world = createWorld();
    const rows = reachableRows(world.space);
    expect(reachableRows(world.space)).to.equal(rows);
    expect(reachableRows(createWorld().space)).to.not.equal(rows);
    const V = world.space.vocabSize;
    expect(rows.start[0]).to.equal(0);
    expect(rows.start[world.space.maxLen]).to.equal(rows.count);
    expect(rows.states[0]).to.equal(world.space.initialState());
    for (let r = 0; r < rows.count; r++) {
      const pos = rows.positions[r]!;
      expect(r >= rows.start[pos]! && r < rows.start[pos + 1]!).to.equal(true);
      expect(rows.index[pos]!.get(world.space.key(rows.states[r]!))).to.equal(r);
      for (let t = 0; t < V; t++) {
        const nr = rows.next[r * V + t]!;
        if (t === world.space.endToken || pos === world.space.maxLen - 1) expect(nr).to.equal(-1);
        else {
          expect(rows.positions[nr]).to.equal(pos + 1);
          expect(rows.states[nr]).to.equal(world.space.step(rows.states[r]!, t));
        }
      }
    }
  });

  it("the world, random networks of several sizes and seeds: the dense pass equals the function pass, and the full forward pass of main, bit for bit", function () {
    this.timeout(120000);
    const world = createWorld();
    let worstRow = 0,
      worstDist = 0;
    for (const [seed, hidden] of [
      [1, [64, 64]],
      [2, [64, 64]],
      [3, [32]],
      [4, [16, 16, 16]],
    ] as [number, number[]][]) {
      const p = new TokenPolicy(world.space, world.contextSpace, hidden, Rng.fromSeed(seed).fork("init"));
      const q = new TokenPolicy(world.space, world.contextSpace, [64, 64], Rng.fromSeed(100 + seed).fork("init"));
      try {
        const dp = p.policyTable(world.contexts),
          dq = q.policyTable(world.contexts);
        expect(denseTableOf(dp)).to.not.equal(undefined);
        const fast = exactDistribution(world, dp, dq);
        // The integer-indexed pass against the per-state function pass on the same tables:
        // the same sums in the same order, so every number is the same float.
        expectIdentical(fast, exactDistribution(world, asFunction(dp), asFunction(dq)));
        // A function reference (the corpus) and no reference.
        const corpus = cachedTable(world, corpusTable(world));
        expectIdentical(exactDistribution(world, dp, corpus), exactDistribution(world, asFunction(dp), corpus));
        expectIdentical(exactDistribution(world, dp), exactDistribution(world, asFunction(dp)));
        expect(Number.isFinite(exactDistribution(world, dp, corpus).kl)).to.equal(false); // the corpus has zeros the network does not
        // Against the full forward pass of main (the reference implementation).
        const fp = fullForwardTable(p, world.contexts),
          fq = fullForwardTable(q, world.contexts);
        const rows = maxRowDiff(world, dp, fp, world.contexts);
        expect(rows.rows).to.be.greaterThan(40000);
        worstRow = Math.max(worstRow, rows.diff);
        const slow = exactDistribution(world, fp, fq);
        const rel = maxRelDiff(fast, slow);
        worstDist = Math.max(worstDist, rel);
        if (exact()) {
          expect(rows.diff, `seed ${seed}: rows`).to.equal(0);
          expectIdentical(fast, slow);
        } else {
          expect(rows.diff, `seed ${seed}: rows`).to.be.below(ROW_TOL);
          expect(rel, `seed ${seed}: distribution`).to.be.below(DIST_TOL);
        }
      } finally {
        p.dispose();
        q.dispose();
      }
    }
    if (process.env["EXACT_DENSE_REPORT"]) console.log(`      worst row difference ${worstRow}, worst relative difference of distributions ${worstDist}`);
  });

  it("another world (2 answers, 1 step, 5 tokens), entries subsets and contexts missing from the table fall back and agree", function () {
    this.timeout(60000);
    const world = createWorld(makeWorldConfig({ answers: 2, manoeuvreLength: 1, maxLen: 5 }));
    const p = new TokenPolicy(world.space, world.contextSpace, [8, 8], Rng.fromSeed(7).fork("init"));
    const q = new TokenPolicy(world.space, world.contextSpace, [8], Rng.fromSeed(8).fork("init"));
    try {
      const dp = p.policyTable(world.contexts),
        dq = q.policyTable(world.contexts);
      expectIdentical(exactDistribution(world, dp, dq), exactDistribution(world, asFunction(dp), asFunction(dq)));
      const full = exactDistribution(world, fullForwardTable(p, world.contexts), fullForwardTable(q, world.contexts));
      if (exact()) expectIdentical(exactDistribution(world, dp, dq), full);
      else expect(maxRelDiff(exactDistribution(world, dp, dq), full)).to.be.below(DIST_TOL);
      const entries = world.entries.filter((_, i) => i % 2 === 1);
      expectIdentical(exactDistribution(world, dp, dq, { entries }), exactDistribution(world, asFunction(dp), asFunction(dq), { entries }));
      // Tables of half the contexts: the other half are computed on demand (the function path).
      const half = world.contexts.filter((_, i) => i % 2 === 0);
      const hp = p.policyTable(half),
        hq = q.policyTable(half.slice(1));
      expectIdentical(exactDistribution(world, hp, hq), exactDistribution(world, asFunction(hp), asFunction(hq)));
      // A dense table of another space object is not used densely (and still agrees).
      const other = createWorld(makeWorldConfig({ answers: 2, manoeuvreLength: 1, maxLen: 5 }));
      expectIdentical(exactDistribution(other, dp, dq), exactDistribution(other, asFunction(dp), asFunction(dq)));
    } finally {
      p.dispose();
      q.dispose();
    }
  });

  it("checks rows as the function pass does: a bad row throws the same message", () => {
    const world = createWorld(makeWorldConfig({ answers: 2, manoeuvreLength: 1, maxLen: 5 }));
    const p = new TokenPolicy(world.space, world.contextSpace, [8], Rng.fromSeed(9).fork("init"));
    try {
      for (const spoil of [(x: Float64Array, o: number) => (x[o + 2] = NaN), (x: Float64Array, o: number) => (x[o + 1] = x[o + 1]! + 0.01)]) {
        for (const asRef of [false, true]) {
          const good = p.policyTable(world.contexts),
            bad = p.policyTable(world.contexts);
          const d = denseTableOf<Context, ParseState>(bad)!;
          const rows = d.rows;
          const r = rows.start[2]! + 1; // a row at position 2
          spoil(d.probs, (d.block(world.contexts[3]!) * rows.count + r) * d.vocabSize);
          const [t, ref] = asRef ? [good, bad] : [bad, good];
          let want = "";
          try {
            exactDistribution(world, asFunction(t), asFunction(ref));
          } catch (e) {
            want = (e as Error).message;
          }
          expect(want).to.match(/policy table at/);
          expect(() => exactDistribution(world, t, ref)).to.throw(want);
          expect(() => exactDistribution(world, t, ref, { check: false })).to.not.throw();
        }
      }
    } finally {
      p.dispose();
    }
  });

  it("cachedTable keeps a dense table as it is; other tables are wrapped", () => {
    const p = new TokenPolicy(toySpace, toyContexts, [8], Rng.fromSeed(5));
    const world = createWorld();
    try {
      const t = p.policyTable([0, 1]);
      expect(cachedTable(world, t as unknown as PolicyTable)).to.equal(t);
      const c = corpusTable(world);
      expect(cachedTable(world, c)).to.not.equal(c);
      expect(denseTableOf(c)).to.equal(undefined);
    } finally {
      p.dispose();
    }
  });
});
