import { expect } from "chai";
import { allOf, decide } from "../../../src/verdict";
import { exactPart, makePart, twoLevelDecision } from "../../../src/claims/kit/contract";
import { ledgerHtml } from "../../../src/node/ledger-page";
import { makeVerdict } from "../../../src/verdict";

const spec = (key: string, direction: "above" | "below" = "above", threshold = 0.05) => ({ key, effect: key, direction, threshold, thresholdText: `${direction === "above" ? ">" : "<"} ${threshold}` });
const ci = (estimate: number, half: number, n = 15) => ({ estimate, lo: estimate - half, hi: estimate + half, n });

describe("contract v2: two levels, evidence and checks", () => {
  it("an exact part is a point decided against its threshold, either way", () => {
    expect(exactPart(spec("a"), 0.1, decide).status).to.equal("supported");
    expect(exactPart(spec("a"), 0.01, decide).status).to.equal("not supported");
    expect(exactPart(spec("a"), NaN, decide).status).to.equal("inconclusive");
    const p = exactPart(spec("b", "below", 0), -1, decide);
    expect(p.level).to.equal("incentive");
    expect(p.interval).to.deep.equal({ estimate: -1, lo: -1, hi: -1, n: 0 });
  });

  it("each level is allOf its evidence parts; the claim is allOf the levels; checks never enter", () => {
    const inc = exactPart(spec("inc"), 0.2, decide);
    const trOk = makePart(spec("tr"), ci(0.2, 0.05), decide);
    const trMid = makePart(spec("tr2"), ci(0.06, 0.05), decide);
    const badCheck = makePart({ ...spec("check"), role: "check" }, ci(-5, 0.1), decide);
    expect(badCheck.status).to.equal("not supported");
    const d1 = twoLevelDecision([inc, trOk, badCheck], trOk.interval, allOf);
    expect(d1).to.deep.include({ status: "supported", version: 2 });
    expect(d1.levels).to.deep.equal({ incentive: "supported", transmission: "supported" });
    const d2 = twoLevelDecision([inc, trOk, trMid], trOk.interval, allOf);
    expect(d2.levels).to.deep.equal({ incentive: "supported", transmission: "inconclusive" });
    expect(d2.status).to.equal("inconclusive");
    const d3 = twoLevelDecision([exactPart(spec("inc"), 0, decide), trOk], trOk.interval, allOf);
    expect(d3.status).to.equal("not supported");
    const d4 = twoLevelDecision([trOk], trOk.interval, allOf);
    expect(d4.levels).to.deep.equal({ incentive: null, transmission: "supported" });
    expect(() => twoLevelDecision([badCheck], badCheck.interval, allOf)).to.throw(/evidence/);
  });

  it("the ledger shows both levels, evidence parts by level and checks apart", () => {
    const parts = [exactPart(spec("exact rise"), 0.2, decide), makePart(spec("trained rise"), ci(0.02, 0.01), decide), makePart({ ...spec("sparse slope check"), role: "check" }, ci(1, 0.05), decide)];
    const d = twoLevelDecision(parts, parts[1]!.interval, allOf);
    const asPart = (p: (typeof parts)[number]) => ({ effect: p.effect, status: p.status, interval: p.interval, level: p.level, threshold: p.thresholdText });
    const v = makeVerdict({ claim: 1, effect: "headline", direction: "above", threshold: 0.05, thresholdText: "> 0.05" }, d.headline, {
      notebook: "03-x",
      mode: "full",
      seeds: [101],
      status: d.status,
      version: 2,
      levels: d.levels!,
      parts: parts.filter((p) => p.role === "evidence").map(asPart),
      checks: parts.filter((p) => p.role === "check").map(asPart),
    });
    const html = ledgerHtml([v], []);
    expect(html).to.match(/incentive: <b[^>]*>supported<\/b>/);
    expect(html).to.match(/transmission: <b[^>]*>not supported<\/b>/);
    expect(html).to.contain("version 2");
    expect(html).to.contain("exact rise");
    // Each level's parts fold under a summary that counts them by status.
    expect(html).to.match(/<summary class="lvl">transmission: 0 of 1 parts supported \(<span[^>]*>1 not supported<\/span>\)<\/summary>/);
    expect(html).to.contain("incentive: 1 of 1 parts supported</summary>");
    expect(html).to.match(/<td class="checks"><ul class="parts"><li>sparse slope check/);
    // A claim without a verdict is "not run", never passing.
    expect(html).to.match(/not run/);
  });
});
