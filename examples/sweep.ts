/**
 * A user's script that runs a sweep through the library (the same function as `rlhf sweep`):
 * how DPO on rater labels vs oracle labels moves sycophancy as raters check evidence more
 * often, over 2 seeds, on both cores.
 *
 *   make build && node --import tsx examples/sweep.ts [--out runs/example-sweep] [--workers 2]
 */
import { parseArgs } from "node:util";
import { runSweep } from "rlhf-incentives/node";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string", default: "runs/example-sweep" }, workers: { type: "string" } } });
  const spec = {
    name: "example",
    base: { budget: { trainDocs: 300, heldOutDocs: 50, pairs: 150 } },
    grid: {
      labeller: ["rater", "oracle"],
      "world.population.verify": [
        { lo: 0, hi: 0 },
        { lo: 1, hi: 1 },
      ],
    },
    seeds: "1-2",
  };
  const result = await runSweep(spec, {
    out: values.out!,
    ...(values.workers ? { workers: Number(values.workers) } : {}),
    onProgress: (p) => console.log(`${p.done}/${p.total} runs (${p.rate.toFixed(2)} runs/s): ${p.label}`),
  });
  console.log(`${result.executed} executed, ${result.skipped} already done; rows in ${result.files.csv}`);
  for (const row of result.summary) {
    const ci = (m: string) => `${Number(row[m]).toFixed(3)} [${Number(row[`${m}_lo`]).toFixed(3)}, ${Number(row[`${m}_hi`]).toFixed(3)}]`;
    console.log(
      `${row["labeller"]}, v = ${row["world.population.verify.lo"]}: sycophancy ${ci("sycophancyRate")}, true utility ${ci("trueUtility")} (n = ${row["n"]})`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
