/**
 * Reading the CLI's inputs: YAML or JSON files, and `--set path=value` overrides (the value
 * read as YAML, so `0.5`, `true`, `[1, 2]` and `{ lo: 0, hi: 1 }` mean what they look like).
 */
import * as fs from "node:fs";
import * as YAML from "yaml";
import { ConfigError } from "../errors";
import { setPath } from "../claims/sweep/spec";

/** Parses a YAML or JSON file (JSON is YAML); a ConfigError names the file on a syntax error. */
export function readConfigFile(file: string): unknown {
  if (!fs.existsSync(file)) throw new ConfigError("file", file, "an existing YAML or JSON file");
  const text = fs.readFileSync(file, "utf8");
  try {
    return YAML.parse(text, { prettyErrors: true });
  } catch (e) {
    throw new ConfigError(file, "(file contents)", `valid YAML or JSON: ${(e as Error).message.split("\n")[0]}`);
  }
}

/** Applies `path=value` settings to `target` (a copy is returned). */
export function applySets(target: Record<string, unknown>, sets: readonly string[]): Record<string, unknown> {
  let out = target;
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new ConfigError("--set", s, "path=value, e.g. world.population.verify.lo=0.2");
    const value = YAML.parse(s.slice(eq + 1)) as unknown;
    out = setPath(out, s.slice(0, eq).trim(), value);
  }
  return out;
}
