/**
 * `rlhf claim`: one claim's experiment through the claim module the notebook uses, with the
 * user's seeds and overrides checked before any work.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { claimModules, runClaimCommand, rowTables } from "../../src/cli/claim";
import { ConfigError } from "../../src/errors";
import * as rl from "../../src";

describe("cli/claim: one claim's experiment from the command line", function () {
  this.timeout(300_000);

  it("knows all seven claims", () => {
    expect([...claimModules().keys()].sort()).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
  });

  it("claim 4 (quick, seeds 1-2): writes the verdict the notebook's code computes, its parts, rows and an SVG", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-claim-"));
    const r = await runClaimCommand(4, { quick: true, seeds: "1-2", set: ["budget.ks=[1, 2, 3]"], out });
    const claim = rl.claims.complexityNeedsShaping.claim;
    const budget = claim.budget("quick", { seeds: [1, 2], ks: [1, 2, 3] });
    const decision = claim.decide(await claim.run(rl.createWorld(), budget, budget.seeds), budget);
    const verdict = JSON.parse(fs.readFileSync(path.join(out, "verdict.json"), "utf8"));
    expect(verdict.status).to.equal(decision.status);
    expect(r.status).to.equal(decision.status);
    expect(verdict.interval.estimate).to.equal(decision.headline.estimate);
    expect(verdict.seeds).to.deep.equal([1, 2]);
    expect(verdict.mode).to.equal("quick");
    expect(fs.readFileSync(path.join(out, "parts.svg"), "utf8")).to.match(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(fs.readFileSync(path.join(out, "parts.csv"), "utf8").split("\n")[0]).to.equal("role,part,estimate,lo,hi,n,threshold,status");
    expect(fs.readdirSync(path.join(out, "rows")).length).to.be.greaterThan(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, "config.json"), "utf8")).budget.ks).to.deep.equal([1, 2, 3]);
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("bad overrides fail before any work, naming the field", async () => {
    const out = path.join(os.tmpdir(), `rlhf-claim-bad-${process.pid}`);
    const bad = async (o: Parameters<typeof runClaimCommand>[1], pattern: RegExp) => {
      let err: unknown;
      await runClaimCommand(4, o).catch((e: unknown) => (err = e));
      expect(err, String(pattern)).to.be.instanceOf(ConfigError);
      expect((err as Error).message).to.match(pattern);
    };
    await bad({ quick: true, set: ["world.answers=99"], out }, /world\.answers = 99; allowed: an integer in \[2, 8\]/);
    await bad({ quick: true, set: ["budget.nosuch=1"], out }, /nosuch = 1; allowed: a known field/);
    await bad({ quick: true, set: ["rater.x=1"], out }, /rater = .*"world" or "budget"/);
    await bad({ quick: true, seeds: "0-2", out }, /--seeds\[0\] = 0/);
    let err: unknown;
    await runClaimCommand(9, { out }).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/claim = 9; allowed: a claim number \(one of 1, 2, 3, 4, 5, 6, 7\)/);
    expect(fs.existsSync(out), "nothing written").to.equal(false);
  });

  it("finds every table of rows in nested results", () => {
    const t = rowTables({ a: [{ x: 1 }], b: { c: [{ y: "s", z: null }] }, d: [1, 2], e: [{ nested: { no: 1 } }] });
    expect([...t.keys()]).to.deep.equal(["a", "b.c"]);
  });
});
