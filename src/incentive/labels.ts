/**
 * Exact label probabilities: for every pair of outputs a trainer could be shown in a
 * context, the probability that the labeller's comparison is kept (not skipped, not
 * "equal") and names the first output as better. This is what infinitely many labelled
 * pairs would tell a trainer, with no sampling at all.
 *
 * A label is drawn as in `judge` (src/world/rater.ts): a rater from the population, the
 * truth from the context's posterior, what the rater perceives of each output (evidence
 * checked with probability v, each manoeuvre step noticed with probability d, the true
 * outcome shown with probability φ), B-Pref's skip and equal rules, a Boltzmann choice with
 * rationality β_r, then a flip. The expectation is exact over the truth, φ, the checks and
 * the noticing (finite sums); over the rater's parameters it is exact in v and d (they enter
 * polynomially; Gauss–Legendre moments), exact in h (it enters the sigmoid linearly, so
 * the uniform average is a difference of softplus values) unless a skip or equal rule is on,
 * and a Gauss–Legendre rule in β_r (`nodes`, 8 by default: label probabilities change by
 * < 1e-12 from 8 to 12 nodes in the default world).
 *
 * Outputs are compared by meaning: the judgement depends on an output only through its
 * meaning (checked in the tests), so the comparison distribution is the reference policy's
 * distribution over meanings per context. B-Pref myopia (γ < 1) makes judgements depend on
 * token positions and is refused.
 */
import { ConfigError } from "../errors";
import {
  beliefRight,
  sigmoid,
  trueUtility,
  utilityScale,
  answerValue,
  exactDistribution,
  type ContextEntry,
  type ExactDistribution,
  type Meaning,
  type PolicyTable,
  type PopulationConfig,
  type World,
} from "../world";
import { binomialMoments, uniformRule } from "./quadrature";

/** Who labels comparisons: a rater population, or the oracle (true utility, rationality `comparison.oracleRationality`). */
export type Labeller = { kind: "population"; population: PopulationConfig } | { kind: "oracle" };

/** Options of the label computations. */
export interface LabelOptions {
  /** Gauss–Legendre nodes per smooth rater parameter (h, β_r). Default 8. */
  nodes?: number;
}

/** A pair's label probabilities. */
export interface PairLabel {
  /** P(the comparison is kept and the first output is preferred). */
  win: number;
  /** P(the comparison is kept) (1 unless skip or equal rules are on). */
  keep: number;
}

/** The distinct meanings a reference policy produces in one context, with their probabilities. */
export interface ContextItems {
  entry: ContextEntry;
  /** Distinct meanings with positive probability. */
  items: Meaning[];
  /** P_ref(meaning | context), same order. */
  mass: Float64Array;
}

/** Exact label probabilities between every pair of a context's items. */
export interface ContextLabels extends ContextItems {
  /** win[i·M + j] = P(kept and item i preferred | i shown first against j). */
  win: Float64Array;
  /** keep[i·M + j] = P(kept | i against j); symmetric. */
  keep: Float64Array;
}

/** A meaning's identity (two final states with the same meaning are one item). */
export function meaningKey(m: Meaning): string {
  return `${m.answer}|${m.confidence}|${m.evidence ? 1 : 0}|${m.prefix}|${m.completed ? 1 : 0}`;
}

/** Groups an exact distribution's final states by meaning, per context. */
export function contextItems(dist: ExactDistribution): ContextItems[] {
  return dist.contexts.map((c) => {
    const byKey = new Map<string, { meaning: Meaning; p: number }>();
    for (const f of c.finals) {
      if (!(f.prob > 0)) continue;
      const k = meaningKey(f.meaning);
      const e = byKey.get(k);
      if (e) e.p += f.prob;
      else byKey.set(k, { meaning: f.meaning, p: f.prob });
    }
    const list = [...byKey.values()];
    return { entry: c.entry, items: list.map((x) => x.meaning), mass: Float64Array.from(list.map((x) => x.p)) };
  });
}

/** What a rater can perceive of one output for one truth: atoms of (value, weight polynomial). */
interface Atoms {
  /** Value without the h terms: answer part − noticed·L + completed·w. */
  c: Float64Array;
  /** Number of unnoticed steps (the coefficient of h). */
  y: Int32Array;
  /** Evidence factor: 0 none, 1 checked (v), 2 unchecked (1 − v). */
  ev: Int32Array;
  /** Noticed steps, and the prefix length (binomial in d). */
  n: Int32Array;
  m: Int32Array;
}

