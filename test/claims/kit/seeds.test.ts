import { expect } from "chai";
import { interpolateAt, runConditions, seedList, summarise } from "../../../src/claims/kit/seeds";

describe("experiment helpers", () => {
  it("runs every condition on the same seeds, with paired randomness", async () => {
    const rows = await runConditions([{ name: "a" }, { name: "b" }], seedList(3), (_c, rng) => ({ x: rng.next() }));
    expect(rows.length).to.equal(6);
    const a = rows.filter((r) => r["condition"] === "a").map((r) => r["x"]);
    const b = rows.filter((r) => r["condition"] === "b").map((r) => r["x"]);
    expect(a).to.deep.equal(b); // same seed → same draws in both conditions
    expect(new Set(a).size).to.equal(3);
  });

  it("summarises groups with means and intervals", () => {
    const rows = [1, 2, 3, 4, 5].map((v) => ({ g: "x", m: v }));
    const [s] = summarise(rows, ["g"], ["m"]);
    expect(s!["m"]).to.equal(3);
    expect(s!["m_lo"]).to.be.closeTo(3 - 2.776 * Math.sqrt(2.5 / 5), 1e-3);
    expect(s!["n"]).to.equal(5);
  });

  it("interpolates at matched x and refuses to extrapolate", () => {
    const pts = [{ x: 0, y: 0 }, { x: 2, y: 4 }, { x: 1, y: 1 }];
    expect(interpolateAt(pts, 1.5)).to.equal(2.5);
    expect(interpolateAt(pts, 3)).to.equal(null);
    expect(() => seedList(0)).to.throw(/seed count = 0/);
  });
});
