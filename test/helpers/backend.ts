import { initBackend } from "../../src/tf/backend";

/** Call in a `before` hook: selects the backend (wasm here) once per process. */
export async function setupBackend(): Promise<void> {
  await initBackend();
}
