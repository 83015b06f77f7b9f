import { expect } from "chai";
import { Progress, formatDuration, progressBar, progressLine } from "../../src/cli/progress";

/** A stand-in stream that records writes. */
function sink(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  let text = "";
  const stream = { isTTY, columns: 80, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe("cli/progress: a bar on a terminal, plain lines otherwise", () => {
  it("formats durations, bars and lines", () => {
    expect(formatDuration(5)).to.equal("0:05");
    expect(formatDuration(3725)).to.equal("1:02:05");
    expect(progressBar(3, 12, 8)).to.equal("[##------]");
    expect(progressLine({ done: 3, total: 12, rate: 1.5, eta: 6, label: "seed=2" })).to.equal("3/12 runs · 1.50 runs/s · ETA 0:06 · seed=2");
    expect(progressLine({ done: 0, total: 12, rate: null, eta: null, label: "" })).to.equal("0/12 runs");
  });

  it("redraws one line in place on a TTY and writes one line per update otherwise", () => {
    const tty = sink(true),
      plain = sink(false);
    for (const s of [tty, plain]) {
      const p = new Progress(s.stream, "runs");
      p.update({ done: 1, total: 2, rate: 1, eta: 1, label: "a" });
      p.update({ done: 2, total: 2, rate: 1, eta: 0, label: "b" });
      p.end();
    }
    expect(tty.text()).to.match(/^\r\[#+-+\] 1\/2 runs.*\r\[#+\] 2\/2 runs[^\n]*\n$/);
    expect(plain.text()).to.equal("1/2 runs · 1.00 runs/s · ETA 0:01 · a\n2/2 runs · 1.00 runs/s · ETA 0:00 · b\n");
  });
});