/** Per-labeller constants shared by every pair. */
interface Kernel {
  oracle: boolean;
  /** Quadrature over (h, β_r): nodes and weights. */
  h: Float64Array;
  beta: Float64Array;
  w: Float64Array;
  /** The β_r rule alone (h is integrated in closed form when no skip or equal rule is on). */
  betaOnly: Float64Array;
  betaOnlyW: Float64Array;
  /** The range of h (uniform), for the closed-form integral. */
  hLo: number;
  hHi: number;
  /** Memo of the closed-form expectation by (Δ unnoticed steps + k, Δ value): differences repeat across outputs. */
  memo: Map<number, number>[];
  vMoment: (i: number, j: number) => number;
  dMoment: (i: number, j: number) => number;
  L: number;
  phi: number;
  flip: number;
  scale: number;
  skip: number | null;
  equal: number;
  oracleBeta: number;
}

function kernelFor(world: World, labeller: Labeller, options: LabelOptions): Kernel {
  const cfg = world.config;
  const c = cfg.comparison;
  if (c.myopia !== 1) throw new ConfigError("comparison.myopia", c.myopia, "1 for exact label probabilities (myopic judgements depend on token positions)");
  const scale = c.noise === "relative" ? utilityScale(cfg) : 1;
  const nodes = options.nodes ?? 8;
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 64) throw new ConfigError("label options nodes", nodes, "an integer in [1, 64]");
  const base = { L: cfg.belief.noticedStepPenalty, phi: c.revealRate, flip: c.flipRate, scale, skip: c.skipBelow, equal: c.equalWithin, oracleBeta: c.oracleRationality };
  if (labeller.kind === "oracle") {
    const one = { h: Float64Array.of(0), beta: Float64Array.of(c.oracleRationality), w: Float64Array.of(1) };
    return { ...base, oracle: true, ...one, betaOnly: one.beta, betaOnlyW: one.w, hLo: 0, hHi: 0, memo: [], vMoment: () => 1, dMoment: () => 1 };
  }
  const pop = labeller.population;
  const appealOn = cfg.belief.biases.manoeuvreAppeal;
  const hRule = appealOn ? uniformRule(pop.appeal.lo, pop.appeal.hi, nodes) : uniformRule(0, 0, 1);
  const bRule = uniformRule(pop.rationality.lo, pop.rationality.hi, nodes);
  const Q = hRule.x.length * bRule.x.length;
  const h = new Float64Array(Q), beta = new Float64Array(Q), w = new Float64Array(Q);
  let q = 0;
  for (let i = 0; i < hRule.x.length; i++)
    for (let j = 0; j < bRule.x.length; j++, q++) {
      h[q] = hRule.x[i]!;
      beta[q] = bRule.x[j]!;
      w[q] = hRule.w[i]! * bRule.w[j]!;
    }
  const k = world.vocab.steps;
  const hLo = appealOn ? pop.appeal.lo : 0;
  const hHi = appealOn ? pop.appeal.hi : 0;
  const memo = Array.from({ length: 2 * k + 1 }, () => new Map<number, number>());
  return { ...base, oracle: false, h, beta, w, betaOnly: bRule.x, betaOnlyW: bRule.w, hLo, hHi, memo, vMoment: binomialMoments(pop.verify.lo, pop.verify.hi, 2), dMoment: binomialMoments(pop.detect.lo, pop.detect.hi, 2 * k) };
}

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - i + 1)) / i;
  return r;
}

