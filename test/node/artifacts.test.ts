import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseVerdictJson, readVerdicts, verdictJson, writeVerdict } from "../../src/node/artifacts";
import type { Verdict } from "../../src/verdict";

function verdict(lo: number, hi: number, estimate = 0.1): Verdict {
  return {
    claim: 3,
    effect: "effect",
    direction: "above",
    threshold: 0,
    thresholdText: "> 0",
    status: "inconclusive",
    interval: { estimate, lo, hi, n: 1 },
    notebook: "03-probe",
    mode: "quick",
    seeds: [1],
    parts: [{ effect: "part", status: "inconclusive", interval: { estimate: NaN, lo: NaN, hi: NaN, n: 0 } }],
  };
}

describe("verdict files", () => {
  it("keep ±∞ (an unbounded interval end) apart from NaN (no data), which plain JSON writes both as null", () => {
    const v = verdict(-Infinity, Infinity);
    const text = verdictJson(v);
    expect(text).to.contain('"lo": "-Infinity"').and.contain('"hi": "Infinity"').and.contain('"estimate": "NaN"');
    expect(text).to.not.contain("null");
    const back = parseVerdictJson(text) as Verdict;
    expect(back.interval.lo).to.equal(-Infinity);
    expect(back.interval.hi).to.equal(Infinity);
    expect(back.interval.estimate).to.equal(0.1);
    expect(Number.isNaN(back.parts![0]!.interval.estimate)).to.equal(true);
    // Only interval numbers are revived: a text that happens to read "NaN" stays text.
    expect((parseVerdictJson(verdictJson({ ...v, effect: "NaN" })) as Verdict).effect).to.equal("NaN");
  });

  it("round-trip through writeVerdict and readVerdicts, and still read older files with null ends", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-verdicts-"));
    const saved = process.env["RLHF_VERDICTS_DIR"];
    process.env["RLHF_VERDICTS_DIR"] = dir;
    try {
      writeVerdict(verdict(0.05, Infinity));
    } finally {
      if (saved === undefined) delete process.env["RLHF_VERDICTS_DIR"];
      else process.env["RLHF_VERDICTS_DIR"] = saved;
    }
    const [read] = readVerdicts(dir);
    expect(read!.interval).to.deep.equal({ estimate: 0.1, lo: 0.05, hi: Infinity, n: 1 });
    fs.writeFileSync(path.join(dir, "claim-3.json"), JSON.stringify(verdict(NaN, NaN)));
    expect(readVerdicts(dir)[0]!.interval.lo).to.equal(null);
  });
});
