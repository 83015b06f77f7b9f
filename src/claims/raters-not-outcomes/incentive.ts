/**
 * Claim 1's incentive level: what each labeller's comparisons reward with no finite data,
 * network or optimiser in the way. The reference is the human corpus (the policy the base
 * model imitates); each labeller's exact label limit is fitted on corpus pairs
 * (`labelLimit`), and its exact KL-regularised optimum is evaluated at the read points and
 * along a KL grid. Deterministic: no seeds (the agreement column is a fixed-seed Monte
 * Carlo estimate, shown only).
 */
import { Rng } from "../../rng";
import { tiltAtBeta, tiltAtKl } from "../../incentive";
import { cachedTable, corpusTable, exactDistribution, exactMetrics, raterOracleAgreement, type PolicyTable, type World } from "../../world";
import { checkRatersNotOutcomesBudget, type RatersNotOutcomesBudget } from "./budget";
import { labellerWorld, ratersNotOutcomesLabellers, rnoLimit, rnoMetricsOf, RNO_TILT_OPTIONS, type Labeller, type RnoMetrics } from "./run";

/**
 * The exact optimum of one labeller's limit: at a read point ("read": solved for its KL)
 * or at a β of the curve grid ("curve": its KL is whatever that β gives).
 */
export type RnoExactRow = { labeller: string; group: Labeller["group"]; point: "read" | "curve"; beta: number } & RnoMetrics;

/** A labeller's agreement with the (deterministic) true preference on random corpus pairs. */
export type RnoAgreementRow = { labeller: string; group: Labeller["group"]; agreement: number; se: number; pairs: number };

/** Everything the incentive level computes. */
export interface RnoIncentive {
  /** Exact metrics of the reference (the corpus, KL 0). */
  base: RnoMetrics;
  /** The optimum of each labeller's limit at each KL it reaches. */
  rows: RnoExactRow[];
  /** Population labellers' agreement with the true preference (fixed seed). */
  agreement: RnoAgreementRow[];
  /** Largest relative gradient left by the Bradley–Terry fits. */
  residual: number;
}

/** The KLs each labeller's optimum is solved for: the three read points for the rater and the oracle, the matched KL for side labellers. */
export function readKlsOf(l: Labeller, b: Pick<RatersNotOutcomesBudget, "thresholds">): number[] {
  const t = b.thresholds;
  return l.group === "main" ? [...new Set([t.klLow, t.kl, t.klHigh])].sort((x, y) => x - y) : [t.kl];
}

/** The corpus as the incentive level's reference policy table (rows cached). */
export function corpusReference(world: World): PolicyTable {
  return cachedTable(world, corpusTable(world));
}

/** Seed of the agreement estimate (descriptive; the same in every mode). */
export const RNO_AGREEMENT_SEED = 1;

/**
 * The incentive level of claim 1: every labeller's exact limit on corpus pairs, its
 * optimum's exact metrics at its read KLs (`readKlsOf`) and, for the rater and the oracle,
 * along the β grid `curveBetas`; the corpus metrics; and each
 * population labeller's agreement with the true preference. `onStep` is called after each
 * labeller.
 */
export function runRatersNotOutcomesIncentive(world: World, budget: RatersNotOutcomesBudget, onStep?: (label: string) => void): RnoIncentive {
  const b = checkRatersNotOutcomesBudget(budget);
  const ref = corpusReference(world);
  const base = rnoMetricsOf(exactMetrics(world, exactDistribution(world, ref, ref)));
  const rows: RnoExactRow[] = [];
  const agreement: RnoAgreementRow[] = [];
  let residual = 0;
  for (const l of ratersNotOutcomesLabellers(world, b)) {
    const limit = rnoLimit(world, l, ref);
    residual = Math.max(residual, limit.residual);
    for (const k of readKlsOf(l, b)) {
      const t = tiltAtKl(world, ref, limit.reward, k, RNO_TILT_OPTIONS);
      if (t) rows.push({ labeller: l.name, group: l.group, point: "read", beta: t.beta, ...rnoMetricsOf(exactMetrics(world, t.dist)) });
    }
    if (l.group === "main")
      for (const beta of b.curveBetas) {
        const t = tiltAtBeta(world, ref, limit.reward, beta);
        rows.push({ labeller: l.name, group: l.group, point: "curve", beta, ...rnoMetricsOf(exactMetrics(world, t.dist)) });
      }
    if (l.judge.kind === "population") {
      const ag = raterOracleAgreement(labellerWorld(world, l), l.judge.population, b.agreementPairs, Rng.fromSeed(RNO_AGREEMENT_SEED).fork(`agreement/${l.name}`), ref, l.name);
      agreement.push({ labeller: l.name, group: l.group, agreement: ag.agreement, se: ag.se, pairs: ag.n });
    }
    onStep?.(l.name);
  }
  return { base, rows, agreement, residual };
}
