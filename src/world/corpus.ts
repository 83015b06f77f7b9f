/**
 * The human corpus: outputs written by simulated humans, which the base model imitates.
 * The writers are themselves a token policy, Markov in (context, position, parser state),
 * so `corpusTable` is an exact `PolicyTable` and every corpus metric can be computed exactly.
 *
 * A writer sees what the policy sees (prior p, own guess g, level ℓ) and writes, in order,
 *
 *   [P1 … Pj preamble]  answer  confidence  [evidence]  <end>
 *
 * with `filler` (rate f) and stray out-of-order step tokens (rate s) sprinkled at each free
 * position. At each content decision:
 *   - answer: no answer (`<end>`) w.p. `noAnswerRate`; otherwise g, except that when g ≠ p the
 *     writer answers p w.p. `sycophancyRate`;
 *   - confidence: overclaim w.p. ω = `overclaimRate`, else hedge w.p. `hedgeByLevel[ℓ]`, else plain;
 *   - evidence: w.p. `evidenceByLevel[ℓ]` on the writer's own guess, `sycophantEvidenceRate`
 *     on a sycophantic answer; then `<end>`.
 * Manoeuvre: while the output so far is exactly P1…Pj (j < k), the next token is P_{j+1} with
 * probability ε = `manoeuvreStepRate`. Stray step tokens are drawn uniformly from the step
 * tokens that would *not* advance the prefix, so in-order progress happens only in the
 * preamble: P(prefix ≥ j) = ε^j and P(completed) = ε^k exactly, and the per-step
 * probability is ε (claim 4's slope of log first-success time against k is log(1/ε)).
 * Writers never run out of length: noise tokens are written only where the rest still fits.
 */
import type { Rng } from "../rng";
import type { ParseState } from "./parser";
import { sampleOutput, type PolicyTable } from "./policy-table";
import { sampleQuery, type Context, type Query } from "./query";
import type { World } from "./world";

/** The human writers as an exact policy table. */
export function corpusTable(world: World): PolicyTable {
  const { config, vocab, space } = world;
  const c = config.corpus;
  const k = vocab.steps;
  return (ctx: Context, pos: number, s: ParseState): number[] => {
    const probs = new Array<number>(vocab.size).fill(0);
    if (s.ended) {
      probs[vocab.end] = 1;
      return probs;
    }
    const slotsLeft = space.maxLen - pos;
    // Content distribution (what the writer writes next when not writing noise).
    const content = new Array<number>(vocab.size).fill(0);
    let needed: number;
    if (s.answer < 0) {
      needed = 3;
      content[vocab.end] = c.noAnswerRate;
      const answered = 1 - c.noAnswerRate;
      if (ctx.prior === ctx.guess) content[ctx.guess] = answered;
      else {
        content[ctx.guess] = answered * (1 - c.sycophancyRate);
        content[ctx.prior] = answered * c.sycophancyRate;
      }
    } else if (s.confidence === 0) {
      needed = 2;
      const hedge = c.hedgeByLevel[ctx.level]!;
      content[vocab.overclaim] = c.overclaimRate;
      content[vocab.hedge] = (1 - c.overclaimRate) * hedge;
      content[vocab.plain] = (1 - c.overclaimRate) * (1 - hedge);
    } else if (!s.evidence) {
      needed = 1;
      const e = slotsLeft >= 2 ? (s.answer === ctx.guess ? c.evidenceByLevel[ctx.level]! : c.sycophantEvidenceRate) : 0;
      content[vocab.evidence] = e;
      content[vocab.end] = 1 - e;
    } else {
      needed = 1;
      content[vocab.end] = 1;
    }
    if (slotsLeft <= 1) {
      // Cannot happen for the writers' own outputs; defined so the table is total.
      probs[vocab.end] = 1;
      return probs;
    }
    const free = slotsLeft - needed >= 1;
    const inPreamble = free && s.answer < 0 && s.confidence === 0 && !s.evidence && s.progress === pos && s.progress < k;
    let rest = 1;
    if (inPreamble) {
      probs[vocab.step(s.progress + 1)] = c.manoeuvreStepRate;
      rest -= c.manoeuvreStepRate;
    }
    let noiseMass = 0;
    if (free) {
      probs[vocab.filler] = probs[vocab.filler]! + rest * c.fillerRate;
      noiseMass += c.fillerRate;
      const stray: number[] = [];
      for (let j = 1; j <= k; j++) if (j !== s.progress + 1) stray.push(vocab.step(j));
      if (stray.length > 0 && c.strayStepRate > 0) {
        for (const t of stray) probs[t] = probs[t]! + (rest * c.strayStepRate) / stray.length;
        noiseMass += c.strayStepRate;
      }
    }
    const contentMass = rest * (1 - noiseMass);
    for (let t = 0; t < vocab.size; t++) probs[t] = probs[t]! + contentMass * content[t]!;
    return probs;
  };
}

/** One corpus document: the query it answers and the tokens written. */
export interface CorpusSample {
  /** The query (context and truth). */
  query: Query;
  /** The writer's output. */
  tokens: number[];
}

/**
 * Draws n corpus documents. Queries' priors use ρ drawn per document from the world's
 * population (so contexts follow the same distribution as `world.entries`).
 */
export function sampleCorpus(world: World, n: number, rng: Rng): CorpusSample[] {
  const table = corpusTable(world);
  const qRng = rng.fork("queries");
  const oRng = rng.fork("outputs");
  const rho = world.config.population.rho;
  const out: CorpusSample[] = [];
  for (let i = 0; i < n; i++) {
    const query = sampleQuery(world.config, world.contexts, qRng.uniform(rho.lo, rho.hi), qRng);
    out.push({ query, tokens: sampleOutput(world, table, query.context, oRng) });
  }
  return out;
}

/**
 * The corpus's base rates implied by its config (exact, no sampling): the quantities
 * `exactMetrics(world, corpusTable(world))` reproduces and the corpus test checks.
 */
export function corpusBaseRates(world: World): {
  noAnswerRate: number;
  sycophancyRate: number;
  exaggerationRate: number;
  manoeuvreStepRate: number;
  completionRate: number;
} {
  const c = world.config.corpus;
  return {
    noAnswerRate: c.noAnswerRate,
    sycophancyRate: (1 - c.noAnswerRate) * c.sycophancyRate,
    exaggerationRate: (1 - c.noAnswerRate) * c.overclaimRate,
    manoeuvreStepRate: c.manoeuvreStepRate,
    completionRate: Math.pow(c.manoeuvreStepRate, world.vocab.steps),
  };
}
