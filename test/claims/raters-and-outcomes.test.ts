import { expect } from "chai";
import { Rng } from "../../src/rng";
import { errorSweep, sampleExamples, utilityByOutputType } from "../../src/claims/raters-and-outcomes";
import { OUTPUT_TYPES, preferenceRate } from "../../src/world/agreement";
import { benchWorld } from "../../src/bench/world";
import { ablate } from "../../src/world/config";
import { prettyOutput } from "../../src/world/pretty";
import { createWorld } from "../../src/world/world";

describe("world/analysis", () => {
  const w = createWorld();

  it("shows sycophancy and fabrication inflating belief only where guess and prior disagree", () => {
    const rows = utilityByOutputType(w);
    expect(rows.length).to.equal(OUTPUT_TYPES.length * 3);
    const get = (t: string, c: string) => rows.find((r) => r.outputType === t && r.contexts === c)!;
    expect(get("sycophantic", "disagree").gap).to.be.greaterThan(0.5);
    expect(get("sycophantic", "agree").gap).to.be.closeTo(get("honest", "agree").gap, 1e-12);
    expect(get("honest", "disagree").gap).to.be.lessThan(0);
    expect(get("sycophantic+overclaim+evidence", "disagree").gap).to.be.greaterThan(get("sycophantic", "disagree").gap);
    expect(get("honest+full manoeuvre", "all").trueUtility).to.be.lessThan(get("honest", "all").trueUtility);
  });

  it("sweeps: checking evidence (v) stops fabrication paying, noticing steps (d) stops steps paying", () => {
    const v = errorSweep(w, "verify", [0, 0.5, 1], 300, Rng.fromSeed(1));
    expect(v[0]!.prefersFabricated).to.be.greaterThan(0.6);
    expect(v[1]!.prefersFabricated).to.be.lessThan(v[0]!.prefersFabricated);
    expect(v[2]!.prefersFabricated).to.be.lessThan(0.1);
    const d = errorSweep(w, "detect", [0, 1], 300, Rng.fromSeed(1));
    expect(d[0]!.prefersFirstStep).to.be.greaterThan(0.5);
    expect(d[1]!.prefersFirstStep).to.be.lessThan(0.01);
    const rho = errorSweep(w, "rho", [0.3, 0.6], 300, Rng.fromSeed(1));
    expect(rho[1]!.overestimation).to.be.lessThan(rho[0]!.overestimation);
  });

  it("ablating the sycophancy bias makes the rater indifferent between sycophantic and honest answers", () => {
    const a = ["prior", "plain", "<end>"], b = ["guess", "plain", "<end>"];
    expect(preferenceRate(w, "disagree", a, b)).to.be.greaterThan(0.8);
    expect(preferenceRate(createWorld(ablate(w.config, "sycophancy")), "disagree", a, b)).to.be.closeTo(0.5, 1e-12);
  });

  it("pretty-prints sampled outputs with their meanings, reproducibly", () => {
    const rows = sampleExamples(w, 5, Rng.fromSeed(4));
    expect(rows).to.deep.equal(sampleExamples(w, 5, Rng.fromSeed(4)));
    expect(rows[0]!.text).to.match(/<end>$/);
    expect(prettyOutput(w, w.vocab.encode(["P1", "P2", "P3", "C", "overclaim", "evidence", "<end>"]))).to.equal(
      "P1 P2 P3 C overclaim evidence <end>  →  answers C (overclaim) with evidence; completes the 3-step manoeuvre",
    );
    expect(prettyOutput(w, w.vocab.encode(["<end>"]))).to.contain("no answer");
  });

  it("benchmarks comparisons and exact enumeration", () => {
    const b = benchWorld(w, 500);
    expect(b.comparisonsPerSecond).to.be.greaterThan(100);
    expect(b.exactEnumerationMs).to.be.greaterThan(0);
    expect(b.states).to.equal(320);
  });
});
