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
