/**
 * Progress of a long command: on a terminal, one bar redrawn in place (runs done, rate, ETA,
 * what just finished); otherwise (a log file, CI) one plain line per update.
 */
export interface ProgressState {
  done: number;
  total: number;
  /** Units per second (null: not known yet). */
  rate: number | null;
  /** Seconds left (null: not known yet). */
  eta: number | null;
  label: string;
}

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60),
    r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}

/** One progress line (no bar): "12/40 runs · 1.30 runs/s · ETA 0:21 · label". */
export function progressLine(p: ProgressState, unit = "runs"): string {
  const parts = [`${p.done}/${p.total} ${unit}`];
  if (p.rate !== null) parts.push(`${p.rate.toFixed(2)} ${unit}/s`);
  if (p.eta !== null) parts.push(`ETA ${formatDuration(p.eta)}`);
  if (p.label) parts.push(p.label);
  return parts.join(" · ");
}

/** A bar of `width` cells for done/total. */
export function progressBar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : width;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** Writes progress to `stream`: a bar redrawn in place on a TTY, plain lines otherwise. */
export class Progress {
  private lastLength = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly unit = "runs",
    readonly tty: boolean = Boolean(stream.isTTY),
  ) {}

  update(p: ProgressState): void {
    if (!this.tty) {
      this.stream.write(progressLine(p, this.unit) + "\n");
      return;
    }
    const cols = this.stream.columns ?? 100;
    let line = `${progressBar(p.done, p.total)} ${progressLine(p, this.unit)}`;
    if (line.length > cols - 1) line = line.slice(0, cols - 2) + "…";
    this.stream.write(`\r${line}${" ".repeat(Math.max(0, this.lastLength - line.length))}`);
    this.lastLength = line.length;
  }

  /** Ends the bar's line (TTY) so later output starts on a fresh line. */
  end(): void {
    if (this.tty && this.lastLength > 0) this.stream.write("\n");
    this.lastLength = 0;
  }
}
