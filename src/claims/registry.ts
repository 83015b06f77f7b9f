/**
 * The seven claims of CLAIMS.md, as the ledger lists them. Claim numbers never change;
 * notebooks are numbered in reading order and say which claim they test.
 */
export interface ClaimInfo {
  /** Claim number in CLAIMS.md. */
  claim: number;
  /** Short title. */
  title: string;
  /** Who makes it in the post's thread. */
  source: string;
}

export const CLAIMS: readonly ClaimInfo[] = [
  { claim: 1, title: "Raters, not outcomes: rater feedback grows sycophancy, exaggeration and hallucination", source: "tailcalled (post)" },
  { claim: 2, title: "The reward model learns the rater, and optimising it overshoots", source: "cubefox (comment) and reply" },
  { claim: 3, title: "Deception only has to survive the rating", source: "tailcalled (post)" },
  { claim: 4, title: "Complex capabilities need shaping", source: "tailcalled (post)" },
  { claim: 5, title: "No misaligned power-seeking from rater feedback", source: "tailcalled (post); Steven Byrnes (reply)" },
  { claim: 6, title: "Fine-tuning reweights algorithms the base model already has", source: "quetzal_rainbow (comment)" },
  { claim: 7, title: "Where capabilities come from: outcome training and planners", source: "Chris_Leong, Steven Byrnes (comments)" },
];
