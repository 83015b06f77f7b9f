/**
 * Drives the built explore page in Debian's Firefox (firefox-esr) over WebDriver BiDi,
 * with no driver but Node's WebSocket: playwright-core 1.65 needs BiDi commands that
 * Firefox ESR does not have yet. Run by test/explore/page.test.ts in a child process
 * (`node --experimental-websocket`, Node 20); prints one JSON line with what it saw.
 *
 *   node --experimental-websocket --require tsx/cjs test/explore/firefox-bidi.ts FIREFOX PAGE SCREENSHOT
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const [firefox, file, screenshot] = process.argv.slice(2) as [string, string, string];

type Msg = {
  id?: number;
  type?: string;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: string;
  message?: string;
};

async function main(): Promise<void> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "rlhf-ff-"));
  // Quiet profile: no update checks, telemetry or safe-browsing lists (the page itself is what is watched).
  fs.writeFileSync(
    path.join(profile, "user.js"),
    [
      "app.update.enabled",
      "datareporting.policy.dataSubmissionEnabled",
      "toolkit.telemetry.enabled",
      "browser.safebrowsing.malware.enabled",
      "browser.safebrowsing.phishing.enabled",
      "network.captive-portal-service.enabled",
      "network.connectivity-service.enabled",
    ]
      .map((p) => `user_pref("${p}", false);`)
      .join("\n"),
  );
  const ff = spawn(firefox, ["--headless", "--no-remote", "--profile", profile, "--remote-debugging-port", "0", "--window-size", "1440,900"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let text = "";
      const on = (b: Buffer) => {
        text += b.toString();
        const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(text);
        if (m) resolve(m[1]!);
      };
      ff.stderr.on("data", on);
      ff.stdout.on("data", on);
      ff.on("exit", (c) => reject(new Error(`firefox exited (${c}): ${text}`)));
      setTimeout(() => reject(new Error(`no BiDi endpoint: ${text}`)), 60_000);
    });
    const ws = new WebSocket(url.replace(/\/?$/, "/session"));
    await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
    let next = 1;
    const pending = new Map<number, (m: Msg) => void>();
    const errors: string[] = [];
    const requests: string[] = [];
    ws.onmessage = (ev) => {
      const m = JSON.parse(String(ev.data)) as Msg;
      if (m.id !== undefined) pending.get(m.id)?.(m);
      else if (m.method === "log.entryAdded" && m.params?.["level"] === "error") errors.push(String(m.params["text"]));
      else if (m.method === "network.beforeRequestSent") {
        const u = String((m.params?.["request"] as { url?: string })?.url ?? "");
        if (!/^(file|data|about|blob|resource|chrome|moz-extension):/.test(u)) requests.push(u);
      }
    };
    const send = (method: string, params: Record<string, unknown>) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const id = next++;
        pending.set(id, (m) => (m.type === "error" || m.error ? reject(new Error(`${method}: ${m.error} ${m.message ?? ""}`)) : resolve(m.result ?? {})));
        ws.send(JSON.stringify({ id, method, params }));
      });
    await send("session.new", { capabilities: {} });
    await send("session.subscribe", { events: ["log.entryAdded", "network.beforeRequestSent"] });
    const tree = (await send("browsingContext.getTree", {})) as { contexts: { context: string }[] };
    const context = tree.contexts[0]!.context;
    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = (await send("script.evaluate", { expression: `JSON.stringify(${expression})`, target: { context }, awaitPromise: true })) as {
        type: string;
        result?: { value?: string };
        exceptionDetails?: { text?: string };
      };
      if (r.type === "exception") throw new Error(`evaluate ${expression}: ${r.exceptionDetails?.text}`);
      return JSON.parse(r.result!.value!) as T;
    };
    const renders = () => evaluate<number>("Number(document.body.dataset.renders || 0)");
    const waitFor = async (expression: string, timeoutMs = 5 * 60_000) => {
      const t = Date.now();
      while (!(await evaluate<boolean>(expression))) {
        if (Date.now() - t > timeoutMs) throw new Error(`timed out waiting for ${expression}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const waitRender = async (after: number) => {
      await waitFor(`Number(document.body.dataset.renders || 0) > ${after} && document.body.dataset.busy === "0"`);
      return evaluate<string>("`${document.body.dataset.redrawMs} (${document.body.dataset.computeMs})`");
    };
    const t0 = Date.now();
    await send("browsingContext.navigate", { context, url: "file://" + file, wait: "complete" });
    const firstMs = await waitRender(0);
    const navMs = Date.now() - t0;
    const backend = await evaluate<string>('document.getElementById("backend").textContent');
    const times: Record<string, string> = {};
    for (const [key, value] of [
      ["detect", "0.3"],
      ["agreementShift", "1"],
      ["kl", "0.75"],
    ] as const) {
      const n = await renders();
      await evaluate(
        `(() => { const el = document.getElementById("in-${key}"); el.value = "${value}"; el.dispatchEvent(new Event("input", { bubbles: true })); el.dispatchEvent(new Event("change", { bubbles: true })); return 0; })()`,
      );
      times[key] = await waitRender(n);
    }
    const hash = await evaluate<string>("location.hash");
    const shown = await evaluate<{ policy: string; metric: string; text: string }[]>(
      `[...document.querySelectorAll("#values td[data-policy]")].map((td) => ({ policy: td.dataset.policy, metric: td.dataset.metric, text: td.textContent }))`,
    );
    const sentences = await evaluate<string[]>(`["behaviour", "gap", "boundary"].map((k) => document.getElementById("sentence-" + k).textContent)`);
    const lines = await evaluate<number>(`document.querySelectorAll("#chart-behaviour svg path[aria-roledescription='line mark']").length`);
    const tTrain = Date.now();
    await evaluate(`(document.getElementById("train").click(), 0)`);
    await waitFor(`document.body.dataset.trained === "1" && document.body.dataset.busy === "0"`, 10 * 60_000);
    const trainMs = Date.now() - tTrain;
    const trainedKl = await evaluate<string>(`document.querySelector("#values td[data-policy='trained'][data-metric='kl']").textContent`);
    const trainedShown = await evaluate<{ metric: string; text: string }[]>(
      `[...document.querySelectorAll("#values td[data-policy='trained']")].map((td) => ({ metric: td.dataset.metric, text: td.textContent }))`,
    );
    const shot = (await send("browsingContext.captureScreenshot", { context, origin: "document" })) as { data: string };
    fs.writeFileSync(screenshot, Buffer.from(shot.data, "base64"));
    console.log(JSON.stringify({ backend, firstMs, navMs, times, hash, shown, sentences, lines, trainMs, trainedKl, trainedShown, errors, requests }));
    await send("session.end", {}).catch(() => {});
    ws.close();
  } finally {
    ff.kill();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(String((e as Error).stack ?? e));
  process.exit(1);
});
