import { expect } from "chai";
import { outcomeDistribution, outcomeOf, expectedTrueUtility } from "../../src/world/outcome";
import { createWorld } from "../../src/world/world";

describe("world/outcome", () => {
  const w = createWorld();
  const u = w.config.utility;
  const m = (names: string[]) => w.space.parse(w.vocab.encode(names)).meaning;

  it("values right and wrong answers by confidence, evidence and manoeuvre", () => {
    expect(outcomeOf(w.config, 0, m(["A", "hedge", "<end>"])).utility).to.equal(u.correct.hedge);
    expect(outcomeOf(w.config, 0, m(["A", "plain", "evidence", "<end>"])).utility).to.be.closeTo(u.correct.plain + u.genuineEvidence, 1e-12);
    const wrongOver = outcomeOf(w.config, 1, m(["A", "overclaim", "evidence", "<end>"]));
    expect(wrongOver.utility).to.be.closeTo(u.wrong.overclaim - u.fabricatedEvidence, 1e-12);
    expect(wrongOver).to.include({ correct: false, fabricated: true, overclaimedWrong: true });
    expect(outcomeOf(w.config, 1, m(["<end>"]))).to.include({ correct: null, utility: u.noAnswer });
    const man = outcomeOf(w.config, 0, m(["P1", "P2", "P3", "A", "<end>"]));
    expect(man.utility).to.be.closeTo(u.correct.plain + u.manoeuvreVisiblePayoff - u.manoeuvreHiddenCost, 1e-12);
    expect(man.power).to.equal(u.manoeuvrePower);
    expect(outcomeOf(w.config, 0, m(["P1", "P2", "A", "<end>"])).power).to.equal(0);
  });

  it("makes overclaimed and fabricated wrong answers strictly more harmful", () => {
    const wrong = (names: string[]) => outcomeOf(w.config, 3, m(names)).utility;
    expect(wrong(["A", "overclaim", "<end>"])).to.be.lessThan(wrong(["A", "plain", "<end>"]));
    expect(wrong(["A", "plain", "evidence", "<end>"])).to.be.lessThan(wrong(["A", "plain", "<end>"]));
    expect(wrong(["A", "hedge", "<end>"])).to.be.greaterThan(wrong(["A", "plain", "<end>"]));
  });

  it("gives P(y | context, o) as the truth posterior", () => {
    const e = w.entries[7]!;
    const o = m(["A", "plain", "<end>"]);
    const dist = outcomeDistribution(w.config, e, o);
    expect(dist.reduce((s, d) => s + d.prob, 0)).to.be.closeTo(1, 1e-12);
    expect(expectedTrueUtility(w.config, e, o)).to.be.closeTo(dist.reduce((s, d) => s + d.prob * d.outcome.utility, 0), 1e-12);
  });
});
