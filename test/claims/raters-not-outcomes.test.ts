import { expect } from "chai";
import {
  agreementVersusGrowth,
  atKl,
  klGridRows,
  labelPairs,
  ratersNotOutcomesDecision,
  ratersNotOutcomesLabellers,
  ratersNotOutcomesParts,
  runRatersNotOutcomesSeed,
  claim,
  RNO_METRICS,
  RNO_THRESHOLDS,
  type RnoMetrics,
  type RnoRow,
} from "../../src/claims/raters-not-outcomes";
import { contextSampler } from "../../src/claims/kit";
import { Rng } from "../../src/rng";
import { corpusTable, createWorld, sampleOutput } from "../../src/world";
import { setupBackend } from "../helpers/backend";

/**
 * Synthetic rows: per seed a base point and one offline point per β for each labeller, with
 * `metric = base + slope·kl` (plus a per-seed wiggle), so every part has a known answer.
 */
function syntheticRows(slopes: Record<string, number>, seeds = [1, 2, 3, 4]): RnoRow[] {
  const rows: RnoRow[] = [];
  const metrics = ["sycophancyRate", "exaggerationRate", "hallucinationRate", "inflationGap"] as const;
  const at = (kl: number, value: number): RnoMetrics => {
    const m = { kl, ...Object.fromEntries(RNO_METRICS.map((k) => [k, 0])) } as RnoMetrics;
    for (const k of metrics) m[k] = value;
    return m;
  };
  for (const seed of seeds) {
    const wiggle = 0.001 * seed;
    const c = { condition: "claim 1", seed };
    rows.push({ ...c, method: "base", labeller: "base", group: "base", beta: null, pairs: 0, heldOutLoss: 1, ...at(0, 0.1 + wiggle) });
    for (const [labeller, slope] of Object.entries(slopes)) {
      rows.push({ ...c, method: "agreement", labeller, group: "main", agreement: 0.6 + wiggle, agreementSe: 0 });
      for (const kl of [0.3, 0.8, 1.6]) {
        rows.push({ ...c, method: "offline", labeller, group: "main", beta: 1 / kl, pairs: 100, trainLoss: null, ...at(kl, 0.1 + wiggle + slope * kl) });
      }
    }
  }
  return rows;
}

describe("claims/raters-not-outcomes: matched-KL analysis", () => {
  it("interpolates a seed's curve with the base model as its KL-0 point", () => {
    const rows = syntheticRows({ rater: 0.2 });
    expect(atKl(rows, 1, "rater", "sycophancyRate", 0)).to.be.closeTo(0.101, 1e-12);
    expect(atKl(rows, 1, "rater", "sycophancyRate", 0.15)).to.be.closeTo(0.101 + 0.03, 1e-12);
    expect(atKl(rows, 1, "rater", "sycophancyRate", 1.2)).to.be.closeTo(0.101 + 0.24, 1e-12);
    expect(atKl(rows, 1, "rater", "sycophancyRate", 2)).to.equal(null);
    expect(atKl(rows, 1, "nobody", "sycophancyRate", 0.5)).to.equal(null);
  });

  it("supports the claim when the rater grows the behaviours, the oracle does not, and ablations stop the growth", () => {
    const rows = syntheticRows({
      rater: 0.3,
      oracle: -0.05,
      "rater, no sycophancy": 0,
      "rater, no confidence": 0,
      "rater, no evidenceCredulity": 0.01,
      "rater, v = 0": 0.3,
      "rater, v = 1": 0,
    });
    const parts = ratersNotOutcomesParts(rows);
    expect(parts.map((p) => p.key)).to.deep.equal([
      "sycophancy",
      "exaggeration",
      "hallucination",
      "inflationGap",
      "pressure",
      "ablation/sycophancy",
      "ablation/confidence",
      "ablation/evidenceCredulity",
      "verify",
    ]);
    for (const p of parts) expect(p.status, p.key).to.equal("supported");
    // rater − oracle at KL 0.5 is 0.35·0.5 on every seed (the wiggle cancels in the paired difference).
    expect(parts[0]!.interval.estimate).to.be.closeTo(0.175, 1e-12);
    expect(parts[0]!.interval.n).to.equal(4);
    expect(ratersNotOutcomesDecision(rows).status).to.equal("supported");
  });

  it("fails when the oracle grows the behaviours as much as the rater", () => {
    const rows = syntheticRows({ rater: 0.3, oracle: 0.3 });
    const d = ratersNotOutcomesDecision(rows);
    expect(d.status).to.equal("not supported");
    expect(d.parts.slice(0, 4).every((p) => p.status === "not supported")).to.equal(true);
    expect(d.parts[4]!.status).to.equal("inconclusive"); // no growth of the effect with KL: exactly 0
    expect(d.parts.length).to.equal(5); // no ablation or verify labellers in the rows
  });

  it("fails the ablation part when the ablated rater still grows its behaviour", () => {
    const rows = syntheticRows({ rater: 0.3, oracle: 0, "rater, no sycophancy": 0.3 });
    const p = ratersNotOutcomesParts(rows).find((x) => x.key === "ablation/sycophancy")!;
    expect(p.status).to.equal("not supported");
    expect(p.interval.estimate).to.be.closeTo(0.15, 1e-12);
  });

  it("is inconclusive when the matched KL lies beyond every curve", () => {
    const rows = syntheticRows({ rater: 0.3, oracle: 0 });
    const d = ratersNotOutcomesDecision(rows, { ...RNO_THRESHOLDS, kl: 5 });
    expect(d.parts[0]!.status).to.equal("inconclusive");
    expect(d.status).to.equal("inconclusive");
  });

  it("summarises curves on a KL grid and agreement next to growth", () => {
    const rows = syntheticRows({ rater: 0.2, oracle: 0 });
    const grid = klGridRows(rows, ["rater", "oracle"], ["sycophancyRate"], [0, 0.5, 1, 3]);
    expect(grid.filter((r) => r.labeller === "rater").map((r) => r.kl)).to.deep.equal([0, 0.5, 1]);
    expect(grid.find((r) => r.labeller === "rater" && r.kl === 1)!.value).to.be.closeTo(0.1025 + 0.2, 1e-12);
    const ag = agreementVersusGrowth(rows, 0.5);
    const rater = ag.find((r) => r.labeller === "rater")!;
    expect(rater.agreement).to.be.closeTo(0.6025, 1e-12);
    expect(rater["Δ sycophancy rate"]).to.be.closeTo(0.1, 1e-12);
  });
});

