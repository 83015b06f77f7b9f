/**
 * The explorable report (reports/explore.html): its settings (defaults, URL-fragment round
 * trip, validation), its exact model against notebook 03's incentive level, and the built
 * page driven in headless Chromium from file:// — sliders moved, numbers read and compared
 * with the Node library's for the same settings, training run, no request and no console
 * error, a screenshot saved, bundle size and slider-release → redraw time printed.
 */
import { expect } from "chai";
import { launchChromium, requireChromium } from "../helpers/browser";
import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ConfigError } from "../../src/errors";
import { createWorld, DEFAULT_WORLD_CONFIG, PRESETS, PRESET_NAMES, makeWorldConfig } from "../../src/world";
import { ratersNotOutcomesBudget, runRatersNotOutcomesIncentive, runRatersNotOutcomesSeed } from "../../src/claims/raters-not-outcomes";
import { Rng } from "../../src/rng";
import { setupBackend } from "../helpers/backend";
import {
  checkSettings,
  decodeSettings,
  defaultSettings,
  DEFAULT_SETTINGS,
  encodeSettings,
  ExploreEngine,
  trainExplore,
  TRAIN_PHASES,
  FIELDS,
  fmt,
  NUMERIC_KEYS,
  settingsPopulation,
  settingsWorldConfig,
  type ExploreModel,
  type ExploreSettings,
  type ExploreTrainResult,
} from "../../src/claims/explore";
import type { Browser } from "playwright-core";
import { buildExplore } from "../../scripts/explore";
import { ROOT } from "../helpers/run";

/** Where this test writes the built page and its screenshot (kept after the run for a look). */
const OUT = path.join(process.env["TEST_OUTPUT"] ?? path.join(ROOT, ".test-output"), "explore");

describe("explore settings", () => {
  it("defaults equal the notebooks' defaults: the default world and the typical population", () => {
    expect(settingsWorldConfig(DEFAULT_SETTINGS)).to.deep.equal(makeWorldConfig());
    expect(settingsPopulation(DEFAULT_SETTINGS)).to.deep.equal(PRESETS.typical.population);
    expect(DEFAULT_SETTINGS.kl).to.equal(0.5);
    expect(DEFAULT_SETTINGS.manoeuvreLength).to.equal(DEFAULT_WORLD_CONFIG.manoeuvreLength);
    for (const p of PRESET_NAMES) expect(settingsPopulation(defaultSettings(p)), p).to.deep.equal(PRESETS[p].population);
  });

  it("moves a preset's ranges to the slider values, keeping the mean and staying inside the domain", () => {
    const pop = settingsPopulation({ ...DEFAULT_SETTINGS, verify: 0.95, detect: 0.3 });
    expect((pop.verify.lo + pop.verify.hi) / 2).to.be.closeTo(0.95, 1e-12);
    expect(pop.verify.hi).to.be.at.most(1);
    expect(pop.detect.hi - pop.detect.lo).to.be.closeTo(PRESETS.typical.population.detect.hi - PRESETS.typical.population.detect.lo, 1e-12);
  });

  it("round-trips through the URL fragment, writing only what differs from the preset", () => {
    expect(encodeSettings(DEFAULT_SETTINGS)).to.equal("preset=typical");
    expect(decodeSettings("")).to.deep.equal(DEFAULT_SETTINGS);
    expect(decodeSettings("#preset=typical")).to.deep.equal(DEFAULT_SETTINGS);
    const cases: ExploreSettings[] = [
      { ...DEFAULT_SETTINGS, detect: 0.3, agreementShift: 1, kl: 0.75 },
      { ...defaultSettings("careful"), manoeuvreLength: 2, visiblePayoff: 0, seed: 7 },
      { ...defaultSettings("hurried"), rationality: 0.5, appeal: 0.825, trainBeta: 0.1, stepPenalty: 4.95 },
    ];
    for (const s of cases) {
      const f = encodeSettings(s);
      expect(decodeSettings("#" + f), f).to.deep.equal(s);
    }
    expect(encodeSettings(cases[0]!)).to.equal("preset=typical&syc=1&d=0.3&kl=0.75");
    expect(decodeSettings("preset=careful")).to.deep.equal(defaultSettings("careful"));
  });

  it("rejects a bad link with a ConfigError naming the field, the value and the range", () => {
    const bad: [string, RegExp][] = [
      ["v=1.5", /explore v \(verification rate v\) = 1\.5; allowed: a number in \[0, 1\]/],
      ["k=2.5", /explore k .* = 2\.5; allowed: an integer in \[1, 5\]/],
      ["d=abc", /explore d .* = "abc"; allowed: a decimal number/],
      ["d=", /a decimal number/],
      ["kl=1e400", /explore kl .* = Infinity/],
      ["preset=lazy", /explore preset = "lazy"; allowed: one of careful, typical, hurried/],
      ["colour=red", /explore link colour = "red"; allowed: a known name/],
      ["v=0.1&v=0.2", /one value per name/],
      ["v", /name=value pairs/],
    ];
    for (const [f, re] of bad) {
      expect(() => decodeSettings(f), f).to.throw(ConfigError, re);
    }
    expect(() => checkSettings({ ...DEFAULT_SETTINGS, rationality: 0 })).to.throw(ConfigError, /beta_r/);
    expect(() => encodeSettings({ ...DEFAULT_SETTINGS, seed: 1.5 })).to.throw(ConfigError, /seed/);
  });

  it("describes every numeric field with a one-line meaning and a range that holds its default", () => {
    for (const p of PRESET_NAMES)
      for (const k of NUMERIC_KEYS) {
        const f = FIELDS[k];
        expect(f.meaning.length, k).to.be.greaterThan(10);
        expect(f.meaning, k).not.to.contain("\n");
        expect(defaultSettings(p)[k], `${p} ${k}`).to.be.within(f.min, f.max);
      }
  });
});

