/**
 * A sweep spec and its expansion into runs. A spec is plain data (from YAML or JSON):
 *
 *   base:  { trainer: { epochs: 2 } }             # laid over the run defaults (run.ts)
 *   grid:                                          # every combination, first axis outermost
 *     world.population.verify: [{ lo: 0, hi: 0 }, { lo: 1, hi: 1 }]
 *     trainer.beta: [0.1, 0.25]
 *   list:                                          # and/or explicit variants (each × the grid)
 *     - { labeller: rater }
 *     - { labeller: oracle }
 *   seeds: 1-20                                    # or [1, 2, 5], or { first: 1, count: 20 }
 *   summary: { by: [trainer.beta] }                # grouping of the summary table (default: what varies)
 *
 * Runs come out in a fixed order (list entry, then grid combination, then seed), each with
 * its resolved config, its seed and its parameters as flat dotted columns. Every run config
 * is checked before the first run: a ConfigError names the field (prefixed by where it came
 * from, e.g. `grid.trainer.beta[1]: trainer.beta`), the value and the allowed range.
 */
import { ConfigError } from "../../errors";
import { resolveDpoRun, type DpoRunConfig } from "./run";

/** A sweep spec as written. */
export interface SweepSpec {
  /** A name for the sweep (shown in progress lines); optional. */
  name?: string;
  /** Fields laid over the run defaults for every run. */
  base?: Record<string, unknown>;
  /** Dotted path → list of values; the runs are every combination. */
  grid?: Record<string, unknown[]>;
  /** Explicit variants, each laid over `base` and crossed with the grid. */
  list?: Record<string, unknown>[];
  /** Seeds: a list, a range "a-b", or { first, count }. */
  seeds: number[] | string | { first: number; count: number };
  /** Summary options. */
  summary?: { by?: string[] };
}

/** Fields of a spec. */
export const SPEC_FIELDS = ["name", "base", "grid", "list", "seeds", "summary"] as const;

/** Most runs one spec may expand to (a guard against a typo multiplying a grid). */
export const MAX_RUNS = 100_000;

/** One run of a sweep. */
export interface PlannedRun {
  /** Position in the sweep (0-based). */
  index: number;
  /** The resolved run config (without the seed). */
  config: DpoRunConfig;
  seed: number;
  /** Every parameter of the run as a flat dotted column (arrays kept as arrays). */
  params: Record<string, unknown>;
}

/** An expanded, checked sweep. */
export interface SweepPlan {
  name: string;
  runs: PlannedRun[];
  /** Parameter columns in order of first appearance. */
  paramColumns: string[];
  /** Columns the summary groups by. */
  summaryBy: string[];
  seeds: number[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses seeds: "1-20" (inclusive range), "1,2,5", a list of integers, or { first, count }.
 * Seeds are distinct positive integers (TensorFlow.js treats 0 as "no seed").
 */
export function parseSeeds(v: unknown, field = "seeds"): number[] {
  let xs: unknown[];
  if (typeof v === "number") xs = [v];
  else if (typeof v === "string") {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(v);
    if (m) {
      const a = Number(m[1]),
        b = Number(m[2]);
      if (b < a || b - a >= 10_000) throw new ConfigError(field, v, "a range a-b with a ≤ b and at most 10000 seeds");
      xs = Array.from({ length: b - a + 1 }, (_, i) => a + i);
    } else xs = v.split(",").map((s) => (s.trim() === "" ? NaN : Number(s)));
  } else if (Array.isArray(v)) xs = v;
  else if (isObject(v)) {
    const { first, count, ...rest } = v;
    for (const k of Object.keys(rest)) throw new ConfigError(`${field}.${k}`, rest[k], "a known field (first, count)");
    if (!Number.isInteger(first) || (first as number) < 1) throw new ConfigError(`${field}.first`, first, "an integer ≥ 1");
    if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 10_000)
      throw new ConfigError(`${field}.count`, count, "an integer in [1, 10000]");
    xs = Array.from({ length: count as number }, (_, i) => (first as number) + i);
  } else throw new ConfigError(field, v, 'a list of seeds, a range "a-b", or { first, count }');
  if (xs.length === 0) throw new ConfigError(field, v, "at least one seed");
  xs.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 1 || x > 1_000_000_000)
      throw new ConfigError(`${field}[${i}]`, x, "an integer in [1, 1000000000]");
  });
  if (new Set(xs).size !== xs.length) throw new ConfigError(field, v, "distinct seeds");
  return xs as number[];
}

/** A deep copy of `target` with `value` at the dotted `path` (intermediate objects created). */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split(".");
  if (keys.some((k) => k === "")) throw new ConfigError(path, value, "a dotted field path such as trainer.beta");
  const out = structuredClone(target);
  let o: Record<string, unknown> = out;
  keys.slice(0, -1).forEach((k) => {
    if (!isObject(o[k])) o[k] = {};
    o = o[k] as Record<string, unknown>;
  });
  o[keys[keys.length - 1]!] = structuredClone(value);
  return out;
}

