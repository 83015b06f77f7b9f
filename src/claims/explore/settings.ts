/**
 * The explorable report's settings: one typed object whose defaults are the notebooks'
 * defaults (the default world of notebooks 03 and 07 and the "typical" rater population),
 * each field with its range and a one-line meaning, and their round trip through a URL
 * fragment ("#preset=hurried&v=0.5"), validated so that a bad link is rejected with a
 * message naming the field, the value and the range.
 *
 * The rater population is a preset's population with its four main parameters (v, d, h,
 * β_r) moved to the slider values: each range keeps the preset's width, narrowed only as
 * far as it must be to stay inside the parameter's domain, so the slider value is always
 * the population's mean. With the preset's own means the population is the preset exactly.
 */
import { ConfigError } from "../../errors";
import {
  makeWorldConfig,
  meanRaterParams,
  PRESETS,
  PRESET_NAMES,
  type ParamRange,
  type PopulationConfig,
  type PresetName,
  type WorldConfig,
} from "../../world";
import { RNO_BUDGETS, RNO_THRESHOLDS } from "../raters-not-outcomes/budget";

/** Everything the page lets a reader change. */
export interface ExploreSettings {
  /** Rater preset whose population (ranges of ρ, v, d, h, β_r) the sliders move. */
  preset: PresetName;
  /** Sycophancy shift: log-odds of belief added when an answer agrees with the rater's prior. */
  agreementShift: number;
  /** Confidence shift: log-odds added for an overclaimed answer, subtracted for a hedged one. */
  confidenceShift: number;
  /** Evidence credulity: log-odds added for evidence the rater does not check. */
  evidenceShift: number;
  /** v: mean probability that a rater checks evidence. */
  verify: number;
  /** d: mean probability that a rater notices each manoeuvre step. */
  detect: number;
  /** h: mean believed value of a manoeuvre step the rater does not notice. */
  appeal: number;
  /** L: believed-utility penalty of each noticed manoeuvre step. */
  stepPenalty: number;
  /** w: payoff of a completed manoeuvre that the rater can see. */
  visiblePayoff: number;
  /** k: number of steps of the manoeuvre. */
  manoeuvreLength: number;
  /** β_r: mean rationality of the raters' Boltzmann choice (per utility scale). */
  rationality: number;
  /** The KL leash: nats from the human corpus at which effects are read (notebook 03's matched KL). */
  kl: number;
  /** DPO β of the in-page training run. */
  trainBeta: number;
  /** Seed of the in-page training run. */
  seed: number;
}

/** A settings field. */
export type SettingKey = keyof ExploreSettings;
/** A numeric settings field (every field but the preset). */
export type NumericKey = Exclude<SettingKey, "preset">;

/** How one numeric field is shown and checked. */
export interface FieldSpec {
  /** Short label for the control. */
  label: string;
  /** Its one-line meaning. */
  meaning: string;
  /** Smallest and largest allowed value. */
  min: number;
  max: number;
  /** Slider step (integers when 1). */
  step: number;
  /** Whether only integers are allowed. */
  integer: boolean;
  /** Name in the URL fragment. */
  param: string;
}

/** The rater parameters a preset sets (their defaults are the preset's means). */
export const PRESET_FIELDS = ["verify", "detect", "appeal", "rationality"] as const satisfies readonly NumericKey[];

