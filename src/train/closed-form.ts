/**
 * Closed forms and distances on plain probability vectors.
 */
import { ConfigError } from "../errors";

/** π*(y) ∝ π_ref(y)·exp(r(y)/β): the optimum of E_π[r] − β·KL(π‖π_ref) (Rafailov et al. 2023, eq. 4). */
export function klTilt(ref: readonly number[], r: readonly number[], beta: number): number[] {
  if (ref.length !== r.length) throw new ConfigError("r.length", r.length, `equal to ref.length = ${ref.length}`);
  const logits = ref.map((p, i) => (p > 0 ? Math.log(p) + r[i]! / beta : -Infinity));
  return softmaxPlain(logits);
}

/** Softmax of plain numbers (−∞ entries get probability 0). */
export function softmaxPlain(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** Total variation distance ½·Σ|p − q|. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - (q[i] ?? 0));
  return s / 2;
}

/** KL(p ‖ q) in nats (terms with p = 0 contribute 0; q = 0 where p > 0 gives ∞). */
export function klDivergence(p: readonly number[], q: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    if (pi > 0) s += pi * (Math.log(pi) - Math.log(q[i] ?? 0));
  }
  return s;
}

/** Expectation Σ p·f. */
export function expectation(p: readonly number[], f: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i]! * f[i]!;
  return s;
}

/** Spearman rank correlation (average ranks for ties). */
export function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = a.length;
  const ma = ra.reduce((x, y) => x + y, 0) / n;
  const mb = rb.reduce((x, y) => x + y, 0) / n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i]! - ma) * (rb[i]! - mb);
    saa += (ra[i]! - ma) ** 2;
    sbb += (rb[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function ranks(x: readonly number[]): number[] {
  const idx = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
  const out = new Array<number>(x.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    for (let k = i; k <= j; k++) out[idx[k]![1]] = (i + j) / 2;
    i = j + 1;
  }
  return out;
}
