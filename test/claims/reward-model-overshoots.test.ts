import { expect } from "chai";
import { setupBackend } from "../helpers/backend";
import { Rng } from "../../src/rng";
import { corpusTable, cachedTable, createWorld, exactDistribution, expectedBelievedUtility, expectedTrueUtility, meanRaterParams } from "../../src/world";
import { tiltAtBeta } from "../../src/incentive";
import { withNoisyOracle } from "../../src/claims/kit";
import type { VerdictStatus } from "../../src/verdict";
import {
  alpacaFarmReading,
  CONSISTENT,
  decideOvershoot,
  expectedRows,
  frontierAtKl,
  frontierEnd,
  indirectionAt,
  LABELLERS,
  ORACLE,
  overestimationShares,
  overshootSeed,
  POOL,
  rewardRows,
  riseFall,
  THRESHOLDS,
  tiltFinals,
  type FrontierRow,
  type LabellerName,
  type OvershootEvidence,
  type SeedResult,
} from "../../src/claims/reward-model-overshoots";

const GRID = [0.5, 1, 2];

/** A frontier row from the fields a test cares about (every other number 0). */
function row(labeller: LabellerName, source: FrontierRow["source"], klTarget: number, r: Partial<FrontierRow>): FrontierRow {
  return {
    labeller, source, reference: "corpus", klTarget, reached: true,
    kl: klTarget, d: Math.sqrt(klTarget), proxy: 0, trueGain: 0, trueUtility: 0, believedUtility: 0, inflationGap: 0, overestimation: 0, underestimation: 0, sycophancyRate: 0, exaggerationRate: 0, fabricationRate: 0, honestErrorRate: 0, accuracy: 0,
    fabricationShare: 0.2, sycophancyShare: 0.5, exaggerationShare: 0.3, behaviourShare: 0.8,
    ...r,
  };
}

/** A frontier along KL 0 and GRID with true utilities `u` (and the inflation gap `gap` at every point). */
function curve(labeller: LabellerName, source: FrontierRow["source"], u: readonly number[], gap = 0, shares: Partial<FrontierRow> = {}): FrontierRow[] {
  return [0, ...GRID].map((k, i) => row(labeller, source, k, { trueUtility: u[i]!, inflationGap: gap, ...shares }));
}

const OVERSHOOT = [0.7, 0.8, 0.75, 0.6];
const MONOTONE = [0.7, 0.75, 0.8, 0.85];
const FALLING = [0.7, 0.68, 0.6, 0.5];

/** Synthetic evidence: label limits with the given shapes, and per seed RM frontiers (pool shapes per seed, gap above the limit). */
function evidence(o: { pool: readonly number[]; oracle?: readonly number[]; rmPool: readonly (readonly number[])[]; rmGap?: readonly number[]; rmShares?: Partial<FrontierRow>[]; shortfall?: number }): OvershootEvidence {
  const incentive = [...curve(POOL, "label limit", o.pool, 0.1), ...curve(CONSISTENT, "label limit", o.pool, 0.1), ...curve(ORACLE, "label limit", o.oracle ?? MONOTONE, -0.1)];
  const perSeed: SeedResult[] = o.rmPool.map((u, i) => ({
    seed: 101 + i,
    result: {
      frontier: [...curve(POOL, "reward model", u, o.rmGap?.[i] ?? 0.2, o.rmShares?.[i] ?? {}), ...curve(CONSISTENT, "reward model", u, 0.2), ...curve(ORACLE, "reward model", MONOTONE, -0.1)],
      bon: [],
      ppo: o.shortfall === undefined ? [] : [{ beta: 0.03, iteration: 1, ...row(POOL, "reward model", 1, {}), proxyShortfall: o.shortfall, trueVsFrontier: 0 }],
      rm: [],
    },
  }));
  return { incentive, perSeed };
}

const seeds = (n: number, u: readonly number[]) => Array.from({ length: n }, () => u);
/** Per seed: the overshoot shape with its peak and last value jittered (so intervals are not points). */
const jittered = (n: number, spread: number) => Array.from({ length: n }, (_, i) => [0.7, 0.8 + spread * ((i % 3) - 1), 0.75, 0.6 + spread * ((i % 5) - 2)]);
const cfg = { matchedKl: 1 };

