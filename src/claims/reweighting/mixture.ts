/**
 * The base policy as a mixture of algorithms, at the level of output meanings: in each
 * context, every algorithm's exact distribution over meanings (the union of the meanings
 * any algorithm produces there), so that a mixture with any weights w is
 *
 *     π_w(m | c) = Σ_a w_a · P_a(m | c).
 *
 * Judgements depend on an output only through its meaning (src/incentive/labels.ts), and
 * every algorithm writes the same meaning with the same phrasing habits (the corpus's
 * filler and stray steps), so meaning-level likelihood ratios are the sequence-level ones.
 */
import { contextItems, meaningKey, labelProbabilities, type ContextLabels, type Labeller, type LabelOptions } from "../../incentive";
import type { ContextDistribution, ContextEntry, ExactDistribution, Meaning, World } from "../../world";
import { ALGORITHMS, profileDistributions, recipeOn, type ProfileName } from "./algorithms";
import { isDefection, splitEntries } from "./world";

/** One context of the mixture. */
export interface MixtureContext {
  entry: ContextEntry;
  /** Every meaning some algorithm produces here (the order of `contextItems` on their union). */
  items: Meaning[];
  /** probs[a][i] = P_a(items[i] | context), a in ALGORITHMS order. */
  probs: Float64Array[];
}

/** The mixture's contexts, split into training and deployment queries. */
export interface Mixture {
  world: World;
  training: MixtureContext[];
  deployment: MixtureContext[];
  /** The union of all algorithms' final states on training contexts (what labels are computed on). */
  trainingUnion: ExactDistribution;
  /** Per algorithm: P(defection | deployment query). */
  deploymentDefection: Float64Array;
  /** Per algorithm: P(defection | training query). */
  trainingDefection: Float64Array;
}

/** Builds the mixture's meaning tables from the algorithms' exact distributions. */
export function buildMixture(world: World): Mixture {
  const profiles = profileDistributions(world);
  const byIndex = (p: ProfileName, entry: ContextEntry): ContextDistribution => profiles[p].contexts[world.entries.indexOf(entry)]!;
  const { training, deployment } = splitEntries(world);
  const build = (entries: readonly ContextEntry[]): { contexts: MixtureContext[]; union: ExactDistribution } => {
    const unionContexts: ContextDistribution[] = entries.map((entry) => {
      const used = new Set<ProfileName>();
      for (const a of ALGORITHMS) for (const [p] of recipeOn(world, a, entry)) used.add(p);
      const finals = [...used].flatMap((p) => byIndex(p, entry).finals.map((f) => ({ ...f, prob: f.prob / used.size })));
      return { entry, finals, kl: 0, expectedLength: 0 };
    });
    const union: ExactDistribution = { contexts: unionContexts, kl: 0 };
    const contexts = contextItems(union).map((ci) => {
      const index = new Map(ci.items.map((m, i) => [meaningKey(m), i]));
      const probs = ALGORITHMS.map((a) => {
        const v = new Float64Array(ci.items.length);
        for (const [p, share] of recipeOn(world, a, ci.entry)) {
          for (const f of byIndex(p, ci.entry).finals) {
            const i = index.get(meaningKey(f.meaning))!;
            v[i] = v[i]! + share * f.prob;
          }
        }
        return v;
      });
      return { entry: ci.entry, items: ci.items, probs };
    });
    return { contexts, union };
  };
  const tr = build(training);
  const de = build(deployment);
  return {
    world,
    training: tr.contexts,
    deployment: de.contexts,
    trainingUnion: tr.union,
    deploymentDefection: defectionRates(de.contexts),
    trainingDefection: defectionRates(tr.contexts),
  };
}

/** Per algorithm, the probability of a defection over the given contexts (weighted by P(context)). */
function defectionRates(contexts: readonly MixtureContext[]): Float64Array {
  const out = new Float64Array(ALGORITHMS.length);
  let total = 0;
  for (const c of contexts) {
    total += c.entry.weight;
    c.items.forEach((m, i) => {
      if (!isDefection(m, c.entry)) return;
      for (let a = 0; a < ALGORITHMS.length; a++) out[a] = out[a]! + c.entry.weight * c.probs[a]![i]!;
    });
  }
  return out.map((x) => x / total);
}

/** π_w(· | c) for one context. */
export function mixtureMass(c: MixtureContext, w: ArrayLike<number>): Float64Array {
  const out = new Float64Array(c.items.length);
  for (let a = 0; a < w.length; a++) {
    const wa = w[a]!;
    if (wa === 0) continue;
    const pa = c.probs[a]!;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + wa * pa[i]!;
  }
  return out;
}

/** Deployment defection of a mixture with weights w: Σ_a w_a · P_a(defection | deployment). */
export function deploymentDefectionOf(mix: Mixture, w: ArrayLike<number>): number {
  let s = 0;
  for (let a = 0; a < w.length; a++) s += w[a]! * mix.deploymentDefection[a]!;
  return s;
}

/**
 * A labeller's exact label probabilities on every pair of meanings of the training
 * contexts (deployment queries are never labelled). They do not depend on the mixture's
 * weights, only on which meanings occur, so one computation serves every weight vector.
 */
export function mixtureLabels(world: World, mix: Mixture, labeller: Labeller, options: LabelOptions = {}): ContextLabels[] {
  const labels = labelProbabilities(world, labeller, mix.trainingUnion, options);
  labels.forEach((l, k) => {
    const c = mix.training[k]!;
    if (l.items.length !== c.items.length || l.items.some((m, i) => meaningKey(m) !== meaningKey(c.items[i]!))) {
      throw new Error(`internal: label items of context ${c.entry.context.index} are not the mixture's items`);
    }
  });
  return labels;
}