describe("explore model (exact, the library code of notebook 03)", function () {
  this.timeout(10 * 60 * 1000);
  let engine: ExploreEngine;
  let model: ExploreModel;
  before(() => {
    engine = new ExploreEngine();
    model = engine.compute(DEFAULT_SETTINGS);
  });

  it("reproduces notebook 03's exact read points at the defaults (rater and oracle at KL 0.5)", () => {
    const budget = ratersNotOutcomesBudget("full", { ablations: [], verifyValues: [], curveBetas: [], agreementPairs: 1 });
    const inc = runRatersNotOutcomesIncentive(createWorld(), budget);
    for (const l of ["rater", "oracle"] as const) {
      const row = inc.rows.find((r) => r.labeller === l && r.point === "read" && Math.abs(r.kl - 0.5) < 1e-3)!;
      const m = model.read[l]!;
      for (const k of [
        "sycophancyRate",
        "exaggerationRate",
        "fabricationRate",
        "honestErrorRate",
        "inflationGap",
        "overestimation",
        "underestimation",
        "trueUtility",
      ] as const) {
        expect(m[k], `${l} ${k}`).to.be.closeTo(row[k], 1e-4 * Math.max(1, Math.abs(row[k])));
        expect(fmt(m[k]), `${l} ${k} as shown`).to.equal(fmt(row[k]));
      }
    }
    for (const k of ["sycophancyRate", "fabricationRate", "inflationGap", "trueUtility"] as const) expect(model.base[k], k).to.be.closeTo(inc.base[k], 1e-12);
    // The rater raises sycophancy and the inflation gap; the oracle lowers them (notebook 03's direction).
    expect(model.read.rater!.sycophancyRate).to.be.greaterThan(model.base.sycophancyRate);
    expect(model.read.oracle!.inflationGap).to.be.lessThan(model.base.inflationGap);
    expect(model.boundary.dStar).to.be.closeTo(0.15 / 2.15, 1e-12);
    expect(model.sentences.behaviour).to.contain("At KL 0.5 rater feedback changes fabrication by +");
  });

  it("gives the same numbers from its caches as from a fresh engine", () => {
    // A belief change (oracle kept), then a utility change (both limits, the reference kept).
    const next = { ...DEFAULT_SETTINGS, agreementShift: 1, kl: 0.3 };
    const cached = engine.compute(next);
    expect(cached).to.deep.equal(new ExploreEngine().compute(next));
    expect(cached.read.rater!.sycophancyRate).not.to.equal(model.read.rater!.sycophancyRate);
    const paid = { ...next, visiblePayoff: 1 };
    const cachedPaid = engine.compute(paid);
    expect(cachedPaid).to.deep.equal(new ExploreEngine().compute(paid));
    expect(cachedPaid.read.rater!.completionRate).not.to.equal(cached.read.rater!.completionRate);
  });
});

