/**
 * `make reports`: execute every notebook on the tslab kernel through nbclient, export
 * each to `reports/<name>.html`, and write `reports/index.html` (the claims ledger).
 *
 * - Re-executes only notebooks whose source, the library (src/), the lockfile, the
 *   TypeScript configs, the runner, the backend or the mode changed since their last
 *   successful run, or whose verdict files are missing. Corrupt state is discarded with a
 *   warning; invalid or orphaned verdict files are left out of the ledger with a warning.
 * - Holds a lock on the output folder for the whole run.
 * - Rebuilds dist/ (which the notebooks import) when it was built from other sources.
 * - Shows progress (notebook, cell, elapsed time) and a timing table at the end.
 * - A failed cell: exits non-zero, names the notebook and the error, and leaves the
 *   previous report, tables and verdicts in place (everything is written to a staging
 *   folder first and moved into place only on success).
 *
 * Usage: tsx scripts/reports.ts [--quick] [--force] [--out DIR] [--notebooks DIR] [--only NAME[,NAME]] [--timeout SECONDS]
 * (--timeout: per cell, default 1800)
 * (--notebooks: another folder of notebooks, used by the tests)
 */
import { spawn, spawnSync, type SpawnOptions } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ledgerHtml, type ReportEntry } from "../src/node/ledger-page";
import { buildExplore } from "./explore";
import { readVerdicts } from "../src/node/artifacts";
import { ensureLibraryBuilt, libraryHash, libraryInputs } from "./build";
import { acquireLock, LockedError } from "../src/node/lock";

const root = path.resolve(__dirname, "..");

interface Options { quick: boolean; force: boolean; out: string; only: string[] | null; notebooks: string; timeout: number }

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: process.env["RLHF_QUICK"] === "1", force: false, out: path.join(root, "reports"), only: null, notebooks: path.join(root, "notebooks"), timeout: 1800 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--quick") o.quick = true;
    else if (a === "--force") o.force = true;
    else if (a === "--out") o.out = path.resolve(argv[++i] ?? fail("--out needs a folder"));
    else if (a === "--notebooks") o.notebooks = path.resolve(argv[++i] ?? fail("--notebooks needs a folder"));
    else if (a === "--timeout") {
      const t = Number(argv[++i]);
      if (!Number.isInteger(t) || t < 1 || t > 86400) fail(`--timeout needs whole seconds per cell in [1, 86400], got ${argv[i]}`);
      o.timeout = t;
    } else if (a === "--only") o.only = (argv[++i] ?? fail("--only needs names")).split(",").map((s) => s.replace(/\.ipynb$/, ""));
    else fail(`unknown argument ${a}; usage: reports.ts [--quick] [--force] [--out DIR] [--notebooks DIR] [--only NAME[,NAME]] [--timeout SECONDS]`);
  }
  return o;
}

function fail(msg: string): never {
  console.error(`reports: ${msg}`);
  process.exit(2);
}

/**
 * Holds `<out>/.build/lock` for the whole run, so two runs never write the same folder at
 * once (one would delete the other's staged reports). A lock whose process is gone (a run
 * killed by a signal) is taken over with a warning; a live one stops this run with a message.
 */
function acquireOutputLock(build: string): void {
  try {
    acquireLock(path.join(build, "lock"), "report run", (m) => console.warn(`reports: ${m}`));
  } catch (e) {
    if (e instanceof LockedError) fail(e.message);
    throw e;
  }
}

/** Files whose change invalidates every report: the library's build inputs and the runner. */
function sharedInputs(): string[] {
  const runner = [path.join(root, "scripts", "reports.ts"), path.join(root, "scripts", "execute_notebook.py"), path.join(root, "scripts", "nbconvert", "report.html.j2")];
  return [...libraryInputs(), ...runner.filter((f) => fs.existsSync(f))].sort();
}

function hashOf(notebook: string, shared: string[], mode: string): string {
  const h = createHash("sha256");
  h.update(`mode=${mode}\n`);
  // The TensorFlow.js backend a notebook will get (RLHF_BACKEND, else tfjs-node if installed, else wasm).
  h.update(`backend=${process.env["RLHF_BACKEND"] ?? (fs.existsSync(path.join(root, "node_modules", "@tensorflow", "tfjs-node")) ? "auto:node" : "auto:wasm")}\n`);
  for (const f of [notebook, ...shared]) {
    h.update(path.relative(root, f) + "\n");
    h.update(fs.readFileSync(f));
  }
  return h.digest("hex");
}

