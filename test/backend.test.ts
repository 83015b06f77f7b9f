import { expect } from "chai";
import * as tf from "@tensorflow/tfjs";
import { availableBackends, initBackend, resetBackendChoice, useBackend } from "../src/tf/backend";

describe("TensorFlow.js backend choice", () => {
  after(async () => {
    await resetBackendChoice();
    await initBackend();
  });

  it("chooses the fastest backend present", async () => {
    const available = await availableBackends();
    expect(available).to.include("cpu");
    await resetBackendChoice();
    const info = await initBackend("");
    expect(info.name).to.equal(available[0]);
    expect(info.reason).to.equal("fastest available");
    expect(tf.getBackend()).to.equal(info.name);
  });

  it("honours an override and rejects unknown or missing backends", async () => {
    await resetBackendChoice();
    const info = await initBackend("cpu");
    expect(info).to.include({ name: "cpu", reason: "override" });
    expect(tf.getBackend()).to.equal("cpu");
    await resetBackendChoice();
    let err: unknown;
    try {
      await initBackend("gpu-please");
    } catch (e) {
      err = e;
    }
    expect(String(err)).to.match(/RLHF_BACKEND = "gpu-please"; allowed: one of tensorflow, wasm, cpu/);
    if (!(await availableBackends()).includes("tensorflow")) {
      let missing: unknown;
      try {
        await useBackend("tensorflow");
      } catch (e) {
        missing = e;
      }
      expect(String(missing)).to.match(/an installed backend/);
    }
  });
});
