import { expect } from "chai";
import {
  atKl,
  claim,
  curveRows,
  disagreements,
  exactGrowth,
  incentiveParts,
  labelPairs,
  olsSlope,
  ratersNotOutcomesDecision,
  ratersNotOutcomesLabellers,
  runRatersNotOutcomesSeed,
  shortfallTable,
  transmissionParts,
  twoLevelTable,
  RNO_METRICS,
  RNO_THRESHOLDS,
  type RatersNotOutcomesResults,
  type RnoIncentive,
  type RnoMetricName,
  type RnoMetrics,
  type RnoRow,
} from "../../src/claims/raters-not-outcomes";
import { contextSampler } from "../../src/claims/kit";
import { Rng } from "../../src/rng";
import { corpusTable, createWorld, sampleOutput } from "../../src/world";
import { setupBackend } from "../helpers/backend";

/** Growth per nat of KL, per labeller and metric (metrics not named stay at the base). */
type Slopes = Record<string, Partial<Record<RnoMetricName, number>>>;

const BASE = 0.1;
const metricsAt = (kl: number, slopes: Partial<Record<RnoMetricName, number>>, shift = 0): RnoMetrics => {
  const m = { kl, ...Object.fromEntries(RNO_METRICS.map((k) => [k, BASE + shift])) } as RnoMetrics;
  for (const [k, s] of Object.entries(slopes)) m[k as RnoMetricName] = BASE + shift + s! * kl;
  return m;
};

/** The full rater grows every decided behaviour; the oracle nothing; ablated raters stop their behaviour; v lowers fabrication. */
const GOOD: Slopes = {
  rater: { sycophancyRate: 0.4, exaggerationRate: 0.2, fabricationRate: 0.2, inflationGap: 0.4 },
  oracle: {},
  "rater, no sycophancy": { exaggerationRate: 0.2 },
  "rater, no confidence": { sycophancyRate: 0.4 },
  "rater, no evidenceCredulity": { sycophancyRate: 0.4 },
  "rater, v = 0": { fabricationRate: 0.3 },
  "rater, v = 0.5": { fabricationRate: 0.15 },
  "rater, v = 1": { fabricationRate: 0 },
};

/** Exact level: the corpus at BASE, each labeller's optimum at the read points (only those in `reach`, if given). */
function incentive(slopes: Slopes, reach?: number[]): RnoIncentive {
  const t = RNO_THRESHOLDS;
  const rows = Object.entries(slopes).flatMap(([labeller, s]) =>
    (reach ?? [t.klLow, t.kl, t.klHigh]).map((kl) => ({ labeller, group: "main" as const, point: "read" as const, beta: 1 / kl, ...metricsAt(kl, s) })),
  );
  return { base: metricsAt(0, {}), rows, agreement: [], residual: 0 };
}

/**
 * Trained level: per seed a base point and runs at KL 0.3, 0.8, 1.6 per labeller, with
 * metric = base + slope·kl + noise·(±1 alternating by seed), so every part has a known answer.
 */
function trained(slopes: Slopes, seeds = [101, 102, 103, 104], noise = 0): RnoRow[] {
  const rows: RnoRow[] = [];
  for (const seed of seeds) {
    const c = { condition: "claim 1", seed };
    const wiggle = 0.001 * seed;
    rows.push({ ...c, method: "base", labeller: "base", group: "base", beta: null, pairs: 0, heldOutLoss: 1, ...metricsAt(0, {}, wiggle) });
    const sign = seed % 2 === 0 ? 1 : -1;
    for (const [labeller, s] of Object.entries(slopes))
      for (const kl of [0.3, 0.8, 1.6]) {
        const m = metricsAt(kl, s, wiggle);
        for (const k of RNO_METRICS) m[k] += sign * noise * kl;
        rows.push({ ...c, method: "offline", labeller, group: "main", beta: 1 / kl, pairs: 100, trainLoss: null, proxy: null, limitProxy: null, shortfall: null, ...m });
      }
  }
  return rows;
}

const statuses = (parts: { key: string; status: string }[]) => Object.fromEntries(parts.map((p) => [p.key, p.status]));

