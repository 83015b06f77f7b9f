/**
 * A lock on an output folder, so two processes never write the same files at once (one
 * would overwrite or delete the other's results). The lock is a file holding the owner's
 * pid, created exclusively. A lock whose process is gone (killed by a signal) is taken over
 * with a warning; a live one is refused with a {@link LockedError} naming its process.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Another live process holds the lock. */
export class LockedError extends Error {
  constructor(
    readonly file: string,
    readonly pid: number,
    what: string,
  ) {
    super(`another ${what} (pid ${pid}) is writing ${path.dirname(file)}; wait for it to finish, or remove ${file} if that process is not a ${what}`);
    this.name = "LockedError";
  }
}

/** Whether a process with this pid is running (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the lock `file` for this process (`what` names the kind of process in messages, e.g.
 * "sweep"). Returns a function that releases it (only if this process still owns it); also
 * released when the process exits normally.
 */
export function acquireLock(file: string, what: string, warn: (msg: string) => void = console.warn): () => void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, String(process.pid), { flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const pid = Number(fs.readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) throw new LockedError(file, pid, what);
    warn(`taking over a stale lock ${file} (its process ${Number.isFinite(pid) ? pid : "?"} is not running)`);
    fs.writeFileSync(file, String(process.pid));
  }
  const release = () => {
    try {
      if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.rmSync(file);
    } catch {
      // already gone
    }
    process.off("exit", release);
  };
  process.on("exit", release);
  return release;
}
