import { expect } from "chai";
import { Rng } from "../../src/rng";
import {
  createWorld,
  corpusTable,
  exactDistribution,
  fixedPopulation,
  judge,
  judgeOracle,
  perceivedUtility,
  sampleRater,
  boltzmann,
  utilityScale,
  type ContextEntry,
  type Meaning,
  type Reading,
  type World,
  type WorldConfig,
  type DeepPartial,
} from "../../src/world";
import { binomialMoments, contextItems, gaussLegendre, labelProbabilities, pairLabelProbability, uniformRule } from "../../src/incentive";

/** Every token sequence of a meaning is one reading: build the canonical one. */
function reading(world: World, entry: ContextEntry, m: Meaning): Reading {
  const v = world.vocab;
  const toks: number[] = [];
  for (let j = 1; j <= m.prefix; j++) toks.push(v.step(j));
  if (m.answer !== null) toks.push(v.answer(m.answer));
  if (m.answer !== null) toks.push(v.encode([m.confidence === "none" ? "plain" : m.confidence])[0]!);
  if (m.evidence) toks.push(v.encode(["evidence"])[0]!);
  toks.push(world.space.endToken);
  const r = world.space.parse(toks);
  expect(r.meaning).to.deep.equal(m);
  return r;
}

/**
 * Brute force for a rater with fixed parameters: enumerate every truth, reveal, check of
 * each output, noticed subset of each output's steps and flip, and judge with the
 * simulator's own perceivedUtility, skip, equal and Boltzmann rules.
 */
function bruteForce(world: World, params: { verify: number; detect: number; appeal: number; rationality: number; rho: number }, entry: ContextEntry, a: Meaning, b: Meaning) {
  const cfg = world.config;
  const c = cfg.comparison;
  const scale = utilityScale(cfg);
  const ra = reading(world, entry, a), rb = reading(world, entry, b);
  let win = 0, keep = 0;
  const subsets = (n: number) => Array.from({ length: 1 << n }, (_, mask) => Array.from({ length: n }, (_, i) => ((mask >> i) & 1) === 1));
  const pSubset = (s: boolean[]) => s.reduce((p, x) => p * (x ? params.detect : 1 - params.detect), 1);
  entry.truthPosterior.forEach((pt, truth) => {
    if (!(pt > 0)) return;
    for (const revealed of [false, true]) {
      const pr = revealed ? c.revealRate : 1 - c.revealRate;
      if (pr === 0) continue;
      for (const ca of a.evidence ? [true, false] : [false])
        for (const cb of b.evidence ? [true, false] : [false])
          for (const na of subsets(a.prefix))
            for (const nb of subsets(b.prefix)) {
              const pc = (a.evidence ? (ca ? params.verify : 1 - params.verify) : 1) * (b.evidence ? (cb ? params.verify : 1 - params.verify) : 1);
              const w = pt * pr * pc * pSubset(na) * pSubset(nb);
              if (w === 0) continue;
              const q = { context: entry.context, truth };
              const ua = perceivedUtility(cfg, params, q, ra, { revealed, checked: ca, noticed: na });
              const ub = perceivedUtility(cfg, params, q, rb, { revealed, checked: cb, noticed: nb });
              if (c.skipBelow !== null && Math.max(ua, ub) < c.skipBelow * scale) continue;
              if (c.equalWithin > 0 && Math.abs(ua - ub) <= c.equalWithin * scale) continue;
              const p = boltzmann(cfg, params.rationality, ua, ub);
              keep += w;
              win += w * ((1 - c.flipRate) * p + c.flipRate * (1 - p));
            }
    }
  });
  return { win, keep };
}

function randomMeaning(world: World, rng: Rng): Meaning {
  const k = world.vocab.steps;
  const answered = rng.bernoulli(0.85);
  const prefix = rng.int(k + 1);
  return {
    answer: answered ? rng.int(world.config.answers) : null,
    confidence: answered ? (["hedge", "plain", "overclaim"] as const)[rng.int(3)]! : "none",
    evidence: rng.bernoulli(0.5),
    prefix,
    completed: prefix === k,
  };
}

const WORLDS: Record<string, DeepPartial<WorldConfig>> = {
  default: {},
  "reveal, flips, skip and equal": { comparison: { revealRate: 0.3, flipRate: 0.2, skipBelow: 0.1, equalWithin: 0.05 } },
  "absolute noise, visible payoff": { comparison: { noise: "absolute" }, utility: { manoeuvreVisiblePayoff: 0.5 } },
};

