/**
 * What the explorable report shows for one setting of its controls, computed at the
 * incentive level (exact, no sampling) with the functions notebooks 03 and 07 use:
 *
 *   - the rater population's and the noisy oracle's label limits on human-corpus pairs
 *     (`rnoLimit`), their exact KL-regularised optima at six βs of notebook 03's grid
 *     (`tiltAtBeta`) and at the chosen KL (to the claim's tilt tolerance: regula falsi
 *     between grid βs, `tiltAtKl` beyond them), and the behaviours of each optimum
 *     (`exactMetrics`): sycophancy, exaggeration, fabrication,
 *     honest error, manoeuvre completion, the inflation gap and its two parts;
 *   - the manoeuvre boundaries of the raters' mean parameters (`closedBoundaries`: d*,
 *     the single-step and k-step label boundaries) and the single-step win probability
 *     against d (`labelWinProbability`);
 *   - one computed sentence per plot.
 *
 * An `ExploreEngine` keeps what a change of the controls leaves valid: the oracle's limit
 * does not depend on the raters' belief errors or their v, d, h (only on the world, the
 * utilities and the raters' mean rationality), and a change of the KL leash re-solves only
 * the read points. Cached and fresh results are identical (a test checks).
 */
import { closedBoundaries } from "../no-power-seeking/label-training";
import { labelWinProbability } from "../no-power-seeking/boundaries";
import { corpusReference } from "../raters-not-outcomes/incentive";
import { rnoLimit, RNO_TILT_OPTIONS, type Labeller } from "../raters-not-outcomes/run";
import { RNO_BUDGETS } from "../raters-not-outcomes/budget";
import { tiltAtBeta, tiltAtKl, type LabelLimit } from "../../incentive";
import {
  createWorld,
  exactDistribution,
  exactMetrics,
  meanRaterParams,
  utilityScale,
  type ExactDistribution,
  type PolicyTable,
  type World,
  type WorldConfig,
  type WorldMetrics,
} from "../../world";
import { formatCell } from "../../table";
import { checkSettings, settingsWorldConfig, type ExploreSettings } from "./settings";

/** The behaviours and utilities the page plots. */
export const EXPLORE_METRICS = [
  "sycophancyRate",
  "exaggerationRate",
  "fabricationRate",
  "honestErrorRate",
  "completionRate",
  "inflationGap",
  "overestimation",
  "underestimation",
  "trueUtility",
  "believedUtility",
] as const satisfies readonly (keyof WorldMetrics)[];

/** A plotted metric. */
export type ExploreMetricName = (typeof EXPLORE_METRICS)[number];

/** Display names of the behaviour panels (in the order drawn). */
export const BEHAVIOUR_PANELS: readonly { metric: ExploreMetricName; title: string }[] = [
  { metric: "sycophancyRate", title: "sycophancy (guess ≠ prior)" },
  { metric: "exaggerationRate", title: "exaggeration" },
  { metric: "fabricationRate", title: "fabrication" },
  { metric: "honestErrorRate", title: "honest error" },
  { metric: "completionRate", title: "manoeuvre completion" },
];

/** Exact KL to the corpus and the plotted metrics of one policy. */
export type ExploreMetrics = { kl: number } & Record<ExploreMetricName, number>;

/** One point of an exact curve: a labeller's optimum at a β of the grid or at the read KL. */
export type ExploreCurveRow = { labeller: "rater" | "oracle"; beta: number; point: "curve" | "read" } & ExploreMetrics;

/** The inflation gap and its parts for one policy at the read KL. */
export type GapRow = { policy: "corpus" | "rater" | "oracle"; inflationGap: number; overestimation: number; underestimation: number };

/** One point of the single-step win probability against d. */
export type WinRow = { d: number; pWin: number };

/** Where the manoeuvre boundaries sit for the raters' mean parameters. */
export interface BoundaryView {
  /** The raters' mean d, h, β_r and the penalty L. */
  d: number;
  h: number;
  betaR: number;
  L: number;
  k: number;
  /** d* = h/(h + L): where one step's expected believed value changes sign. */
  dStar: number;
  /** Single-step label boundary: where P(one more step wins) = ½. */
  dLabel: number;
  /** Whole-manoeuvre label boundary (null if the manoeuvre loses already at d = 0). */
  dLabelK: number | null;
  /** P(one more step wins) at the mean d. */
  pWin: number;
  /** P_win over a grid of d in [0, 1]. */
  win: WinRow[];
}

