/**
 * Rewards or labels: the label formula checked against the world's own comparison code,
 * and the exact optimum's boundary under the believed-utility reward next to the one under
 * the label-implied reward.
 */
import { ConfigError } from "../../errors";
import { Rng } from "../../rng";
import { judge, utilityScale, type World } from "../../world";
import { cellRater, detectionThreshold, labelThreshold, labelWinProbability } from "./boundaries";
import { checkOptions, exactBoundary, makeSlice, PHASE_RULES } from "./exact";

/** Measured against predicted P_win at one detection rate. */
export type WinRateRow = {
  d: number;
  h: number;
  /** P_win by the formula. */
  predicted: number;
  /** Share of comparisons the step output won. */
  measured: number;
  /** Standard error of `measured`. */
  se: number;
};

/**
 * Measures P_win with the world's own comparison code (`judge`): a fixed-parameter rater
 * (typical means, detection d, appeal h) compares "P1 A plain <end>" with "A plain <end>"
 * (no evidence, so the answer parts are identical) `n` times per d, in random order.
 */
export function judgedWinRates(world: World, h: number, ds: readonly number[], n: number, rng: Rng): WinRateRow[] {
  if (!(Number.isInteger(n) && n >= 1 && n <= 1e7)) throw new ConfigError("judgedWinRates n", n, "an integer in [1, 10000000]");
  const cfg = world.config;
  const v = world.vocab;
  const withStep = world.space.parse([v.step(1), v.answer(0), v.plain, v.end]);
  const without = world.space.parse([v.answer(0), v.plain, v.end]);
  const query = { context: world.contexts[0]!, truth: 0 };
  const L = cfg.belief.noticedStepPenalty;
  const scale = utilityScale(cfg);
  return ds.map((d) => {
    const params = cellRater(d, h);
    const r = rng.fork(`judge-d${d}`);
    let wins = 0;
    for (let i = 0; i < n; i++) {
      const first = r.bernoulli(0.5);
      const j = first ? judge(cfg, { kind: "belief", params }, query, withStep, without, r) : judge(cfg, { kind: "belief", params }, query, without, withStep, r);
      const label = j.label ?? 0.5;
      wins += first ? label : 1 - label;
    }
    const p = wins / n;
    return { d, h, predicted: labelWinProbability(d, h, L, params.rationality, scale), measured: p, se: Math.sqrt((p * (1 - p)) / n) };
  });
}

/** Per (k, w, h): d*, d_label and the exact optimum's crossing under both rewards. */
export type LabelBoundaryRow = {
  k: number;
  w: number;
  h: number;
  dStar: number;
  dLabel: number;
  measuredReward: number | null;
  measuredLabel: number | null;
  errorLabel: number | null;
};

/**
 * Boundary rows for both rewards, per (k, w, h): d*, the predicted label threshold
 * d_label, and the measured crossing of the exact optimum under the believed-utility
 * reward and under the label-implied reward.
 */
export function rewardVsLabelBoundaries(o: { ks: readonly number[]; ws: readonly number[]; hs: readonly number[]; beta: number; contexts?: number }): LabelBoundaryRow[] {
  checkOptions("rewardVsLabelBoundaries", o, PHASE_RULES, ["hs", "ks", "ws", "beta"]);
  const rows: LabelBoundaryRow[] = [];
  for (const k of o.ks)
    for (const w of o.ws) {
      const slice = makeSlice(k, w, { contexts: o.contexts });
      const L = slice.world.config.belief.noticedStepPenalty;
      const scale = utilityScale(slice.world.config);
      for (const h of o.hs) {
        const betaR = cellRater(0, h).rationality;
        const dLabel = labelThreshold(h, L, betaR, scale);
        const reward = exactBoundary(slice, h, o.beta, 1e-4, "believed");
        const label = exactBoundary(slice, h, o.beta, 1e-4, "label");
        rows.push({ k, w, h, dStar: detectionThreshold(h, L), dLabel, measuredReward: reward, measuredLabel: label, errorLabel: label === null ? null : label - dLabel });
      }
    }
  return rows;
}
