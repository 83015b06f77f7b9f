/**
 * Claim 6's labellers by name: the three rater presets and the noisy oracle. A name is plain
 * data, so a job for a worker thread carries the name and the thread rebuilds the labeller
 * (and the world it judges in) from it.
 */
import { PRESETS, type World } from "../../world";
import type { Labeller } from "../../incentive";
import { withNoisyOracle } from "../kit/incentive-runs";

/** Who labels: the three rater presets and the noisy oracle. */
export const LABELLERS = ["careful", "typical", "hurried", "oracle"] as const;
/** A labeller's name. */
export type LabellerName = (typeof LABELLERS)[number];

/** The labeller behind a name, and the world it judges in (the oracle: Boltzmann on true utility). */
export function labellerOf(world: World, name: LabellerName): { labeller: Labeller; world: World } {
  if (name === "oracle") return { labeller: { kind: "oracle" }, world: withNoisyOracle(world) };
  return { labeller: { kind: "population", population: PRESETS[name].population }, world };
}