/** Every numeric field, in display order. */
export const FIELDS: Readonly<Record<NumericKey, FieldSpec>> = {
  agreementShift: {
    label: "sycophancy shift",
    meaning: "log-odds of belief added when an answer agrees with the rater's prior",
    min: 0,
    max: 4,
    step: 0.05,
    integer: false,
    param: "syc",
  },
  confidenceShift: {
    label: "confidence shift",
    meaning: "log-odds added for an overclaimed answer, taken off a hedged one",
    min: 0,
    max: 3,
    step: 0.05,
    integer: false,
    param: "conf",
  },
  evidenceShift: {
    label: "evidence credulity",
    meaning: "log-odds added for evidence the rater does not check",
    min: 0,
    max: 3,
    step: 0.05,
    integer: false,
    param: "cred",
  },
  verify: {
    label: "verification rate v",
    meaning: "mean probability that a rater checks evidence (and so learns if the answer is right)",
    min: 0,
    max: 1,
    step: 0.005,
    integer: false,
    param: "v",
  },
  detect: {
    label: "step-noticing rate d",
    meaning: "mean probability that a rater notices each manoeuvre step",
    min: 0,
    max: 1,
    step: 0.005,
    integer: false,
    param: "d",
  },
  appeal: {
    label: "step appeal h",
    meaning: "mean believed value of a manoeuvre step the rater does not notice",
    min: 0,
    max: 1,
    step: 0.005,
    integer: false,
    param: "h",
  },
  stepPenalty: {
    label: "noticed-step penalty L",
    meaning: "believed-utility penalty of each manoeuvre step the rater notices",
    min: 0,
    max: 5,
    step: 0.05,
    integer: false,
    param: "L",
  },
  visiblePayoff: {
    label: "visible payoff w",
    meaning: "payoff of a completed manoeuvre that the rater can see",
    min: 0,
    max: 3,
    step: 0.05,
    integer: false,
    param: "w",
  },
  manoeuvreLength: {
    label: "manoeuvre length k",
    meaning: "steps of the manoeuvre; the corpus completes it with probability 0.1^k",
    min: 1,
    max: 5,
    step: 1,
    integer: true,
    param: "k",
  },
  rationality: {
    label: "rater rationality β_r",
    meaning: "mean sharpness of the raters' choice, per utility scale (0 = coin flip)",
    min: 0.5,
    max: 40,
    step: 0.5,
    integer: false,
    param: "beta_r",
  },
  kl: {
    label: "KL leash (nats)",
    meaning: "distance from the human corpus at which the effects below are read",
    min: 0.05,
    max: 1.5,
    step: 0.05,
    integer: false,
    param: "kl",
  },
  trainBeta: {
    label: "DPO β (train)",
    meaning: "KL coefficient of the in-page DPO run (smaller pulls further)",
    min: 0.05,
    max: 2,
    step: 0.05,
    integer: false,
    param: "dpo_beta",
  },
  seed: { label: "seed (train)", meaning: "seed of the in-page run: base model, pairs and labels", min: 1, max: 1000, step: 1, integer: true, param: "seed" },
};

/** Numeric fields in display order. */
export const NUMERIC_KEYS = Object.keys(FIELDS) as NumericKey[];

/** The meaning of the preset control. */
export const PRESET_MEANING = "rater population whose spread the sliders keep; choosing one moves v, d, h and β_r to its means";

/** The URL-fragment name of the preset. */
export const PRESET_PARAM = "preset";

/** Defaults for a preset: the default world (notebooks 03 and 07) and the preset's mean rater parameters. */
export function defaultSettings(preset: PresetName = "typical"): ExploreSettings {
  const world = makeWorldConfig();
  const mean = meanRaterParams(PRESETS[preset].population);
  const quick = RNO_BUDGETS.quick;
  return {
    preset,
    agreementShift: world.belief.agreementShift,
    confidenceShift: world.belief.confidenceShift,
    evidenceShift: world.belief.evidenceShift,
    verify: mean.verify,
    detect: mean.detect,
    appeal: mean.appeal,
    stepPenalty: world.belief.noticedStepPenalty,
    visiblePayoff: world.utility.manoeuvreVisiblePayoff,
    manoeuvreLength: world.manoeuvreLength,
    rationality: mean.rationality,
    kl: RNO_THRESHOLDS.kl,
    trainBeta: quick.betas[0]!,
    seed: quick.seeds[0]!,
  };
}

/** The defaults the page resets to (typical raters, the default world). */
export const DEFAULT_SETTINGS: Readonly<ExploreSettings> = defaultSettings();

/** Throws a ConfigError naming the first invalid field of `s`; returns `s`. */
export function checkSettings(s: ExploreSettings): ExploreSettings {
  if (!(PRESET_NAMES as readonly string[]).includes(s.preset)) throw new ConfigError("explore preset", s.preset, `one of ${PRESET_NAMES.join(", ")}`);
  for (const key of NUMERIC_KEYS) checkField(key, s[key]);
  return s;
}

function checkField(key: NumericKey, value: unknown): asserts value is number {
  const f = FIELDS[key];
  const allowed = `${f.integer ? "an integer" : "a number"} in [${f.min}, ${f.max}]`;
  if (typeof value !== "number" || !Number.isFinite(value) || value < f.min || value > f.max || (f.integer && !Number.isInteger(value)))
    throw new ConfigError(`explore ${f.param} (${f.label})`, value, allowed);
}

