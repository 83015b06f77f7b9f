/**
 * Bradley–Terry loss for reward models: P(a ≻ b) = σ(r(a) − r(b)).
 * Inputs: scores of the first and second item of each pair, shape [B], and labels [B]
 * (1 when the first was preferred, 0 when the second was; 0.5 for a tie).
 * Output: per-pair negative log-likelihood, via softplus (stable for large margins).
 */
import * as tf from "@tensorflow/tfjs";

export function bradleyTerryLoss(scoreA: tf.Tensor1D, scoreB: tf.Tensor1D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const m = tf.sub(scoreA, scoreB);
    // −[y log σ(m) + (1−y) log σ(−m)] = y·softplus(−m) + (1−y)·softplus(m)
    return tf.add(tf.mul(labels, tf.softplus(tf.neg(m))), tf.mul(tf.sub(1, labels), tf.softplus(m))) as tf.Tensor1D;
  });
}
