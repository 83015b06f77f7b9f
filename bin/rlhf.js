#!/usr/bin/env node
// The `rlhf` command. Runs the compiled CLI in dist/ (`make build`); with RLHF_FROM_SOURCE=1
// (or when dist/ is missing but tsx is installed) it runs the TypeScript source through tsx.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const root = path.resolve(__dirname, "..");
const built = path.join(root, "dist", "cli", "index.js");
if (process.env.RLHF_FROM_SOURCE !== "1" && fs.existsSync(built)) {
  require(built).main();
} else {
  let tsx;
  try {
    tsx = require.resolve("tsx/cjs/api", { paths: [root] });
  } catch {
    console.error("rlhf: dist/ is missing; run `make build` first");
    process.exit(1);
  }
  require(tsx).register();
  require(path.join(root, "src", "cli", "index.ts")).main();
}
