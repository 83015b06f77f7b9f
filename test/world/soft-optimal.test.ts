import { expect } from "chai";
import { cachedTable, softOptimalPolicy } from "../../src/world/soft-optimal";
import { believedReward, cellRater } from "../../src/claims/no-power-seeking";
import { corpusTable, createWorld, exactDistribution, type PolicyTable, type World } from "../../src/world";

/** A tiny world whose every sequence can be enumerated. */
function tinyWorld(): World {
  return createWorld({ answers: 2, manoeuvreLength: 2, maxLen: 6, utility: { manoeuvreVisiblePayoff: 0.7 } });
}

/** Corpus mixed with a uniform distribution: full support, so every sequence counts. */
function smoothed(world: World): PolicyTable {
  const corpus = corpusTable(world);
  const V = world.vocab.size;
  return (c, pos, s) => Array.from(corpus(c, pos, s), (p) => 0.6 * p + 0.4 / V);
}

/** Brute force: every sequence's probability under `table`, grouped by final state. */
function enumerate(world: World, table: PolicyTable, ctxIndex: number): { state: number; p: number }[] {
  const space = world.space;
  const ctx = world.contexts[ctxIndex]!;
  const out: { state: number; p: number }[] = [];
  const rec = (pos: number, si: number, p: number) => {
    const probs = table(ctx, pos, space.states[si]!);
    for (let a = 0; a < space.vocabSize; a++) {
      const q = p * probs[a]!;
      if (q === 0) continue;
      const ns = space.transitions[si * space.vocabSize + a]!;
      if (a === space.endToken || pos === space.maxLen - 1) out.push({ state: ns, p: q });
      else rec(pos + 1, ns, q);
    }
  };
  rec(0, space.initialState().index, 1);
  return out;
}

describe("soft-optimal: exact KL-regularised optimum by backward recursion", () => {
  const world = tinyWorld();
  const ref = cachedTable(world, smoothed(world));
  const reward = believedReward(world, cellRater(0.05, 0.6));
  const beta = 0.4;
  const opt = softOptimalPolicy(world, ref, reward, beta);
  const dist = exactDistribution(world, opt.table, ref);

  for (const ci of [1, 6]) {
    it(`matches brute-force tilting of whole sequences (context ${ci})`, () => {
      const entry = world.entries[ci]!;
      const seqs = enumerate(world, ref, ci);
      const tilted = seqs.map((s) => s.p * Math.exp(reward(entry, world.space.states[s.state]!) / beta));
      const Z = tilted.reduce((a, b) => a + b, 0);
      const byState = new Map<number, number>();
      let kl = 0;
      seqs.forEach((s, i) => {
        const q = tilted[i]! / Z;
        byState.set(s.state, (byState.get(s.state) ?? 0) + q);
        kl += q * Math.log(q / s.p);
      });
      const cd = dist.contexts[ci]!;
      expect(cd.finals.length).to.equal(byState.size);
      for (const f of cd.finals) expect(f.prob).to.be.closeTo(byState.get(f.state.index)!, 1e-10);
      expect(cd.kl).to.be.closeTo(kl, 1e-9);
      expect(opt.values.get(ci)!).to.be.closeTo(beta * Math.log(Z), 1e-10);
    });
  }

  it("keeps the reference's zeros (finite KL against the corpus) and equals it when the reward is constant", () => {
    const corpus = cachedTable(world, corpusTable(world));
    const flat = softOptimalPolicy(world, corpus, () => 1.5, 0.3);
    const d = exactDistribution(world, flat.table, corpus);
    expect(d.kl).to.be.closeTo(0, 1e-12);
    const tilted = softOptimalPolicy(world, corpus, reward, 0.3);
    const d2 = exactDistribution(world, tilted.table, corpus);
    expect(Number.isFinite(d2.kl)).to.equal(true);
    expect(d2.kl).to.be.greaterThan(0.01);
  });

  it("rejects a non-positive β", () => {
    expect(() => softOptimalPolicy(world, ref, reward, 0)).to.throw(/beta/);
  });
});
