/**
 * The one module that renders Vega-Lite specs. Rendering is headless (vega's "none"
 * renderer, no canvas, no browser) and seeded, so the same spec gives a byte-identical
 * SVG every time — reports are stable and diffable.
 *
 * vega 6 and vega-lite 6 are ES modules with top-level await; this CommonJS library
 * loads them with a real dynamic `import()` (kept as such by TypeScript's node16
 * module setting), which also works inside the tslab kernel.
 */
import type { VlSpec } from "./spec";

/** Seed for vega's own random numbers (jitter, force layouts); fixed for byte-stable output. */
export const PLOT_SEED = 20240610;

interface VegaModules {
  vega: typeof import("vega", { with: { "resolution-mode": "import" } });
  vl: typeof import("vega-lite", { with: { "resolution-mode": "import" } });
}

let modules: Promise<VegaModules> | undefined;

function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({ vega, vl }));
  return modules;
}

/** Compiles a Vega-Lite spec to a Vega spec (throws on an invalid spec). */
export async function compileSpec(spec: VlSpec): Promise<object> {
  const { vl } = await loadVega();
  return vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
}

/** Renders a Vega-Lite spec to a standalone SVG string, deterministically. */
export async function renderSvg(spec: VlSpec, seed: number = PLOT_SEED): Promise<string> {
  const { vega, vl } = await loadVega();
  // vega exports these two, but vega-typings does not declare them.
  const seeded = vega as unknown as { setRandom(f: () => number): void; randomLCG(seed: number): () => number };
  seeded.setRandom(seeded.randomLCG(seed));
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
