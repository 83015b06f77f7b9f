/**
 * A user's own script: import the library by its package name, train a small policy
 * with DPO on Bradley–Terry preferences, and compare it with the closed-form optimum.
 *
 *   make example        (builds dist/ first, then: node --import tsx examples/train-tabular-dpo.ts)
 *
 * Options: --seed N (default 1), --beta B (default 0.5), --steps N (default 300).
 */
import { parseArgs } from "node:util";
import {
  Rng,
  TabularPolicy,
  bradleyTerryPairs,
  initBackend,
  klTilt,
  totalVariation,
  trainTabularDpo,
} from "rlhf-incentives";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seed: { type: "string", default: "1" }, beta: { type: "string", default: "0.5" }, steps: { type: "string", default: "300" } },
  });
  const seed = Number(values.seed);
  const beta = Number(values.beta);
  const steps = Number(values.steps);
  const backend = await initBackend();
  console.log(`backend: ${backend.name} (${backend.reason}); seed ${seed}, β = ${beta}, ${steps} steps`);

  const piRef = [[0.4, 0.3, 0.2, 0.1]];
  const reward = [[1, 0, 2, -1]];
  const target = [klTilt(piRef[0]!, reward[0]!, beta)];
  const policy = TabularPolicy.fromProbs(piRef);
  const reference = TabularPolicy.fromProbs(piRef, false);
  try {
    const log = trainTabularDpo(policy, reference, bradleyTerryPairs(reward), { beta, steps, logEvery: Math.max(1, Math.floor(steps / 5)) }, Rng.fromSeed(seed).fork("dpo"), target);
    for (const row of log) {
      console.log(`step ${String(row["step"]).padStart(4)}  loss ${row["loss"]!.toFixed(4)}  KL ${row["objective/kl_exact"]!.toFixed(4)}  TV to π* ${row["policy/tv_to_target"]!.toFixed(4)}`);
    }
    const trained = policy.probs()[0]!;
    console.log(`π (DPO)        = [${trained.map((p) => p.toFixed(4)).join(", ")}]`);
    console.log(`π* (closed form) = [${target[0]!.map((p) => p.toFixed(4)).join(", ")}]`);
    console.log(`total variation: ${totalVariation(trained, target[0]!).toFixed(5)}`);
  } finally {
    policy.dispose();
    reference.dispose();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
