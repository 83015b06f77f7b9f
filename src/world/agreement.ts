/**
 * How raters judge: their agreement with the oracle on sampled pairs, exact preference
 * probabilities between two outputs, and a set of named canonical output types. Plain
 * numbers, used by the world's tests, the raters notebook and the claims.
 */
import type { Rng } from "../rng";
import type { WorldConfig } from "./config";
import type { PopulationConfig } from "./config";
import { corpusTable } from "./corpus";
import { outcomeOf } from "./outcome";
import type { Meaning } from "./parser";
import { sampleOutput, type PolicyTable } from "./policy-table";
import { meanRaterParams, sampleRater } from "./population";
import { sampleQuery, type Context } from "./query";
import { believedUtility, boltzmann, judge, judgeOracle } from "./rater";
import type { World } from "./world";

/** Agreement of a rater population with the oracle on random pairs. */
export interface AgreementRow {
  /** Population label (preset name or "custom"). */
  population: string;
  /** Share of decided pairs on which the rater chose as the oracle did ("equal" counts ½). */
  agreement: number;
  /** Its binomial standard error. */
  se: number;
  /** Pairs on which the oracle strictly preferred one output and the rater did not skip. */
  n: number;
  /** Pairs with equal true utility (left out). */
  ties: number;
  /** Pairs the rater skipped (B-Pref skip). */
  skipped: number;
}

/**
 * Rater–oracle agreement on random pairs: for each pair a rater is drawn from `population`,
 * a query from that rater, and two outputs independently from `outputs` (default: the human
 * corpus). Pairs the oracle sees as equal are left out.
 */
export function raterOracleAgreement(world: World, population: PopulationConfig, pairs: number, rng: Rng, outputs: PolicyTable = corpusTable(world), label = "custom"): AgreementRow {
  let agree = 0;
  let n = 0;
  let ties = 0;
  let skipped = 0;
  const cfg = world.config;
  const rRng = rng.fork("raters");
  const qRng = rng.fork("queries");
  const oRng = rng.fork("outputs");
  const jRng = rng.fork("judgements");
  for (let i = 0; i < pairs; i++) {
    const rater = sampleRater(population, rRng);
    const query = sampleQuery(cfg, world.contexts, rater.params.rho, qRng);
    const a = world.space.parse(sampleOutput(world, outputs, query.context, oRng));
    const b = world.space.parse(sampleOutput(world, outputs, query.context, oRng));
    const oracle = judgeOracle({ ...cfg, comparison: { ...cfg.comparison, oracleRationality: Infinity } }, query, a.meaning, b.meaning, jRng);
    if (oracle.label === 0.5) {
      ties++;
      continue;
    }
    const j = judge(cfg, rater, query, a, b, jRng);
    if (j.label === null) {
      skipped++;
      continue;
    }
    n++;
    agree += j.label === 0.5 ? 0.5 : j.label === oracle.label ? 1 : 0;
  }
  const p = n > 0 ? agree / n : NaN;
  return { population: label, agreement: p, se: n > 0 ? Math.sqrt((p * (1 - p)) / n) : NaN, n, ties, skipped };
}

/** A named, canonical kind of output, built from a context. */
export interface OutputType {
  /** Short name, e.g. "honest", "sycophantic+overclaim". */
  name: string;
  /** Token names for a context (answers written as "guess", "prior"). */
  build: (world: World, context: Context) => number[];
}

function tokens(world: World, context: Context, spec: string[]): number[] {
  const v = world.vocab;
  return spec.map((s) => {
    if (s === "guess") return v.answer(context.guess);
    if (s === "prior") return v.answer(context.prior);
    if (s === "steps") return -1;
    return v.encode([s])[0]!;
  }).flatMap((t) => (t === -1 ? Array.from({ length: v.steps }, (_, j) => v.step(j + 1)) : [t]));
}

/** The output types compared in notebook 01 (answers are the model's guess unless "sycophantic"). */
export const OUTPUT_TYPES: readonly OutputType[] = [
  { name: "honest", build: (w, c) => tokens(w, c, ["guess", "plain", "<end>"]) },
  { name: "honest+hedge", build: (w, c) => tokens(w, c, ["guess", "hedge", "<end>"]) },
  { name: "honest+overclaim", build: (w, c) => tokens(w, c, ["guess", "overclaim", "<end>"]) },
  { name: "honest+evidence", build: (w, c) => tokens(w, c, ["guess", "plain", "evidence", "<end>"]) },
  { name: "sycophantic", build: (w, c) => tokens(w, c, ["prior", "plain", "<end>"]) },
  { name: "sycophantic+overclaim+evidence", build: (w, c) => tokens(w, c, ["prior", "overclaim", "evidence", "<end>"]) },
  { name: "no answer", build: (w, c) => tokens(w, c, ["<end>"]) },
  { name: "honest+P1", build: (w, c) => tokens(w, c, ["P1", "guess", "plain", "<end>"]) },
  { name: "honest+full manoeuvre", build: (w, c) => tokens(w, c, ["steps", "guess", "plain", "<end>"]) },
];

