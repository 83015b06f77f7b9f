/**
 * PPO's pieces as pure tensor functions (Schulman et al. 2017), computed per token and
 * averaged by the caller with a mask. Shapes: every input is [N] (flattened tokens).
 */
import * as tf from "@tensorflow/tfjs";

export interface ClippedSurrogateOutput {
  /** Per-token policy loss max(−A·ρ, −A·clip(ρ, 1−ε, 1+ε)), ρ = π/π_old. */
  losses: tf.Tensor1D;
  /** 1 where the clipped branch was active (the `policy/clipfrac` indicator). */
  clipped: tf.Tensor1D;
  /** Per-token ½(log ρ)², whose mean is `policy/approxkl` (TRL's estimator). */
  approxKl: tf.Tensor1D;
}

/** The clipped surrogate objective, as a loss to minimise. */
export function clippedSurrogate(
  logp: tf.Tensor1D,
  oldLogp: tf.Tensor1D,
  advantages: tf.Tensor1D,
  clipRange: number,
): ClippedSurrogateOutput {
  return tf.tidy(() => {
    const logRatio = tf.sub(logp, oldLogp);
    const ratio = tf.exp(logRatio);
    const l1 = tf.mul(tf.neg(advantages), ratio);
    const l2 = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange));
    return {
      losses: tf.maximum(l1, l2) as tf.Tensor1D,
      clipped: tf.cast(tf.greater(l2, l1), "float32") as tf.Tensor1D,
      approxKl: tf.mul(tf.square(logRatio), 0.5) as tf.Tensor1D,
    };
  });
}

/**
 * Clipped value loss ½·max((V − R)², (V_old + clip(V − V_old, ±c) − R)²) (PPO2 / TRL).
 * `clipRangeValue` = Infinity gives the plain squared error.
 */
export function valueLoss(
  values: tf.Tensor1D,
  oldValues: tf.Tensor1D,
  returns: tf.Tensor1D,
  clipRangeValue: number,
): tf.Tensor1D {
  return tf.tidy(() => {
    const e1 = tf.square(tf.sub(values, returns));
    if (!Number.isFinite(clipRangeValue)) return tf.mul(e1, 0.5) as tf.Tensor1D;
    const vClipped = tf.add(oldValues, tf.clipByValue(tf.sub(values, oldValues), -clipRangeValue, clipRangeValue));
    const e2 = tf.square(tf.sub(vClipped, returns));
    return tf.mul(tf.maximum(e1, e2), 0.5) as tf.Tensor1D;
  });
}

/** Entropy of each row of `logits` ([N, V]) → [N]. */
export function entropyFromLogits(logits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(logits);
    return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1)) as tf.Tensor1D;
  });
}
