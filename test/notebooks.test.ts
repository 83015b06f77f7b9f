/**
 * Executes every notebook in quick mode through the same path as `make reports`
 * (scripts/reports.ts → nbclient → tslab → HTML export) and checks what a reader gets.
 */
import { expect } from "chai";
import { launchChromium, requireChromium } from "./helpers/browser";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { ROOT, runReports } from "./helpers/run";
import { libraryHash } from "../scripts/build";
import { CLAIMS } from "../src/claims/registry";
import type { Verdict } from "../src/verdict";

const STATUSES = ["supported", "not supported", "inconclusive"];

describe("notebooks (quick mode, through nbclient and tslab)", function () {
  this.timeout(30 * 60 * 1000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-reports-"));
  const notebooks = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
  let log = "";
  let status: number | null = null;

  before(() => {
    const r = runReports(["--quick", "--force", "--out", out]);
    log = r.stdout + r.stderr;
    status = r.status;
  });

  it("executes every notebook without a failing cell", () => {
    expect(status, log).to.equal(0);
    for (const f of notebooks) expect(fs.existsSync(path.join(out, f.replace(/\.ipynb$/, ".html"))), f).to.equal(true);
  });

  it("puts a provenance block at the top of every report", () => {
    for (const f of notebooks) {
      const html = fs.readFileSync(path.join(out, f.replace(/\.ipynb$/, ".html")), "utf8");
      expect(html, f).to.contain("rlhf-provenance");
      expect(html, f).to.match(/mode <b>quick<\/b>/);
    }
  });

  it("keeps plots as real SVG with drawn marks in the HTML", () => {
    const html = fs.readFileSync(path.join(out, "00-tour.html"), "utf8");
    expect(html).to.match(/<svg[^>]*class="marks"/);
    expect(html).to.match(/aria-roledescription="line mark" d="M[^"]{20,}"/);
  });

  it("writes well-formed verdicts and an index that lists every claim", () => {
    const dir = path.join(out, "verdicts");
    const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    for (const f of files) {
      const v = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Verdict;
      expect(f).to.equal(`claim-${v.claim}.json`);
      expect(STATUSES).to.include(v.status);
      expect(v.mode).to.equal("quick");
      // JSON has no NaN or ±∞: they are written as the strings "NaN", "Infinity", "-Infinity", never null.
      expect(typeof v.interval.n, `${f} n`).to.equal("number");
      const numeric = (x: unknown) => typeof x === "number" || ["NaN", "Infinity", "-Infinity"].includes(x as string);
      for (const k of ["estimate", "lo", "hi"] as const) expect(numeric(v.interval[k]), `${f} ${k} = ${JSON.stringify(v.interval[k])}`).to.equal(true);
      expect(v.thresholdText.length).to.be.greaterThan(0);
      expect(fs.existsSync(path.join(out, `${v.notebook}.html`)), v.notebook).to.equal(true);
    }
    const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
    for (const c of CLAIMS) expect(index).to.contain(c.title.replace(/&/g, "&amp;"));
    const notRun = CLAIMS.length - files.length;
    expect((index.match(/<td><b style="color:#6e7781">not run<\/b>/g) ?? []).length).to.equal(notRun);
    // Version 2 verdicts carry both levels, every evidence part's level and threshold, and their checks apart.
    for (const f of files) {
      const v = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Verdict;
      if (v.version === undefined) continue;
      expect(v.version, f).to.be.at.least(2);
      expect(v.levels, `${f} levels`).to.be.an("object");
      for (const l of ["incentive", "transmission"] as const) expect(v.levels![l] === null || STATUSES.includes(v.levels![l]!), `${f} ${l}`).to.equal(true);
      for (const p of v.parts ?? []) expect(["incentive", "transmission"], `${f} part level`).to.include(p.level);
      expect(v.checks, `${f} checks`).to.be.an("array");
      expect(index, `${f} in the ledger`).to.contain(`version ${v.version}`);
    }
  });

  it("opens in headless Chromium with its plot drawn, no console error and no network request", async function () {
    requireChromium(this, "report");
    const browser = await launchChromium();
    try {
      for (const page of ["00-tour.html", "index.html"]) {
        const p = await browser.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
        p.on("pageerror", (e) => errors.push(String(e)));
        p.on("request", (r) => { if (!/^(file|data|about):/.test(r.url())) requests.push(r.url()); });
        await p.goto("file://" + path.join(out, page), { waitUntil: "load" });
        if (page === "00-tour.html") {
          const marks = await p.locator("svg.marks path[aria-roledescription='line mark']").count();
          expect(marks, "line marks drawn").to.be.greaterThan(0);
          const box = await p.locator("svg.marks").first().boundingBox();
          expect(box?.width ?? 0).to.be.greaterThan(100);
        }
        expect(errors, `${page} console errors`).to.deep.equal([]);
        expect(requests, `${page} network requests`).to.deep.equal([]);
        await p.close();
      }
    } finally {
      await browser.close();
    }
  });

  it("writes each table as CSV next to its report", () => {
    const csv = path.join(out, "data", "00-tour", "tour-dpo-log.csv");
    expect(fs.existsSync(csv)).to.equal(true);
    expect(fs.readFileSync(csv, "utf8").split("\n")[0]).to.contain("rewards/margins");
  });
});

describe("make reports behaviour", function () {
  this.timeout(10 * 60 * 1000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-runner-"));
  const nbDir = path.join(dir, "notebooks");
  const out = path.join(dir, "reports");
  const dist = JSON.stringify(path.join(ROOT, "dist"));
  const notebook = (code: string, tags: string[] = []) =>
    JSON.stringify({
      cells: [
        { cell_type: "markdown", id: "a", metadata: {}, source: ["# Probe"] },
        { cell_type: "code", id: "b", metadata: tags.length ? { tags } : {}, execution_count: null, outputs: [], source: [code] },
      ],
      metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
      nbformat: 4,
      nbformat_minor: 5,
    });
  fs.mkdirSync(nbDir, { recursive: true });

  it("executes a changed notebook, then skips it when nothing changed", () => {
    fs.writeFileSync(path.join(nbDir, "probe.ipynb"), notebook(`import * as rl from ${dist};\nconsole.log("mean", rl.mean([1, 2, 3]));`));
    const first = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(first.status, first.stdout + first.stderr).to.equal(0);
    expect(first.stdout).to.contain("probe: done");
    expect(fs.readFileSync(path.join(out, "probe.html"), "utf8")).to.contain("mean 2");
    const second = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(second.status).to.equal(0);
    expect(second.stdout).to.contain("probe: up to date, not executed");
    expect(second.stdout).to.not.contain("executing");
  });

  it("hides the code of a cell tagged hide-input and keeps its output", () => {
    fs.writeFileSync(path.join(nbDir, "hidden.ipynb"), notebook(`// TEMPLATE-SOURCE\nconsole.log("computed paragraph " + (40 + 2));`, ["hide-input"]));
    const r = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    const html = fs.readFileSync(path.join(out, "hidden.html"), "utf8");
    expect(html).to.contain("computed paragraph 42");
    expect(html).to.not.contain("TEMPLATE-SOURCE");
    fs.rmSync(path.join(nbDir, "hidden.ipynb"));
  });

  it("refuses to write an output folder another live run holds, and takes over a dead run's lock", () => {
    const lock = path.join(out, ".build", "lock");
    // A live process (this test's own) holds the folder: the run stops before touching it.
    fs.writeFileSync(lock, String(process.pid));
    const held = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(held.status, held.stdout + held.stderr).to.equal(2);
    expect(held.stderr).to.contain(`another report run (pid ${process.pid}) is writing`);
    expect(fs.readFileSync(lock, "utf8")).to.equal(String(process.pid));
    // A lock left by a process that is gone (killed by a signal) is taken over with a warning, and released at the end.
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid!;
    fs.writeFileSync(lock, String(gone));
    const taken = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(taken.status, taken.stdout + taken.stderr).to.equal(0);
    expect(taken.stderr).to.contain("taking over a stale lock");
    expect(fs.existsSync(lock)).to.equal(false);
  });

  it("discards a corrupt or wrong-shaped state file with a warning naming it, and runs again", () => {
    const stateFile = path.join(out, ".build", "state.json");
    for (const [content, message] of [["{not json", "discarding corrupt"], ["[]", "not an object of {hash, seconds, mode} entries"]] as const) {
      fs.writeFileSync(stateFile, content);
      const r = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stderr).to.contain(message);
      expect(r.stderr).to.contain(stateFile);
      expect(r.stdout).to.contain("probe: executing");
      expect(JSON.parse(fs.readFileSync(stateFile, "utf8"))).to.have.property("probe");
    }
  });

  it("re-executes when the backend changes", () => {
    const same = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(same.stdout).to.contain("probe: up to date");
    const other = runReports(["--quick", "--notebooks", nbDir, "--out", out], { RLHF_BACKEND: "cpu" });
    expect(other.status, other.stdout + other.stderr).to.equal(0);
    expect(other.stdout).to.contain("probe: executing");
  });

  it("re-executes after a change to the runner or a TypeScript config, rebuilding a stale dist/ first", () => {
    const stamp = path.join(ROOT, "dist", ".built");
    const touched = (file: string, fn: () => void) => {
      const before = fs.readFileSync(file);
      fs.writeFileSync(file, Buffer.concat([before, Buffer.from("\n")]));
      try {
        fn();
      } finally {
        fs.writeFileSync(file, before);
      }
    };
    runReports(["--quick", "--notebooks", nbDir, "--out", out]); // settle (an earlier test ran another backend)
    expect(runReports(["--quick", "--notebooks", nbDir, "--out", out]).stdout).to.contain("probe: up to date");
    // The runner's own Python half changed: the report is redone, the library is not rebuilt.
    touched(path.join(ROOT, "scripts", "execute_notebook.py"), () => {
      const r = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.contain("probe: executing");
      expect(r.stdout).to.not.contain("rebuilding");
    });
    // A TypeScript config changed (as after `git pull` without `make build`): dist/ is rebuilt before any notebook runs.
    touched(path.join(ROOT, "tsconfig.build.json"), () => {
      const r = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/dist\/ is stale[^\n]*rebuilding[\s\S]*probe: executing/);
      expect(fs.readFileSync(stamp, "utf8").trim()).to.equal(libraryHash());
    });
    // Back to the original sources: rebuilt again, and then up to date.
    const back = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(back.status, back.stdout + back.stderr).to.equal(0);
    expect(back.stdout).to.contain("dist/ is stale");
    expect(fs.readFileSync(stamp, "utf8").trim()).to.equal(libraryHash());
    expect(runReports(["--quick", "--notebooks", nbDir, "--out", out]).stdout).to.match(/^(?![\s\S]*rebuilding)[\s\S]*probe: up to date/);
  });

  it("regenerates a deleted verdict file, and leaves invalid or orphaned verdicts out of the ledger with a warning", () => {
    const distNode = JSON.stringify(path.join(ROOT, "dist", "node"));
    fs.writeFileSync(
      path.join(nbDir, "verdictprobe.ipynb"),
      notebook(
        `import * as rl from ${dist};\nimport * as nb from ${distNode};\n` +
          `nb.writeVerdict(rl.makeVerdict({ claim: 6, effect: "probe effect", direction: "above", threshold: 0, thresholdText: "> 0" }, { estimate: 1, lo: 0.5, hi: 1.5, n: 3 }, { notebook: "verdictprobe", mode: "quick", seeds: [1] }));`,
      ),
    );
    const vfile = path.join(out, "verdicts", "claim-6.json");
    expect(runReports(["--quick", "--notebooks", nbDir, "--out", out]).status).to.equal(0);
    expect(fs.existsSync(vfile)).to.equal(true);
    fs.rmSync(vfile);
    const again = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(again.stdout).to.contain("verdictprobe: executing");
    expect(fs.existsSync(vfile)).to.equal(true);
    // A verdict with an unknown status, and one whose notebook no longer exists.
    const bad = { ...JSON.parse(fs.readFileSync(vfile, "utf8")), claim: 3, status: "passed" };
    fs.writeFileSync(path.join(out, "verdicts", "claim-3.json"), JSON.stringify(bad));
    const orphan = { ...JSON.parse(fs.readFileSync(vfile, "utf8")), claim: 4, notebook: "deleted-notebook" };
    fs.writeFileSync(path.join(out, "verdicts", "claim-4.json"), JSON.stringify(orphan));
    const r = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stderr).to.match(/ignoring verdict file .*claim-3\.json: status "passed"/);
    expect(r.stderr).to.contain("its notebook deleted-notebook is not in");
    const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
    expect(index).to.not.contain("passed");
    expect(index).to.contain("probe effect");
    for (const f of ["claim-3.json", "claim-4.json"]) fs.rmSync(path.join(out, "verdicts", f));
    fs.rmSync(path.join(nbDir, "verdictprobe.ipynb"));
  });

  it("turns a dead kernel and a cell timeout into named failures, with the partly executed notebook saved", () => {
    fs.writeFileSync(path.join(nbDir, "dies.ipynb"), notebook(`process.kill(process.pid, "SIGKILL");`));
    const died = runReports(["--quick", "--notebooks", nbDir, "--out", out, "--only", "dies"]);
    expect(died.status).to.equal(1);
    expect(died.stderr).to.contain("ERROR in notebook dies.ipynb, code cell 1/1");
    expect(died.stderr).to.contain("the kernel died");
    expect(fs.existsSync(path.join(out, ".build", "stage", "dies", "dies.failed.ipynb"))).to.equal(true);
    fs.writeFileSync(path.join(nbDir, "dies.ipynb"), notebook(`await new Promise((r) => setTimeout(r, 8000));`));
    const slow = runReports(["--quick", "--notebooks", nbDir, "--out", out, "--only", "dies", "--timeout", "2"]);
    expect(slow.status).to.equal(1);
    expect(slow.stderr).to.contain("timed out after 2 s");
    fs.rmSync(path.join(nbDir, "dies.ipynb"));
    expect(runReports(["--timeout", "0"]).stderr).to.contain("--timeout needs whole seconds");
  });

  it("fails a notebook whose cell throws asynchronously after returning (timer, unawaited promise, after the last cell)", () => {
    const cases = [
      [`setTimeout(() => { throw new Error("late timer boom"); }, 100);\nconsole.log("returned");`, "uncaught exception: Error: late timer boom"],
      [`void (async () => { await null; throw new Error("unawaited boom"); })();`, "unhandled promise rejection: Error: unawaited boom"],
    ] as const;
    for (const [code, message] of cases) {
      fs.writeFileSync(path.join(nbDir, "late.ipynb"), notebook(code));
      const r = runReports(["--quick", "--notebooks", nbDir, "--out", out, "--only", "late"]);
      expect(r.status, r.stdout + r.stderr).to.equal(1);
      expect(r.stderr).to.contain("ERROR in notebook late.ipynb: 1 error(s) thrown asynchronously");
      expect(r.stderr).to.contain(message);
      expect(r.stderr).to.match(/late: FAILED/);
      expect(fs.existsSync(path.join(out, ".build", "stage", "late", "late.failed.ipynb"))).to.equal(true);
      expect(fs.existsSync(path.join(out, "late.html"))).to.equal(false);
    }
    // Awaited work that finishes inside its cell is not an error.
    fs.writeFileSync(path.join(nbDir, "late.ipynb"), notebook(`await new Promise((r) => setTimeout(r, 100));\nconsole.log("awaited");`));
    const ok = runReports(["--quick", "--notebooks", nbDir, "--out", out, "--only", "late"]);
    expect(ok.status, ok.stdout + ok.stderr).to.equal(0);
    fs.rmSync(path.join(nbDir, "late.ipynb"));
  });

  it("passes SIGINT on to the running notebook: its kernel is shut down, finished reports stay, the lock is released", async () => {
    fs.writeFileSync(path.join(nbDir, "slow.ipynb"), notebook(`await new Promise((r) => setTimeout(r, 60000));`));
    const child = spawn(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "scripts", "reports.ts"), "--quick", "--notebooks", nbDir, "--out", out, "--only", "slow"], { cwd: ROOT, env: process.env });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    // Wait until the notebook's first cell runs, then interrupt the runner process alone.
    for (let k = 0; k < 120 && !stderr.includes("slow.ipynb: cell 1/1"); k++) await new Promise((r) => setTimeout(r, 500));
    expect(stderr, stdout + stderr).to.contain("slow.ipynb: cell 1/1");
    await new Promise((r) => setTimeout(r, 2000));
    // tsx runs the script in a child node process: signal that one (the runner itself).
    const runnerPid = Number(spawnSync("pgrep", ["-f", "-n", `scripts/reports.ts --quick --notebooks ${nbDir}`], { encoding: "utf8" }).stdout.trim());
    process.kill(runnerPid, "SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", (c) => r(c)));
    expect(code, stdout + stderr).to.equal(130);
    expect(stderr).to.contain("SIGINT: stopping the running notebook");
    expect(stderr).to.contain("slow: interrupted");
    const left = spawnSync("pgrep", ["-f", path.join(nbDir, "slow.ipynb")], { encoding: "utf8" }).stdout.trim();
    expect(left, "execute_notebook.py still running").to.equal("");
    expect(fs.existsSync(path.join(out, ".build", "lock"))).to.equal(false);
    expect(fs.existsSync(path.join(out, "probe.html"))).to.equal(true);
    fs.rmSync(path.join(nbDir, "slow.ipynb"));
  });

  it("fails loudly on a broken cell, naming the notebook and the error, and keeps the previous report", () => {
    const before = fs.readFileSync(path.join(out, "probe.html"), "utf8");
    fs.writeFileSync(path.join(nbDir, "probe.ipynb"), notebook(`const x: number = "not a number";`));
    const r = runReports(["--quick", "--notebooks", nbDir, "--out", out]);
    expect(r.status).to.equal(1);
    expect(r.stderr).to.contain("ERROR in notebook probe.ipynb, code cell 1/1");
    expect(r.stderr).to.contain("not assignable to type 'number'");
    expect(r.stderr).to.match(/notebook\(s\) failed: probe/);
    expect(fs.readFileSync(path.join(out, "probe.html"), "utf8")).to.equal(before);
    // The ledger's list of reports says the last run failed.
    expect(fs.readFileSync(path.join(out, "index.html"), "utf8")).to.match(/probe<\/a>: Probe.*last run failed/);
  });
});
