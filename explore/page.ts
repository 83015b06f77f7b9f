/**
 * The explorable report's page script (bundled by scripts/explore.ts into one
 * self-contained reports/explore.html). Everything it computes comes from
 * `rl.claims.explore` (src/claims/explore/): this file only wires controls, the URL
 * fragment, the TensorFlow.js backend and the Vega-Lite charts.
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import embed from "vega-embed";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm";
import {
  BEHAVIOUR_PANELS,
  decodeSettings,
  defaultSettings,
  encodeSettings,
  ExploreEngine,
  FIELDS,
  fmt,
  NUMERIC_KEYS,
  PRESET_FIELDS,
  PRESET_MEANING,
  trainExplore,
  type ExploreMetrics,
  type ExploreModel,
  type ExploreSettings,
  type ExploreTrainResult,
  type NumericKey,
} from "../src/claims/explore";
import { PRESET_NAMES, type PresetName } from "../src/world/population";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const RATER = "#d1495b",
  ORACLE = "#2e86ab",
  TRAINED = "#6a4c93";
const engine = new ExploreEngine();
let settings: ExploreSettings = defaultSettings();
let trained: { result: ExploreTrainResult; key: string } | null = null;
let model: ExploreModel | null = null;
let running = false,
  queued = false;

/** Settings that change what a trained run means (everything but the KL leash). */
const trainKey = (s: ExploreSettings) => JSON.stringify({ ...s, kl: 0 });
const nextFrame = () => new Promise<void>((r) => setTimeout(r, 0));

// ---------------------------------------------------------------- controls

function buildControls(): void {
  const list = $("control-list");
  const preset = document.createElement("div");
  preset.className = "control";
  preset.innerHTML = `<label for="in-preset">rater preset <output>default typical</output></label><select id="in-preset">${PRESET_NAMES.map((p) => `<option value="${p}">${p}</option>`).join("")}</select><div class="meaning">${PRESET_MEANING}</div>`;
  list.append(preset);
  const d = defaultSettings();
  for (const key of NUMERIC_KEYS) {
    const f = FIELDS[key];
    const el = document.createElement("div");
    el.className = "control";
    el.innerHTML =
      `<label for="in-${key}">${f.label} <output id="out-${key}"></output></label>` +
      `<input type="range" id="in-${key}" data-key="${key}" min="${f.min}" max="${f.max}" step="${f.step}">` +
      `<div class="meaning">${f.meaning}; default ${fmt(d[key])}${(PRESET_FIELDS as readonly string[]).includes(key) ? " (typical)" : ""}</div>`;
    list.append(el);
    const input = el.querySelector("input")!;
    input.addEventListener("input", () => ($(`out-${key}`).textContent = fmt(Number(input.value))));
    input.addEventListener("change", () => update({ ...settings, [key]: Number(input.value) }));
  }
  $<HTMLSelectElement>("in-preset").addEventListener("change", (e) => {
    const p = (e.target as HTMLSelectElement).value as PresetName;
    const means = defaultSettings(p);
    const next: ExploreSettings = { ...settings, preset: p };
    for (const k of PRESET_FIELDS) next[k] = means[k];
    update(next);
  });
  $("reset").addEventListener("click", () => update(defaultSettings()));
  $("train").addEventListener("click", () => void train());
  window.addEventListener("hashchange", () => {
    if (location.hash.slice(1) !== encodeSettings(settings)) fromHash();
  });
}

function showSettings(s: ExploreSettings): void {
  $<HTMLSelectElement>("in-preset").value = s.preset;
  for (const key of NUMERIC_KEYS) {
    $<HTMLInputElement>(`in-${key}`).value = String(s[key]);
    $(`out-${key}`).textContent = fmt(s[key]);
  }
}

function fromHash(): void {
  try {
    $("error").textContent = "";
    update(decodeSettings(location.hash));
  } catch (e) {
    $("error").textContent = `This link's settings were rejected, so the defaults are shown.\n${(e as Error).message}`;
    update(defaultSettings(), false);
  }
}

function update(next: ExploreSettings, writeHash = true): void {
  settings = next;
  showSettings(settings);
  if (writeHash) {
    history.replaceState(null, "", "#" + encodeSettings(settings));
    $("error").textContent = ""; // a rejected link's message no longer applies once the link is replaced
  }
  if (trained && trained.key !== trainKey(settings)) trained = null;
  void redraw();
}

