/**
 * Builds the explorable report: esbuild bundles explore/page.ts (the library's
 * `rl.claims.explore`, TensorFlow.js with its WebAssembly binaries inlined as data: URLs,
 * vega-embed) into one script, which is written into explore/page.html to give ONE
 * self-contained `explore.html` that works from file:// with no network.
 *
 *   tsx scripts/explore.ts [outDir]     (default reports/; `make explore`)
 */
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";

const ROOT = path.resolve(__dirname, "..");

/** What a build wrote. */
export interface ExploreBuild {
  /** Path of explore.html. */
  file: string;
  /** Its size in bytes, and gzip-compressed (level 9). */
  bytes: number;
  gzipBytes: number;
  /** Bundling time (ms). */
  buildMs: number;
}

/** Bundles the page into `outDir`/explore.html and returns its size. */
export async function buildExplore(outDir: string): Promise<ExploreBuild> {
  const t0 = Date.now();
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, "explore", "page.ts")],
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: "es2022",
    minify: true,
    legalComments: "none",
    loader: { ".wasm": "dataurl" },
    // Never reached in the page: the Node-only tfjs backend (tried first by src/tf/backend.ts
    // under Node), danfojs (loaded lazily by src/table.ts for DataFrames) and the notebook renderer.
    external: ["@tensorflow/tfjs-node", "danfojs"],
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  const js = result.outputFiles[0]!.text.replace(/<\/script/gi, "<\\/script");
  const template = fs.readFileSync(path.join(ROOT, "explore", "page.html"), "utf8");
  const marker = "<script>/*BUNDLE*/</script>";
  if (!template.includes(marker)) throw new Error(`explore/page.html has no ${marker} marker`);
  const html = template.replace(marker, () => `<script>${js}</script>`);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, "explore.html");
  const tmp = file + ".tmp";
  fs.writeFileSync(tmp, html);
  fs.renameSync(tmp, file);
  const bytes = Buffer.byteLength(html);
  const gzipBytes = zlib.gzipSync(html, { level: 9 }).length;
  return { file, bytes, gzipBytes, buildMs: Date.now() - t0 };
}

if (require.main === module) {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, "reports"));
  buildExplore(out).then(
    (b) =>
      console.log(
        `explore: wrote ${path.relative(process.cwd(), b.file)}: ${b.bytes} bytes (${(b.bytes / 1e6).toFixed(2)} MB), ${b.gzipBytes} gzipped (${(b.gzipBytes / 1e6).toFixed(2)} MB), built in ${b.buildMs} ms`,
      ),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