function notebookTitle(file: string): string {
  const nb = JSON.parse(fs.readFileSync(file, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  for (const c of nb.cells) {
    if (c.cell_type !== "markdown") continue;
    const src = Array.isArray(c.source) ? c.source.join("") : c.source;
    const m = /^#\s+(.+)$/m.exec(src);
    if (m) return m[1]!.trim();
  }
  return path.basename(file, ".ipynb");
}

function python(): string {
  if (process.env["PYTHON"]) return process.env["PYTHON"];
  // Debian's Jupyter lives under /usr/bin/python3; a pyenv python3 may shadow it on PATH.
  for (const p of ["/usr/bin/python3", "python3"]) {
    if (spawnSync(p, ["-c", "import nbclient, nbconvert"], { stdio: "ignore" }).status === 0) return p;
  }
  return fail("no Python with nbclient and nbconvert found; run `make setup` (see README)");
}

function moveReplacing(from: string, to: string): void {
  if (!fs.existsSync(from)) return;
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.renameSync(from, to);
}

interface StateEntry { hash: string; seconds: number; mode: string; verdicts?: string[] }
interface State { [name: string]: StateEntry }

/**
 * Reads the runner's state. A file that is not a JSON object of entries
 * {hash, seconds, mode[, verdicts]} is discarded with a warning naming it: every notebook
 * then runs again, which is always correct.
 */
function readState(file: string): State {
  if (!fs.existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    console.warn(`reports: discarding corrupt ${file} (${(e as Error).message}); every notebook will run`);
    return {};
  }
  const ok =
    typeof raw === "object" &&
    raw !== null &&
    !Array.isArray(raw) &&
    Object.values(raw as Record<string, unknown>).every((e) => {
      const x = e as Partial<StateEntry> | null;
      return x !== null && typeof x === "object" && typeof x.hash === "string" && typeof x.seconds === "number" && typeof x.mode === "string" && (x.verdicts === undefined || (Array.isArray(x.verdicts) && x.verdicts.every((v) => typeof v === "string")));
    });
  if (!ok) {
    console.warn(`reports: discarding ${file}: not an object of {hash, seconds, mode} entries; every notebook will run`);
    return {};
  }
  return raw as State;
}

/** The notebook child running now, so an interrupt can be passed on to it. */
let current: ReturnType<typeof spawn> | null = null;
let interrupted: NodeJS.Signals | null = null;

/**
 * SIGINT/SIGTERM to the runner alone: pass SIGINT on to the running notebook (nbclient then
 * shuts its kernel down), wait for it, keep every finished report, and exit 130. Nothing
 * half-written is moved into place: the staged report of the interrupted notebook is dropped.
 */
function forwardInterrupts(): void {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.on(sig, () => {
      if (interrupted) return;
      interrupted = sig;
      console.error(`\nreports: ${sig}: stopping the running notebook (its kernel is shut down); finished reports are kept`);
      current?.kill("SIGINT");
    });
  }
}

/** Runs a child to completion; resolves with its exit status (null if killed by a signal). */
function run(cmd: string, args: string[], options: SpawnOptions): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, options);
    current = child;
    child.on("error", reject);
    child.on("close", (code) => {
      current = null;
      resolve(code);
    });
  });
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const mode = o.quick ? "quick" : "full";
  const build = path.join(o.out, ".build");
  fs.mkdirSync(build, { recursive: true });
  acquireOutputLock(build);
  // The notebooks import dist/: never run them against a build of older sources.
  try {
    ensureLibraryBuilt((m) => console.log(`reports: ${m}`));
  } catch (e) {
    fail((e as Error).message);
  }
  const stateFile = path.join(build, "state.json");
  const state: State = readState(stateFile);
  const notebooks = fs
    .readdirSync(o.notebooks)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(o.notebooks, f))
    .filter((f) => o.only === null || o.only.includes(path.basename(f, ".ipynb")));
  if (o.only !== null && notebooks.length !== o.only.length) fail(`--only names a notebook that does not exist: ${o.only.join(", ")}`);
  const shared = sharedInputs();
  const py = python();
  const jupyterPath = [path.join(root, ".jupyter", "share", "jupyter"), process.env["JUPYTER_PATH"]].filter(Boolean).join(path.delimiter);
  const failures: string[] = [];
  const t0 = Date.now();
  console.log(`reports: ${notebooks.length} notebook(s), ${mode} mode, into ${path.relative(process.cwd(), o.out) || "."}/`);

  forwardInterrupts();
  for (const [i, nb] of notebooks.entries()) {
    if (interrupted) break;
    const name = path.basename(nb, ".ipynb");
    const html = path.join(o.out, `${name}.html`);
    const hash = hashOf(nb, shared, mode);
    const tag = `[${i + 1}/${notebooks.length}] ${name}`;
    const verdictsPresent = (state[name]?.verdicts ?? []).every((f) => fs.existsSync(path.join(o.out, "verdicts", f)));
    if (!o.force && state[name]?.hash === hash && fs.existsSync(html) && verdictsPresent) {
      console.log(`${tag}: up to date, not executed`);
      continue;
    }
    console.log(`${tag}: executing…`);
    const stage = path.join(build, "stage", name);
    fs.rmSync(stage, { recursive: true, force: true });
    const stagedHtml = path.join(stage, `${name}.html`);
    const started = Date.now();
    const status = await run(py, [path.join(root, "scripts", "execute_notebook.py"), nb, stagedHtml, "--timeout", String(o.timeout)], {
      stdio: ["ignore", "inherit", "inherit"],
      env: {
        ...process.env,
        JUPYTER_PATH: jupyterPath,
        PYDEVD_DISABLE_FILE_VALIDATION: "1",
        RLHF_QUICK: o.quick ? "1" : "0",
        RLHF_NOTEBOOK: name,
        RLHF_ARTIFACTS_DIR: path.join(stage, "data"),
        RLHF_VERDICTS_DIR: path.join(stage, "verdicts"),
      },
    });
    const seconds = (Date.now() - started) / 1000;
    if (interrupted) {
      fs.rmSync(stage, { recursive: true, force: true });
      console.error(`${tag}: interrupted after ${seconds.toFixed(1)} s — previous report${fs.existsSync(html) ? " kept" : ": none"}`);
      break;
    }
    if (status !== 0 || !fs.existsSync(stagedHtml)) {
      failures.push(name);
      console.error(`${tag}: FAILED after ${seconds.toFixed(1)} s — previous report${fs.existsSync(html) ? " kept" : ": none"}`);
      continue;
    }
    moveReplacing(path.join(stage, "data"), path.join(o.out, "data", name));
    const vdir = path.join(stage, "verdicts");
    const written = fs.existsSync(vdir) ? fs.readdirSync(vdir).sort() : [];
    for (const f of written) moveReplacing(path.join(vdir, f), path.join(o.out, "verdicts", f));
    fs.renameSync(stagedHtml, html);
    fs.rmSync(stage, { recursive: true, force: true });
    state[name] = { hash, seconds, mode, ...(written.length > 0 ? { verdicts: written } : {}) };
    fs.writeFileSync(stateFile, JSON.stringify(state, null, 2) + "\n");
    console.log(`${tag}: done in ${seconds.toFixed(1)} s → ${path.relative(process.cwd(), html)}`);
  }

  const all = fs.readdirSync(o.notebooks).filter((f) => f.endsWith(".ipynb")).sort();
  const entries: ReportEntry[] = all.map((f) => {
    const name = path.basename(f, ".ipynb");
    const e: ReportEntry = { name, title: notebookTitle(path.join(o.notebooks, f)), built: fs.existsSync(path.join(o.out, `${name}.html`)) };
    const s = state[name];
    if (s) { e.seconds = s.seconds; e.mode = s.mode; }
    if (failures.includes(name)) e.failed = true;
    return e;
  });
  const names = new Set(all.map((f) => path.basename(f, ".ipynb")));
  const verdicts = readVerdicts(path.join(o.out, "verdicts"), (file, reason) => console.warn(`reports: ignoring verdict file ${file}: ${reason}`)).filter((v) => {
    if (names.has(v.notebook)) return true;
    console.warn(`reports: ignoring the verdict of claim ${v.claim}: its notebook ${v.notebook} is not in ${o.notebooks}`);
    return false;
  });
  fs.writeFileSync(path.join(o.out, "index.html"), ledgerHtml(verdicts, entries));
  // The explorable report (issue 15), linked from the ledger: one self-contained page, rebuilt
  // when the library, its own sources or the lockfile changed (a few seconds; not after Ctrl-C).
  if (!interrupted) {
    const exploreHash = createHash("sha256").update(libraryHash());
    for (const f of fs.readdirSync(path.join(root, "explore")).sort()) exploreHash.update(f + "\n").update(fs.readFileSync(path.join(root, "explore", f)));
    exploreHash.update(fs.readFileSync(path.join(root, "scripts", "explore.ts")));
    const key = exploreHash.digest("hex");
    const keyFile = path.join(build, "explore.hash");
    const page = path.join(o.out, "explore.html");
    if (fs.existsSync(page) && fs.existsSync(keyFile) && fs.readFileSync(keyFile, "utf8") === key) console.log("explore: up to date, not rebuilt");
    else {
      const explore = await buildExplore(o.out);
      fs.writeFileSync(keyFile, key);
      console.log(`explore: ${path.relative(process.cwd(), explore.file)} (${(explore.bytes / 1e6).toFixed(2)} MB, ${(explore.gzipBytes / 1e6).toFixed(2)} MB gzipped)`);
    }
  }

  const total = (Date.now() - t0) / 1000;
  console.log("\nnotebook                         last run (s)  mode");
  for (const e of entries) console.log(`${e.name.padEnd(32)} ${(e.seconds?.toFixed(1) ?? "—").padStart(12)}  ${e.mode ?? ""}`);
  console.log(`this make reports: ${total.toFixed(1)} s; index: ${path.relative(process.cwd(), path.join(o.out, "index.html"))}`);
  if (interrupted) process.exit(130);
  if (failures.length > 0) {
    console.error(`reports: ${failures.length} notebook(s) failed: ${failures.join(", ")}`);
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  console.error(`reports: ${(e as Error).stack ?? String(e)}`);
  process.exit(2);
});