/** Everything the page draws for one setting. */
export interface ExploreModel {
  settings: ExploreSettings;
  /** The human corpus (the reference, KL 0). */
  base: ExploreMetrics;
  /** Exact curves of the rater-trained and oracle-trained limits (β grid, then the read point), sorted by KL per labeller. */
  curves: ExploreCurveRow[];
  /** Each limit's optimum at the read KL (null when its reward cannot pull that far). */
  read: { rater: ExploreMetrics | null; oracle: ExploreMetrics | null };
  /** Inflation gap and parts at the read KL (corpus, then each limit that reaches it). */
  gap: GapRow[];
  boundary: BoundaryView;
  /** One computed sentence per plot. */
  sentences: { behaviour: string; gap: string; boundary: string };
}

/**
 * The β grid of the exact curves: six of the ten βs of notebook 03's grid (full mode),
 * from about 2 nats down to nearly 0 at the default settings; the read point adds a seventh.
 */
export const EXPLORE_CURVE_BETAS: readonly number[] = [0.1, 0.2, 0.4, 0.8, 2, 4].filter((b) => RNO_BUDGETS.full.curveBetas.includes(b));

/** Significant digits of every number the page shows (the reports' tables of notebook 03 use 3). */
export const EXPLORE_DIGITS = 3;

/** A number as the page (and the reports) show it. */
export function fmt(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "—" : formatCell(x, EXPLORE_DIGITS);
}

function pick(m: WorldMetrics): ExploreMetrics {
  const out = { kl: m.kl } as ExploreMetrics;
  for (const k of EXPLORE_METRICS) out[k] = m[k];
  return out;
}

/** A labeller's limit with its curve and read-point distributions (kept between calls). */
interface LimitEntry {
  limit: LabelLimit;
  curve: { beta: number; dist: ExactDistribution }[];
  reads: Map<number, { beta: number; dist: ExactDistribution } | null>;
  curveMetrics?: { worldKey: string; rows: ExploreCurveRow[] };
}

/**
 * The optimum whose KL to the reference is `kl` (relative tolerance of the claim's tilts,
 * `RNO_TILT_OPTIONS`), or null when the reward cannot pull that far. Between two βs of the
 * curve grid whose KLs straddle `kl` (KL falls as β grows), log KL is nearly linear in
 * log β, so regula falsi on that line (Illinois variant) needs a few exact tilts where the
 * claim's bisection (`tiltAtKl`) needs about twenty. Outside the grid it is `tiltAtKl`.
 */
function readPoint(world: World, ref: PolicyTable, e: LimitEntry, kl: number): { beta: number; dist: ExactDistribution } | null {
  let lo: { beta: number; dist: ExactDistribution } | null = null; // KL ≥ target
  let hi: { beta: number; dist: ExactDistribution } | null = null; // KL < target
  for (const c of e.curve) {
    if (c.dist.kl >= kl && (lo === null || c.beta > lo.beta)) lo = c;
    if (c.dist.kl < kl && (hi === null || c.beta < hi.beta)) hi = c;
  }
  if (lo === null || hi === null || !(lo.beta < hi.beta)) {
    const t = tiltAtKl(world, ref, e.limit.reward, kl, RNO_TILT_OPTIONS);
    return t ? { beta: t.beta, dist: t.dist } : null;
  }
  const tol = RNO_TILT_OPTIONS.tolerance;
  const f = (d: ExactDistribution) => Math.log(d.kl / kl);
  let a = { x: Math.log(lo.beta), y: f(lo.dist), p: lo },
    b = { x: Math.log(hi.beta), y: f(hi.dist), p: hi };
  let side = 0;
  let best = Math.abs(a.y) < Math.abs(b.y) ? a.p : b.p;
  for (let iter = 0; iter < 60; iter++) {
    const x = b.y === a.y ? (a.x + b.x) / 2 : a.x - (a.y * (b.x - a.x)) / (b.y - a.y);
    const t = tiltAtBeta(world, ref, e.limit.reward, Math.exp(x));
    const y = f(t.dist);
    const p = { beta: t.beta, dist: t.dist };
    if (Math.abs(t.kl - kl) <= tol * kl) return p;
    if (Math.abs(t.kl - kl) < Math.abs(best.dist.kl - kl)) best = p;
    if (y > 0) {
      a = { x, y, p };
      if (side === -1) b.y /= 2;
      side = -1;
    } else {
      b = { x, y, p };
      if (side === 1) a.y /= 2;
      side = 1;
    }
    if (Math.abs(b.x - a.x) < 1e-12) break;
  }
  return best;
}

/** The noisy oracle as a claim-1 labeller. */
const ORACLE: Labeller = { name: "oracle", group: "main", judge: { kind: "oracle" } };

