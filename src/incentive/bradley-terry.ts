/**
 * The Bradley–Terry fit to exact label probabilities: the scores r that maximise the
 * expected log-likelihood of infinitely many labelled pairs,
 *
 *     L(r) = Σ_{i,j} p_i p_j · [ win_ij · log σ(r_i − r_j) ],
 *
 * where pairs (i, j) are drawn from the reference (probabilities p) and win_ij is the
 * probability that the comparison is kept and names i. This is the infinite-data reward of
 * a Bradley–Terry reward model with unrestricted scores, and the implicit reward
 * β·log π/π_ref (up to a per-context constant) that DPO's population loss is minimised by
 * (Rafailov et al. 2023: the DPO loss is this likelihood in the implicit reward).
 *
 * L is concave; Newton's method with a backtracking line search, on the Hessian scaled by
 * its diagonal so items with tiny reference mass (a completed manoeuvre at ε^k) are solved
 * as precisely as common ones. Scores are centred so that Σ p_i r_i = 0.
 */
import { ConfigError } from "../errors";
import { sigmoid } from "../world";

/** The fit's result. */
export interface BradleyTerryFit {
  /** One score per item (Σ p_i r_i = 0). */
  scores: Float64Array;
  /** Newton iterations used. */
  iterations: number;
  /** Largest per-item relative gradient at the end (0 at the exact optimum). */
  residual: number;
}

/** Options of {@link fitBradleyTerry}. */
export interface BradleyTerryOptions {
  /** Stop when every item's relative gradient is below this. Default 1e-10. */
  tolerance?: number;
  /** At most this many Newton steps. Default 50. */
  maxIterations?: number;
}

function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

/**
 * Fits scores to exact label probabilities (`win`, `keep` as M×M row-major arrays, see
 * ContextLabels) under pair weights p_i·p_j. Throws when the data cannot identify finite
 * scores: an item that always wins or always loses (a deterministic labeller) has no
 * maximum-likelihood score.
 */
export function fitBradleyTerry(mass: Float64Array, win: Float64Array, keep: Float64Array, options: BradleyTerryOptions = {}): BradleyTerryFit {
  const M = mass.length;
  if (win.length !== M * M || keep.length !== M * M) throw new ConfigError("fitBradleyTerry win/keep", `${win.length}/${keep.length}`, `arrays of ${M}×${M}`);
  const tol = options.tolerance ?? 1e-10;
  // Newton converges quadratically: 50 steps are far more than a well-posed fit needs.
  const maxIter = options.maxIterations ?? 50;
  for (let i = 0; i < M; i++) if (!(mass[i]! > 0)) throw new ConfigError(`fitBradleyTerry mass[${i}]`, mass[i], "a positive probability");
  // Pair weights and targets; every item must both win and lose some comparison.
  const W = new Float64Array(M * M);
  const T = new Float64Array(M * M);
  for (let i = 0; i < M; i++) {
    let wins = 0, losses = 0;
    for (let j = 0; j < M; j++) {
      if (i === j) continue;
      const k = keep[i * M + j]!;
      W[i * M + j] = mass[i]! * mass[j]! * k;
      T[i * M + j] = mass[i]! * mass[j]! * win[i * M + j]!;
      wins += win[i * M + j]!;
      losses += k - win[i * M + j]!;
    }
    if (M > 1 && (!(wins > 1e-300) || !(losses > 1e-300)))
      throw new ConfigError(`fitBradleyTerry item ${i}`, wins > 0 ? "always wins" : "never wins", "an item that both wins and loses some comparisons (use a noisy labeller: finite rationality)");
  }
  const r = new Float64Array(M);
  const objective = (s: Float64Array) => {
    let L = 0;
    for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) if (i !== j && T[i * M + j]! > 0) L += T[i * M + j]! * logSigmoid(s[i]! - s[j]!);
    return L;
  };
  const g = new Float64Array(M);
  const H = new Float64Array(M * M);
  let iterations = 0;
  let residual = Infinity;
  let L = objective(r);
  for (; iterations < maxIter; iterations++) {
    g.fill(0);
    H.fill(0);
    for (let i = 0; i < M; i++)
      for (let j = i + 1; j < M; j++) {
        const w = W[i * M + j]!;
        if (w === 0) continue;
        const s = sigmoid(r[i]! - r[j]!);
        const gi = T[i * M + j]! - w * s;
        g[i] = g[i]! + gi;
        g[j] = g[j]! - gi;
        const h = w * s * (1 - s);
        H[i * M + i] = H[i * M + i]! + h;
        H[j * M + j] = H[j * M + j]! + h;
        H[i * M + j] = H[i * M + j]! - h;
        H[j * M + i] = H[j * M + i]! - h;
      }
    residual = 0;
    for (let i = 0; i < M; i++) {
      let scale = 0;
      for (let j = 0; j < M; j++) if (j !== i) scale += W[i * M + j]!;
      residual = Math.max(residual, Math.abs(g[i]!) / scale);
    }
    if (residual < tol) break;
    const step = newtonStep(H, g, mass, M);
    // Backtracking line search on the concave objective; no improvement left means the fit
    // sits at the optimum to machine precision.
    let t = 1;
    const trial = new Float64Array(M);
    let improved = false;
    for (let k = 0; k < 40; k++, t /= 2) {
      for (let i = 0; i < M; i++) trial[i] = r[i]! + t * step[i]!;
      const Lt = objective(trial);
      if (Lt > L) {
        L = Lt;
        improved = true;
        break;
      }
    }
    if (!improved) break;
    r.set(trial);
  }
  let mean = 0, total = 0;
  for (let i = 0; i < M; i++) {
    mean += mass[i]! * r[i]!;
    total += mass[i]!;
  }
  for (let i = 0; i < M; i++) r[i] = r[i]! - mean / total;
  return { scores: r, iterations, residual };
}

