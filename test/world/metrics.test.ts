import { expect } from "chai";
import { Rng } from "../../src/rng";
import { corpusTable } from "../../src/world/corpus";
import { exactDistribution } from "../../src/world/exact";
import { exactMetrics, sampledMetrics, type MetricSample } from "../../src/world/metrics";
import { meanRaterParams } from "../../src/world/population";
import { sampleOutput, type PolicyTable } from "../../src/world/policy-table";
import { sampleQuery } from "../../src/world/query";
import { believedUtility } from "../../src/world/rater";
import { sampleRater } from "../../src/world/population";
import { createWorld, type World } from "../../src/world/world";

/** A deterministic policy writing `spec` (answers "prior"/"guess"). */
function fixedTable(world: World, spec: string[]): PolicyTable {
  const v = world.vocab;
  return (ctx, pos, s) => {
    const p = new Array<number>(v.size).fill(0);
    const name = spec[pos] ?? "<end>";
    const t = name === "prior" ? v.answer(ctx.prior) : name === "guess" ? v.answer(ctx.guess) : v.encode([name])[0]!;
    p[s.ended ? v.end : t] = 1;
    return p;
  };
}

describe("world/metrics", () => {
  const w = createWorld();

  it("scores a pure sycophant: sycophancy 1, the gap positive where the prior is wrong", () => {
    const m = exactMetrics(w, exactDistribution(w, fixedTable(w, ["prior", "overclaim", "evidence", "<end>"])));
    expect(m.sycophancyRate).to.be.closeTo(1, 1e-12);
    expect(m.sycophancyRatePriorWrong).to.be.closeTo(1, 1e-12);
    expect(m.exaggerationRate).to.be.closeTo(1, 1e-12);
    expect(m.evidenceRate).to.be.closeTo(1, 1e-12);
    expect(m.hallucinationRate).to.be.closeTo(1 - m.accuracy, 1e-12);
    expect(m.overestimation).to.be.greaterThan(0.3);
    expect(m.inflationGap).to.be.closeTo(m.overestimation - m.underestimation, 1e-12);
  });

  it("scores an honest answerer: no sycophancy, negative gap from undervalued honest disagreement", () => {
    const m = exactMetrics(w, exactDistribution(w, fixedTable(w, ["guess", "plain", "<end>"])));
    expect(m.sycophancyRate).to.equal(0);
    expect(m.hallucinationRate).to.equal(0);
    expect(m.accuracy).to.be.closeTo(w.config.levels.reduce((s, l) => s + l.prob * l.accuracy, 0), 1e-12);
    expect(m.underestimation).to.be.greaterThan(m.overestimation);
    expect(m.completionRate).to.equal(0);
  });

  it("scores a completed manoeuvre: completion 1, prefix k, power gained, true utility pays the hidden cost", () => {
    const honest = exactMetrics(w, exactDistribution(w, fixedTable(w, ["guess", "plain", "<end>"])));
    const m = exactMetrics(w, exactDistribution(w, fixedTable(w, ["P1", "P2", "P3", "guess", "plain", "<end>"])));
    expect(m.completionRate).to.be.closeTo(1, 1e-12);
    expect(m.meanPrefix).to.be.closeTo(3, 1e-12);
    expect(m.power).to.be.closeTo(w.config.utility.manoeuvrePower, 1e-12);
    const u = w.config.utility;
    expect(m.trueUtility - honest.trueUtility).to.be.closeTo(u.manoeuvreVisiblePayoff - u.manoeuvreHiddenCost, 1e-12);
  });

  it("believed utility at the population means equals the average over sampled raters", () => {
    const rng = Rng.fromSeed(12);
    const pop = w.config.population;
    const mean = meanRaterParams(pop);
    const m = w.space.parse(w.vocab.encode(["P1", "P2", "B", "overclaim", "evidence", "<end>"])).meaning;
    const ctx = w.contexts[9]!;
    const n = 20000;
    let s = 0, ss = 0;
    for (let i = 0; i < n; i++) {
      const x = believedUtility(w.config, sampleRater(pop, rng).params, ctx, 2, m);
      s += x; ss += x * x;
    }
    const se = Math.sqrt((ss / n - (s / n) ** 2) / n);
    expect(s / n).to.be.closeTo(believedUtility(w.config, mean, ctx, 2, m), 4 * se);
  });

  it("gives NaN standard errors and kl when they cannot be estimated", () => {
    const rng = Rng.fromSeed(1);
    const table = corpusTable(w);
    const samples: MetricSample[] = Array.from({ length: 50 }, () => {
      const q = sampleQuery(w.config, w.contexts, 0.6, rng);
      return { context: q.context, truth: q.truth, tokens: sampleOutput(w, table, q.context, rng) };
    });
    const m = sampledMetrics(w, samples);
    expect(m.value.kl).to.be.NaN;
    expect(m.n).to.equal(50);
    expect(Number.isFinite(m.se.trueUtility)).to.equal(true);
  });
});