describe("incentive: exact label probabilities", () => {
  it("Gauss–Legendre rules integrate polynomials exactly", () => {
    const g = gaussLegendre(5);
    let s = 0;
    for (let i = 0; i < 5; i++) s += g.w[i]! * Math.pow(g.x[i]!, 8);
    expect(s).to.be.closeTo(2 / 9, 1e-14);
    const u = uniformRule(0.2, 0.6, 3);
    expect(u.w.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-13);
    const m = binomialMoments(0.2, 0.6, 4);
    // E[X²(1−X)²] for X ~ U[0.2, 0.6] by direct integration of x² − 2x³ + x⁴.
    const F = (x: number) => x ** 3 / 3 - x ** 4 / 2 + x ** 5 / 5;
    expect(m(2, 2)).to.be.closeTo((F(0.6) - F(0.2)) / 0.4, 1e-15);
  });

  for (const [name, overrides] of Object.entries(WORLDS)) {
    it(`match brute-force enumeration for a fixed rater on random pairs (${name})`, () => {
      const world = createWorld(overrides);
      const params = { rho: 0.6, verify: 0.3, detect: 0.45, appeal: 0.2, rationality: 12 };
      const who = { kind: "population" as const, population: fixedPopulation(params) };
      const rng = Rng.fromSeed(7);
      for (let trial = 0; trial < 40; trial++) {
        const entry = world.entries[rng.int(world.entries.length)]!;
        const a = randomMeaning(world, rng), b = randomMeaning(world, rng);
        const exact = pairLabelProbability(world, who, entry, a, b);
        const brute = bruteForce(world, params, entry, a, b);
        expect(exact.win, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).to.be.closeTo(brute.win, 1e-12);
        expect(exact.keep).to.be.closeTo(brute.keep, 1e-12);
      }
    });
  }

  it("match the simulator's judge for a varied population (Monte Carlo, within 4 standard errors)", () => {
    const world = createWorld({ comparison: { flipRate: 0.1 } });
    const pop = world.config.population;
    const rng = Rng.fromSeed(11);
    const entry = world.entries[5]!;
    const a: Meaning = { answer: entry.context.prior, confidence: "overclaim", evidence: true, prefix: 2, completed: false };
    const b: Meaning = { answer: entry.context.guess, confidence: "plain", evidence: false, prefix: 0, completed: false };
    const exact = pairLabelProbability(world, { kind: "population", population: pop }, entry, a, b);
    const ra = reading(world, entry, a), rb = reading(world, entry, b);
    const n = 60000;
    let wins = 0;
    for (let i = 0; i < n; i++) {
      const truth = rng.categorical(entry.truthPosterior);
      const j = judge(world.config, sampleRater(pop, rng), { context: entry.context, truth }, ra, rb, rng);
      if (j.label === 1) wins++;
    }
    const p = wins / n;
    expect(Math.abs(p - exact.win)).to.be.below(4 * Math.sqrt((p * (1 - p)) / n));
    expect(exact.keep).to.be.closeTo(1, 1e-12);
  });

  it("the noisy oracle judges true utility with its own rationality", () => {
    const world = createWorld({ comparison: { oracleRationality: 15 } });
    const entry = world.entries[9]!;
    const rng = Rng.fromSeed(3);
    for (let trial = 0; trial < 20; trial++) {
      const a = randomMeaning(world, rng), b = randomMeaning(world, rng);
      const exact = pairLabelProbability(world, { kind: "oracle" }, entry, a, b);
      let p = 0;
      entry.truthPosterior.forEach((pt, t) => (p += pt * judgeOracle(world.config, { context: entry.context, truth: t }, a, b, rng).pFirst));
      expect(exact.win).to.be.closeTo(p, 1e-14);
    }
  });

  it("the all-pairs table agrees with the one-pair function, and is symmetric in presentation order", () => {
    const world = createWorld({ comparison: { revealRate: 0.2 } });
    const dist = exactDistribution(world, corpusTable(world));
    const who = { kind: "population" as const, population: world.config.population };
    const all = labelProbabilities(world, who, dist, { nodes: 6 });
    const items = contextItems(dist);
    for (const k of [0, 17, 40]) {
      const c = all[k]!;
      const M = c.items.length;
      expect(c.items).to.deep.equal(items[k]!.items);
      for (const [i, j] of [[0, 1], [1, 0], [2, M - 1], [M - 1, 3]] as const) {
        const one = pairLabelProbability(world, who, c.entry, c.items[i]!, c.items[j]!, { nodes: 6 });
        expect(c.win[i * M + j]).to.be.closeTo(one.win, 1e-12);
        expect(c.keep[i * M + j]).to.be.closeTo(one.keep, 1e-12);
      }
    }
  });

  it("refuses myopic raters (their judgements depend on token positions)", () => {
    const world = createWorld({ comparison: { myopia: 0.9 } });
    expect(() => pairLabelProbability(world, { kind: "population", population: world.config.population }, world.entries[0]!, randomMeaning(world, Rng.fromSeed(1)), randomMeaning(world, Rng.fromSeed(2)))).to.throw(/myopia/);
  });
});
