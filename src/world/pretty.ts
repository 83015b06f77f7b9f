/** Pretty-printing of outputs and meanings, for notebooks and debugging. */
import type { Meaning } from "./parser";
import type { World } from "./world";

/** A meaning in words, e.g. "answers C (overclaim) with evidence; manoeuvre 2/3". */
export function describeMeaning(world: World, m: Meaning): string {
  const parts: string[] = [];
  if (m.answer === null) parts.push("no answer");
  else parts.push(`answers ${world.vocab.names[m.answer]} (${m.confidence})${m.evidence ? " with evidence" : ""}`);
  if (m.answer === null && m.evidence) parts.push("evidence without an answer");
  const k = world.vocab.steps;
  if (m.prefix > 0) parts.push(m.completed ? `completes the ${k}-step manoeuvre` : `manoeuvre ${m.prefix}/${k}`);
  return parts.join("; ");
}

/** Tokens and meaning on one line: "P1 C overclaim evidence <end>  →  answers C (overclaim) …". */
export function prettyOutput(world: World, tokens: readonly number[]): string {
  return `${world.vocab.decode(tokens)}  →  ${describeMeaning(world, world.space.parse(tokens).meaning)}`;
}
