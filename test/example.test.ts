import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./helpers/run";
import { initBackend } from "../src/tf/backend";
import { expectNoLeak } from "../src/tf/leak";
import { TabularPolicy } from "../src/policy/tabular";
import { bradleyTerryPairs, trainTabularDpo } from "../src/train/tabular-dpo";
import { Rng } from "../src/rng";

describe("the tour's training and the example script", () => {
  before(async () => {
    await initBackend();
  });

  it("the tour's DPO training step leaks no tensors after warm-up", () => {
    const policy = TabularPolicy.fromProbs([[0.4, 0.3, 0.2, 0.1]]);
    const ref = TabularPolicy.fromProbs([[0.4, 0.3, 0.2, 0.1]], false);
    const pairs = bradleyTerryPairs([[1, 0, 2, -1]]);
    const rng = Rng.fromSeed(1);
    try {
      expectNoLeak(() => trainTabularDpo(policy, ref, pairs, { beta: 0.5, steps: 1, logEvery: 1 }, rng), "tabular DPO step", 2);
    } finally {
      policy.dispose();
      ref.dispose();
    }
  });

  it("examples/train-tabular-dpo.ts runs as a user's script and reaches the closed form", function () {
    this.timeout(120000);
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join("examples", "train-tabular-dpo.ts"), "--steps", "150"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const tv = Number(/total variation: ([0-9.]+)/.exec(r.stdout)?.[1]);
    expect(tv).to.be.below(0.02);
  });
});
