/** A sweep of 8 tiny runs (2 labellers × 2 βs × 2 seeds), each well under a second. */
export const TINY_SPEC = {
  name: "tiny",
  base: {
    world: { answers: 2, maxLen: 6, manoeuvreLength: 1 },
    budget: { trainDocs: 40, heldOutDocs: 10, pairs: 30, hidden: [8] },
  },
  grid: { labeller: ["rater", "oracle"], "trainer.beta": [0.1, 0.5] },
  seeds: "1-2",
};