describe("claims/raters-not-outcomes v2: reads at matched KL", () => {
  it("interpolates a seed's trained curve with the base model as its KL-0 point", () => {
    const rows = trained({ rater: { sycophancyRate: 0.2 } });
    expect(atKl(rows, 101, "rater", "sycophancyRate", 0.15)).to.be.closeTo(BASE + 0.101 + 0.03, 1e-12);
    expect(atKl(rows, 101, "rater", "sycophancyRate", 1.2)).to.be.closeTo(BASE + 0.101 + 0.24, 1e-12);
    expect(atKl(rows, 101, "rater", "sycophancyRate", 2)).to.equal(null);
    expect(atKl(rows, 101, "nobody", "sycophancyRate", 0.1)).to.equal(null);
  });

  it("reads exact growth only at solved read points, and fits a least-squares slope", () => {
    const inc = incentive({ rater: { fabricationRate: 0.2 } });
    expect(exactGrowth(inc, "rater", "fabricationRate", 0.5)).to.be.closeTo(0.1, 1e-12);
    expect(exactGrowth(inc, "rater", "fabricationRate", 0.6)).to.equal(null);
    expect(olsSlope([0, 0.5, 1], [0.3, 0.2, 0.1])).to.be.closeTo(-0.2, 1e-12);
    expect(olsSlope([1], [0.3])).to.equal(null);
  });
});