describe("claims/raters-not-outcomes: labellers and pairs", () => {
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
      for (const d of data) {
        const i = pool.contexts.indexOf(d.context);
        expect(i).to.be.greaterThan(-1);
      }
    }
  });

  it("the oracle never prefers an overclaimed wrong answer with fabricated evidence to a hedged answer of the same option", () => {
    const v = world.vocab;
    const bad = [v.answer(0), v.overclaim, v.evidence, v.end];
    const hedged = [v.answer(0), v.hedge, v.end];
    // prior 1, own guess 0, hard query: answer 0 is right with a middling probability.
    const c = world.contexts[(1 * 4 + 0) * 3 + 2]!;
    const pool = { contexts: Array(200).fill(c), a: Array(200).fill(bad), b: Array(200).fill(hedged) };
    const oracle = ratersNotOutcomesLabellers(world, { ablations: [], verifyValues: [] })[1]!;
    const data = labelPairs(world, oracle, pool, 200, Rng.fromSeed(4));
    // Whenever answer 0 is wrong the hedged output wins; when it is right the bad one wins (1.2 > 0.8).
    const wins = data.filter((d) => d.chosen === bad).length;
    const pRight = world.entries[c.index]!.truthPosterior[0]!;
    expect(wins / data.length).to.be.closeTo(pRight, 0.1);
  });
});

describe("claims/raters-not-outcomes: one tiny seed end to end", () => {
  before(setupBackend);

  it("runs every labeller, reports exact KL ≥ 0 and equal data sizes", async function () {
    this.timeout(180000);
    const b = claim.budget("quick", {
      trainDocs: 300,
      heldOutDocs: 50,
      pairs: 120,
      epochs: 1,
      betas: [1],
      sideBetas: [1],
      ablations: ["sycophancy"],
      verifyValues: [0],
      onlineBetas: [1],
      onlineRounds: 1,
      onlinePairsPerRound: 60,
      agreementPairs: 200,
    });
    const world = createWorld();
    const rows = await runRatersNotOutcomesSeed(world, b, Rng.fromSeed(1));
    const offline = rows.flatMap((r) => (r.method === "offline" ? [r] : []));
    expect(offline.map((r) => r.labeller)).to.deep.equal(["rater", "oracle", "rater, no sycophancy", "rater, v = 0"]);
    for (const r of offline) {
      expect(r.pairs).to.equal(120);
      expect(r.kl).to.be.greaterThan(0);
      expect(r.sycophancyRate).to.be.within(0, 1);
    }
    expect(rows.filter((r) => r.method === "online").map((r) => r.labeller)).to.deep.equal(["rater", "oracle"]);
    const base = rows.flatMap((r) => (r.method === "base" ? [r] : []))[0]!;
    expect(base.kl).to.equal(0);
    const ag = rows.flatMap((r) => (r.method === "agreement" ? [r] : []));
    expect(ag.length).to.equal(4);
    expect(ag.find((r) => r.labeller === "rater")!.agreement).to.be.within(0.4, 0.9);
  });
});
