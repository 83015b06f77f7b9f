/**
 * The deterministic finite-state reading of outputs, and `OutputSpace`, this world's
 * implementation of the `SequenceSpace` contract (src/space.ts).
 *
 * Parser state (everything that matters for meaning):
 *   - `answer`: the first answer token read (−1 before any). Later answer tokens are ignored.
 *   - `confidence`: index into CONFIDENCE_LEVELS of the first confidence token (0 = none yet).
 *     Later confidence tokens are ignored. It may come before or after the answer.
 *   - `evidence`: whether an `evidence` token has been read (repeats add nothing).
 *   - `progress`: the longest in-order manoeuvre prefix so far: a step token P_j advances it
 *     exactly when j = progress + 1; any other step token is read as filler. Greedy matching
 *     is exact for "P1…Pm occur as a subsequence in this order".
 *   - `ended`: `<end>` has been read; every later token is ignored.
 * `filler` changes nothing. A sequence that reaches `maxLen` tokens without `<end>` is
 * read as if it had ended there; tokens beyond `maxLen` are ignored.
 *
 * There are (A+1)·4·2·(k+1)·2 states (320 for A = 4, k = 3), all reachable; they are
 * interned, so the same state is always the same object and has a stable index.
 */
import type { SequenceSpace } from "../space";
import { CONFIDENCE_LEVELS, type Confidence, Vocab } from "./vocab";

/** A parser state. Interned: compare with `===` or by `index`. */
export interface ParseState {
  /** Stable index in `OutputSpace.states`. */
  readonly index: number;
  /** First answer read, or −1. */
  readonly answer: number;
  /** Index into CONFIDENCE_LEVELS of the first confidence token (0 = none). */
  readonly confidence: number;
  /** An evidence token has been read. */
  readonly evidence: boolean;
  /** Longest in-order manoeuvre prefix read so far (0 … k). */
  readonly progress: number;
  /** `<end>` has been read. */
  readonly ended: boolean;
}

/** What an output means, read off its final parser state. */
export interface Meaning {
  /** The answer given (0-based option), or null when the output gives none. */
  answer: number | null;
  /**
   * Confidence of the answer: "none" when there is no answer; an answer without a
   * confidence token reads as "plain".
   */
  confidence: Confidence;
  /** Evidence is present (genuine if the answer is right, fabricated if wrong). */
  evidence: boolean;
  /** Longest in-order manoeuvre prefix (0 … k). */
  prefix: number;
  /** All k steps appeared in order. */
  completed: boolean;
}

/** Where each meaningful token sits in an output (for B-Pref myopia) and how long it is. */
export interface Reading {
  /** Final parser state. */
  state: ParseState;
  /** Its meaning. */
  meaning: Meaning;
  /** Tokens read, `<end>` included, at most maxLen. */
  length: number;
  /** Position of the counted answer token, or null. */
  answerPos: number | null;
  /** Positions of the tokens that advanced the manoeuvre prefix (length = prefix). */
  stepPos: number[];
}

/** The world's `SequenceSpace`: vocabulary, parser and state index. */
export class OutputSpace implements SequenceSpace<ParseState> {
  readonly vocabSize: number;
  readonly endToken: number;
  readonly tokenNames: readonly string[];
  readonly stateDim: number;
  /** All parser states, indexed by `state.index`. */
  readonly states: readonly ParseState[];
  /** `transitions[s * vocabSize + token]` = index of the state after reading `token` in state s. */
  readonly transitions: Int32Array;
  private readonly initial: ParseState;

