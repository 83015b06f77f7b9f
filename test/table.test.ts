import { expect } from "chai";
import { htmlTable, toCsv, toDataFrame, formatCell } from "../src/table";

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

  it("renders an escaped HTML table with formatted numbers", () => {
    const html = htmlTable(rows, { caption: "log", digits: 3 });
    expect(html).to.contain("<caption>log</caption>");
    expect(html).to.contain("a&lt;b");
    expect(html).to.contain(">0.693<");
    expect(formatCell(1e-5)).to.equal("1.000e-5");
    expect(formatCell(null)).to.equal("");
  });
});