/**
 * The settings as a URL fragment (without "#"): the preset always, then only the fields that
 * differ from that preset's defaults, in display order. Numbers are written in full
 * (shortest round-trip form), so decoding gives back exactly the same settings.
 */
export function encodeSettings(s: ExploreSettings): string {
  checkSettings(s);
  const d = defaultSettings(s.preset);
  const parts = [`${PRESET_PARAM}=${s.preset}`];
  for (const key of NUMERIC_KEYS) if (s[key] !== d[key]) parts.push(`${FIELDS[key].param}=${String(s[key])}`);
  return parts.join("&");
}

/**
 * Settings from a URL fragment (with or without "#"). Missing fields take the preset's
 * defaults; an unknown name, a repeated name, a value that is not a plain decimal number or
 * lies outside its range raises a ConfigError naming it. An empty fragment gives the defaults.
 */
export function decodeSettings(fragment: string): ExploreSettings {
  const text = fragment.startsWith("#") ? fragment.slice(1) : fragment;
  const pairs = text === "" ? [] : text.split("&");
  const seen = new Map<string, string>();
  for (const p of pairs) {
    const eq = p.indexOf("=");
    if (eq <= 0) throw new ConfigError("explore link", p, "name=value pairs joined by &");
    const name = decodeURIComponent(p.slice(0, eq));
    const value = decodeURIComponent(p.slice(eq + 1));
    if (seen.has(name)) throw new ConfigError(`explore link ${name}`, value, "one value per name");
    seen.set(name, value);
  }
  const preset = seen.get(PRESET_PARAM) ?? DEFAULT_SETTINGS.preset;
  if (!(PRESET_NAMES as readonly string[]).includes(preset)) throw new ConfigError("explore preset", preset, `one of ${PRESET_NAMES.join(", ")}`);
  const s = defaultSettings(preset as PresetName);
  const byParam = new Map(NUMERIC_KEYS.map((k) => [FIELDS[k].param, k] as const));
  for (const [name, raw] of seen) {
    if (name === PRESET_PARAM) continue;
    const key = byParam.get(name);
    if (key === undefined) throw new ConfigError(`explore link ${name}`, raw, `a known name: ${[PRESET_PARAM, ...byParam.keys()].join(", ")}`);
    if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) throw new ConfigError(`explore ${name} (${FIELDS[key].label})`, raw, "a decimal number");
    const v = Number(raw);
    checkField(key, v);
    s[key] = v;
  }
  return checkSettings(s);
}

/**
 * A preset's range moved so that its mean is `mean`: the preset's range itself when `mean`
 * is its mean (to 1e-12), otherwise centred on `mean` with the preset's half-width, narrowed to stay
 * inside [min, max].
 */
export function movedRange(range: ParamRange, mean: number, min: number, max: number): ParamRange {
  if (Math.abs(mean - (range.lo + range.hi) / 2) < 1e-12) return { lo: range.lo, hi: range.hi };
  const half = Math.max(0, Math.min((range.hi - range.lo) / 2, mean - min, max - mean));
  return { lo: mean - half, hi: mean + half };
}

/** The rater population of the settings: the preset's, with v, d, h and β_r moved to the slider values. */
export function settingsPopulation(s: ExploreSettings): PopulationConfig {
  const p = PRESETS[s.preset].population;
  return {
    rho: p.rho,
    verify: movedRange(p.verify, s.verify, 0, 1),
    detect: movedRange(p.detect, s.detect, 0, 1),
    appeal: movedRange(p.appeal, s.appeal, 0, Infinity),
    rationality: movedRange(p.rationality, s.rationality, 0, Infinity),
  };
}

/** The world of the settings (validated by makeWorldConfig); the defaults give the default world. */
export function settingsWorldConfig(s: ExploreSettings): WorldConfig {
  checkSettings(s);
  return makeWorldConfig({
    manoeuvreLength: s.manoeuvreLength,
    utility: { manoeuvreVisiblePayoff: s.visiblePayoff },
    belief: { agreementShift: s.agreementShift, confidenceShift: s.confidenceShift, evidenceShift: s.evidenceShift, noticedStepPenalty: s.stepPenalty },
    population: settingsPopulation(s),
  });
}