describe("explore train button (Node)", function () {
  this.timeout(10 * 60 * 1000);
  before(setupBackend);

  it("reproduces notebook 03's quick-mode rater run of the same seed and β at the default settings", async () => {
    const phases: string[] = [];
    const fractions: number[] = [];
    const run = await trainExplore(DEFAULT_SETTINGS, (f, phase) => (fractions.push(f), phases.push(phase)));
    const budget = ratersNotOutcomesBudget("quick");
    const rows = await runRatersNotOutcomesSeed(createWorld(), budget, Rng.fromSeed(DEFAULT_SETTINGS.seed), { side: false, shortfall: false });
    const ref = rows.find((r) => r.method === "offline" && r.labeller === "rater" && r.beta === DEFAULT_SETTINGS.trainBeta)!;
    const base = rows.find((r) => r.method === "base")!;
    for (const k of ["kl", "sycophancyRate", "fabricationRate", "inflationGap", "trueUtility"] as const) {
      expect(run.trained[k], k).to.be.closeTo(ref[k], 1e-9);
      expect(run.base[k], `base ${k}`).to.be.closeTo(base[k], 1e-9);
    }
    expect(run.pairs).to.equal(ref.pairs);
    expect(run.trained.kl).to.be.greaterThan(0);
    expect(phases.slice(0, TRAIN_PHASES.length)).to.deep.equal([...TRAIN_PHASES]);
    expect(fractions[fractions.length - 1]).to.equal(1);
    expect(fractions).to.deep.equal([...fractions].sort((a, b) => a - b));
  });
});

/** The Node run of the train button for some settings (computed once per settings). */
const nodeRuns = new Map<string, Promise<ExploreTrainResult>>();

/** The page's DPO-trained column equals the Node library's run for the same settings, as displayed (same code, same WebAssembly kernels). */
async function expectTrainedLikeNode(settings: ExploreSettings, shown: { metric: string; text: string }[]): Promise<void> {
  const key = JSON.stringify(settings);
  if (!nodeRuns.has(key))
    nodeRuns.set(
      key,
      setupBackend().then(() => trainExplore(settings)),
    );
  const run = await nodeRuns.get(key)!;
  expect(shown.length).to.be.greaterThan(5);
  for (const c of shown) expect(c.text, `trained ${c.metric}`).to.equal(fmt((run.trained as Record<string, number>)[c.metric]));
}

/** What firefox-bidi.ts reports. */
interface FirefoxRun {
  backend: string;
  firstMs: string;
  times: Record<string, string>;
  hash: string;
  shown: { policy: string; metric: string; text: string }[];
  sentences: string[];
  lines: number;
  trainMs: number;
  trainedKl: string;
  trainedShown: { metric: string; text: string }[];
  errors: string[];
  requests: string[];
}

/** The value the page should show in the values table's cell (policy, metric), from a Node model. */
function shownValue(node: ExploreModel, policy: string, metric: string): string {
  const m = policy === "corpus" ? node.base : policy === "rater" ? node.read.rater : node.read.oracle;
  return fmt(m ? (m as Record<string, number>)[metric] : null);
}

/**
 * Drives the built page in one browser: load from file://, the backend, three slider moves
 * (each release waited for and timed), the numbers against the Node library's, training, a
 * bad link, reset; no request and no console error; a screenshot named after the browser.
 */
