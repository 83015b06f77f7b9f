/**
 * Every error this library raises on bad input, in one place (vega-lite keeps its
 * messages in one module too), so the wording is consistent and tests can match it.
 */

/** A configuration value outside its allowed range. Names the field, the value and the range. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid config: ${field} = ${formatValue(value)}; allowed: ${allowed}`);
    this.name = "ConfigError";
  }
}

/** A loss or metric became NaN or infinite during training. Names the step and the quantity. */
export class NonFiniteError extends Error {
  constructor(
    readonly step: number,
    readonly quantity: string,
    readonly value: number,
  ) {
    super(`non-finite ${quantity} at step ${step}: ${value}; training stopped`);
    this.name = "NonFiniteError";
  }
}

/**
 * A trainer's loss or gradient left its bounds (non-finite, or its loss grew far past the
 * first step's). Raised before the offending update is applied: the policy keeps the
 * weights it had before this step.
 */
export class DivergenceError extends Error {
  constructor(
    readonly trainer: string,
    readonly step: number,
    readonly quantity: string,
    readonly value: number,
    readonly bound: string,
  ) {
    super(`${trainer} diverged at step ${step}: ${quantity} = ${value} (${bound}); the update was not applied and the weights are those before this step`);
    this.name = "DivergenceError";
  }
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return String(value);
}

/**
 * A run produced a NaN or infinite result. Names the seed, the condition and the quantity,
 * so the run fails loudly instead of a summary silently dropping the seed.
 */
export class NonFiniteResultError extends Error {
  constructor(
    readonly seed: number,
    readonly condition: string,
    readonly quantity: string,
    readonly value: unknown,
  ) {
    super(`non-finite result: ${quantity} = ${String(value)} for seed ${seed}, condition ${JSON.stringify(condition)}; the run is stopped (a seed is never dropped silently)`);
    this.name = "NonFiniteResultError";
  }
}