/**
 * Computes explore models, keeping the label limits and optima that later settings can
 * reuse. One engine per page; `compute` is synchronous (the page yields around it).
 */
export class ExploreEngine {
  private readonly limits = new Map<string, LimitEntry>();
  private readonly refs = new Map<string, { world: World; ref: PolicyTable }>();

  /** The model of `settings` (checked first). */
  compute(settings: ExploreSettings): ExploreModel {
    const s = checkSettings({ ...settings });
    const config = settingsWorldConfig(s);
    // The reference: the corpus of a world with this structure. Its table depends on the
    // outputs and the corpus only, never on the raters, so it is shared across settings.
    const { world: refWorld, ref } = this.reference(config);
    const world = createWorld(config);
    const base = pick(exactMetrics(world, exactDistribution(refWorld, ref, ref)));
    const raterL: Labeller = { name: "rater", group: "main", judge: { kind: "population", population: config.population } };
    const oracleL = ORACLE;
    const entries = {
      rater: this.limitEntry(`rater|${JSON.stringify(config)}`, refWorld, world, raterL, ref),
      oracle: this.limitEntry(`oracle|${oracleKey(config)}`, refWorld, world, oracleL, ref),
    };
    const curves: ExploreCurveRow[] = [];
    const read: ExploreModel["read"] = { rater: null, oracle: null };
    for (const labeller of ["rater", "oracle"] as const) {
      const e = entries[labeller];
      // Metrics depend on the world the beliefs are judged in: reuse them while it is unchanged.
      const worldKey = JSON.stringify(config);
      if (e.curveMetrics?.worldKey !== worldKey)
        e.curveMetrics = { worldKey, rows: e.curve.map((c) => ({ labeller, beta: c.beta, point: "curve" as const, ...pick(exactMetrics(world, c.dist)) })) };
      const rows: ExploreCurveRow[] = [...e.curveMetrics.rows];
      let r = e.reads.get(s.kl);
      if (r === undefined) {
        r = readPoint(refWorld, ref, e, s.kl);
        e.reads.set(s.kl, r);
      }
      if (r) {
        const m = pick(exactMetrics(world, r.dist));
        read[labeller] = m;
        rows.push({ labeller, beta: r.beta, point: "read", ...m });
      }
      rows.sort((a, b) => a.kl - b.kl);
      curves.push(...rows);
    }
    const gap: GapRow[] = [{ policy: "corpus", inflationGap: base.inflationGap, overestimation: base.overestimation, underestimation: base.underestimation }];
    for (const l of ["rater", "oracle"] as const) {
      const m = read[l];
      if (m) gap.push({ policy: l, inflationGap: m.inflationGap, overestimation: m.overestimation, underestimation: m.underestimation });
    }
    const boundary = boundaryView(world);
    return { settings: s, base, curves, read, gap, boundary, sentences: sentences(s, base, read, boundary) };
  }

  private reference(config: WorldConfig): { world: World; ref: PolicyTable } {
    const key = structureKey(config);
    let r = this.refs.get(key);
    if (!r) {
      const world = createWorld(config);
      r = { world, ref: corpusReference(world) };
      this.refs.set(key, r);
    }
    return r;
  }

  private limitEntry(key: string, refWorld: World, world: World, l: Labeller, ref: PolicyTable): LimitEntry {
    let e = this.limits.get(key);
    if (!e) {
      const limit = rnoLimit(world, l, ref);
      const curve = EXPLORE_CURVE_BETAS.map((beta) => ({ beta, dist: tiltAtBeta(refWorld, ref, limit.reward, beta).dist }));
      e = { limit, curve, reads: new Map() };
      // Bounded: a reader's session touches few settings, but keep memory flat anyway.
      if (this.limits.size >= 16) this.limits.delete(this.limits.keys().next().value!);
      this.limits.set(key, e);
    }
    return e;
  }
}

/** What fixes the outputs and the corpus (the reference table): everything but raters, beliefs and utilities. */
function structureKey(c: WorldConfig): string {
  return JSON.stringify({ answers: c.answers, k: c.manoeuvreLength, maxLen: c.maxLen, levels: c.levels, corpus: c.corpus });
}

/**
 * What the noisy oracle's labels depend on: the world without the raters' beliefs and
 * population, plus the population's mean rationality (the oracle's Boltzmann β,
 * `withNoisyOracle`).
 */
export function oracleKey(c: WorldConfig): string {
  const { belief: _b, population, ...rest } = c;
  return JSON.stringify({ ...rest, oracleRationality: meanRaterParams(population).rationality });
}