async function drivePage(browser: Browser, file: string, name: string): Promise<void> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => {
    if (!/^(file|data|about|blob):/.test(r.url())) requests.push(r.url());
  });
  const renders = () => page.evaluate(() => Number(document.body.dataset["renders"] ?? 0));
  const waitRender = async (after: number) => {
    await page.waitForFunction((n) => Number(document.body.dataset["renders"] ?? 0) > n && document.body.dataset["busy"] === "0", after, {
      timeout: 5 * 60 * 1000,
    });
    // "redraw (compute)": slider release → last chart drawn, and the exact computation's share.
    return page.evaluate(() => `${document.body.dataset["redrawMs"]} (${document.body.dataset["computeMs"]})`);
  };
  const t0 = Date.now();
  await page.goto("file://" + file, { waitUntil: "load" });
  const firstMs = await waitRender(0);
  console.log(
    `      [${name}] first draw (exact limits of rater and oracle computed in the page), ms (computation): ${firstMs}; ${Date.now() - t0} ms from navigation`,
  );
  expect(await page.locator("#backend").textContent()).to.equal("wasm");

  // Move three sliders; each release redraws.
  const moves: [string, string][] = [
    ["detect", "0.3"],
    ["agreementShift", "1"],
    ["kl", "0.75"],
  ];
  const times: Record<string, string> = {};
  for (const [key, value] of moves) {
    const n = await renders();
    await page.locator(`#in-${key}`).fill(value);
    times[key] = await waitRender(n);
  }
  console.log(
    `      [${name}] slider release → redrawn, ms (computation): ${Object.entries(times)
      .map(([k, ms]) => `${k} ${ms}`)
      .join(", ")}`,
  );

  // The URL fragment holds the settings; the shown numbers equal the Node library's for them.
  const hash = await page.evaluate(() => location.hash);
  const settings = decodeSettings(hash);
  expect(settings).to.deep.equal({ ...DEFAULT_SETTINGS, detect: 0.3, agreementShift: 1, kl: 0.75 });
  const node = new ExploreEngine().compute(settings);
  const shown = await page.$$eval("#values td[data-policy]", (tds) =>
    tds.map((td) => ({ policy: td.getAttribute("data-policy")!, metric: td.getAttribute("data-metric")!, text: td.textContent ?? "" })),
  );
  expect(shown.length).to.be.greaterThan(25);
  for (const s of shown) expect(s.text, `${s.policy} ${s.metric}`).to.equal(shownValue(node, s.policy, s.metric));
  expect(await page.locator("#sentence-behaviour").textContent()).to.equal(node.sentences.behaviour);
  expect(await page.locator("#sentence-gap").textContent()).to.equal(node.sentences.gap);
  expect(await page.locator("#sentence-boundary").textContent()).to.equal(node.sentences.boundary);
  expect(await page.locator("#chart-behaviour svg path[aria-roledescription='line mark']").count()).to.be.greaterThan(5);

  // Train: the progress bar fills and the trained point appears beside the exact curves.
  const tTrain = Date.now();
  await page.locator("#train").click();
  await page.waitForFunction(() => document.body.dataset["trained"] === "1", null, { timeout: 10 * 60 * 1000 });
  await page.waitForFunction(() => document.body.dataset["busy"] === "0");
  console.log(`      [${name}] train (pretrain + label + DPO + exact evaluation, in the page): ${Date.now() - tTrain} ms`);
  expect(await page.locator("#train-progress").evaluate((e) => (e as HTMLProgressElement).value)).to.equal(1);
  const trainedKl = Number(await page.locator("#values td[data-policy='trained'][data-metric='kl']").textContent());
  expect(trainedKl).to.be.greaterThan(0);
  const trainedShown = await page.$$eval("#values td[data-policy='trained']", (tds) =>
    tds.map((td) => ({ metric: td.getAttribute("data-metric")!, text: td.textContent ?? "" })),
  );
  await expectTrainedLikeNode(settings, trainedShown);
  expect(await page.locator("#chart-behaviour svg path[aria-roledescription='point']").count()).to.be.greaterThan(0);
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, `explore-${name}.png`), fullPage: true });

  // A bad link is rejected with a message, and the defaults are shown; reset writes the defaults' fragment.
  let n = await renders();
  await page.evaluate(() => (location.hash = "#v=2"));
  await waitRender(n);
  expect(await page.locator("#error").textContent()).to.contain("explore v (verification rate v) = 2");
  n = await renders();
  await page.locator("#in-detect").fill("0.5");
  await waitRender(n);
  n = await renders();
  await page.locator("#reset").click();
  await waitRender(n);
  expect(await page.evaluate(() => location.hash)).to.equal("#preset=typical");
  expect(await page.locator("#error").textContent()).to.equal("");
  expect(Number(await page.locator("#in-detect").inputValue())).to.be.closeTo(DEFAULT_SETTINGS.detect, 1e-9);

  expect(errors, "console errors").to.deep.equal([]);
  expect(requests, "network requests").to.deep.equal([]);
  console.log(`      [${name}] screenshot: ${path.join(OUT, `explore-${name}.png`)}`);
}

