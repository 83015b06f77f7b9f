/**
 * What the backend can do, to compare each step against: the matrix-product rate on large
 * square matrices (plain, and with one input transposed), and the floating-point work of a
 * step counted from the shapes of the products it runs.
 */
import * as tf from "@tensorflow/tfjs";
import { Rng } from "../rng";

/**
 * Milliseconds of this process's CPU time (user + system) where the platform reports it
 * (Node), else wall-clock time (browsers). On a machine shared with other work, CPU time
 * is far steadier than wall time; the wasm backend runs on one thread, so for it the two
 * agree on an idle machine.
 */
export function clockMs(): number {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  if (p?.cpuUsage) {
    const u = p.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  return performance.now();
}

/** What {@link clockMs} measures, for printed notes. */
export function clockKind(): "cpu" | "wall" {
  return (globalThis as { process?: { cpuUsage?: unknown } }).process?.cpuUsage ? "cpu" : "wall";
}

/**
 * GFLOP/s of `tf.matMul` on two n × n matrices (2n³ FLOPs per product): the best of
 * `rounds` rounds of at least `minMs` each (a roofline is what the backend can reach, so
 * the best round, not the median).
 */
export function matMulGflops(n = 512, transposeA = false, transposeB = false, rounds = 5, minMs = 200): number {
  const rng = Rng.fromSeed(1);
  const fill = () => tf.tensor2d(Float32Array.from({ length: n * n }, () => rng.uniform(-1, 1)), [n, n]);
  const a = fill(), b = fill();
  try {
    const once = () => {
      const c = tf.matMul(a, b, transposeA, transposeB);
      c.dataSync();
      c.dispose();
    };
    once();
    let best = 0;
    for (let r = 0; r < rounds; r++) {
      let k = 0;
      const t0 = clockMs();
      let dt = 0;
      do {
        once();
        k++;
        dt = clockMs() - t0;
      } while (dt < minMs);
      best = Math.max(best, (2 * n * n * n * k) / (dt / 1000) / 1e9);
    }
    return best;
  } finally {
    tf.dispose([a, b]);
  }
}

/**
 * FLOPs of the matrix products `run` performs (forward and backward), counted from the
 * shapes of every BatchMatMul kernel call: 2·batch·m·k·n each. Elementwise work is not
 * counted (it is a small share here: the layers are 64 wide). Wraps the current backend's
 * kernel for the duration of one call and restores it.
 */
export function countMatMulFlops(run: () => void): { flops: number; products: number; transposed: number } {
  const backend = tf.getBackend();
  const kernel = tf.getKernel(tf.BatchMatMul, backend);
  if (kernel === undefined) throw new Error(`no BatchMatMul kernel on backend ${backend}`);
  let flops = 0, products = 0, transposed = 0;
  tf.unregisterKernel(tf.BatchMatMul, backend);
  tf.registerKernel({
    ...kernel,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      const sa = a.shape, sb = b.shape;
      const m = transposeA ? sa[sa.length - 1]! : sa[sa.length - 2]!;
      const k = transposeA ? sa[sa.length - 2]! : sa[sa.length - 1]!;
      const n = transposeB ? sb[sb.length - 2]! : sb[sb.length - 1]!;
      const batch = Math.max(sa.slice(0, -2).reduce((x, y) => x * y, 1), sb.slice(0, -2).reduce((x, y) => x * y, 1));
      flops += 2 * batch * m * k * n;
      products++;
      if (transposeA || transposeB) transposed++;
      return kernel.kernelFunc(args);
    },
  });
  try {
    run();
  } finally {
    tf.unregisterKernel(tf.BatchMatMul, backend);
    tf.registerKernel(kernel);
  }
  return { flops, products, transposed };
}
