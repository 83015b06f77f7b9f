/**
 * One way to build every trainer's config: named defaults, overrides, then one
 * validation function that names field, value and allowed range on failure.
 */
import { ConfigError } from "../errors";

/** Merges `overrides` into `defaults`, rejects unknown fields, then runs `validate`. */
export function resolveConfig<T extends object>(defaults: T, overrides: Partial<T>, validate: (c: T) => void): T {
  for (const k of Object.keys(overrides)) {
    if (!(k in defaults)) throw new ConfigError(k, (overrides as Record<string, unknown>)[k], `a known field: ${Object.keys(defaults).join(", ")}`);
  }
  const c = { ...defaults, ...stripUndefined(overrides) } as T;
  validate(c);
  return c;
}

function stripUndefined<T extends object>(o: Partial<T>): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Linear decay factor 1 − t/T for step t of T (used as an SGD learning-rate schedule). */
export function linearDecay(step: number, total: number): number {
  return Math.max(0, 1 - step / total);
}
