/**
 * Claim 7: the outcome reward, the planners, the learned model, and the decision functions
 * (each able to return each status on synthetic inputs); budgets fail naming the field.
 */
import { expect } from "chai";
import { expectConfigError } from "../helpers/config-error";
import { Rng } from "../../src/rng";
import { expectedTrueUtility, type ParseState } from "../../src/world";
import {
  answerReward,
  backwardPlan,
  boundedSearch,
  budget,
  cellBudget,
  costSlopeRatio,
  decideBand,
  decideChecks,
  decideClaim,
  decideIncentive,
  decidePlanner,
  decideTraining,
  learnedPayoffModel,
  outcomeReward,
  outcomeSlice,
  wilsonInterval,
  type CellSummary,
  type DecidedCell,
  type PlannerRow,
} from "../../src/claims/capabilities-sources";
import type { Interval } from "../../src/stats/intervals";

const iv = (estimate: number, lo: number, hi: number, n = 10): Interval => ({ estimate, lo, hi, n });
const statuses = ["supported", "not supported", "inconclusive"] as const;

describe("claim 7: outcome reward", function () {
  const slice = outcomeSlice(3, { epsilon: 0.2, contexts: 2 });
  const world = slice.world;
  const entry = slice.entries[0]!;
  // A completed final state and the same state without the manoeuvre.
  const completed = world.space.states.find((s) => s.ended && s.progress === 3 && s.answer !== null)!;
  const twin = world.space.states.find((s) => s.ended && s.progress === 0 && s.answer === completed.answer && s.confidence === completed.confidence && s.evidence === completed.evidence)!;

  it("pays g on completion and nothing for a partial manoeuvre", () => {
    const R = outcomeReward(world, 2);
    expect(R(entry, completed) - R(entry, twin)).to.be.closeTo(2, 1e-12);
    const partial = world.space.states.find((s) => s.ended && s.progress === 2 && s.answer === completed.answer && s.confidence === completed.confidence && s.evidence === completed.evidence)!;
    expect(R(entry, partial)).to.be.closeTo(R(entry, twin), 1e-12);
  });

  it("excludes the hidden cost (and w): answer part equals true utility without the manoeuvre", () => {
    const cfg = world.config;
    const m = world.space.meaning(completed);
    const u = cfg.utility;
    // True utility carries w − c on completion; the outcome reward carries g instead.
    expect(expectedTrueUtility(cfg, entry, m) - answerReward(world)(entry, completed)).to.be.closeTo(u.manoeuvreVisiblePayoff - u.manoeuvreHiddenCost, 1e-12);
    expect(u.manoeuvreHiddenCost).to.be.greaterThan(0);
    expect(outcomeReward(world, 2)(entry, completed) - answerReward(world)(entry, completed)).to.equal(2);
  });

  it("refuses a bad g naming it", () => {
    expectConfigError(() => outcomeReward(world, -1), "outcomeReward g");
    expectConfigError(() => outcomeReward(world, Infinity), "outcomeReward g");
  });
});

