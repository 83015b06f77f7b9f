/**
 * Validating a claim runner's config before any work: {@link resolveBudget}'s field rules,
 * plus fields whose shape the rules cannot express (a list of objects, a rater population),
 * each checked by its own function. Errors are ConfigErrors naming the field, the value and
 * the allowed range; unknown keys are rejected.
 */
import { ConfigError } from "../../errors";
import { validatePopulation, type PopulationConfig } from "../../world";
import { checkField, resolveBudget, type BudgetRules, type FieldRule } from "./budget";

/** Checks one field's value; throws a ConfigError naming `field`. */
export type FieldCheck = (field: string, value: unknown) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * `overrides` laid over `defaults` and checked: fields in `rules` as {@link resolveBudget}
 * does (nested objects merged one level deep), fields in `custom` by their own check (an
 * override replaces the default whole). Any other key is rejected.
 */
export function resolveConfig<C extends object>(name: string, defaults: C, rules: BudgetRules, custom: Readonly<Record<string, FieldCheck>>, overrides: unknown = {}): C {
  if (overrides === undefined || overrides === null) overrides = {};
  if (!isObject(overrides)) throw new ConfigError(name, overrides, "an object of config fields");
  const known = [...Object.keys(rules), ...Object.keys(custom)].join(", ");
  const split = (o: Record<string, unknown>) => {
    const plain: Record<string, unknown> = {}, special: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (custom[k]) special[k] = v;
      else if (rules[k]) plain[k] = v;
      else throw new ConfigError(`${name}.${k}`, v, `a known field (one of ${known})`);
    }
    return { plain, special };
  };
  const d = split(defaults as Record<string, unknown>), o = split(overrides);
  const special = { ...d.special, ...o.special };
  for (const [k, v] of Object.entries(special)) custom[k]!(`${name}.${k}`, v);
  const plain = resolveBudget(name, d.plain, rules, o.plain);
  return { ...(defaults as Record<string, unknown>), ...plain, ...special } as C;
}

/** A list of objects, each checked against `rules` with every field required. */
export function objectListCheck(rules: BudgetRules, minLength: number, maxLength: number): FieldCheck {
  return (field, value) => {
    if (!Array.isArray(value) || value.length < minLength || value.length > maxLength) {
      throw new ConfigError(field, value, `a list of ${minLength}–${maxLength} objects with fields ${Object.keys(rules).join(", ")}`);
    }
    value.forEach((item, i) => {
      const rule: FieldRule = { kind: "object", rules };
      checkField(`${field}[${i}]`, item, rule);
      for (const k of Object.keys(rules)) if (!(k in (item as object))) throw new ConfigError(`${field}[${i}].${k}`, undefined, "a required field");
    });
  };
}

const POPULATION_FIELDS = ["rho", "verify", "detect", "appeal", "rationality"] as const;

/** A rater population: an object with exactly the population's ranges, each valid ({@link validatePopulation}). */
export const populationCheck: FieldCheck = (field, value) => {
  if (!isObject(value)) throw new ConfigError(field, value, "a rater population { rho, verify, detect, appeal, rationality }");
  for (const k of Object.keys(value)) {
    if (!(POPULATION_FIELDS as readonly string[]).includes(k)) throw new ConfigError(`${field}.${k}`, value[k], `a known field (one of ${POPULATION_FIELDS.join(", ")})`);
  }
  for (const k of POPULATION_FIELDS) {
    const r = value[k];
    if (!isObject(r)) throw new ConfigError(`${field}.${k}`, r, "a range { lo, hi }");
    for (const e of ["lo", "hi"]) {
      if (typeof r[e] !== "number" || !Number.isFinite(r[e])) throw new ConfigError(`${field}.${k}.${e}`, r[e], "a finite number");
    }
  }
  validatePopulation(value as unknown as PopulationConfig, field);
};
