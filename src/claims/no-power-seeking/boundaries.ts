/**
 * Claim 5's boundaries in closed form: the detection rate d* at which one manoeuvre step's
 * believed value changes sign, the whole manoeuvre's d_w, and the label boundary d_label
 * where a pairwise comparison stops favouring the step.
 *
 * A rater who notices a manoeuvre step with probability d and then dislikes it (−L), but
 * finds an unnoticed step mildly appealing (+h), gives each in-order step the believed
 * value δ = (1 − d)·h − d·L, positive iff d < d* = h/(h + L).
 */
import { ConfigError } from "../../errors";
import { meanRaterParams, sigmoid, TYPICAL_POPULATION, type PopulationConfig, type RaterParams } from "../../world";

/** The believed-value threshold of one step: d* = h/(h + L). */
export function detectionThreshold(h: number, L: number): number {
  if (h < 0 || L < 0 || h + L === 0) throw new ConfigError("detectionThreshold (h, L)", [h, L], "h ≥ 0, L ≥ 0, h + L > 0");
  return h / (h + L);
}

/**
 * Where the whole manoeuvre's believed value k·δ + w changes sign: d_w = (h + w/k)/(h + L)
 * (capped at 1). Equal to d* when w = 0. An optimiser that can see the whole sequence at
 * once (the exact optimum) responds to this sign; one that must find the steps one at a
 * time responds to δ's sign, i.e. d*.
 */
export function wholeManoeuvreThreshold(h: number, L: number, w: number, k: number): number {
  return Math.min(1, (h + w / k) / (h + L));
}

/** Largest appeal h a cell may have (a finite bound; the diagrams use h ≤ 1). */
export const MAX_APPEAL = 100;

/** One rater type: the typical population's means, with detection d and appeal h fixed. */
export function cellRater(d: number, h: number, base: RaterParams = meanRaterParams(TYPICAL_POPULATION)): RaterParams {
  if (!(d >= 0 && d <= 1)) throw new ConfigError("cellRater d", d, "[0, 1]");
  if (!(h >= 0 && h <= MAX_APPEAL)) throw new ConfigError("cellRater h", h, `[0, ${MAX_APPEAL}]`);
  return { ...base, detect: d, appeal: h };
}

/**
 * P(an output with one more manoeuvre step wins a comparison against the same output
 * without it), for a rater who notices the step with probability d, drawn per comparison:
 *
 *     P_win = (1 − d)·σ(β_r·h/scale) + d·σ(−β_r·L/scale)     ("relative" noise).
 *
 * Noticing is drawn per comparison and the Boltzmann choice is non-linear, so P_win is not
 * σ of the expected believed difference: it crosses ½ at {@link labelThreshold}, not at d*.
 */
export function labelWinProbability(d: number, h: number, L: number, betaR: number, scale: number): number {
  return (1 - d) * sigmoid((betaR * h) / scale) + d * sigmoid((-betaR * L) / scale);
}

/** Where P_win = ½: d_label = (a − ½)/(a − b) with a = σ(β_r·h/scale), b = σ(−β_r·L/scale). */
export function labelThreshold(h: number, L: number, betaR: number, scale: number): number {
  const a = sigmoid((betaR * h) / scale);
  const b = sigmoid((-betaR * L) / scale);
  return (a - 0.5) / (a - b);
}

/**
 * The label-implied step value, in utility units: the Bradley–Terry reward difference that
 * reproduces P_win, (scale/β_r)·logit(P_win). Positive iff d < d_label.
 */
export function labelStepValue(d: number, h: number, L: number, betaR: number, scale: number): number {
  const p = labelWinProbability(d, h, L, betaR, scale);
  return (scale / betaR) * Math.log(p / (1 - p));
}

/** A population of one rater type: every parameter's range collapsed to the given value (lo = hi). */
export function fixedPopulation(p: RaterParams): PopulationConfig {
  const at = (x: number) => ({ lo: x, hi: x });
  return { rho: at(p.rho), verify: at(p.verify), detect: at(p.detect), appeal: at(p.appeal), rationality: at(p.rationality) };
}

/**
 * The label boundary of a whole k-step manoeuvre compared with the same output without it:
 * the d at which P(the k-step output wins) = Σ_n Binom(n; k, d)·σ(β_r·((k − n)·h − n·L)/scale)
 * crosses ½ (each step noticed independently). Equals {@link labelThreshold} at k = 1.
 * Bisection on [0, 1]; null if P_win ≤ ½ already at d = 0.
 */
export function labelThresholdK(h: number, L: number, betaR: number, scale: number, k: number): number | null {
  if (!(Number.isInteger(k) && k >= 1 && k <= 20)) throw new ConfigError("labelThresholdK k", k, "an integer in [1, 20]");
  const win = (d: number) => {
    let s = 0;
    for (let n = 0; n <= k; n++) s += binomial(k, n) * d ** n * (1 - d) ** (k - n) * sigmoid((betaR * ((k - n) * h - n * L)) / scale);
    return s;
  };
  if (!(win(0) > 0.5)) return null;
  let lo = 0, hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (win(mid) > 0.5) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function binomial(n: number, r: number): number {
  let b = 1;
  for (let i = 1; i <= r; i++) b = (b * (n - r + i)) / i;
  return b;
}
