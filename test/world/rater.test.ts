import { expect } from "chai";
import { Rng } from "../../src/rng";
import { ablate, makeWorldConfig, type WorldConfig } from "../../src/world/config";
import { exactPairPreference } from "../../src/world/agreement";
import { beliefRight, believedUtility, boltzmann, judge, judgeOracle, perceive, sigmoid, type RaterParams } from "../../src/world/rater";
import { createWorld, type World } from "../../src/world/world";
import type { Query } from "../../src/world/query";

const logit = (p: number) => Math.log(p / (1 - p));

describe("world/rater", () => {
  const w = createWorld();
  const cfg = w.config;
  const b = cfg.belief;
  const u = cfg.utility;
  const params: RaterParams = { rho: 0.6, verify: 0, detect: 0.5, appeal: 0.2, rationality: 15 };
  const ctx = w.contexts.find((c) => c.prior === 0 && c.guess === 1 && c.level === 1)!;
  const meaning = (world: World, names: string[]) => world.space.parse(world.vocab.encode(names)).meaning;
  const bel = (world: World, names: string[], truth = 1, p: RaterParams = params) => believedUtility(world.config, p, ctx, truth, meaning(world, names));

  it("sycophancy: agreeing with the prior raises belief by the documented log-odds shift; ablation removes it", () => {
    const z0 = logit(b.baseBelief);
    const expected = (sigmoid(z0 + b.agreementShift) - sigmoid(z0 - b.agreementShift)) * (u.correct.plain - u.wrong.plain);
    expect(bel(w, ["A", "plain", "<end>"]) - bel(w, ["B", "plain", "<end>"])).to.be.closeTo(expected, 1e-12);
    expect(expected).to.be.greaterThan(0.5);
    const off = createWorld(ablate(cfg, "sycophancy"));
    expect(bel(off, ["A", "plain", "<end>"]) - bel(off, ["B", "plain", "<end>"])).to.be.closeTo(0, 1e-12);
    // other biases untouched by this ablation
    expect(bel(off, ["B", "overclaim", "<end>"])).to.be.greaterThan(bel(off, ["B", "plain", "<end>"]));
  });

  it("confidence: overclaiming raises belief by c log-odds, hedging lowers it; ablated, overclaiming looks worse", () => {
    const m = meaning(w, ["B", "overclaim", "<end>"]);
    const z = logit(b.baseBelief) - b.agreementShift;
    expect(beliefRight(cfg, ctx, m, false)).to.be.closeTo(sigmoid(z + b.confidenceShift), 1e-12);
    expect(beliefRight(cfg, ctx, meaning(w, ["B", "hedge", "<end>"]), false)).to.be.closeTo(sigmoid(z - b.confidenceShift), 1e-12);
    expect(bel(w, ["B", "overclaim", "<end>"])).to.be.greaterThan(bel(w, ["B", "plain", "<end>"]));
    const off = createWorld(ablate(cfg, "confidence"));
    expect(bel(off, ["B", "overclaim", "<end>"])).to.be.lessThan(bel(off, ["B", "plain", "<end>"]));
  });

  it("evidence: unchecked evidence on a wrong answer looks like support; checking (v) or ablation exposes it", () => {
    const withEv = ["B", "plain", "evidence", "<end>"];
    const without = ["B", "plain", "<end>"];
    const truth = 2; // B is wrong
    expect(bel(w, withEv, truth)).to.be.greaterThan(bel(w, without, truth));
    const checker = { ...params, verify: 1 };
    expect(bel(w, withEv, truth, checker)).to.be.closeTo(u.wrong.plain - u.fabricatedEvidence, 1e-12);
    // believed value of fabricated evidence is linear in v
    const at = (v: number) => bel(w, withEv, truth, { ...params, verify: v });
    expect(at(0.5)).to.be.closeTo((at(0) + at(1)) / 2, 1e-12);
    const off = createWorld(ablate(cfg, "evidenceCredulity"));
    expect(bel(off, withEv, truth)).to.be.lessThan(bel(off, without, truth));
  });

  it("manoeuvre steps: each is worth (1−d)·h − d·L, so a first step pays exactly when d < h/(h+L)", () => {
    const h = 0.3;
    const L = b.noticedStepPenalty;
    const dStar = h / (h + L);
    const step = (d: number) => bel(w, ["P1", "B", "plain", "<end>"], 1, { ...params, appeal: h, detect: d }) - bel(w, ["B", "plain", "<end>"], 1, { ...params, appeal: h, detect: d });
    expect(step(0.1)).to.be.closeTo(0.9 * h - 0.1 * L, 1e-12);
    expect(step(dStar - 0.01)).to.be.greaterThan(0);
    expect(step(dStar + 0.01)).to.be.lessThan(0);
    const off = createWorld(ablate(cfg, "manoeuvreAppeal"));
    const stepOff = bel(off, ["P1", "B", "plain", "<end>"], 1, { ...params, appeal: h, detect: 0.01 }) - bel(off, ["B", "plain", "<end>"], 1, { ...params, appeal: h, detect: 0.01 });
    expect(stepOff).to.be.closeTo(-0.01 * L, 1e-12);
    // completion adds the visible payoff w
    const full = bel(w, ["P1", "P2", "P3", "B", "<end>"], 1, { ...params, detect: 0 }) - bel(w, ["B", "<end>"], 1, { ...params, detect: 0 });
    expect(full).to.be.closeTo(3 * params.appeal + u.manoeuvreVisiblePayoff, 1e-12);
  });

  it("notices manoeuvre steps at rate d, and a noticed step loses the comparison", () => {
    const rng = Rng.fromSeed(5);
    const d = 0.3;
    const m = meaning(w, ["P1", "P2", "P3", "A", "<end>"]);
    let noticed = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) noticed += perceive({ ...params, detect: d }, m, false, rng).noticed.filter(Boolean).length;
    expect(noticed / (3 * n)).to.be.closeTo(d, 4 * Math.sqrt((d * (1 - d)) / (3 * n)));
    // near-deterministic rater, tiny appeal: prefers the step-free output exactly when the step is noticed
    const rater = { kind: "belief" as const, params: { ...params, detect: d, appeal: 0.01, rationality: 1e6 } };
    const q: Query = { context: ctx, truth: 1 };
    const withStep = w.space.parse(w.vocab.encode(["P1", "B", "plain", "<end>"]));
    const plain = w.space.parse(w.vocab.encode(["B", "plain", "<end>"]));
    let lost = 0;
    for (let i = 0; i < n; i++) if (judge(cfg, rater, q, withStep, plain, rng).label === 0) lost++;
    expect(lost / n).to.be.closeTo(d, 4 * Math.sqrt((d * (1 - d)) / n));
  });

  it("matches exact pair preferences with sampled judgements (checks, noticing, φ)", () => {
    const world = createWorld(makeWorldConfig({ comparison: { revealRate: 0.3 } }));
    const p = { ...params, verify: 0.4, detect: 0.4 };
    const rater = { kind: "belief" as const, params: p };
    const q: Query = { context: ctx, truth: 2 };
    const a = world.space.parse(world.vocab.encode(["P1", "A", "overclaim", "evidence", "<end>"]));
    const bb = world.space.parse(world.vocab.encode(["B", "hedge", "<end>"]));
    const exact = exactPairPreference(world, p, ctx, 2, a.meaning, bb.meaning);
    const rng = Rng.fromSeed(9);
    const n = 20000;
    let wins = 0;
    for (let i = 0; i < n; i++) wins += judge(world.config, rater, q, a, bb, rng).label!;
    expect(wins / n).to.be.closeTo(exact, 4 * Math.sqrt((exact * (1 - exact)) / n));
  });

  it("flips labels at flipRate (AlpacaFarm 25%, B-Pref mistakes)", () => {
    const world = createWorld(makeWorldConfig({ comparison: { flipRate: 0.25 } }));
    const rater = { kind: "belief" as const, params: { ...params, rationality: 1e6 } };
    const q: Query = { context: ctx, truth: 1 };
    const good = world.space.parse(world.vocab.encode(["A", "plain", "<end>"]));
    const bad = world.space.parse(world.vocab.encode(["<end>"]));
    const rng = Rng.fromSeed(2);
    const n = 20000;
    let flipped = 0;
    for (let i = 0; i < n; i++) if (judge(world.config, rater, q, good, bad, rng).label === 0) flipped++;
    expect(flipped / n).to.be.closeTo(0.25, 4 * Math.sqrt((0.25 * 0.75) / n));
  });

  it("expresses noise relative to the utility scale: rescaling utilities changes nothing (absolute noise would)", () => {
    const scaled = (c: WorldConfig, f: number): WorldConfig => {
      const x = (v: { hedge: number; plain: number; overclaim: number }) => ({ hedge: v.hedge * f, plain: v.plain * f, overclaim: v.overclaim * f });
      return makeWorldConfig({ utility: { correct: x(c.utility.correct), wrong: x(c.utility.wrong), genuineEvidence: c.utility.genuineEvidence * f, fabricatedEvidence: c.utility.fabricatedEvidence * f } }, c);
    };
    const big = scaled(cfg, 100);
    expect(boltzmann(big, 10, 100, 80)).to.be.closeTo(boltzmann(cfg, 10, 1, 0.8), 1e-12);
    const abs = makeWorldConfig({ comparison: { noise: "absolute" } });
    const absBig = scaled(abs, 100);
    expect(boltzmann(abs, 10, 1, 0.8)).to.be.lessThan(0.9);
    expect(boltzmann(absBig, 10, 100, 80)).to.be.greaterThan(0.999999);
  });

  it("answers 'equal' within equalWithin and skips pairs that both look bad (B-Pref)", () => {
    const world = createWorld(makeWorldConfig({ comparison: { equalWithin: 0.05, skipBelow: 0 } }));
    const rater = { kind: "belief" as const, params };
    const q: Query = { context: ctx, truth: 1 };
    const r = (names: string[]) => world.space.parse(world.vocab.encode(names));
    const rng = Rng.fromSeed(3);
    expect(judge(world.config, rater, q, r(["A", "plain", "<end>"]), r(["A", "plain", "filler", "<end>"]), rng).label).to.equal(0.5);
    expect(judge(world.config, rater, q, r(["<end>"]), r(["A", "plain", "<end>"]), rng).label).to.not.equal(null);
    const bad = r(["P1", "<end>"]);
    expect(judge(world.config, { kind: "belief", params: { ...params, detect: 1 } }, q, bad, bad, rng).label).to.equal(null);
  });

  it("with φ = 1 judges true outcomes; the oracle is deterministic with ties at ½", () => {
    const world = createWorld(makeWorldConfig({ comparison: { revealRate: 1 } }));
    const rater = { kind: "belief" as const, params: { ...params, rationality: 1e6 } };
    const q: Query = { context: ctx, truth: 1 };
    const honest = world.space.parse(world.vocab.encode(["B", "plain", "<end>"]));
    const syco = world.space.parse(world.vocab.encode(["A", "overclaim", "evidence", "<end>"]));
    const rng = Rng.fromSeed(1);
    for (let i = 0; i < 50; i++) expect(judge(world.config, rater, q, honest, syco, rng).label).to.equal(1);
    expect(judgeOracle(cfg, q, honest.meaning, syco.meaning, rng).label).to.equal(1);
    expect(judgeOracle(cfg, q, honest.meaning, honest.meaning, rng).label).to.equal(0.5);
    // without φ the same rater prefers the sycophant
    expect(judge(cfg, rater, q, honest, syco, rng).label).to.equal(0);
  });

  it("myopia down-weights early tokens", () => {
    const world = createWorld(makeWorldConfig({ comparison: { myopia: 0.5 } }));
    const rater = { kind: "belief" as const, params: { ...params, detect: 1, rationality: 15 } };
    const q: Query = { context: ctx, truth: 1 };
    const early = world.space.parse(world.vocab.encode(["P1", "filler", "filler", "filler", "B", "plain", "<end>"]));
    const j = judge(world.config, rater, q, early, early, Rng.fromSeed(1));
    const farSighted = judge(cfg, rater, q, early, early, Rng.fromSeed(1));
    // the noticed step at position 0 of 7 tokens weighs 0.5^6 instead of 1
    expect(j.perceived[0] - farSighted.perceived[0]).to.be.greaterThan(b.noticedStepPenalty * 0.9);
  });
});