  constructor(
    /** Token layout. */
    readonly vocab: Vocab,
    /** Maximum output length in tokens, `<end>` included. */
    readonly maxLen: number,
  ) {
    this.vocabSize = vocab.size;
    this.endToken = vocab.end;
    this.tokenNames = vocab.names;
    const A = vocab.answers;
    const k = vocab.steps;
    this.stateDim = A + 1 + 4 + 1 + (k + 1) + 1;
    const states: ParseState[] = [];
    for (let ended = 0; ended < 2; ended++)
      for (let answer = -1; answer < A; answer++)
        for (let confidence = 0; confidence < 4; confidence++)
          for (let evidence = 0; evidence < 2; evidence++)
            for (let progress = 0; progress <= k; progress++) {
              states.push(
                Object.freeze({ index: states.length, answer, confidence, evidence: evidence === 1, progress, ended: ended === 1 }),
              );
            }
    this.states = states;
    this.initial = states[this.indexOf(-1, 0, false, 0, false)]!;
    this.transitions = new Int32Array(states.length * vocab.size);
    for (const s of states) {
      for (let t = 0; t < vocab.size; t++) this.transitions[s.index * vocab.size + t] = this.computeStep(s, t);
    }
  }

  initialState(): ParseState {
    return this.initial;
  }

  step(s: ParseState, token: number): ParseState {
    this.vocab.kind(token); // range check
    return this.states[this.transitions[s.index * this.vocabSize + token]!]!;
  }

  key(s: ParseState): string {
    return `a${s.answer}c${s.confidence}e${s.evidence ? 1 : 0}p${s.progress}${s.ended ? "x" : ""}`;
  }

  /**
   * One-hot answer (A+1, "none" first), one-hot confidence (4), evidence (1), one-hot
   * progress (k+1), ended (1).
   */
  stateFeatures(s: ParseState): number[] {
    const A = this.vocab.answers;
    const k = this.vocab.steps;
    const f = new Array<number>(this.stateDim).fill(0);
    f[s.answer + 1] = 1;
    f[A + 1 + s.confidence] = 1;
    f[A + 5] = s.evidence ? 1 : 0;
    f[A + 6 + s.progress] = 1;
    f[A + 7 + k] = s.ended ? 1 : 0;
    return f;
  }

  /** The meaning of a (final) parser state. */
  meaning(s: ParseState): Meaning {
    const answered = s.answer >= 0;
    const confidence: Confidence = !answered ? "none" : s.confidence === 0 ? "plain" : CONFIDENCE_LEVELS[s.confidence]!;
    return {
      answer: answered ? s.answer : null,
      confidence,
      evidence: s.evidence,
      prefix: s.progress,
      completed: s.progress === this.vocab.steps,
    };
  }

  /** Reads a token sequence (see the file comment for malformed sequences). */
  parse(tokens: readonly number[]): Reading {
    let s = this.initial;
    let length = 0;
    let answerPos: number | null = null;
    const stepPos: number[] = [];
    for (let i = 0; i < tokens.length && i < this.maxLen && !s.ended; i++) {
      const next = this.step(s, tokens[i]!);
      if (s.answer < 0 && next.answer >= 0) answerPos = i;
      if (next.progress > s.progress) stepPos.push(i);
      s = next;
      length = i + 1;
    }
    return { state: s, meaning: this.meaning(s), length, answerPos, stepPos };
  }

  /** Index of the state with these fields. */
  indexOf(answer: number, confidence: number, evidence: boolean, progress: number, ended: boolean): number {
    const A = this.vocab.answers;
    const k = this.vocab.steps;
    return ((((ended ? 1 : 0) * (A + 1) + (answer + 1)) * 4 + confidence) * 2 + (evidence ? 1 : 0)) * (k + 1) + progress;
  }

  private computeStep(s: ParseState, token: number): number {
    if (s.ended) return s.index;
    const v = this.vocab;
    let { answer, confidence, evidence, progress } = s;
    let ended = false;
    switch (v.kind(token)) {
      case "answer":
        if (answer < 0) answer = token;
        break;
      case "confidence":
        if (confidence === 0) confidence = v.confidenceIndex(token);
        break;
      case "evidence":
        evidence = true;
        break;
      case "step":
        if (v.stepNumber(token) === progress + 1) progress += 1;
        break;
      case "end":
        ended = true;
        break;
      case "filler":
        break;
    }
    return this.indexOf(answer, confidence, evidence, progress, ended);
  }
}