/** Builds the page once for the browser tests. */
let built: Awaited<ReturnType<typeof buildExplore>> | null = null;
async function buildOnce() {
  if (!built) {
    built = await buildExplore(OUT);
    console.log(`      bundle: ${built.bytes} bytes, ${built.gzipBytes} gzipped (built in ${built.buildMs} ms) → ${built.file}`);
  }
  expect(built.bytes).to.be.greaterThan(100_000);
  return built;
}

describe("explore page in headless browsers (file://, offline)", function () {
  this.timeout(20 * 60 * 1000);

  it("Chromium: redraws after slider moves with the Node library's numbers, trains, makes no request and logs no error", async function () {
    requireChromium(this, "explorable page");
    const build = await buildOnce();
    const browser = await launchChromium();
    try {
      await drivePage(browser, build.file, "chromium");
    } finally {
      await browser.close();
    }
  });

  it("Firefox (when installed; over WebDriver BiDi): the same numbers, training, no request, no console error", async function () {
    // Optional: `apt-get install firefox-esr` (make test does not install it). playwright-core
    // 1.65 needs BiDi commands Firefox ESR lacks, so a small BiDi client drives it
    // (firefox-bidi.ts, in a child process: Node 20's WebSocket is behind a flag).
    const firefox = process.env["FIREFOX"] ?? "/usr/bin/firefox-esr";
    if (!fs.existsSync(firefox)) {
      console.warn(`      (skipped: no Firefox at ${firefox}; apt-get install firefox-esr to run it)`);
      this.skip();
    }
    const build = await buildOnce();
    const shot = path.join(OUT, "explore-firefox.png");
    const r = spawnSync(
      process.execPath,
      ["--experimental-websocket", "--no-warnings", "--require", "tsx/cjs", path.join(__dirname, "firefox-bidi.ts"), firefox, build.file, shot],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 15 * 60 * 1000,
      },
    );
    expect(r.status, r.stderr).to.equal(0);
    const seen = JSON.parse(r.stdout.trim().split("\n").pop()!) as FirefoxRun;
    console.log(
      `      [firefox] first draw, ms (computation): ${seen.firstMs}; slider release → redrawn, ms (computation): ${Object.entries(seen.times)
        .map(([k, ms]) => `${k} ${ms}`)
        .join(", ")}; train ${seen.trainMs} ms`,
    );
    expect(seen.backend).to.equal("wasm");
    const settings = decodeSettings(seen.hash);
    expect(settings).to.deep.equal({ ...DEFAULT_SETTINGS, detect: 0.3, agreementShift: 1, kl: 0.75 });
    const node = new ExploreEngine().compute(settings);
    expect(seen.shown.length).to.be.greaterThan(25);
    for (const c of seen.shown) expect(c.text, `${c.policy} ${c.metric}`).to.equal(shownValue(node, c.policy, c.metric));
    expect(seen.sentences).to.deep.equal([node.sentences.behaviour, node.sentences.gap, node.sentences.boundary]);
    expect(seen.lines).to.be.greaterThan(5);
    expect(Number(seen.trainedKl)).to.be.greaterThan(0);
    await expectTrainedLikeNode(settings, seen.trainedShown);
    expect(seen.errors, "console errors").to.deep.equal([]);
    expect(seen.requests, "network requests").to.deep.equal([]);
    expect(fs.existsSync(shot)).to.equal(true);
    console.log(`      [firefox] screenshot: ${shot}`);
  });
});
