/**
 * Initial weights drawn from a passed-in {@link Rng}, never from TensorFlow.js's own
 * random ops, so a run's weights depend only on its seed and the stream's name.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";

/** Glorot (Xavier) normal: N(0, 2 / (fanIn + fanOut)), as a flat Float32Array in row-major order. */
export function glorotNormal(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  const sd = Math.sqrt(2 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, sd);
  return out;
}

/** A trainable [fanIn, fanOut] weight variable, Glorot-normal initialised from `rng`. */
export function glorotVariable(rng: Rng, fanIn: number, fanOut: number, trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor2d(glorotNormal(rng, fanIn, fanOut), [fanIn, fanOut]), trainable));
}

/** A trainable variable filled with a constant (biases: 0). */
export function constantVariable(shape: number[], value = 0, trainable = true): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill(shape, value), trainable));
}