// ---------------------------------------------------------------- drawing

async function redraw(): Promise<void> {
  if (running) {
    queued = true;
    return;
  }
  running = true;
  const t0 = performance.now();
  document.body.dataset["busy"] = "1";
  $("status").textContent = "computing the exact limits…";
  await nextFrame();
  try {
    do {
      queued = false;
      const s = settings;
      const t1 = performance.now();
      model = engine.compute(s);
      const computeMs = performance.now() - t1;
      await draw(model);
      const total = performance.now() - t0;
      document.body.dataset["redrawMs"] = total.toFixed(0);
      document.body.dataset["computeMs"] = computeMs.toFixed(0);
      $("status").textContent = `redrawn in ${(total / 1000).toFixed(2)} s (exact computation ${(computeMs / 1000).toFixed(2)} s)`;
    } while (queued);
  } catch (e) {
    $("error").textContent = String((e as Error).message ?? e);
  } finally {
    running = false;
    document.body.dataset["busy"] = "0";
    document.body.dataset["renders"] = String(Number(document.body.dataset["renders"] ?? 0) + 1);
  }
}

type PlotRow = { panel: string; kl: number; value: number; series: string; readKl: number };

function panelValue(metric: string, m: ExploreMetrics, base: ExploreMetrics): number {
  return metric === "completionRate" ? Math.log10(m.completionRate / base.completionRate) : (m as Record<string, number>)[metric]!;
}

function trainedRows(panels: readonly { metric: string; title: string }[], kl: number): PlotRow[] {
  if (!trained) return [];
  const { base, trained: t } = trained.result;
  return panels.flatMap((p) => [
    { panel: p.title, kl: 0, value: panelValue(p.metric, base, base), series: "base network", readKl: kl },
    { panel: p.title, kl: t.kl, value: panelValue(p.metric, t, base), series: "DPO-trained network", readKl: kl },
  ]);
}

/** As many facet columns as fit the plot area (each panel ≈ 220 px with its axis), at least 2. */
function fitColumns(panels: number): number {
  return Math.max(2, Math.min(panels, Math.floor(($("plots").clientWidth - 40) / 220)));
}

function facetSpec(rows: PlotRow[], panels: readonly { title: string }[], columns: number, yTitle: string) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values: rows },
    facet: { field: "panel", type: "nominal", title: null, sort: panels.map((p) => p.title), header: { labelFontSize: 12, labelFontWeight: "bold" } },
    columns,
    spec: {
      width: 150,
      height: 120,
      layer: [
        {
          transform: [{ filter: "datum.series === 'rater-trained limit' || datum.series === 'oracle-trained limit'" }],
          mark: { type: "line", point: { size: 14 } },
          encoding: {
            x: { field: "kl", type: "quantitative", title: "KL from the corpus (nats)" },
            y: { field: "value", type: "quantitative", title: yTitle, scale: { zero: false } },
            color: {
              field: "series",
              type: "nominal",
              title: null,
              scale: {
                domain: ["rater-trained limit", "oracle-trained limit", "base network", "DPO-trained network"],
                range: [RATER, ORACLE, "#888888", TRAINED],
              },
            },
          },
        },
        // The trained network's points, only once there are some (an empty layer makes Vega warn).
        ...(rows.some((r) => r.series === "DPO-trained network")
          ? [
              {
                transform: [{ filter: "datum.series === 'base network' || datum.series === 'DPO-trained network'" }],
                mark: { type: "point", filled: true, size: 70, shape: "diamond" },
                encoding: {
                  x: { field: "kl", type: "quantitative" },
                  y: { field: "value", type: "quantitative" },
                  color: { field: "series", type: "nominal" },
                },
              },
            ]
          : []),
        { mark: { type: "rule", strokeDash: [4, 3], color: "#555" }, encoding: { x: { aggregate: "max", field: "readKl", type: "quantitative" } } },
      ],
    },
    resolve: { scale: { y: "independent" }, axis: { x: "independent" } },
    config: { legend: { orient: "top" } },
  };
}

