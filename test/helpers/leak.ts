import { expect } from "chai";
import { tensorsLeaked } from "../../src/tf/leak";

/** Asserts that `step` leaves no tensors behind after `warmup` warm-up calls. */
export function expectNoLeak(step: () => unknown, label = "step", warmup = 1): void {
  expect(tensorsLeaked(step, warmup), `${label}: tensors leaked per call`).to.equal(0);
}