describe("claim 7: planners", function () {
  this.timeout(10000);
  const slice = outcomeSlice(3, { epsilon: 0.2, contexts: 2 });
  const world = slice.world;
  const entry = slice.entries[0]!;
  const steps = world.vocab.steps;

  it("find a known k-step optimum (a reward on the completed manoeuvre only) and report node counts", () => {
    // Reward 1 exactly on completed states: the optimum is any output completing P1…Pk.
    const model = (_e: unknown, s: ParseState) => (s.progress === steps ? 1 : 0);
    const b = backwardPlan(world, slice.base, entry, model);
    const s = boundedSearch(world, slice.base, entry, model, 100_000);
    for (const p of [b, s]) {
      expect(p.completes).to.equal(true);
      expect(p.value).to.equal(1);
      expect(p.nodes).to.be.greaterThan(10).and.lessThan(10_000);
      expect(p.exhausted).to.equal(false);
      // The tokens, replayed through the parser, end in the reported completed state.
      expect(world.space.parse(p.tokens).meaning.completed).to.equal(true);
      expect(world.space.parse(p.tokens).state.index).to.equal(p.finalState);
      expect(world.space.states[p.finalState]!.progress).to.equal(steps);
    }
    // Penalising completion makes both avoid it.
    const avoid = (_e: unknown, st: ParseState) => (st.progress === steps ? -1 : 0);
    expect(backwardPlan(world, slice.base, entry, avoid).completes).to.equal(false);
    expect(boundedSearch(world, slice.base, entry, avoid, 100_000).completes).to.equal(false);
  });

  it("a node budget bounds the search (and is counted exactly)", () => {
    const model = outcomeReward(world, 2);
    const s = boundedSearch(world, slice.base, entry, model, 5);
    expect(s.nodes).to.be.at.most(5);
    expect(s.exhausted).to.equal(true);
    expectConfigError(() => boundedSearch(world, slice.base, entry, model, 0), "boundedSearch maxNodes");
  });

  it("planner cost grows more slowly in k than (1/ε)^k", () => {
    const nodes = [1, 3, 5].map((k) => {
      const sl = outcomeSlice(k, { epsilon: 0.2, contexts: 1 });
      return boundedSearch(sl.world, sl.base, sl.entries[0]!, outcomeReward(sl.world, 2), 100_000).nodes;
    });
    expect(Math.log(nodes[2]! / nodes[0]!) / 4).to.be.lessThan(0.5 * Math.log(5));
  });

  it("with a learned model, finds the manoeuvre only if a completion was sampled", () => {
    const none = learnedPayoffModel(slice, 2, 0, Rng.fromSeed(1));
    expect(none.completionsSeen).to.equal(0);
    expect(backwardPlan(world, slice.base, entry, none.reward).completes).to.equal(false);
    const many = learnedPayoffModel(slice, 2, 5000, Rng.fromSeed(1));
    expect(many.completionsSeen).to.be.greaterThan(0);
    expect(backwardPlan(world, slice.base, entry, many.reward).completes).to.equal(true);
    expectConfigError(() => learnedPayoffModel(slice, 2, -1, Rng.fromSeed(1)), "learnedPayoffModel n");
  });
});