describe("claims/raters-not-outcomes v2: each status at each level", () => {
  it("supports every part at both levels when the rater grows the behaviours and the controls behave", () => {
    const results: RatersNotOutcomesResults = { incentive: incentive(GOOD), trained: trained(GOOD) };
    const d = ratersNotOutcomesDecision(results);
    const names = ["rater/sycophancy", "rater/exaggeration", "rater/fabrication", "rater/inflationGap", "oracle/sycophancy", "oracle/exaggeration", "oracle/fabrication", "oracle/inflationGap", "pressure", "ablation/sycophancy", "ablation/confidence", "ablation/evidenceCredulity", "verify-slope"];
    expect(d.parts.map((p) => p.key)).to.deep.equal([...names.map((n) => `incentive:${n}`), ...names.map((n) => `transmission:${n}`)]);
    for (const p of d.parts) expect(p.status, p.key).to.equal("supported");
    expect(d.levels).to.deep.equal({ incentive: "supported", transmission: "supported" });
    expect(d.status).to.equal("supported");
    expect(d.version).to.equal(2);
    // Headline: trained rater inflation-gap growth at KL 0.5 = 0.4·0.5 on every seed.
    expect(d.headline.estimate).to.be.closeTo(0.2, 1e-12);
    expect(d.headline.n).to.equal(4);
    const exact = d.parts.find((p) => p.key === "incentive:verify-slope")!;
    expect(exact.interval.estimate).to.be.closeTo(-0.15, 1e-12);
    expect(exact.interval.n).to.equal(0);
    expect(exact.level).to.equal("incentive");
    expect(disagreements(d.parts)).to.deep.equal([]);
  });

  it("is not supported at both levels when the oracle grows the behaviours, ablations do not stop them and v does not matter", () => {
    const bad: Slopes = {
      ...GOOD,
      oracle: GOOD["rater"]!,
      "rater, no sycophancy": { sycophancyRate: 0.4 },
      "rater, v = 0": { fabricationRate: 0.2 },
      "rater, v = 0.5": { fabricationRate: 0.2 },
      "rater, v = 1": { fabricationRate: 0.2 },
    };
    const d = ratersNotOutcomesDecision({ incentive: incentive(bad), trained: trained(bad) });
    const s = statuses(d.parts);
    for (const level of ["incentive", "transmission"]) {
      for (const b of ["sycophancy", "exaggeration", "fabrication", "inflationGap"]) expect(s[`${level}:oracle/${b}`], `${level} oracle ${b}`).to.equal("not supported");
      expect(s[`${level}:ablation/sycophancy`]).to.equal("not supported");
      expect(s[`${level}:ablation/confidence`]).to.equal("supported");
      expect(s[`${level}:verify-slope`]).to.equal("not supported");
    }
    expect(d.levels).to.deep.equal({ incentive: "not supported", transmission: "not supported" });
    expect(d.status).to.equal("not supported");
  });

  it("fails the pressure part when the rater's inflation gap falls with KL", () => {
    const flat: Slopes = { ...GOOD, rater: { ...GOOD["rater"]!, inflationGap: -0.1 } };
    const d = ratersNotOutcomesDecision({ incentive: incentive(flat), trained: trained(flat) });
    const s = statuses(d.parts);
    expect(s["incentive:pressure"]).to.equal("not supported");
    expect(s["transmission:pressure"]).to.equal("not supported");
    expect(s["incentive:rater/inflationGap"]).to.equal("not supported");
    expect(s["transmission:rater/inflationGap"]).to.equal("not supported");
  });

  it("is inconclusive at the transmission level when seeds scatter around a threshold, and at the incentive level when a read point is unreachable", () => {
    const d = ratersNotOutcomesDecision({ incentive: incentive(GOOD, [0.25, 0.75]), trained: trained(GOOD, [101, 102, 103, 104], 0.3) });
    const s = statuses(d.parts);
    expect(s["incentive:rater/sycophancy"]).to.equal("inconclusive"); // no optimum solved at KL 0.5
    expect(s["incentive:pressure"]).to.equal("supported"); // read at 0.25 and 0.75
    expect(s["transmission:rater/exaggeration"]).to.equal("inconclusive"); // ±0.15 noise around a 0.1 growth, threshold 0.02
    expect(d.levels).to.deep.equal({ incentive: "inconclusive", transmission: "inconclusive" });
    expect(d.status).to.equal("inconclusive");
  });

  it("reports levels that disagree: exact supported, trained not supported", () => {
    const noTransfer: Slopes = { ...GOOD, rater: { ...GOOD["rater"]!, fabricationRate: 0 } };
    const d = ratersNotOutcomesDecision({ incentive: incentive(GOOD), trained: trained(noTransfer) });
    expect(d.levels).to.deep.equal({ incentive: "supported", transmission: "not supported" });
    expect(d.status).to.equal("not supported");
    const split = disagreements(d.parts).map((r) => r.part);
    expect(split).to.include(`rater raises fabrication rate over the base at KL ${RNO_THRESHOLDS.kl}`);
    const row = twoLevelTable(d.parts).find((r) => r.part.startsWith("rater raises fabrication"))!;
    expect(row.exactStatus).to.equal("supported");
    expect(row.trainedStatus).to.equal("not supported");
    expect(row.seeds).to.equal(4);
  });

  it("leaves out side parts whose labellers did not run, and drops seeds without a side run", () => {
    const main: Slopes = { rater: GOOD["rater"]!, oracle: {} };
    const parts = transmissionParts(trained(main));
    expect(parts.map((p) => p.key)).to.not.include("transmission:verify-slope");
    expect(parts.length).to.equal(9);
    const rows = [...trained(GOOD, [101, 102]), ...trained(main, [103, 104])];
    const ab = transmissionParts(rows).find((p) => p.key === "transmission:ablation/sycophancy")!;
    expect(ab.interval.n).to.equal(2);
    expect(incentiveParts(incentive(main)).length).to.equal(9);
  });

  it("draws both levels' curves and lists shortfalls", () => {
    const results: RatersNotOutcomesResults = { incentive: incentive(GOOD), trained: trained(GOOD) };
    const c = curveRows(results, ["rater"], ["fabricationRate"], [0, 0.5, 2]);
    expect(c.filter((r) => r.level === "incentive").map((r) => r.kl)).to.deep.equal([0, 0.25, 0.5, 0.75]);
    expect(c.filter((r) => r.level === "transmission").map((r) => r.kl)).to.deep.equal([0, 0.5]);
    const rows = trained({ rater: {} }, [101]);
    const run = rows.find((r) => r.method === "offline")!;
    if (run.method === "offline") Object.assign(run, { proxy: 0.3, limitProxy: 0.4, shortfall: 0.1 });
    const sf = shortfallTable(rows);
    expect(sf.length).to.equal(1);
    expect(sf[0]!.relative).to.be.closeTo(0.25, 1e-12);
  });
});

