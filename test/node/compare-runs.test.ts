import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compareRuns, parseCsv, withinTolerance } from "../../src/node/compare-runs";

/** Writes an output folder with one verdict file and one table. */
function folder(verdict: object, csv: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compare-runs-"));
  fs.mkdirSync(path.join(dir, "verdicts"));
  fs.mkdirSync(path.join(dir, "data", "03-x"), { recursive: true });
  fs.writeFileSync(path.join(dir, "verdicts", "claim-1.json"), JSON.stringify(verdict));
  fs.writeFileSync(path.join(dir, "data", "03-x", "t.csv"), csv);
  return dir;
}

const verdict = (status: string, estimate: number, svg = "<svg/>") => ({
  claim: 1,
  status,
  interval: { estimate, lo: estimate - 0.1, hi: estimate + 0.1, n: 2 },
  thumbnailSvg: svg,
  parts: [{ effect: "x", status: "supported", interval: { estimate: 0.5 } }],
  levels: { incentive: "supported", transmission: status },
});
const table = (v: number, label = "rater") => `labeller,value,status\n${label},${v},supported\n"a, b",1e-3,inconclusive\n`;

describe("compare-runs: two report folders, statuses equal and numbers within tolerance", () => {
  const made: string[] = [];
  const mk = (...a: Parameters<typeof folder>) => {
    const d = folder(...a);
    made.push(d);
    return d;
  };
  after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("tolerance: relative with an absolute floor; NaN only equals NaN", () => {
    const tol = { rel: 1e-5, abs: 1e-8 };
    expect(withinTolerance(1, 1 + 5e-6, tol)).to.equal(true);
    expect(withinTolerance(1, 1 + 2e-5, tol)).to.equal(false);
    expect(withinTolerance(0, 5e-9, tol)).to.equal(true);
    expect(withinTolerance(0, 5e-8, tol)).to.equal(false);
    expect(withinTolerance(NaN, NaN, tol)).to.equal(true);
    expect(withinTolerance(NaN, 1, tol)).to.equal(false);
  });

  it("parses quoted CSV fields", () => {
    expect(parseCsv('a,b\n"x, ""y""",2\n')).to.deep.equal([["a", "b"], ['x, "y"', "2"]]);
  });

  it("equal within tolerance: float noise in numbers, a different SVG thumbnail", () => {
    const c = compareRuns(mk(verdict("supported", 0.2), table(0.3)), mk(verdict("supported", 0.2 * (1 + 1e-7), "<svg><path/></svg>"), table(0.3 * (1 - 2e-7))));
    expect(c.equal).to.equal(true);
    expect(c.files).to.equal(2);
    expect(c.statuses).to.equal(4 + 2); // top, part, two levels; two CSV status cells
    expect(c.largest.length).to.be.greaterThan(0);
    expect(c.maxRel).to.be.closeTo(2e-7, 1e-8);
    expect(c.jsonTextDiffering).to.equal(1);
  });

  it("a changed status, a number beyond tolerance, a changed label and a missing file are each caught", () => {
    const base = mk(verdict("supported", 0.2), table(0.3));
    const status = compareRuns(base, mk(verdict("inconclusive", 0.2), table(0.3)));
    expect(status.equal).to.equal(false);
    expect(status.statusChanges).to.have.length(2); // the top status and levels.transmission
    const num = compareRuns(base, mk(verdict("supported", 0.2), table(0.31)));
    expect(num.equal).to.equal(false);
    expect(num.outOfTolerance.map((d) => d.where)).to.deep.equal(["data/03-x/t.csv row 1 value"]);
    expect(num.maxAbs).to.be.closeTo(0.01, 1e-12);
    const label = compareRuns(base, mk(verdict("supported", 0.2), table(0.3, "oracle")));
    expect(label.textChanges).to.have.length(1);
    const missing = mk(verdict("supported", 0.2), table(0.3));
    fs.rmSync(path.join(missing, "data", "03-x", "t.csv"));
    const m = compareRuns(base, missing);
    expect(m.equal).to.equal(false);
    expect(m.structural[0]).to.include("only in before");
  });
});