/** `over` laid over `base`: plain objects merged key by key, anything else replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = isObject(out[k]) && isObject(v) ? deepMerge(out[k] as Record<string, unknown>, v) : structuredClone(v);
  return out;
}

/** Nested config → flat dotted columns (arrays and scalars are leaves). */
export function flatten(o: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isObject(v)) Object.assign(out, flatten(v, key));
    else out[key] = v;
  }
  return out;
}

function resolveAt(where: string, config: Record<string, unknown>): DpoRunConfig {
  try {
    return resolveDpoRun(config);
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError(where ? `${where}: ${e.field}` : e.field, e.value, e.allowed);
    throw e;
  }
}

/** Checks a spec and expands it into runs (nothing runs). */
export function planSweep(spec: unknown): SweepPlan {
  if (!isObject(spec)) throw new ConfigError("spec", spec, `an object with fields ${SPEC_FIELDS.join(", ")}`);
  for (const k of Object.keys(spec)) {
    if (!(SPEC_FIELDS as readonly string[]).includes(k)) throw new ConfigError(k, spec[k], `a known spec field (one of ${SPEC_FIELDS.join(", ")})`);
  }
  const name = spec["name"] ?? "sweep";
  if (typeof name !== "string" || name.length === 0 || name.length > 200) throw new ConfigError("name", name, "a non-empty string");
  const base = spec["base"] ?? {};
  if (!isObject(base)) throw new ConfigError("base", base, "an object of run fields");
  resolveAt("base", base);
  if (spec["seeds"] === undefined) throw new ConfigError("seeds", undefined, 'a list of seeds, a range "a-b", or { first, count } (required)');
  const seeds = parseSeeds(spec["seeds"]);

  const grid = spec["grid"] ?? {};
  if (!isObject(grid)) throw new ConfigError("grid", grid, "an object: dotted field path → list of values");
  const axes = Object.entries(grid).map(([path, values]) => {
    if (!Array.isArray(values) || values.length === 0) throw new ConfigError(`grid.${path}`, values, "a non-empty list of values");
    // Each value alone over the base, so an error names the axis and the value's position.
    values.forEach((v, i) => resolveAt(`grid.${path}[${i}]`, setPath(base, path, v)));
    return { path, values };
  });
  const list = spec["list"] ?? [{}];
  if (!Array.isArray(list) || list.length === 0) throw new ConfigError("list", list, "a non-empty list of run variants");
  list.forEach((entry, i) => {
    if (!isObject(entry)) throw new ConfigError(`list[${i}]`, entry, "an object of run fields");
    resolveAt(`list[${i}]`, deepMerge(base, entry));
  });

  const combos = axes.reduce<Record<string, unknown>[]>((acc, a) => acc.flatMap((c) => a.values.map((v) => ({ ...c, [a.path]: v }))), [{}]);
  const total = list.length * combos.length * seeds.length;
  if (total > MAX_RUNS) throw new ConfigError("spec", `${total} runs`, `at most ${MAX_RUNS} runs (list × grid × seeds)`);

  const runs: PlannedRun[] = [];
  const columns = new Set<string>();
  const varied = new Set<string>(axes.map((a) => a.path));
  (list as Record<string, unknown>[]).forEach((entry, li) => {
    for (const k of Object.keys(flatten(entry))) varied.add(k);
    combos.forEach((combo, ci) => {
      let raw = deepMerge(base, entry);
      for (const [path, v] of Object.entries(combo)) raw = setPath(raw, path, v);
      const config = resolveAt(list.length > 1 ? `list[${li}] × grid combination ${ci}` : `grid combination ${ci}`, raw);
      const params = flatten(config as unknown as Record<string, unknown>);
      for (const k of Object.keys(params)) columns.add(k);
      for (const seed of seeds) runs.push({ index: runs.length, config, seed, params });
    });
  });
  const paramColumns = [...columns];
  const summary = spec["summary"] ?? {};
  if (!isObject(summary)) throw new ConfigError("summary", summary, "an object { by: [columns] }");
  for (const k of Object.keys(summary)) if (k !== "by") throw new ConfigError(`summary.${k}`, summary[k], "a known field (by)");
  let summaryBy = [...varied].filter((c) => paramColumns.includes(c) || paramColumns.some((p) => p.startsWith(c + ".")));
  summaryBy = summaryBy.flatMap((c) => (paramColumns.includes(c) ? [c] : paramColumns.filter((p) => p.startsWith(c + "."))));
  if (summary["by"] !== undefined) {
    const by = summary["by"];
    if (!Array.isArray(by)) throw new ConfigError("summary.by", by, "a list of parameter columns");
    by.forEach((c, i) => {
      if (typeof c !== "string" || !paramColumns.includes(c))
        throw new ConfigError(`summary.by[${i}]`, c, `a parameter column (one of ${paramColumns.join(", ")})`);
    });
    summaryBy = by as string[];
  }
  return { name, runs, paramColumns, summaryBy: [...new Set(summaryBy)], seeds };
}