describe("claim 2 v2: exact frontiers on final states", function () {
  this.timeout(120000);
  const world = withNoisyOracle(createWorld({}));
  const corpus = cachedTable(world, corpusTable(world));
  const ref = exactDistribution(world, corpus, corpus, { check: false });
  const params = meanRaterParams(world.config.population);
  const believed = rewardRows(ref, (e, s) => expectedBelievedUtility(world.config, params, e, world.space.meaning(s)));

  it("the final-state tilt equals the token-level soft-optimal tilt (src/incentive) at the same β", () => {
    const beta = 0.3;
    const reward = (e: Parameters<typeof expectedBelievedUtility>[2], s: Parameters<typeof world.space.meaning>[0]) => expectedBelievedUtility(world.config, params, e, world.space.meaning(s));
    const exact = tiltAtBeta(world, corpus, reward, beta);
    const mine = tiltFinals(ref, believed, beta);
    expect(mine.kl).to.be.closeTo(exact.kl, 1e-9);
    mine.contexts.forEach((c, ci) => {
      const theirs = new Map(exact.dist.contexts[ci]!.finals.map((f) => [f.state.index, f.prob]));
      for (const f of c.finals) expect(f.prob).to.be.closeTo(theirs.get(f.state.index) ?? 0, 1e-9);
    });
  });

  it("frontierAtKl lands on the requested KL, raises the reward, and returns the end beyond it", () => {
    const p = frontierAtKl(ref, believed, 0.5);
    expect(p.reached).to.equal(true);
    expect(p.dist.kl).to.be.closeTo(0.5, 1e-8);
    expect(expectedRows(p.dist, believed)).to.be.greaterThan(expectedRows(ref, believed));
    const end = frontierEnd(ref, believed);
    const beyond = frontierAtKl(ref, believed, end.kl + 1);
    expect(beyond.reached).to.equal(false);
    expect(beyond.dist.kl).to.be.closeTo(end.kl, 1e-12);
    // the end puts all mass on the best states: nothing at any KL scores more
    expect(expectedRows(end, believed)).to.be.at.least(expectedRows(frontierAtKl(ref, believed, end.kl * 0.9).dist, believed) - 1e-12);
    // KL 0 is the reference itself
    expect(frontierAtKl(ref, believed, 0).dist.kl).to.be.closeTo(0, 1e-9);
  });

  it("the tilt of true utility maximises true utility at its KL against the tilt of believed utility", () => {
    const truth = rewardRows(ref, (e, s) => expectedTrueUtility(world.config, e, world.space.meaning(s)));
    const a = frontierAtKl(ref, truth, 1).dist, b = frontierAtKl(ref, believed, 1).dist;
    expect(expectedRows(a, truth)).to.be.greaterThan(expectedRows(b, truth));
  });

  it("shares of over-estimation lie in [0, 1] and the union share bounds each behaviour's", () => {
    const s = overestimationShares(world, ref, world.config.population);
    for (const k of ["fabricationShare", "sycophancyShare", "exaggerationShare"] as const) {
      expect(s[k]).to.be.within(0, 1);
      expect(s.behaviourShare).to.be.at.least(s[k] - 1e-12);
    }
    expect(s.behaviourShare).to.be.at.most(s.fabricationShare + s.sycophancyShare + s.exaggerationShare + 1e-12);
  });
});

describe("claim 2 v2: reading the frontiers", () => {
  it("riseFall reads the peak against KL 0 and the largest KL", () => {
    const rf = riseFall(curve(POOL, "label limit", OVERSHOOT));
    expect(rf.rise).to.be.closeTo(0.1, 1e-12);
    expect(rf.fall).to.be.closeTo(0.2, 1e-12);
    expect(rf.peakKl).to.equal(0.5);
    expect(riseFall(curve(POOL, "label limit", MONOTONE)).fall).to.equal(0);
    expect(riseFall(curve(POOL, "label limit", FALLING)).rise).to.equal(0);
    expect(riseFall([]).rise).to.be.NaN;
    expect(riseFall(curve(POOL, "label limit", OVERSHOOT).slice(1)).fall).to.be.NaN; // no KL 0
  });

  it("indirectionAt compares the gap and the shares at one grid KL", () => {
    const a = curve(POOL, "reward model", OVERSHOOT, 0.3, { sycophancyShare: 0.7 }), b = curve(POOL, "label limit", OVERSHOOT, 0.1);
    const x = indirectionAt(a, b, 1)!;
    expect(x.gap).to.be.closeTo(0.2, 1e-12);
    expect(x.shares.sycophancyShare).to.be.closeTo(0.2, 1e-12);
    expect(x.maxShift).to.be.closeTo(0.2, 1e-12);
    expect(indirectionAt(a, b, 0.75)).to.equal(null);
  });

  it("alpacaFarmReading gives each reading", () => {
    const p = (v: number) => ({ estimate: v, lo: v, hi: v, n: 0 });
    expect(alpacaFarmReading(p(0.2), p(0))).to.equal("agrees");
    expect(alpacaFarmReading(p(0.2), p(0.2))).to.equal("disagrees: the consistent rater overshoots too");
    expect(alpacaFarmReading(p(0), p(0.2))).to.equal("no overshoot with the pool");
    expect(alpacaFarmReading(p(0.2), { estimate: 0.02, lo: 0, hi: 0.05, n: 5 })).to.equal("cannot tell");
    expect(alpacaFarmReading(p(NaN), p(0))).to.equal("cannot tell");
  });
});

