/**
 * The explorable report's "train" button: one small offline DPO run at the transmission
 * level, with the library's own code and notebook 03's quick budget, in four phases
 * (pretrain the base model on the human corpus, label a pool of its pairs with the
 * settings' rater population, DPO, exact evaluation). It follows one rater run of
 * `runRatersNotOutcomesSeed` (the same forks of the seed's stream), so at the default
 * settings it reproduces notebook 03's quick-mode rater run of that seed and β.
 *
 * The trainers are synchronous; `onProgress` is called between phases and the caller's
 * `pause` (e.g. a zero-delay timer in a page) lets the page redraw its progress bar.
 */
import { Rng } from "../../rng";
import { trainDpo } from "../../train/dpo";
import { cachedTable, createWorld, exactDistribution, exactMetrics, type WorldMetrics } from "../../world";
import { contextSampler, trainBaseModel, worldPolicyTable } from "../kit";
import { RNO_BUDGETS } from "../raters-not-outcomes/budget";
import { labelPairs, type Labeller } from "../raters-not-outcomes/run";
import { EXPLORE_METRICS, type ExploreMetrics } from "./model";
import { checkSettings, settingsWorldConfig, type ExploreSettings } from "./settings";

/** The budget of the in-page run: notebook 03's quick mode (documents, pairs, epochs). */
export const EXPLORE_TRAIN_BUDGET = {
  trainDocs: RNO_BUDGETS.quick.trainDocs,
  heldOutDocs: RNO_BUDGETS.quick.heldOutDocs,
  pairs: RNO_BUDGETS.quick.pairs,
  epochs: RNO_BUDGETS.quick.epochs,
} as const;

/** What the run produced: the trained policy and its base model, each evaluated exactly (KL to the base model). */
export interface ExploreTrainResult {
  /** The base model (KL 0 to itself). */
  base: ExploreMetrics;
  /** The DPO-trained policy, KL to the base model. */
  trained: ExploreMetrics;
  /** Labelled pairs used. */
  pairs: number;
  /** DPO steps taken and the last step's loss. */
  steps: number;
  loss: number | null;
  /** Held-out cross-entropy of the base model (nats per token). */
  heldOutLoss: number;
}

/** Phases reported by {@link trainExplore}, in order. */
export const TRAIN_PHASES = ["pretraining the base model", "labelling pairs", "DPO", "exact evaluation"] as const;

function pick(m: WorldMetrics): ExploreMetrics {
  const out = { kl: m.kl } as ExploreMetrics;
  for (const k of EXPLORE_METRICS) out[k] = m[k];
  return out;
}

/**
 * Runs the in-page DPO for `settings` (rater population, world, β, seed). `onProgress`
 * gets the fraction done (0–1) and the phase starting; `pause` is awaited after each call.
 */
export async function trainExplore(
  settings: ExploreSettings,
  onProgress: (fraction: number, phase: string) => void = () => {},
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<ExploreTrainResult> {
  const s = checkSettings({ ...settings });
  const world = createWorld(settingsWorldConfig(s));
  const b = EXPLORE_TRAIN_BUDGET;
  // Rough shares of the run's time per phase (measured in Chromium), for the progress bar.
  const at = [0, 0.55, 0.6, 0.8, 1];
  const step = async (i: number) => {
    onProgress(at[i]!, TRAIN_PHASES[i] ?? "done");
    await pause();
  };
  const rng = Rng.fromSeed(s.seed); // as runConditions gives each seed of notebook 03
  await step(0);
  const base = trainBaseModel(world, { trainDocs: b.trainDocs, heldOutDocs: b.heldOutDocs }, rng.fork("base"));
  try {
    await step(1);
    const poolSize = Math.ceil(b.pairs * 2.5);
    const contexts = contextSampler(world)(rng.fork("pool/contexts"), poolSize);
    const pool = { contexts, a: base.reference.sample(rng.fork("pool/a"), contexts), b: base.reference.sample(rng.fork("pool/b"), contexts) };
    const rater: Labeller = { name: "rater", group: "main", judge: { kind: "population", population: world.config.population } };
    const data = labelPairs(world, rater, pool, b.pairs, rng.fork(`labels/${rater.name}`));
    await step(2);
    const policy = base.policy.trainableCopy();
    try {
      const log = trainDpo(policy, base.reference, data, { beta: s.trainBeta, epochs: b.epochs }, rng.fork(`dpo/${rater.name}/${s.trainBeta}`));
      await step(3);
      const baseTable = cachedTable(world, base.table);
      const dist = exactDistribution(world, cachedTable(world, worldPolicyTable(policy, world)), baseTable);
      const trained = pick(exactMetrics(world, dist));
      await step(4);
      return {
        base: pick(base.metrics),
        trained,
        pairs: data.length,
        steps: log.length,
        loss: log[log.length - 1]?.["loss"] ?? null,
        heldOutLoss: base.heldOutLoss,
      };
    } finally {
      policy.dispose();
    }
  } finally {
    base.dispose();
  }
}