function behaviourSpec(m: ExploreModel) {
  const rows: PlotRow[] = [];
  for (const p of BEHAVIOUR_PANELS) {
    rows.push({ panel: p.title, kl: 0, value: panelValue(p.metric, m.base, m.base), series: "rater-trained limit", readKl: m.settings.kl });
    rows.push({ panel: p.title, kl: 0, value: panelValue(p.metric, m.base, m.base), series: "oracle-trained limit", readKl: m.settings.kl });
    for (const c of m.curves)
      rows.push({ panel: p.title, kl: c.kl, value: panelValue(p.metric, c, m.base), series: `${c.labeller}-trained limit`, readKl: m.settings.kl });
  }
  const panels = BEHAVIOUR_PANELS.map((p) => (p.metric === "completionRate" ? { ...p, title: "completion (log₁₀ × corpus)" } : p));
  const rename = new Map(BEHAVIOUR_PANELS.map((p, i) => [p.title, panels[i]!.title]));
  for (const r of rows) r.panel = rename.get(r.panel) ?? r.panel;
  rows.push(...trainedRows(panels, m.settings.kl));
  return facetSpec(rows, panels, fitColumns(panels.length), "rate");
}

const GAP_PANELS = [
  { metric: "inflationGap", title: "inflation gap (net)" },
  { metric: "overestimation", title: "E⁺ (over-estimation)" },
  { metric: "underestimation", title: "E⁻ (under-estimation)" },
  { metric: "trueUtility", title: "true utility" },
] as const;

function gapSpec(m: ExploreModel) {
  const rows: PlotRow[] = [];
  for (const p of GAP_PANELS) {
    for (const series of ["rater-trained limit", "oracle-trained limit"])
      rows.push({ panel: p.title, kl: 0, value: m.base[p.metric], series, readKl: m.settings.kl });
    for (const c of m.curves) rows.push({ panel: p.title, kl: c.kl, value: c[p.metric], series: `${c.labeller}-trained limit`, readKl: m.settings.kl });
  }
  rows.push(...trainedRows(GAP_PANELS, m.settings.kl));
  return facetSpec(rows, GAP_PANELS, fitColumns(GAP_PANELS.length), "utility units");
}

function boundarySpec(m: ExploreModel) {
  const b = m.boundary;
  const rules = [
    { d: b.dStar, name: "d* = h/(h+L)" },
    { d: b.dLabel, name: "d_label (one step)" },
    ...(b.dLabelK === null ? [] : [{ d: b.dLabelK, name: `k-step label boundary (k = ${b.k})` }]),
  ].filter((r) => Number.isFinite(r.d)); // none when h = L = 0
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 520,
    height: 170,
    layer: [
      {
        data: { values: b.win },
        mark: { type: "line", color: "#333" },
        encoding: {
          x: { field: "d", type: "quantitative", title: "step-noticing rate d" },
          y: { field: "pWin", type: "quantitative", title: "P(one more step wins)", scale: { domain: [0, 1] } },
        },
      },
      { data: { values: [{ y: 0.5 }] }, mark: { type: "rule", color: "#999", strokeDash: [2, 2] }, encoding: { y: { field: "y", type: "quantitative" } } },
      {
        data: { values: rules },
        mark: { type: "rule", strokeWidth: 2 },
        encoding: {
          x: { field: "d", type: "quantitative" },
          color: { field: "name", type: "nominal", title: null, scale: { range: ["#e09f3e", "#9e2a2b", "#540b0e"] } },
        },
      },
      {
        data: { values: [{ d: b.d, pWin: b.pWin, name: "raters' mean d" }] },
        mark: { type: "point", filled: true, size: 90, color: RATER },
        encoding: {
          x: { field: "d", type: "quantitative" },
          y: { field: "pWin", type: "quantitative" },
          tooltip: [{ field: "name" }, { field: "d" }, { field: "pWin" }],
        },
      },
    ],
    config: { legend: { orient: "right" } },
  };
}

const VALUE_ROWS = [
  ["sycophancyRate", "sycophancy"],
  ["exaggerationRate", "exaggeration"],
  ["fabricationRate", "fabrication"],
  ["honestErrorRate", "honest error"],
  ["completionRate", "manoeuvre completion"],
  ["inflationGap", "inflation gap (net)"],
  ["overestimation", "E⁺ (over-estimation)"],
  ["underestimation", "E⁻ (under-estimation)"],
  ["trueUtility", "true utility"],
  ["believedUtility", "believed utility"],
  ["kl", "KL (nats)"],
] as const;