describe("claim 2 v2: decideOvershoot returns each status at each level", () => {
  const levels = (e: OvershootEvidence) => {
    const d = decideOvershoot(e, cfg);
    return { incentive: d.levels!.incentive, transmission: d.levels!.transmission, status: d.status, d };
  };
  const expectLevels = (e: OvershootEvidence, incentive: VerdictStatus, transmission: VerdictStatus) => {
    const l = levels(e);
    expect([l.incentive, l.transmission]).to.deep.equal([incentive, transmission]);
    return l;
  };

  it("both levels supported", () => {
    const l = expectLevels(evidence({ pool: OVERSHOOT, rmPool: jittered(6, 0.01) }), "supported", "supported");
    expect(l.status).to.equal("supported");
    expect(l.d.version).to.equal(2);
    expect(l.d.headline.estimate).to.be.closeTo(0.2, 0.02);
  });

  it("incentive not supported: the label limit never rises (true utility falls from KL 0)", () => {
    const l = expectLevels(evidence({ pool: FALLING, rmPool: jittered(6, 0.01) }), "not supported", "supported");
    expect(l.d.parts.find((p) => p.key === "incentive/rise")!.status).to.equal("not supported");
    expect(l.status).to.equal("not supported");
  });

  it("incentive not supported: the noisy oracle's label limit falls too", () => {
    const l = expectLevels(evidence({ pool: OVERSHOOT, oracle: OVERSHOOT, rmPool: jittered(6, 0.01) }), "not supported", "supported");
    expect(l.d.parts.find((p) => p.key === "incentive/oracle-no-fall")!.status).to.equal("not supported");
  });

  it("incentive inconclusive: the RM-minus-limit gap straddles 0 across seeds", () => {
    const l = expectLevels(evidence({ pool: OVERSHOOT, rmPool: jittered(6, 0.01), rmGap: [0.2, -0.1, 0.15, -0.2, 0.1, -0.05] }), "inconclusive", "supported");
    expect(l.d.parts.find((p) => p.key === "indirection/gap")!.status).to.equal("inconclusive");
  });

  it("incentive not supported: the RM's inflation is carried by other behaviours (composition shifts)", () => {
    const shifted = Array.from({ length: 6 }, (_, i) => ({ sycophancyShare: 0.1 + 0.01 * i }));
    const l = expectLevels(evidence({ pool: OVERSHOOT, rmPool: jittered(6, 0.01), rmShares: shifted }), "not supported", "supported");
    expect(l.d.parts.find((p) => p.key === "indirection/composition")!.status).to.equal("not supported");
  });

  it("transmission not supported: every seed's RM frontier keeps rising", () => {
    const l = expectLevels(evidence({ pool: OVERSHOOT, rmPool: seeds(6, MONOTONE) }), "supported", "not supported");
    expect(l.d.parts.find((p) => p.key === "transmission/fall")!.status).to.equal("not supported");
  });

  it("transmission inconclusive: seeds disagree on the fall", () => {
    const rm = [OVERSHOOT, MONOTONE, OVERSHOOT, MONOTONE, [0.7, 0.8, 0.78, 0.79], [0.7, 0.8, 0.79, 0.8]];
    const l = expectLevels(evidence({ pool: OVERSHOOT, rmPool: rm }), "supported", "inconclusive");
    expect(l.status).to.equal("inconclusive");
  });

  it("a check never enters the verdict, and a point beating the frontier fails the check", () => {
    const ok = decideOvershoot(evidence({ pool: OVERSHOOT, rmPool: jittered(6, 0.01), shortfall: 0.01 }), cfg);
    const bad = decideOvershoot(evidence({ pool: OVERSHOOT, rmPool: jittered(6, 0.01), shortfall: -0.01 }), cfg);
    const check = (d: typeof ok) => d.parts.find((p) => p.key === "check/frontier-bound")!;
    expect(check(ok).status).to.equal("supported");
    expect(check(bad).status).to.equal("not supported");
    expect(check(bad).role).to.equal("check");
    expect(bad.status).to.equal("supported");
  });

  it("every evidence part is at a level, the rise/fall parts at both, and the reported comparisons are not parts", () => {
    const d = decideOvershoot(evidence({ pool: OVERSHOOT, rmPool: jittered(6, 0.01) }), cfg);
    const keys = d.parts.map((p) => `${p.level}:${p.key}`);
    expect(keys).to.include.members(["incentive:incentive/rise", "incentive:incentive/fall", "transmission:transmission/rise", "transmission:transmission/fall", "incentive:indirection/gap", "incentive:indirection/composition"]);
    expect(d.parts.some((p) => p.key.startsWith("consistent") || p.key.startsWith("oracle/rm"))).to.equal(false);
    expect(d.reported.map((r) => r.key)).to.include.members(["consistent/limit/fall", "consistent/rm/fall", "oracle/rm/relative"]);
    expect(d.alpacaFarm.incentive).to.equal("disagrees: the consistent rater overshoots too");
  });

  it("no seeds: the transmission level and the seed-based indirection are inconclusive", () => {
    const l = levels({ incentive: evidence({ pool: OVERSHOOT, rmPool: [] }).incentive, perSeed: [] });
    expect([l.incentive, l.transmission]).to.deep.equal(["inconclusive", "inconclusive"]);
  });
});

