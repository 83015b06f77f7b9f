/**
 * Library functions for notebook 02 (training loops meet their closed forms). Each returns
 * plain rows ready for a table or a Vega-Lite spec.
 */
import { Rng } from "../rng";
import { TabularPolicy } from "../policy/tabular";
import { klTilt, klDivergence, expectation, softmaxPlain, totalVariation } from "./closed-form";
import { bradleyTerryPairs, trainTabularDpo } from "./tabular-dpo";
import { trainTabularPg } from "./tabular-pg";
import { trainTabularPpo } from "./tabular-ppo";

/**
 * IPO's population optimum for Bradley–Terry preferences P_ij = σ(r_i − r_j) with pairs
 * drawn uniformly: h_ij = g_i − g_j (g = log π/π_ref) is the least-squares fit of
 * (2P_ij − 1)/(2τ) on the complete graph, so g_i = (1/(Kτ))·Σ_j (P_ij − ½) + const.
 * (It differs from the KL-tilt π*: IPO does not invert the Bradley–Terry link.)
 */
export function ipoClosedForm(ref: readonly number[], r: readonly number[], tau: number): number[] {
  const K = r.length;
  const g = r.map((ri) => r.reduce((s, rj) => s + (1 / (1 + Math.exp(-(ri - rj))) - 0.5), 0) / (K * tau));
  return softmaxPlain(ref.map((p, i) => Math.log(p) + g[i]!));
}

export interface ConvergenceRow {
  method: "dpo" | "ipo" | "pg" | "ppo";
  step: number;
  /** Total variation to the method's closed-form optimum. */
  tv: number;
  /** Exact KL(π ‖ π_ref). */
  kl: number;
  /** KL(π_target ‖ π_ref) of the closed form (the value training should approach). */
  targetKl: number;
}

/**
 * Convergence traces of tabular DPO (exact Bradley–Terry pair weights), IPO (same data),
 * KL-regularised REINFORCE and PPO (k1 penalty), all with plain SGD, from π_ref toward their
 * closed forms (π* ∝ π_ref·exp(r/β) for DPO/PG/PPO; {@link ipoClosedForm} for IPO, τ = β).
 */
export function tabularConvergenceTraces(
  ref: number[],
  r: number[],
  beta: number,
  rng: Rng,
  steps = 300,
): ConvergenceRow[] {
  const rows: ConvergenceRow[] = [];
  const K = r.length;
  const run = (method: ConvergenceRow["method"], target: number[], train: (p: TabularPolicy, q: TabularPolicy) => Record<string, number>[]) => {
    const p = TabularPolicy.fromProbs([ref]);
    const q = p.frozenCopy();
    try {
      const targetKl = klDivergence(target, ref);
      for (const l of train(p, q)) rows.push({ method, step: l["step"]!, tv: l["policy/tv_to_target"]!, kl: l["objective/kl_exact"]!, targetKl });
    } finally {
      p.dispose();
      q.dispose();
    }
  };
  const star = klTilt(ref, r, beta);
  const ipo = ipoClosedForm(ref, r, beta);
  const pairs = bradleyTerryPairs([r]);
  const dpoLr = (5 * K * K) / (16 * beta * beta);
  const logEvery = Math.max(1, Math.floor(steps / 50));
  run("dpo", star, (p, q) => trainTabularDpo(p, q, pairs, { beta, learningRate: dpoLr, steps, logEvery }, rng.fork("dpo"), [star]));
  run("ipo", ipo, (p, q) => trainTabularDpo(p, q, pairs, { lossType: "ipo", beta, learningRate: (0.1 * K * K) / 4, steps, logEvery }, rng.fork("ipo"), [ipo]));
  run("pg", star, (p, q) => trainTabularPg(p, q, [r], { beta, learningRate: 2, steps, logEvery }, rng.fork("pg"), [star]));
  run("ppo", star, (p, q) => trainTabularPpo(p, q, [r], { beta, learningRate: 2, iterations: steps, logEvery }, rng.fork("ppo"), [star]));
  return rows;
}

/**
 * The reward-versus-KL frontier of the closed form, one row per β: KL(π*‖π_ref), the
 * optimised (proxy) reward E_π*[r] and, when given, the true reward E_π*[truth].
 * (A world version is the same call on the world's enumerated outputs per context.)
 */
export function betaSweepTabular(
  ref: number[],
  r: number[],
  betas: number[],
  truth?: number[],
): { beta: number; kl: number; d: number; proxy: number; true: number }[] {
  return betas.map((beta) => {
    const p = klTilt(ref, r, beta);
    const kl = klDivergence(p, ref);
    return { beta, kl, d: Math.sqrt(kl), proxy: expectation(p, r), true: truth ? expectation(p, truth) : NaN };
  });
}

export { totalVariation };