/** The atoms of what a rater perceives of `m` when the truth is `truth` (outcome not shown). */
function atomsOf(world: World, entry: ContextEntry, truth: number, m: Meaning, K: Kernel): Atoms {
  const cfg = world.config;
  const u = cfg.utility;
  const parts: { value: number; ev: number }[] = [];
  if (m.answer === null) parts.push({ value: u.noAnswer, ev: 0 });
  else {
    const right = answerValue(u, true, m.confidence, m.evidence);
    const wrong = answerValue(u, false, m.confidence, m.evidence);
    const b = beliefRight(cfg, entry.context, m, true);
    const believed = b * right + (1 - b) * wrong;
    if (m.evidence) parts.push({ value: m.answer === truth ? right : wrong, ev: 1 }, { value: believed, ev: 2 });
    else parts.push({ value: believed, ev: 0 });
  }
  const bonus = m.completed ? u.manoeuvreVisiblePayoff : 0;
  const size = parts.length * (m.prefix + 1);
  const out: Atoms = { c: new Float64Array(size), y: new Int32Array(size), ev: new Int32Array(size), n: new Int32Array(size), m: new Int32Array(size) };
  let i = 0;
  for (const p of parts)
    for (let noticed = 0; noticed <= m.prefix; noticed++, i++) {
      out.c[i] = p.value - noticed * K.L + bonus;
      out.y[i] = m.prefix - noticed;
      out.ev[i] = p.ev;
      out.n[i] = noticed;
      out.m[i] = m.prefix;
    }
  return out;
}

/** log(1 + eˣ), safe for large |x|. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Adds E over (h, β_r) nodes of [keep·P(first wins), keep] for perceived values ua = ca + ya·h, ub = cb + yb·h. */
function kernelSum(K: Kernel, ca: number, ya: number, cb: number, yb: number, out: { win: number; keep: number }, weight: number): void {
  const dy = ya - yb;
  const dc = ca - cb;
  const skip = K.skip === null ? null : K.skip * K.scale;
  const eq = K.equal * K.scale;
  if (skip === null && eq === 0) {
    // No skip or equal rule: h (uniform on [hLo, hHi]) enters the sigmoid linearly, so its
    // expectation is exact, E_h σ(a + b·h) = [softplus(a + b·hHi) − softplus(a + b·hLo)] / (b·(hHi − hLo));
    // β_r by the Gauss–Legendre rule.
    const memo = K.memo[dy + (K.memo.length - 1) / 2]!;
    let s = memo.get(dc);
    if (s === undefined) {
      s = 0;
      const width = K.hHi - K.hLo;
      for (let q = 0; q < K.betaOnly.length; q++) {
        const k = K.betaOnly[q]! / K.scale;
        const b = k * dy * width;
        const a = k * (dc + dy * K.hLo);
        const e = Math.abs(b) < 1e-7 ? sigmoid(a + b / 2) : (softplus(a + b) - softplus(a)) / b;
        s += K.betaOnlyW[q]! * e;
      }
      memo.set(dc, s);
    }
    const p1 = K.flip > 0 ? (1 - K.flip) * s + K.flip * (1 - s) : s;
    out.win += weight * p1;
    out.keep += weight;
    return;
  }
  for (let q = 0; q < K.w.length; q++) {
    const hq = K.h[q]!;
    const ua = ca + ya * hq;
    const ub = cb + yb * hq;
    const d = dc + dy * hq;
    if (skip !== null && Math.max(ua, ub) < skip) continue;
    if (eq > 0 && Math.abs(d) <= eq) continue;
    const p = sigmoid((K.beta[q]! * d) / K.scale);
    const p1 = K.flip > 0 ? (1 - K.flip) * p + K.flip * (1 - p) : p;
    out.win += weight * K.w[q]! * p1;
    out.keep += weight * K.w[q]!;
  }
}

/** The oracle's (or a revealed comparison's) label probabilities on true utilities. */
function trueKernel(K: Kernel, ua: number, ub: number, out: { win: number; keep: number }, weight: number): void {
  if (K.oracle) {
    const b = K.oracleBeta;
    const d = (ua - ub) / K.scale;
    const p = b === Infinity ? (d > 0 ? 1 : d < 0 ? 0 : 0.5) : sigmoid(b * d);
    out.win += weight * p;
    out.keep += weight;
    return;
  }
  // A rater shown the true outcome judges true utilities with their own β_r, skip/equal rules and flips.
  kernelSum(K, ua, 0, ub, 0, out, weight);
}

