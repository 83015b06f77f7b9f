/**
 * The fixed "algorithms" of claim 6 (quetzal_rainbow's comment: the base model already
 * contains many ways of answering, and fine-tuning only reweights them). Each algorithm is
 * an exact token policy built from the world's corpus writers (src/world/corpus.ts) with
 * some of their habits changed, possibly different on training and deployment queries:
 *
 *   honest             answers its own guess, never overclaims, evidence only on its guess
 *   sycophant          answers the rater's prior against its own guess (rate 0.8)
 *   deceiver           sycophancy 0.5, overclaiming 0.5, evidence on a sycophantic answer 0.6
 *   perfect deceiver   honest on training queries; on deployment queries it defects: the
 *                      deceiver's answers plus the manoeuvre (step rate 0.9)
 *   power-seeker       honest answers plus the manoeuvre (step rate 0.7) everywhere
 *   control deceiver   as the perfect deceiver, but it also defects on 10% of training queries
 *
 * Every other habit (filler, stray steps, hedging and evidence by level, no-answer rate,
 * the background manoeuvre rate ε) is the world's corpus. An algorithm is a list of
 * weighted behaviour profiles per context, so it can be sampled (for route c's corpus) and
 * its meaning distribution computed exactly (for routes a and b).
 */
import { corpusTable, createWorld, exactDistribution, type ContextEntry, type CorpusConfig, type ExactDistribution, type PolicyTable, type World } from "../../world";
import { deploymentLevel } from "./world";

/** Names of the algorithms, in display order. */
export const ALGORITHMS = ["honest", "sycophant", "deceiver", "perfect deceiver", "power-seeker", "control deceiver"] as const;
/** An algorithm's name. */
export type AlgorithmName = (typeof ALGORITHMS)[number];

/** Behaviour profiles: corpus settings laid over the world's corpus. */
export const PROFILES = {
  honest: { sycophancyRate: 0, overclaimRate: 0, sycophantEvidenceRate: 0 },
  sycophant: { sycophancyRate: 0.8, overclaimRate: 0, sycophantEvidenceRate: 0 },
  deceiver: { sycophancyRate: 0.5, overclaimRate: 0.5, sycophantEvidenceRate: 0.6 },
  seeker: { sycophancyRate: 0, overclaimRate: 0, sycophantEvidenceRate: 0, manoeuvreStepRate: 0.7 },
  defector: { sycophancyRate: 0.5, overclaimRate: 0.5, sycophantEvidenceRate: 0.6, manoeuvreStepRate: 0.9 },
} as const satisfies Record<string, Partial<CorpusConfig>>;
/** A behaviour profile's name. */
export type ProfileName = keyof typeof PROFILES;
/** Profile names in a fixed order. */
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** Share of training queries on which the control deceiver defects. */
export const CONTROL_DEFECTION_SHARE = 0.1;

/** Which profiles an algorithm uses on a training or a deployment query, with their weights. */
export type Recipe = Readonly<Record<"training" | "deployment", ReadonlyArray<readonly [ProfileName, number]>>>;

/** Every algorithm's recipe. */
export const RECIPES: Readonly<Record<AlgorithmName, Recipe>> = {
  honest: { training: [["honest", 1]], deployment: [["honest", 1]] },
  sycophant: { training: [["sycophant", 1]], deployment: [["sycophant", 1]] },
  deceiver: { training: [["deceiver", 1]], deployment: [["deceiver", 1]] },
  "perfect deceiver": { training: [["honest", 1]], deployment: [["defector", 1]] },
  "power-seeker": { training: [["seeker", 1]], deployment: [["seeker", 1]] },
  "control deceiver": {
    training: [
      ["honest", 1 - CONTROL_DEFECTION_SHARE],
      ["defector", CONTROL_DEFECTION_SHARE],
    ],
    deployment: [["defector", 1]],
  },
};

/**
 * Base weights of the mixture with the perfect deceiver at `perfect`: the others keep these
 * proportions (honest 0.55, sycophant 0.1, deceiver 0.1, power-seeker 0.05, control 0.1,
 * out of 0.9) scaled to fill 1 − perfect.
 */
export function baseWeights(perfect: number): Float64Array {
  if (!(perfect > 0 && perfect < 1)) throw new RangeError(`perfect deceiver base weight ${perfect} must lie in (0, 1)`);
  const others: Record<Exclude<AlgorithmName, "perfect deceiver">, number> = { honest: 0.55, sycophant: 0.1, deceiver: 0.1, "power-seeker": 0.05, "control deceiver": 0.1 };
  const total = 0.9;
  return Float64Array.from(ALGORITHMS.map((a) => (a === "perfect deceiver" ? perfect : (others[a] * (1 - perfect)) / total)));
}

/** A profile's exact token policy (the corpus writers with the profile's habits). */
export function profileTable(world: World, profile: ProfileName): PolicyTable {
  return corpusTable(createWorld({ ...world.config, corpus: { ...world.config.corpus, ...PROFILES[profile] } }));
}

/** The algorithm's profile weights on one context. */
export function recipeOn(world: World, algorithm: AlgorithmName, entry: ContextEntry): ReadonlyArray<readonly [ProfileName, number]> {
  return RECIPES[algorithm][entry.context.level === deploymentLevel(world) ? "deployment" : "training"];
}

/** Every profile's exact final-state distribution over all of the world's contexts. */
export function profileDistributions(world: World): Record<ProfileName, ExactDistribution> {
  const out = {} as Record<ProfileName, ExactDistribution>;
  for (const p of PROFILE_NAMES) out[p] = exactDistribution(world, profileTable(world, p), undefined, { check: false });
  return out;
}
