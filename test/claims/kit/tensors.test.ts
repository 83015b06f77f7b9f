import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { claimModules } from "../../../src/cli/claim";

/** The source of a notebook's code cells, joined. */
function notebookCode(name: string): string {
  const nb = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../notebooks", `${name}.ipynb`), "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  return nb.cells
    .filter((c) => c.cell_type === "code")
    .map((c) => (Array.isArray(c.source) ? c.source.join("") : c.source))
    .join("\n");
}

describe("claim contract: `tensors: false` marks the claims of plain numbers", () => {
  const modules = [...claimModules().values()];

  it("every claim module is found, and some declare no tensors", () => {
    expect(modules.map((m) => m.claim).sort()).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(modules.filter((m) => m.tensors === false).map((m) => m.claim).sort()).to.deep.equal([4, 5, 7]);
  });

  for (const m of claimModules().values()) {
    it(`claim ${m.claim}: the notebook (${m.notebook}) starts without tensors exactly when the module says so`, () => {
      const code = notebookCode(m.notebook);
      expect(code, "the notebook opens its claim with nb.startClaim").to.match(/nb\.startClaim\(/);
      expect(/tensors:\s*false/.test(code)).to.equal(m.tensors === false);
    });
  }
});
