import { expect } from "chai";
import { Rng } from "../../src/rng";
import { makeWorldConfig } from "../../src/world/config";
import { corpusTable } from "../../src/world/corpus";
import { exactDistribution } from "../../src/world/exact";
import { exactMetrics, sampledMetrics, type MetricSample } from "../../src/world/metrics";
import { sampleOutput, sequenceLogProb, type PolicyTable } from "../../src/world/policy-table";
import { sampleQuery } from "../../src/world/query";
import { createWorld, type World } from "../../src/world/world";

/** The corpus mixed with 10% uniform, so every sequence has positive probability. */
export function smoothedCorpus(world: World): PolicyTable {
  const base = corpusTable(world);
  const V = world.vocab.size;
  return (ctx, pos, s) => Array.from(base(ctx, pos, s), (p) => 0.9 * p + 0.1 / V);
}

/** A policy that tilts the corpus towards the prior, overclaiming, evidence and the next manoeuvre step. */
export function tiltedTable(world: World): PolicyTable {
  const base = smoothedCorpus(world);
  const v = world.vocab;
  return (ctx, pos, s) => {
    const p = Array.from(base(ctx, pos, s));
    const bonus = new Array<number>(v.size).fill(0.02);
    bonus[v.answer(ctx.prior)] = 0.5;
    bonus[v.overclaim] = 0.3;
    bonus[v.evidence] = 0.3;
    if (s.progress < v.steps) bonus[v.step(s.progress + 1)] = 0.15;
    const q = p.map((x, t) => x + bonus[t]!);
    const z = q.reduce((a, b) => a + b, 0);
    return q.map((x) => x / z);
  };
}

function enumerateSequences(world: World, table: PolicyTable, ctx: Parameters<PolicyTable>[0]): Array<{ tokens: number[]; p: number }> {
  const out: Array<{ tokens: number[]; p: number }> = [];
  const rec = (tokens: number[], s = world.space.initialState(), p = 1) => {
    const probs = table(ctx, tokens.length, s);
    for (let t = 0; t < world.vocab.size; t++) {
      const q = p * probs[t]!;
      if (q === 0) continue;
      const next = [...tokens, t];
      if (t === world.vocab.end || next.length === world.space.maxLen) out.push({ tokens: next, p: q });
      else rec(next, world.space.step(s, t), q);
    }
  };
  rec([]);
  return out;
}

describe("world/exact", () => {
  it("gives distributions that sum to 1 and KL(π‖π) = 0", () => {
    const w = createWorld();
    const dist = exactDistribution(w, corpusTable(w), corpusTable(w));
    for (const c of dist.contexts) expect(c.finals.reduce((s, f) => s + f.prob, 0)).to.be.closeTo(1, 1e-12);
    expect(dist.kl).to.equal(0);
  });

  it("equals brute-force enumeration of every sequence (meanings and sequence KL) in a small world", () => {
    const w = createWorld(makeWorldConfig({ answers: 2, manoeuvreLength: 1, maxLen: 5, population: { rho: { lo: 0.5, hi: 0.6 } }, levels: [{ name: "one", prob: 1, accuracy: 0.8 }], corpus: { hedgeByLevel: [0.3], evidenceByLevel: [0.3] } }));
    const pi = tiltedTable(w);
    const ref = smoothedCorpus(w);
    const dist = exactDistribution(w, pi, ref);
    for (const c of dist.contexts) {
      const seqs = enumerateSequences(w, pi, c.entry.context);
      let kl = 0;
      const byKey = new Map<string, number>();
      for (const { tokens, p } of seqs) {
        kl += p * (sequenceLogProb(w, pi, c.entry.context, tokens) - sequenceLogProb(w, ref, c.entry.context, tokens));
        const key = w.space.key(w.space.parse(tokens).state);
        byKey.set(key, (byKey.get(key) ?? 0) + p);
      }
      expect(c.kl).to.be.closeTo(kl, 1e-10);
      expect(c.kl).to.be.greaterThan(0);
      for (const f of c.finals) expect(f.prob).to.be.closeTo(byKey.get(w.space.key(f.state))!, 1e-12);
    }
  });

  it("rejects a policy table that does not return a distribution", () => {
    const w = createWorld();
    const bad: PolicyTable = () => new Array<number>(w.vocab.size).fill(0.5);
    expect(() => exactDistribution(w, bad)).to.throw(RangeError, /summing/);
    const short: PolicyTable = () => [1];
    expect(() => exactDistribution(w, short)).to.throw(RangeError, /expected 13/);
  });

  it("agrees with Monte Carlo metrics and KL within 4 standard errors", function () {
    this.timeout(20000);
    const w = createWorld();
    const pi = tiltedTable(w);
    const ref = smoothedCorpus(w);
    const exact = exactMetrics(w, exactDistribution(w, pi, ref));
    const rng = Rng.fromSeed(31);
    const samples: MetricSample[] = [];
    for (let i = 0; i < 12000; i++) {
      const q = sampleQuery(w.config, w.contexts, rng.uniform(0.45, 0.75), rng);
      const tokens = sampleOutput(w, pi, q.context, rng);
      samples.push({ context: q.context, truth: q.truth, tokens, logRatio: sequenceLogProb(w, pi, q.context, tokens) - sequenceLogProb(w, ref, q.context, tokens) });
    }
    const mc = sampledMetrics(w, samples);
    for (const key of Object.keys(exact) as Array<keyof typeof exact>) {
      const se = mc.se[key];
      expect(Number.isFinite(mc.value[key]), key).to.equal(true);
      expect(mc.value[key], `${key}: exact ${exact[key]} vs MC ${mc.value[key]} ± ${se}`).to.be.closeTo(exact[key], 4 * se + 1e-9);
    }
    expect(exact.sycophancyRate).to.be.greaterThan(0.3);
    expect(exact.kl).to.be.greaterThan(0.1);
  });
});
