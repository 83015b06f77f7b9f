/**
 * Builds the library (src/ → dist/) and stamps the build with a hash of everything it was
 * built from, so anything that imports dist/ can tell a stale build from a current one.
 *
 * - `libraryHash()`: sha-256 over src/**, the TypeScript configs and the lockfile.
 * - `buildLibrary()`: compiles into dist.tmp/, writes the hash to dist.tmp/.built and swaps
 *   dist.tmp/ in with two renames, so a running notebook never sees a half-built dist/.
 * - `ensureLibraryBuilt()`: rebuilds when dist/.built is missing or names another hash
 *   (used by `make reports`, which would otherwise run notebooks against old code).
 *
 * Usage: tsx scripts/build.ts [--if-stale]   (what `make build` runs)
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");
const stamp = path.join(dist, ".built");

/** The inputs of the build, sorted: every file under src/, the TypeScript configs, the lockfile. */
export function libraryInputs(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(path.join(root, "src"));
  for (const f of ["tsconfig.json", "tsconfig.build.json", "package-lock.json"]) files.push(path.join(root, f));
  return files.filter((f) => fs.existsSync(f)).sort();
}

/** sha-256 over the build's inputs (relative path and content of each). */
export function libraryHash(): string {
  const h = createHash("sha256");
  for (const f of libraryInputs()) {
    h.update(path.relative(root, f) + "\n");
    h.update(fs.readFileSync(f));
  }
  return h.digest("hex");
}

/** The hash dist/ was built from (null: no stamp, or a build from before stamps held hashes). */
export function builtHash(): string | null {
  if (!fs.existsSync(stamp)) return null;
  const s = fs.readFileSync(stamp, "utf8").trim();
  return /^[0-9a-f]{64}$/.test(s) ? s : null;
}

/** Compiles src/ into dist/ (atomically) and stamps it; throws with tsc's output on failure. */
export function buildLibrary(): void {
  const hash = libraryHash();
  const tmp = path.join(root, "dist.tmp");
  fs.rmSync(tmp, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", tmp], { cwd: root, encoding: "utf8" });
  if (tsc.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(`building the library failed (tsc exit ${tsc.status}):\n${tsc.stdout}${tsc.stderr}`);
  }
  fs.writeFileSync(path.join(tmp, ".built"), hash + "\n");
  const old = path.join(root, `dist.old-${process.pid}`);
  if (fs.existsSync(dist)) fs.renameSync(dist, old);
  fs.renameSync(tmp, dist);
  fs.rmSync(old, { recursive: true, force: true });
}

/** Rebuilds dist/ when it was not built from the current sources; returns whether it did. */
export function ensureLibraryBuilt(log: (msg: string) => void = console.log): boolean {
  const have = builtHash();
  if (have !== null && have === libraryHash()) return false;
  log(have === null ? "dist/ has no build stamp: building the library (src/ → dist/)…" : "dist/ is stale (src/, a tsconfig or the lockfile changed since it was built): rebuilding…");
  buildLibrary();
  return true;
}

if (require.main === module) {
  try {
    if (process.argv.includes("--if-stale")) ensureLibraryBuilt();
    else buildLibrary();
  } catch (e) {
    console.error(`build: ${(e as Error).message}`);
    process.exit(1);
  }
}