function valuesTable(m: ExploreModel): string {
  const cols: { name: string; id: string; m: ExploreMetrics | null }[] = [
    { name: "corpus", id: "corpus", m: m.base },
    { name: `rater-trained limit`, id: "rater", m: m.read.rater },
    { name: `oracle-trained limit`, id: "oracle", m: m.read.oracle },
    ...(trained
      ? [
          { name: "base network", id: "base-network", m: trained.result.base },
          { name: "DPO-trained network", id: "trained", m: trained.result.trained },
        ]
      : []),
  ];
  const head = `<tr><th>at KL ${fmt(m.settings.kl)}</th>${cols.map((c) => `<th>${c.name}</th>`).join("")}</tr>`;
  const body = VALUE_ROWS.map(
    ([k, label]) => `<tr><th>${label}</th>${cols.map((c) => `<td data-policy="${c.id}" data-metric="${k}">${fmt(c.m ? c.m[k] : null)}</td>`).join("")}</tr>`,
  ).join("");
  return head + body;
}

const embedOptions = { actions: false, renderer: "svg" as const };

async function draw(m: ExploreModel): Promise<void> {
  $("sentence-behaviour").textContent = m.sentences.behaviour;
  $("sentence-gap").textContent = m.sentences.gap;
  $("sentence-boundary").textContent = m.sentences.boundary;
  $("values").innerHTML = valuesTable(m);
  await Promise.all([
    embed("#chart-behaviour", behaviourSpec(m) as never, embedOptions),
    embed("#chart-gap", gapSpec(m) as never, embedOptions),
    embed("#chart-boundary", boundarySpec(m) as never, embedOptions),
  ]);
}

// ---------------------------------------------------------------- training

async function train(): Promise<void> {
  const button = $<HTMLButtonElement>("train");
  const bar = $<HTMLProgressElement>("train-progress");
  button.disabled = true;
  const s = settings;
  const t0 = performance.now();
  try {
    const result = await trainExplore(
      s,
      (fraction, phase) => {
        bar.value = fraction;
        $("train-status").textContent = fraction < 1 ? `${phase}…` : "done";
      },
      () => new Promise((r) => setTimeout(r, 20)),
    );
    if (trainKey(settings) !== trainKey(s)) {
      // The controls moved while it trained: its point belongs to settings no longer shown.
      $("train-status").textContent = "the settings changed during training; train again to see a point for these";
      return;
    }
    trained = { result, key: trainKey(s) };
    const secs = (performance.now() - t0) / 1000;
    $("train-status").textContent = `DPO β ${fmt(s.trainBeta)}, seed ${s.seed}: ${result.pairs} labelled pairs, ${result.steps} steps, ${secs.toFixed(1)} s`;
    $("train-note").textContent =
      `The DPO-trained network (notebook 03's quick budget: a base network pretrained on 1000 corpus documents, then one pass of DPO on ${result.pairs} rater-labelled pairs of its own outputs) moved ${fmt(result.trained.kl)} nats from its base network; its fabrication went from ${fmt(result.base.fabricationRate)} to ${fmt(result.trained.fabricationRate)} and its sycophancy from ${fmt(result.base.sycophancyRate)} to ${fmt(result.trained.sycophancyRate)}.`;
    document.body.dataset["trained"] = "1";
    if (model) await draw(model);
  } catch (e) {
    $("train-status").textContent = `training failed: ${(e as Error).message}`;
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- start

async function start(): Promise<void> {
  buildControls();
  setWasmPaths({ "tfjs-backend-wasm.wasm": wasmPlain, "tfjs-backend-wasm-simd.wasm": wasmSimd, "tfjs-backend-wasm-threaded-simd.wasm": wasmSimd });
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  let backend = "none";
  try {
    await tf.setBackend("wasm");
    await tf.ready();
    backend = tf.getBackend();
  } catch {
    backend = tf.getBackend() ?? "none";
  }
  $("backend").textContent = backend;
  document.body.dataset["backend"] = backend;
  fromHash();
}

void start();
