/**
 * Generalised advantage estimation (Schulman et al. 2016) on plain numbers, and whitening.
 */

/**
 * GAE for one sequence: rewards r_t and values V_t for t = 0…T−1 (V_T = 0, terminal).
 * δ_t = r_t + γ·V_{t+1} − V_t;  A_t = Σ_k (γλ)^k δ_{t+k}.  Returns A_t + V_t as the value targets.
 */
export function gae(rewards: readonly number[], values: readonly number[], gamma: number, lambda: number): { advantages: number[]; returns: number[] } {
  const T = rewards.length;
  const adv = new Array<number>(T).fill(0);
  let last = 0;
  for (let t = T - 1; t >= 0; t--) {
    const next = t + 1 < T ? values[t + 1]! : 0;
    const delta = rewards[t]! + gamma * next - values[t]!;
    last = delta + gamma * lambda * last;
    adv[t] = last;
  }
  return { advantages: adv, returns: adv.map((a, t) => a + values[t]!) };
}

/** (x − mean)/std (std floored at 1e-8). */
export function whiten(x: readonly number[]): number[] {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length);
  return x.map((v) => (v - m) / Math.max(sd, 1e-8));
}