describe("claim 2 v2: one tiny seed end to end", function () {
  this.timeout(300000);
  before(setupBackend);

  it("fits an RM per labeller, reads every frontier on the grid, and no best-of-n or PPO point beats the RM frontier", () => {
    const world = withNoisyOracle(createWorld({}));
    const r = overshootSeed(world, { rmPairs: 150, heldOutPairs: 60, trainDocs: 300, heldOutDocs: 50, ns: [1, 8, 64], rm: { epochs: 2 }, klGrid: [0.2, 1], matchedKl: 1, ppoCheckpoints: [1], ppo: { iterations: 2, batchSize: 32, minibatches: 2 } }, Rng.fromSeed(3));
    expect(r.rm.map((x) => x.labeller)).to.deep.equal([...LABELLERS]);
    for (const l of LABELLERS) expect(r.frontier.filter((f) => f.labeller === l && f.reference === "corpus").map((f) => f.klTarget)).to.deep.equal([0, 0.2, 1]);
    expect(r.frontier.filter((f) => f.reference === "base model").every((f) => f.labeller === POOL)).to.equal(true);
    for (const f of r.frontier.filter((f) => f.reached)) expect(f.kl).to.be.closeTo(f.klTarget, 1e-6);
    expect(r.bon[0]!.kl).to.be.closeTo(0, 1e-12);
    expect(r.bon[0]!.proxyShortfall).to.be.closeTo(0, 1e-9); // n = 1 is the base model, the frontier's start
    expect(r.bon[0]!.trueVsFrontier).to.be.closeTo(0, 1e-9);
    expect(r.bon[2]!.proxy).to.be.greaterThan(r.bon[1]!.proxy);
    expect(r.ppo.map((p) => p.iteration)).to.deep.equal([0, 1, 2]);
    for (const p of [...r.bon, ...r.ppo]) expect(p.proxyShortfall).to.be.at.least(-1e-7);
    const corpusBase = r.frontier.filter((f) => f.klTarget === 0 && f.reference === "corpus").map((f) => f.trueUtility);
    expect(new Set(corpusBase.map((u) => u.toFixed(12))).size).to.equal(1); // every corpus frontier starts at the corpus
    expect(THRESHOLDS.rise).to.equal(0.02);
  });

  it("without PPO the seed has no PPO rows, and the same seed gives the same numbers", () => {
    const world = withNoisyOracle(createWorld({}));
    const o = { rmPairs: 100, heldOutPairs: 40, trainDocs: 200, heldOutDocs: 40, ns: [1, 4], rm: { epochs: 1 }, klGrid: [0.5, 1], matchedKl: 1 };
    const a = overshootSeed(world, o, Rng.fromSeed(7), false), b = overshootSeed(world, o, Rng.fromSeed(7), false);
    expect(a.ppo).to.deep.equal([]);
    expect(a.frontier).to.deep.equal(b.frontier);
  });
});