/** The boundaries of the world's mean rater, with P_win over d ∈ {0, 0.01, …, 1}. */
export function boundaryView(world: World): BoundaryView {
  const cfg = world.config;
  const mean = meanRaterParams(cfg.population);
  const h = cfg.belief.biases.manoeuvreAppeal ? mean.appeal : 0;
  const rater = { appeal: h, rationality: mean.rationality };
  const L = cfg.belief.noticedStepPenalty;
  const scale = utilityScale(cfg);
  const k = cfg.manoeuvreLength;
  // With h = L = 0 a step is worth nothing either way: no boundary exists (the closed forms need h + L > 0).
  const b = h + L > 0 ? closedBoundaries(world, rater, k) : { dStar: NaN, dLabel: NaN, dLabelK: null };
  const win: WinRow[] = Array.from({ length: 101 }, (_, i) => ({ d: i / 100, pWin: labelWinProbability(i / 100, h, L, mean.rationality, scale) }));
  return { d: mean.detect, h, betaR: mean.rationality, L, k, ...b, pWin: labelWinProbability(mean.detect, h, L, mean.rationality, scale), win };
}

function signed(x: number): string {
  return (x >= 0 ? "+" : "−") + fmt(Math.abs(x));
}

/** The three computed sentences. */
function sentences(s: ExploreSettings, base: ExploreMetrics, read: ExploreModel["read"], b: BoundaryView): ExploreModel["sentences"] {
  const kl = fmt(s.kl);
  const r = read.rater,
    o = read.oracle;
  const rise = (m: ExploreMetrics | null, key: ExploreMetricName) => (m ? signed(m[key] - base[key]) : "—");
  const behaviour =
    r === null
      ? `At these settings the rater-trained limit cannot reach KL ${kl}: its best outputs already carry that much of the corpus's mass.`
      : `At KL ${kl} rater feedback changes fabrication by ${rise(r, "fabricationRate")} over the corpus (oracle feedback: ${rise(o, "fabricationRate")}), sycophancy by ${rise(r, "sycophancyRate")} (oracle ${rise(o, "sycophancyRate")}), exaggeration by ${rise(r, "exaggerationRate")} (oracle ${rise(o, "exaggerationRate")}) and honest error by ${rise(r, "honestErrorRate")}; it completes the manoeuvre ${fmt(r.completionRate / base.completionRate)}× as often as the corpus.`;
  const gap =
    r === null
      ? `The corpus's inflation gap is ${fmt(base.inflationGap)} (E⁺ ${fmt(base.overestimation)}, E⁻ ${fmt(base.underestimation)}); the rater-trained limit does not reach KL ${kl}.`
      : `At KL ${kl} the rater-trained limit's inflation gap is ${fmt(r.inflationGap)} (over-estimation E⁺ ${fmt(r.overestimation)}, under-estimation E⁻ ${fmt(r.underestimation)}), against ${fmt(base.inflationGap)} for the corpus` +
        (o
          ? ` and ${fmt(o.inflationGap)} for the oracle-trained limit; true utility ${fmt(r.trueUtility)} against ${fmt(base.trueUtility)} and ${fmt(o.trueUtility)}.`
          : `; true utility ${fmt(r.trueUtility)} against ${fmt(base.trueUtility)}.`);
  const completes = r
    ? `; the rater-trained limit at KL ${kl} completes the manoeuvre ${fmt(r.completionRate / base.completionRate)}× as often as the corpus.`
    : ".";
  if (!Number.isFinite(b.dStar)) {
    const boundary = `With h = 0 and L = 0 a manoeuvre step is worth nothing to the raters, noticed or not, so there is no boundary (P_win = ${fmt(b.pWin)})${completes}`;
    return { behaviour, gap, boundary };
  }
  const side =
    b.d < b.dStar
      ? "below d*: even the expected believed value of a step is positive"
      : b.d < b.dLabel
        ? "between d* and d_label: a step loses believed value on average but still wins more comparisons than it loses"
        : "above d_label: a step loses more comparisons than it wins";
  const whole =
    b.dLabelK === null ? "the whole manoeuvre loses its comparison at any d" : `for the whole ${b.k}-step manoeuvre against none: ${fmt(b.dLabelK)}`;
  const boundary =
    `With mean h = ${fmt(b.h)}, L = ${fmt(b.L)} and β_r = ${fmt(b.betaR)}, d* = ${fmt(b.dStar)} and the label boundary d_label = ${fmt(b.dLabel)} (${whole}); ` +
    `the raters' mean d = ${fmt(b.d)} lies ${side} (P_win = ${fmt(b.pWin)})${completes}`;
  return { behaviour, gap, boundary };
}