/**
 * Solves H·δ = g for the Newton step (H is the negative Hessian: a weighted graph
 * Laplacian, singular along the all-ones direction). Symmetric diagonal scaling, then the
 * gauge is fixed by adding the rank-one term u·uᵀ with u the scaled mass direction, and the
 * system is solved by Cholesky.
 */
function newtonStep(H: Float64Array, g: Float64Array, mass: Float64Array, M: number): Float64Array {
  const d = new Float64Array(M);
  for (let i = 0; i < M; i++) d[i] = 1 / Math.sqrt(H[i * M + i]! > 0 ? H[i * M + i]! : 1);
  const A = new Float64Array(M * M);
  const u = new Float64Array(M);
  let un = 0;
  for (let i = 0; i < M; i++) {
    u[i] = mass[i]! / d[i]!;
    un += u[i]! * u[i]!;
  }
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) A[i * M + j] = d[i]! * H[i * M + j]! * d[j]! + (u[i]! * u[j]!) / un;
  const b = new Float64Array(M);
  for (let i = 0; i < M; i++) b[i] = d[i]! * g[i]!;
  // Cholesky A = LLᵀ in place (lower triangle).
  for (let j = 0; j < M; j++) {
    let s = A[j * M + j]!;
    for (let k = 0; k < j; k++) s -= A[j * M + k]! * A[j * M + k]!;
    if (!(s > 0)) s = 1e-300;
    const l = Math.sqrt(s);
    A[j * M + j] = l;
    for (let i = j + 1; i < M; i++) {
      let t = A[i * M + j]!;
      for (let k = 0; k < j; k++) t -= A[i * M + k]! * A[j * M + k]!;
      A[i * M + j] = t / l;
    }
  }
  const z = new Float64Array(M);
  for (let i = 0; i < M; i++) {
    let t = b[i]!;
    for (let k = 0; k < i; k++) t -= A[i * M + k]! * z[k]!;
    z[i] = t / A[i * M + i]!;
  }
  for (let i = M - 1; i >= 0; i--) {
    let t = z[i]!;
    for (let k = i + 1; k < M; k++) t -= A[k * M + i]! * z[k]!;
    z[i] = t / A[i * M + i]!;
  }
  for (let i = 0; i < M; i++) z[i] = z[i]! * d[i]!;
  return z;
}
