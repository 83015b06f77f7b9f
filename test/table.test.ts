import { expect } from "chai";
import { htmlTable, toCsv, toDataFrame, formatCell } from "../src/table";
import { showTable } from "../src/node/display";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

describe("tables", () => {
  const rows = [
    { step: 1, loss: 0.693147, name: "a<b" },
    { step: 2, loss: 0.5, name: "c" },
  ];

  it("builds a danfojs DataFrame and CSV from rows", async () => {
    const df = await toDataFrame(rows);
    expect(df.shape).to.deep.equal([2, 3]);
    const csv = toCsv(rows);
    expect(csv.trim().split("\n")).to.deep.equal(["step,loss,name", "1,0.693147,a<b", "2,0.5,c"]);
    // fields with commas and quotes are quoted; missing values are empty
    expect(toCsv([{ a: 'x, "y"', b: 1 }, { a: "z" }])).to.equal('a,b\n"x, ""y""",1\nz,\n');
  });

  it("writes an empty table as its header line, puts given columns first, and refuses a CSV with no header", () => {
    expect(toCsv([], ["k", "rate, %"])).to.equal('k,"rate, %"\n');
    expect(toCsv([{ b: 2, a: 1 }], ["a"])).to.equal("a,b\n1,2\n");
    expect(() => toCsv([])).to.throw(/no rows and no columns/);
  });

  it("renders an escaped HTML table with formatted numbers", () => {
    const html = htmlTable(rows, { caption: "log", digits: 3 });
    expect(html).to.contain("<caption>log</caption>");
    expect(html).to.contain("a&lt;b");
    expect(html).to.contain(">0.693<");
    expect(formatCell(1e-5)).to.equal("1.000e-5");
    expect(formatCell(null)).to.equal("");
  });

  it("showTable writes an empty table's CSV with its header when the columns are given, and no 0-byte file otherwise", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-table-"));
    const saved = process.env["RLHF_ARTIFACTS_DIR"];
    process.env["RLHF_ARTIFACTS_DIR"] = dir;
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await showTable([], "with-columns", { columns: ["k", "rate"] });
      await showTable([], "no-columns");
    } finally {
      process.stdout.write = write;
      if (saved === undefined) delete process.env["RLHF_ARTIFACTS_DIR"];
      else process.env["RLHF_ARTIFACTS_DIR"] = saved;
    }
    expect(fs.readFileSync(path.join(dir, "with-columns.csv"), "utf8")).to.equal("k,rate\n");
    expect(fs.existsSync(path.join(dir, "no-columns.csv"))).to.equal(false);
  });
});
