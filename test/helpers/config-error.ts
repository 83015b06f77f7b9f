/** Asserts that `f` throws a ConfigError whose field and message name `field`. */
import { expect } from "chai";
import { ConfigError } from "../../src/errors";

export function expectConfigError(f: () => unknown, field: string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a ConfigError naming ${field}`).to.be.instanceOf(ConfigError);
  expect((caught as ConfigError).field).to.include(field);
  expect((caught as ConfigError).message).to.include(field);
}