function pairForTruth(world: World, K: Kernel, entry: ContextEntry, truth: number, a: Meaning, b: Meaning, aa: Atoms | null, ab: Atoms | null, out: { win: number; keep: number }, weight: number): void {
  const ta = trueUtility(world.config, truth, a);
  const tb = trueUtility(world.config, truth, b);
  if (K.oracle) {
    trueKernel(K, ta, tb, out, weight);
    return;
  }
  if (K.phi > 0) trueKernel(K, ta, tb, out, weight * K.phi);
  if (K.phi >= 1 || aa === null || ab === null) return;
  const rest = weight * (1 - K.phi);
  for (let i = 0; i < aa.c.length; i++)
    for (let j = 0; j < ab.c.length; j++) {
      const ei = aa.ev[i]!, ej = ab.ev[j]!;
      const vi = (ei === 1 ? 1 : 0) + (ej === 1 ? 1 : 0);
      const vj = (ei === 2 ? 1 : 0) + (ej === 2 ? 1 : 0);
      const ni = aa.n[i]! + ab.n[j]!;
      const nj = aa.m[i]! - aa.n[i]! + (ab.m[j]! - ab.n[j]!);
      const poly = K.vMoment(vi, vj) * K.dMoment(ni, nj) * binom(aa.m[i]!, aa.n[i]!) * binom(ab.m[j]!, ab.n[j]!);
      if (poly === 0) continue;
      kernelSum(K, aa.c[i]!, aa.y[i]!, ab.c[j]!, ab.y[j]!, out, rest * poly);
    }
}

/** Exact label probabilities of one comparison of `a` (shown first) against `b` in a context. */
export function pairLabelProbability(world: World, labeller: Labeller, entry: ContextEntry, a: Meaning, b: Meaning, options: LabelOptions = {}): PairLabel {
  const K = kernelFor(world, labeller, options);
  const out = { win: 0, keep: 0 };
  entry.truthPosterior.forEach((pt, t) => {
    if (!(pt > 0)) return;
    const aa = K.oracle ? null : atomsOf(world, entry, t, a, K);
    const ab = K.oracle ? null : atomsOf(world, entry, t, b, K);
    pairForTruth(world, K, entry, t, a, b, aa, ab, out, pt);
  });
  return out;
}

/**
 * Exact label probabilities between every pair of meanings the reference produces, per
 * context. `reference` is a policy table (its exact distribution is computed) or an exact
 * distribution already at hand.
 */
export function labelProbabilities(world: World, labeller: Labeller, reference: PolicyTable | ExactDistribution, options: LabelOptions = {}): ContextLabels[] {
  const K = kernelFor(world, labeller, options);
  const dist = typeof reference === "function" ? exactDistribution(world, reference, undefined, { check: false }) : reference;
  return contextItems(dist).map((ci) => {
    const M = ci.items.length;
    const win = new Float64Array(M * M);
    const keep = new Float64Array(M * M);
    const out = { win: 0, keep: 0 };
    // A rater's perception of an output without checkable evidence does not depend on the
    // truth (unless outcomes are revealed): such pairs are computed once, with weight 1.
    const free = ci.items.map((m) => !K.oracle && K.phi === 0 && (m.answer === null || !m.evidence));
    const truths = [...ci.entry.truthPosterior.keys()].filter((t) => ci.entry.truthPosterior[t]! > 0);
    truths.forEach((t, ti) => {
      const pt = ci.entry.truthPosterior[t]!;
      const atoms = K.oracle ? null : ci.items.map((m) => atomsOf(world, ci.entry, t, m, K));
      for (let i = 0; i < M; i++)
        for (let j = i + 1; j < M; j++) {
          const once = free[i] && free[j];
          if (once && ti > 0) continue;
          out.win = 0;
          out.keep = 0;
          pairForTruth(world, K, ci.entry, t, ci.items[i]!, ci.items[j]!, atoms ? atoms[i]! : null, atoms ? atoms[j]! : null, out, once ? 1 : pt);
          win[i * M + j] = win[i * M + j]! + out.win;
          keep[i * M + j] = keep[i * M + j]! + out.keep;
        }
    });
    // Judgements are symmetric in the order of presentation: j beats i whenever a kept label does not name i.
    for (let i = 0; i < M; i++) {
      for (let j = i + 1; j < M; j++) {
        keep[j * M + i] = keep[i * M + j]!;
        win[j * M + i] = keep[i * M + j]! - win[i * M + j]!;
      }
      const self = pairLabelProbability(world, labeller, ci.entry, ci.items[i]!, ci.items[i]!, options);
      keep[i * M + i] = self.keep;
      win[i * M + i] = self.win;
    }
    return { ...ci, win, keep };
  });
}
