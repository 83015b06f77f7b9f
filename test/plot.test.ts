import { expect } from "chai";
import { renderSvg, lineChart, bandChart, barChart, heatmap, sparkline } from "../src/plot";

const rows = Array.from({ length: 30 }, (_, i) => ({ step: i, loss: Math.exp(-i / 8), run: i % 2 ? "a" : "b" }));

describe("plot rendering", () => {
  it("renders a line chart to an SVG with drawn marks", async () => {
    const svg = await renderSvg(lineChart(rows, { x: "step", y: "loss", color: "run" }, { title: "t" }));
    expect(svg.startsWith("<svg")).to.equal(true);
    // one path per line (two runs), each with many segments
    const lines = svg.match(/aria-roledescription="line mark" d="M[^"]{40,}"/g) ?? [];
    expect(lines.length).to.be.greaterThanOrEqual(2);
    expect(svg).to.contain("mark-line");
  });

  it("is byte-identical across runs (seeded renderer)", async () => {
    const spec = bandChart(rows.map((r) => ({ ...r, lo: r.loss - 0.1, hi: r.loss + 0.1 })), { x: "step", y: "loss", lo: "lo", hi: "hi", color: "run" });
    const a = await renderSvg(spec);
    const b = await renderSvg(spec);
    expect(a).to.equal(b);
    expect(a).to.contain("mark-area");
  });

  it("draws a sparkline whose series have one point each as points (a line of one point is invisible)", async () => {
    const one = await renderSvg(sparkline([{ kl: 0.5, v: 0.1, s: "rater" }, { kl: 0.5, v: 0.3, s: "oracle" }], { x: "kl", y: "v", color: "s" }));
    expect((one.match(/aria-roledescription="point"/g) ?? []).length, one.slice(0, 400)).to.equal(2);
    const many = await renderSvg(sparkline(rows, { x: "step", y: "loss", color: "run" }));
    expect(many).to.not.contain('aria-roledescription="point"');
    expect(many).to.contain("mark-line");
  });

  it("renders bars and heatmaps", async () => {
    const bars = await renderSvg(barChart([{ k: "x", v: 1 }, { k: "y", v: 2 }], { x: "k", y: "v" }));
    expect((bars.match(/mark-rect/g) ?? []).length).to.be.greaterThan(0);
    const heat = await renderSvg(heatmap([{ d: 0.1, h: 1, z: 0.5 }, { d: 0.2, h: 1, z: 0.1 }], { x: "d", y: "h", value: "z" }));
    expect(heat).to.contain("<path");
  });

  it("throws on an invalid spec instead of drawing nothing", async () => {
    let err: unknown;
    try {
      await renderSvg({ mark: "nonsense-mark", data: { values: [] } });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(Error);
  });
});
