/**
 * Validating a claim's budget before any work: each field has a rule, unknown keys are
 * rejected, and every bound is finite so no loop can run forever. Errors are ConfigErrors
 * naming the field, the value and the allowed range, as the trainer configs do.
 */
import { ConfigError } from "../../errors";

/** The rule for one budget field. Every numeric rule has finite bounds. */
export type FieldRule =
  | { kind: "integer"; min: number; max: number }
  | { kind: "number"; min: number; max: number }
  | { kind: "integers"; min: number; max: number; minLength?: number; maxLength?: number }
  | { kind: "numbers"; min: number; max: number; minLength?: number; maxLength?: number }
  | { kind: "oneOf"; options: readonly string[] }
  | { kind: "subset"; options: readonly string[]; minLength?: number }
  | { kind: "boolean" }
  | { kind: "object"; rules: BudgetRules };

/** Field name → rule. */
export type BudgetRules = Readonly<Record<string, FieldRule>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function range(kind: "an integer" | "a finite number", min: number, max: number): string {
  return `${kind} in [${min}, ${max}]`;
}

function checkScalar(field: string, v: unknown, integer: boolean, min: number, max: number): void {
  const ok = typeof v === "number" && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v));
  if (!ok) throw new ConfigError(field, v, range(integer ? "an integer" : "a finite number", min, max));
}

function checkList(field: string, v: unknown, minLength: number, maxLength: number, what: string): unknown[] {
  if (!Array.isArray(v) || v.length < minLength || v.length > maxLength) {
    throw new ConfigError(field, v, `a list of ${minLength}–${maxLength} ${what}`);
  }
  return v;
}

/** Checks one value against its rule; throws a ConfigError naming `field`. */
export function checkField(field: string, v: unknown, rule: FieldRule): void {
  switch (rule.kind) {
    case "integer":
    case "number":
      return checkScalar(field, v, rule.kind === "integer", rule.min, rule.max);
    case "integers":
    case "numbers": {
      const what = `${rule.kind === "integers" ? "integers" : "finite numbers"} in [${rule.min}, ${rule.max}]`;
      const xs = checkList(field, v, rule.minLength ?? 1, rule.maxLength ?? 1000, what);
      xs.forEach((x, i) => checkScalar(`${field}[${i}]`, x, rule.kind === "integers", rule.min, rule.max));
      return;
    }
    case "oneOf":
      if (typeof v !== "string" || !rule.options.includes(v)) throw new ConfigError(field, v, `one of ${rule.options.map((o) => JSON.stringify(o)).join(", ")}`);
      return;
    case "subset": {
      const xs = checkList(field, v, rule.minLength ?? 0, rule.options.length, `of ${rule.options.map((o) => JSON.stringify(o)).join(", ")}`);
      xs.forEach((x, i) => {
        if (typeof x !== "string" || !rule.options.includes(x)) throw new ConfigError(`${field}[${i}]`, x, `one of ${rule.options.map((o) => JSON.stringify(o)).join(", ")}`);
      });
      return;
    }
    case "boolean":
      if (typeof v !== "boolean") throw new ConfigError(field, v, "true or false");
      return;
    case "object":
      if (!isObject(v)) throw new ConfigError(field, v, "an object");
      checkFields(field, v, rule.rules);
      return;
  }
}

function checkFields(prefix: string, v: Record<string, unknown>, rules: BudgetRules): void {
  for (const key of Object.keys(v)) {
    const name = prefix ? `${prefix}.${key}` : key;
    const rule = rules[key];
    if (!rule) throw new ConfigError(name, v[key], `a known field (one of ${Object.keys(rules).join(", ")})`);
    checkField(name, v[key], rule);
  }
}

/**
 * `overrides` laid over `defaults` (nested objects merged one level deep), then every field
 * checked against `rules`. `name` prefixes field names in errors, e.g. "claim 1 budget.pairs".
 */
export function resolveBudget<B extends object>(name: string, defaults: B, rules: BudgetRules, overrides: unknown = {}): B {
  if (overrides === undefined || overrides === null) overrides = {};
  if (!isObject(overrides)) throw new ConfigError(name, overrides, "an object of budget fields");
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(overrides)) {
    const d = merged[k];
    merged[k] = isObject(d) && isObject(v) ? { ...d, ...v } : v;
  }
  for (const key of Object.keys(merged)) {
    if (!rules[key]) throw new ConfigError(`${name}.${key}`, merged[key], `a known field (one of ${Object.keys(rules).join(", ")})`);
    checkField(`${name}.${key}`, merged[key], rules[key]!);
  }
  return merged as B;
}

/** The seeds rule every budget shares: 1–100 distinct positive integers (TensorFlow.js treats seed 0 as "no seed"). */
export const SEEDS_RULE: FieldRule = { kind: "integers", min: 1, max: 1_000_000, minLength: 1, maxLength: 100 };
