/**
 * The output vocabulary. Every token carries one piece of meaning:
 *
 *   answers `A`, `B`, … (one per option) · confidence `hedge` / `plain` / `overclaim` ·
 *   `evidence` · `filler` · manoeuvre steps `P1` … `Pk` · `<end>`
 *
 * Token ids are laid out in that order: answers 0…A−1, then hedge, plain, overclaim,
 * evidence, filler, P1…Pk, and `<end>` last, so `vocabSize = A + k + 6`.
 */
import { checkInteger } from "../validate";

/** What a token means. */
export type TokenKind = "answer" | "confidence" | "evidence" | "filler" | "step" | "end";

/** Confidence levels, in increasing order; index 0 = "none" (no confidence token yet). */
export const CONFIDENCE_LEVELS = ["none", "hedge", "plain", "overclaim"] as const;
/** A confidence level. */
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

/** The token layout for A answers and a k-step manoeuvre. */
export class Vocab {
  /** Number of tokens. */
  readonly size: number;
  /** Id of `hedge`. */
  readonly hedge: number;
  /** Id of `plain`. */
  readonly plain: number;
  /** Id of `overclaim`. */
  readonly overclaim: number;
  /** Id of `evidence`. */
  readonly evidence: number;
  /** Id of `filler`. */
  readonly filler: number;
  /** Id of `<end>`. */
  readonly end: number;
  /** Display names, indexed by token id. */
  readonly names: readonly string[];

  constructor(
    /** A: number of answer options. */
    readonly answers: number,
    /** k: manoeuvre length. */
    readonly steps: number,
  ) {
    checkInteger("answers", answers, 2, 26);
    checkInteger("manoeuvreLength", steps, 1);
    this.hedge = answers;
    this.plain = answers + 1;
    this.overclaim = answers + 2;
    this.evidence = answers + 3;
    this.filler = answers + 4;
    this.end = answers + 5 + steps;
    this.size = this.end + 1;
    const names: string[] = [];
    for (let i = 0; i < answers; i++) names.push(answerName(i));
    names.push("hedge", "plain", "overclaim", "evidence", "filler");
    for (let j = 1; j <= steps; j++) names.push(`P${j}`);
    names.push("<end>");
    this.names = names;
  }

  /** Token id of answer option `i` (0-based). */
  answer(i: number): number {
    checkInteger("answer index", i, 0, this.answers - 1);
    return i;
  }

  /** Token id of manoeuvre step `j` (1-based: P1 … Pk). */
  step(j: number): number {
    checkInteger("step index", j, 1, this.steps);
    return this.answers + 4 + j;
  }

  /** Token id of a confidence level other than "none". */
  confidence(level: Exclude<Confidence, "none">): number {
    return level === "hedge" ? this.hedge : level === "plain" ? this.plain : this.overclaim;
  }

  /** What `token` means; throws RangeError for an id outside the vocabulary. */
  kind(token: number): TokenKind {
    if (!Number.isInteger(token) || token < 0 || token >= this.size) {
      throw new RangeError(`token ${token} is outside the vocabulary [0, ${this.size - 1}]`);
    }
    if (token < this.answers) return "answer";
    if (token <= this.overclaim) return "confidence";
    if (token === this.evidence) return "evidence";
    if (token === this.filler) return "filler";
    if (token === this.end) return "end";
    return "step";
  }

  /** For a step token, its 1-based step number; otherwise 0. */
  stepNumber(token: number): number {
    return this.kind(token) === "step" ? token - this.answers - 4 : 0;
  }

  /** For a confidence token, its index in `CONFIDENCE_LEVELS` (1…3); otherwise 0. */
  confidenceIndex(token: number): number {
    return this.kind(token) === "confidence" ? token - this.answers + 1 : 0;
  }

  /** Token ids from names (e.g. `["P1", "B", "plain", "<end>"]`); throws on an unknown name. */
  encode(names: readonly string[]): number[] {
    return names.map((n) => {
      const i = this.names.indexOf(n);
      if (i < 0) throw new RangeError(`unknown token name ${JSON.stringify(n)}; known: ${this.names.join(" ")}`);
      return i;
    });
  }

  /** Names of a token sequence, joined by spaces. */
  decode(tokens: readonly number[]): string {
    return tokens.map((t) => this.names[t] ?? `?${t}`).join(" ");
  }
}

/** Display name of answer option i: "A", "B", … */
export function answerName(i: number): string {
  return String.fromCharCode(65 + i);
}
