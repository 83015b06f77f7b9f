/**
 * Small checks used by every config's `validate…` function. Each throws a
 * {@link ConfigError} that names the field, the offending value and the allowed range.
 */
import { ConfigError, NonFiniteError } from "./errors";

/** `value` must be a finite number in [0, 1]. */
export function checkProbability(field: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new ConfigError(field, value, "a probability in [0, 1]");
  }
}

/** `value` must be finite and > 0 (or ≥ 0 when `allowZero`). */
export function checkPositive(field: string, value: number, allowZero = false): void {
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok) throw new ConfigError(field, value, allowZero ? "a finite number ≥ 0" : "a finite number > 0");
}

/** `value` must be an integer in [min, max]. */
export function checkInteger(field: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new ConfigError(field, value, range);
  }
}

/** `value` must be a finite number in [min, max] (either bound may be infinite). */
export function checkRange(field: string, value: number, min: number, max: number): void {
  if (!(Number.isFinite(value) && value >= min && value <= max)) {
    throw new ConfigError(field, value, `a finite number in [${min}, ${max}]`);
  }
}

/** `value` must be one of `options`. */
export function checkOneOf<T extends string>(field: string, value: string, options: readonly T[]): asserts value is T {
  if (!(options as readonly string[]).includes(value)) {
    throw new ConfigError(field, value, `one of ${options.map((o) => JSON.stringify(o)).join(", ")}`);
  }
}

/** Stops training when a logged quantity is NaN or ±∞. */
export function checkFinite(step: number, quantity: string, value: number): void {
  if (!Number.isFinite(value)) throw new NonFiniteError(step, quantity, value);
}

/**
 * `values` must be an array of finite numbers (of `length` entries when given). Training
 * data enters the library here: a string "0.5" would otherwise be concatenated, not added.
 */
export function checkNumbers(field: string, values: readonly unknown[], length?: number): asserts values is readonly number[] {
  if (!Array.isArray(values)) throw new ConfigError(field, values, "an array of finite numbers");
  if (length !== undefined && values.length !== length) throw new ConfigError(`${field}.length`, values.length, `${length}`);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new ConfigError(`${field}[${i}]`, v, "a finite number");
  }
}

/** `table` must be `rows` arrays of `cols` finite numbers each (a reward table r[context][action]). */
export function checkNumberTable(field: string, table: readonly (readonly unknown[])[], rows: number, cols: number): asserts table is readonly (readonly number[])[] {
  if (!Array.isArray(table)) throw new ConfigError(field, table, `${rows} rows of ${cols} finite numbers`);
  if (table.length !== rows) throw new ConfigError(`${field}.length`, table.length, `${rows} (one row per context)`);
  for (let r = 0; r < rows; r++) checkNumbers(`${field}[${r}]`, table[r]!, cols);
}

/** A value returned by a user's callback (a reward, a score) must be a finite number; returns it. */
export function checkScore(field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ConfigError(field, value, "a finite number");
  return value;
}
