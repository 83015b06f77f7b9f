/**
 * Chooses the TensorFlow.js backend once per process: the fastest one present, in the
 * order tfjs-node ("tensorflow", native; an optional dependency that cannot install
 * without internet access), then WebAssembly ("wasm"), then plain JavaScript ("cpu").
 * `RLHF_BACKEND=tensorflow|wasm|cpu` overrides the choice; asking for a backend that is
 * not installed is an error, not a silent fallback.
 */
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../errors";
import { registerFastGradients } from "./kernels";

/** Backend names as TensorFlow.js registers them. */
export const BACKENDS = ["tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** What {@link initBackend} chose and why. */
export interface BackendInfo {
  name: BackendName;
  /** "override" when RLHF_BACKEND chose it, "fastest available" otherwise. */
  reason: "override" | "fastest available";
  /** Backends that loaded on this machine, fastest first. */
  available: BackendName[];
}

let chosen: Promise<BackendInfo> | undefined;

/**
 * Selects and initialises the backend (once; later calls return the same answer).
 * @param override a backend name; defaults to the RLHF_BACKEND environment variable.
 */
export function initBackend(override: string | undefined = envBackend()): Promise<BackendInfo> {
  chosen ??= choose(override);
  return chosen;
}

/** Forgets the cached choice (benchmarks switch backends; tests check the override). */
export async function resetBackendChoice(): Promise<void> {
  chosen = undefined;
}

/**
 * Switches to a named backend now, loading it if needed, and registers the library's
 * faster gradients ({@link registerFastGradients}). Throws if it is not installed.
 */
export async function useBackend(name: BackendName): Promise<void> {
  if (!(await load(name))) {
    throw new ConfigError("RLHF_BACKEND", name, `an installed backend: ${(await availableBackends()).join(", ")}`);
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`backend "${name}" failed to initialise`);
  // The matrix-product gradient with plain products only (src/tf/kernels.ts); registered
  // for every backend so that results do not depend on which one was chosen first.
  registerFastGradients();
}

/** The backends that load on this machine, fastest first. */
export async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  for (const b of BACKENDS) if (await load(b)) out.push(b);
  return out;
}

async function choose(override: string | undefined): Promise<BackendInfo> {
  const available = await availableBackends();
  if (override !== undefined && override !== "") {
    if (!(BACKENDS as readonly string[]).includes(override)) {
      throw new ConfigError("RLHF_BACKEND", override, `one of ${BACKENDS.join(", ")}`);
    }
    await useBackend(override as BackendName);
    return { name: override as BackendName, reason: "override", available };
  }
  for (const name of available) {
    try {
      await useBackend(name);
      return { name, reason: "fastest available", available };
    } catch {
      // try the next one
    }
  }
  throw new Error("no TensorFlow.js backend could be initialised");
}

const loaded = new Map<BackendName, Promise<boolean>>();

function load(name: BackendName): Promise<boolean> {
  let p = loaded.get(name);
  if (p === undefined) {
    p = loadOnce(name);
    loaded.set(name, p);
  }
  return p;
}

async function loadOnce(name: BackendName): Promise<boolean> {
  try {
    switch (name) {
      case "tensorflow":
        // Registers the "tensorflow" backend when the native addon is installed.
        await import("@tensorflow/tfjs-node" as string);
        break;
      case "wasm":
        await import("@tensorflow/tfjs-backend-wasm");
        break;
      case "cpu":
        break; // bundled with @tensorflow/tfjs
    }
    return tf.findBackendFactory(name) !== null;
  } catch {
    return false;
  }
}

function envBackend(): string | undefined {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return p?.env?.["RLHF_BACKEND"];
}
