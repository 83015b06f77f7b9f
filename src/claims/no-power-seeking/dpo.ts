/**
 * Claim 5, version 2, transmission level: offline DPO on sampled pairwise labels.
 *
 * Pairs are drawn from the base (the reference policy, the same comparison distribution the
 * label limit is fitted on), each labelled once by the rater with the world's own `judge`
 * (a truth drawn from the context's posterior; noticing, evidence checks and the Boltzmann
 * choice drawn per comparison). The policy is the residual tabular policy of a slice
 * (sampled.ts: base × exp(θ_shared + θ_context)); the loss is DPO's sigmoid loss
 * (Rafailov et al. 2023),
 *
 *     ℓ = −log σ(β·[(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))]),
 *
 * minimised by plain SGD on θ over `epochs` shuffled passes. Its infinite-data limit is the
 * tilt of the reference by the labeller's Bradley–Terry scores at coefficient β (the label
 * limit), so a run trained with the β of the incentive level's optimum at a given KL
 * converges to that optimum as pairs and epochs grow; the shortfall reports how far it is.
 *
 * Kept in the claim module: a plain-number loop for the residual tabular policy (the
 * tensor DPO of src/train/dpo.ts trains networks).
 */
import { Rng } from "../../rng";
import { judge, type RaterParams } from "../../world";
import { emptyPath, type SampledPath } from "../../policy/residual-tabular";
import { resolveBudget, type BudgetRules } from "../kit/budget";
import type { Slice } from "./exact";
import { slicePolicy } from "./sampled";
import type { PolicyTable } from "../../world";

/** Configuration of one DPO run on labels. */
export interface LabelDpoConfig {
  /** Labelled pairs drawn from the base (one label each). */
  pairs: number;
  /** Shuffled passes over the pairs. */
  epochs: number;
  /** Pairs per SGD step (gradient averaged over the batch). */
  batch: number;
  /** Plain-SGD learning rate on the residual logits. */
  lr: number;
  /** DPO's β (the KL coefficient of its implicit objective). */
  beta: number;
}

/** Defaults (the claim's budget sets pairs, epochs and β per mode and cell). */
export const DEFAULT_LABEL_DPO: LabelDpoConfig = { pairs: 20000, epochs: 4, batch: 64, lr: 1, beta: 1 };

/** Rules of a DPO-on-labels config (finite bounds: every run ends). */
export const LABEL_DPO_RULES = {
  pairs: { kind: "integer", min: 2, max: 1e7 },
  epochs: { kind: "integer", min: 1, max: 1000 },
  batch: { kind: "integer", min: 1, max: 65536 },
  lr: { kind: "number", min: 1e-6, max: 1000 },
  beta: { kind: "number", min: 1e-4, max: 1e4 },
} as const satisfies BudgetRules;

/** A DPO-on-labels config checked before any work (unknown keys rejected). */
export function labelDpoConfig(name: string, config: Partial<LabelDpoConfig>): LabelDpoConfig {
  return resolveBudget<LabelDpoConfig>(name, DEFAULT_LABEL_DPO, LABEL_DPO_RULES, config);
}

/** What one DPO run on labels learned: the trained policy and counts of its data (its exact metrics are the caller's). */
export type LabelDpoRun = {
  /** Pairs labelled. */
  pairs: number;
  /** Pairs in which at least one output completed the manoeuvre. */
  completedPairs: number;
  /** Share of pairs won by the output with the longer in-order manoeuvre prefix (pairs with unequal prefixes). */
  longerPrefixWins: number;
  /** The trained policy as a table (contexts outside the slice fall back to the base). */
  table: PolicyTable;
};

type Pair = { c: number; chosen: SampledPath; rejected: SampledPath };

/**
 * One offline DPO run in a slice, labels by a fixed-parameter rater `rater`. Deterministic
 * given `rng` (forks: "contexts", "sampling", "labels", "batches").
 */
export function dpoOnLabels(slice: Slice, rater: RaterParams, config: Partial<LabelDpoConfig>, rng: Rng): LabelDpoRun {
  const c = labelDpoConfig("dpoOnLabels", config);
  const { policy, table } = slicePolicy(slice);
  const space = slice.world.space;
  const weights = slice.entries.map((e) => e.weight);
  const pick = rng.fork("contexts");
  const sampling = rng.fork("sampling");
  const labelling = rng.fork("labels");
  const batches = rng.fork("batches");
  const k = slice.k;
  // 1. Pairs from the base (θ = 0), labelled once each.
  const data: Pair[] = [];
  let completedPairs = 0, unequal = 0, longerWins = 0;
  for (let i = 0; i < c.pairs; i++) {
    const ci = pick.categorical(weights);
    const a = emptyPath(), b = emptyPath();
    const sa = policy.sample(ci, sampling, a);
    const sb = policy.sample(ci, sampling, b);
    const entry = slice.entries[ci]!;
    const query = { context: entry.context, truth: labelling.categorical(entry.truthPosterior) };
    const ra = space.parse(a.tokens), rb = space.parse(b.tokens);
    const j = judge(slice.world.config, { kind: "belief", params: rater }, query, ra, rb, labelling);
    if (j.label === null || j.label === 0.5) continue;
    const aWins = j.label === 1;
    const pa = space.states[sa]!.progress, pb = space.states[sb]!.progress;
    if (pa === k || pb === k) completedPairs++;
    if (pa !== pb) {
      unequal++;
      if ((pa > pb) === aWins) longerWins++;
    }
    data.push(aWins ? { c: ci, chosen: a, rejected: b } : { c: ci, chosen: b, rejected: a });
  }
  // 2. Epochs of minibatch SGD on the DPO loss; the gradient of log π along a path is
  //    accumulated by the policy (θ += step·(1[a = token] − π(a | row))).
  const order = data.map((_, i) => i);
  const touched = new Set<number>();
  for (let ep = 0; ep < c.epochs; ep++) {
    batches.shuffle(order);
    for (let s = 0; s < order.length; s += c.batch) {
      const end = Math.min(order.length, s + c.batch);
      const step = c.lr / (end - s);
      touched.clear();
      for (let i = s; i < end; i++) {
        const p = data[order[i]!]!;
        const z = c.beta * (policy.logRatio(p.c, p.chosen) - policy.logRatio(p.c, p.rejected));
        const g = c.beta / (1 + Math.exp(z)); // −∂ℓ/∂(margin) = β·σ(−z)
        policy.accumulate(p.c, p.chosen, step * g, touched);
        policy.accumulate(p.c, p.rejected, -step * g, touched);
      }
      policy.refresh(touched);
    }
  }
  return { pairs: data.length, completedPairs, longerPrefixWins: unequal > 0 ? longerWins / unequal : NaN, table: table(slice.base) };
}