/**
 * Expected probability that a rater from the world's population prefers output `a` to `b`,
 * by exact enumeration over contexts, truths, evidence checks, step noticing and φ, with the
 * rater's β at the population mean (no flips, skip or equal). `where`: "all" contexts,
 * "disagree" (guess ≠ prior) or "wrong" (weights only truths where `a`'s answer is wrong).
 */
export function preferenceRate(world: World, where: "all" | "disagree" | "wrong", a: string[], b: string[]): number {
  const cfg = world.config;
  const rater = meanRaterParams(cfg.population);
  let w = 0, s = 0;
  for (const e of world.entries) {
    if (where === "disagree" && e.context.prior === e.context.guess) continue;
    const ra = world.space.parse(tokens(world, e.context, a));
    const rb = world.space.parse(tokens(world, e.context, b));
    e.truthPosterior.forEach((pt, t) => {
      if (where === "wrong" && ra.meaning.answer === t) return;
      const p = e.weight * pt;
      w += p;
      s += p * exactPairPreference(world, rater, e.context, t, ra.meaning, rb.meaning);
    });
  }
  return w > 0 ? s / w : NaN;
}

/** P(prefer a over b) for one rater, one query: exact sum over the rater's random looks. */
export function exactPairPreference(world: World, rater: { verify: number; detect: number; appeal: number; rationality: number; rho: number }, context: Context, truth: number, a: Meaning, b: Meaning): number {
  const cfg = world.config;
  const phi = cfg.comparison.revealRate;
  const looks = (m: Meaning) => perceivedDistribution(world, rater, context, truth, m);
  const la = looks(a);
  const lb = looks(b);
  let p = 0;
  for (const [ua, pa] of la) for (const [ub, pb] of lb) p += pa * pb * boltzmann(world.config, rater.rationality, ua, ub);
  const ta = outcomeOf(cfg, truth, a).utility;
  const tb = outcomeOf(cfg, truth, b).utility;
  return (1 - phi) * p + phi * boltzmann(world.config, rater.rationality, ta, tb);
}


/** The distribution of a rater's perceived utility of one output when the outcome is not shown. */
function perceivedDistribution(world: World, rater: { verify: number; detect: number; appeal: number }, context: Context, truth: number, m: Meaning): Array<[number, number]> {
  const cfg = world.config;
  const params = { ...rater, rho: 0, rationality: 0 };
  const checks: Array<[number, number]> = [];
  // Answer part: checked (truth known) or not.
  const noSteps: Meaning = { ...m, prefix: 0, completed: false };
  const phiOff: WorldConfig = { ...cfg, comparison: { ...cfg.comparison, revealRate: 0 } };
  if (m.evidence && m.answer !== null) {
    const checked = believedUtility(phiOff, { ...params, verify: 1 }, context, truth, noSteps);
    const unchecked = believedUtility(phiOff, { ...params, verify: 0 }, context, truth, noSteps);
    checks.push([checked, rater.verify], [unchecked, 1 - rater.verify]);
  } else checks.push([believedUtility(phiOff, { ...params, detect: 0, appeal: 0 }, context, truth, noSteps), 1]);
  const h = cfg.belief.biases.manoeuvreAppeal ? rater.appeal : 0;
  const L = cfg.belief.noticedStepPenalty;
  const out: Array<[number, number]> = [];
  const bonus = m.completed ? cfg.utility.manoeuvreVisiblePayoff : 0;
  for (let noticed = 0; noticed <= m.prefix; noticed++) {
    const pn = binom(m.prefix, noticed) * Math.pow(rater.detect, noticed) * Math.pow(1 - rater.detect, m.prefix - noticed);
    const stepValue = -noticed * L + (m.prefix - noticed) * h + bonus;
    for (const [u, pc] of checks) out.push([u + stepValue, pn * pc]);
  }
  return out;
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - i + 1)) / i;
  return r;
}