describe("claim 7: decisions return each status on synthetic inputs", function () {
  it("incentive parts", () => {
    const good = { decided: true, outcomeRatio: 50, outcomeCompletion: 0.5, labelRatio: 0.6 };
    expect(decideIncentive([good]).map((p) => p.status)).to.deep.equal(["supported", "supported", "supported"]);
    expect(decideIncentive([{ ...good, outcomeRatio: 3, outcomeCompletion: 0.001, labelRatio: 1.5 }]).map((p) => p.status)).to.deep.equal(["not supported", "not supported", "not supported"]);
    expect(decideIncentive([{ ...good, outcomeRatio: NaN, outcomeCompletion: NaN, labelRatio: NaN }]).map((p) => p.status)).to.deep.equal(["inconclusive", "inconclusive", "inconclusive"]);
    // Undecided rows are ignored; none decided → inconclusive.
    expect(decideIncentive([{ ...good, decided: false }]).every((p) => p.status === "inconclusive")).to.equal(true);
    expect(decideIncentive([good]).every((p) => p.level === "incentive" && p.role === "evidence")).to.equal(true);
  });

  it("training parts", () => {
    const cell = (signal: "outcome" | "labels", multiplier: number, share: Interval, ratio: Interval): DecidedCell => ({ signal, multiplier, budgetOverBarrier: multiplier, decided: true, learnedShare: share, ratio });
    const sup = [cell("outcome", 30, iv(1, 0.8, 1), iv(100, 90, 110)), cell("outcome", 0.1, iv(0, 0, 0.2), iv(1, 0.9, 1.1)), cell("labels", 30, iv(0, 0, 0.2), iv(0.5, 0.3, 0.7))];
    expect(decideTraining(sup).map((p) => p.status)).to.deep.equal(["supported", "supported", "supported"]);
    const not = [cell("outcome", 30, iv(0, 0, 0.2), iv(1, 1, 1)), cell("outcome", 0.1, iv(1, 0.8, 1), iv(100, 90, 110)), cell("labels", 30, iv(1, 0.8, 1), iv(50, 40, 60))];
    expect(decideTraining(not).map((p) => p.status)).to.deep.equal(["not supported", "not supported", "not supported"]);
    const inc = [cell("outcome", 30, iv(0.5, 0.2, 0.8), iv(10, 1, 20)), cell("outcome", 0.1, iv(0.5, 0.2, 0.8), iv(1, 1, 1)), cell("labels", 30, iv(0, 0, 0.2), iv(2, 1, 3))];
    expect(decideTraining(inc).map((p) => p.status)).to.deep.equal(["inconclusive", "inconclusive", "inconclusive"]);
    // No cell for a part → inconclusive.
    expect(decideTraining([]).every((p) => p.status === "inconclusive")).to.equal(true);
  });

  it("planner, band and check parts", () => {
    const row = (firstTry: number): Pick<PlannerRow, "firstTry"> => ({ firstTry });
    expect(decidePlanner([row(1)], iv(0.1, 0.05, 0.2)).map((p) => p.status)).to.deep.equal(["supported", "supported"]);
    expect(decidePlanner([row(0)], iv(0.9, 0.8, 1)).map((p) => p.status)).to.deep.equal(["not supported", "not supported"]);
    expect(decidePlanner([row(0.5)], iv(0.5, 0.2, 0.8)).map((p) => p.status)).to.deep.equal(["inconclusive", "inconclusive"]);
    expect(decideBand({ plannerFirstTry: 1, sampledLearned: iv(0, 0, 0.2) }).map((p) => p.status)).to.deep.equal(["supported", "supported"]);
    expect(decideBand({ plannerFirstTry: 0, sampledLearned: iv(1, 0.8, 1) }).map((p) => p.status)).to.deep.equal(["not supported", "not supported"]);
    expect(decideBand({ plannerFirstTry: 0.5, sampledLearned: iv(0.5, 0.2, 0.8) }).map((p) => p.status)).to.deep.equal(["inconclusive", "inconclusive"]);
    const learned = (d: number) => [{ k: 3, nMultiplier: 0.1, found: iv(0, 0, 0) }, { k: 3, nMultiplier: 10, found: iv(d, d, d) }];
    for (const [slope, d, s] of [[iv(1, 0.9, 1.1), 1, "supported"], [iv(2, 1.8, 2.2), 0, "not supported"], [iv(1, 0.5, 1.5), 0.5, "inconclusive"]] as const) {
      const parts = decideChecks(slope, learned(d));
      expect(parts.map((p) => p.status)).to.deep.equal([s, s]);
      expect(parts.every((p) => p.role === "check")).to.equal(true);
    }
  });

  it("the cost ratio divides the planner slope by the RL slope's interval", () => {
    const rows: PlannerRow[] = [1, 2, 3].flatMap((k) => (["backward recursion", "bounded search"] as const).map((planner) => ({ k, planner, firstTry: 1, nodes: 100 * Math.exp(0.2 * k), evaluations: 1, exhausted: 0 })));
    const r = costSlopeRatio(rows, iv(1.6, 1.2, 2));
    expect(r.plannerSlope).to.be.closeTo(0.2, 1e-9);
    expect(r.ratio.estimate).to.be.closeTo(0.125, 1e-9);
    expect(r.ratio.lo).to.be.closeTo(0.1, 1e-9);
    expect(r.ratio.hi).to.be.closeTo(0.2 / 1.2, 1e-9);
    expect(Number.isNaN(costSlopeRatio(rows, iv(1, -1, 3)).ratio.hi)).to.equal(true);
  });

  it("the claim's status follows its evidence, never its checks", () => {
    const share = (s: number) => wilsonInterval(s, 15);
    const cells: CellSummary[] = [
      { k: 3, signal: "outcome", multiplier: 30, samples: 3750, budgetOverBarrier: 30, decided: true, seeds: 15, learnedShare: share(15), ratio: iv(100, 90, 110), meanKl: 1 },
      { k: 3, signal: "outcome", multiplier: 0.1, samples: 12, budgetOverBarrier: 0.1, decided: true, seeds: 15, learnedShare: share(0), ratio: iv(1, 1, 1), meanKl: 0 },
      { k: 3, signal: "labels", multiplier: 30, samples: 3750, budgetOverBarrier: 30, decided: true, seeds: 15, learnedShare: share(0), ratio: iv(0.5, 0.4, 0.6), meanKl: 0.2 },
    ];
    const planners: PlannerRow[] = [1, 2, 3].map((k) => ({ k, planner: "bounded search", firstTry: 1, nodes: 100 + 10 * k, evaluations: 1, exhausted: 0 }));
    const base = { incentive: [{ k: 3, decided: true, outcomeRatio: 50, outcomeCompletion: 0.5, labelRatio: 0.6 }] as never, cells, planners, rlSlope: iv(99, 98, 100), learned: [], band: { plannerFirstTry: 1, sampledLearned: share(0) } as never };
    const d = decideClaim(base, { epsilon: 0.2 });
    // The slope check fails (99/ln 5 ≫ 1.33) and the learned check is inconclusive; the claim is still supported.
    expect(d.parts.filter((p) => p.role === "check").map((p) => p.status)).to.include("not supported");
    expect(d.status).to.equal("supported");
    expect(d.levels).to.deep.equal({ incentive: "supported", transmission: "supported" });
    expect(statuses).to.include(d.status);
    // A label optimum above base makes the incentive level, and the claim, not supported.
    const worse = decideClaim({ ...base, incentive: [{ k: 3, decided: true, outcomeRatio: 50, outcomeCompletion: 0.5, labelRatio: 1.5 }] as never }, { epsilon: 0.2 });
    expect([worse.status, worse.levels?.incentive]).to.deep.equal(["not supported", "not supported"]);
    // No RL slope: the cost part, the transmission level and the claim are inconclusive.
    const unknown = decideClaim({ ...base, rlSlope: iv(NaN, NaN, NaN) }, { epsilon: 0.2 });
    expect([unknown.status, unknown.levels?.transmission]).to.deep.equal(["inconclusive", "inconclusive"]);
  });
});

