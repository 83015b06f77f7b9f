/**
 * Leak check for step functions (snake-dqn's agent test): after a warm-up call (which
 * may allocate optimiser slots and other lasting state), `tf.memory().numTensors` must
 * be the same before and after the next call.
 */
import * as tf from "@tensorflow/tfjs";

/** Number of live tensors the call to `step` left behind after `warmup` warm-up calls. */
export function tensorsLeaked(step: () => unknown, warmup = 1): number {
  for (let i = 0; i < warmup; i++) step();
  const before = tf.memory().numTensors;
  step();
  return tf.memory().numTensors - before;
}

/** Throws if `step` leaves tensors behind after warm-up. */
export function expectNoLeak(step: () => unknown, label = "step", warmup = 1): void {
  const leaked = tensorsLeaked(step, warmup);
  if (leaked !== 0) throw new Error(`${label} leaked ${leaked} tensor(s) per call`);
}