describe("claims/raters-not-outcomes v2: labellers and pairs", () => {
  const world = createWorld();

  it("lists rater, oracle, one ablation per bias and one population per verification rate", () => {
    const ls = ratersNotOutcomesLabellers(world, { ablations: ["sycophancy", "confidence"], verifyValues: [0, 1] });
    expect(ls.map((l) => l.name)).to.deep.equal(["rater", "oracle", "rater, no sycophancy", "rater, no confidence", "rater, v = 0", "rater, v = 1"]);
    const v1 = ls[5]!.judge;
    expect(v1.kind === "population" && v1.population.verify).to.deep.equal({ lo: 1, hi: 1 });
  });

  it("gives every labeller the same number of pairs from the same candidates", () => {
    const rng = Rng.fromSeed(3);
    const table = corpusTable(world);
    const contexts = contextSampler(world)(rng.fork("c"), 500);
    const draw = (r: Rng) => contexts.map((c) => sampleOutput(world, table, c, r));
    const pool = { contexts, a: draw(rng.fork("a")), b: draw(rng.fork("b")) };
    for (const l of ratersNotOutcomesLabellers(world, { ablations: ["sycophancy"], verifyValues: [1] })) {
      const data = labelPairs(world, l, pool, 150, rng.fork(l.name));
      expect(data.length, l.name).to.equal(150);
      for (const d of data) expect(pool.contexts.indexOf(d.context)).to.be.greaterThan(-1);
    }
  });

  it("the noisy oracle prefers an overclaimed answer with evidence to a hedged one about as often as that answer is right", () => {
    const v = world.vocab;
    const bad = [v.answer(0), v.overclaim, v.evidence, v.end];
    const hedged = [v.answer(0), v.hedge, v.end];
    // prior 1, own guess 0, hard query: answer 0 is right with a middling probability.
    const c = world.contexts[(1 * 4 + 0) * 3 + 2]!;
    const pool = { contexts: Array(400).fill(c), a: Array(400).fill(bad), b: Array(400).fill(hedged) };
    const oracle = ratersNotOutcomesLabellers(world, { ablations: [], verifyValues: [] })[1]!;
    const data = labelPairs(world, oracle, pool, 400, Rng.fromSeed(4));
    const wins = data.filter((d) => d.chosen === bad).length;
    const pRight = world.entries[c.index]!.truthPosterior[0]!;
    // Boltzmann noise at the population's mean rationality moves the share a few points below P(right).
    expect(wins / data.length).to.be.closeTo(pRight, 0.12);
  });
});

describe("claims/raters-not-outcomes v2: one tiny seed end to end", () => {
  before(setupBackend);

  it("runs the main and side labellers, reports exact KL > 0, equal data sizes and the main runs' shortfalls", async function () {
    this.timeout(300000);
    const b = claim.budget("quick", { trainDocs: 300, heldOutDocs: 50, pairs: 120, epochs: 1, betas: [1], oracleBetas: [1], sideBetas: [1], ablations: ["sycophancy"], verifyValues: [0] });
    const world = createWorld();
    const rows = await runRatersNotOutcomesSeed(world, b, Rng.fromSeed(101), { side: true, shortfall: true });
    const offline = rows.flatMap((r) => (r.method === "offline" ? [r] : []));
    expect(offline.map((r) => r.labeller)).to.deep.equal(["rater", "oracle", "rater, no sycophancy", "rater, v = 0"]);
    for (const r of offline) {
      expect(r.pairs).to.equal(120);
      expect(r.kl).to.be.greaterThan(0);
      expect(r.fabricationRate).to.be.within(0, 1);
      expect(r.shortfall === null).to.equal(r.group !== "main");
    }
    for (const r of offline.filter((x) => x.group === "main")) expect(r.shortfall!).to.be.greaterThan(-1e-6); // a run cannot beat its own limit at its KL
    const base = rows.find((r) => r.method === "base")!;
    expect(base.kl).to.equal(0);
  });
});