describe("claim 7: budgets and shares", function () {
  it("budget validation errors name the field", () => {
    expectConfigError(() => budget("quick", { epsilon: 0 }), "claim 7 budget.epsilon");
    expectConfigError(() => budget("quick", { ks: [1, 2, 9] }), "claim 7 budget.ks[2]");
    expectConfigError(() => budget("quick", { bandFraction: 1.5 }), "claim 7 budget.bandFraction");
    expectConfigError(() => budget("quick", { maxNodes: Infinity }), "claim 7 budget.maxNodes");
    expectConfigError(() => budget("quick", { seeds: [0] }), "claim 7 budget.seeds[0]");
    expectConfigError(() => budget("quick", { colour: "red" }), "claim 7 budget.colour");
    expect(budget("full").ks).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it("a cell's budget is multiplier × (1/ε)^k, at least one batch", () => {
    expect(cellBudget(5, 0.2, 30, 16)).to.equal(93750);
    expect(cellBudget(1, 0.2, 0.1, 16)).to.equal(16);
  });

  it("Wilson intervals", () => {
    const all = wilsonInterval(15, 15);
    expect(all.lo).to.be.closeTo(0.796, 0.001);
    expect(all.hi).to.equal(1);
    const none = wilsonInterval(0, 4);
    expect(none.lo).to.equal(0);
    expect(none.hi).to.be.closeTo(0.49, 0.001);
    expect(Number.isNaN(wilsonInterval(0, 0).lo)).to.equal(true);
  });
});
