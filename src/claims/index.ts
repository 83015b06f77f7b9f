/**
 * Everything a notebook runs, one namespace per notebook, plus the kit they share:
 *
 *   rl.claims.kit                    paired seeds, summaries, the base model, labellers, exact evaluation, the claim contract
 *   rl.claims.ratersAndOutcomes      notebook 01 (the world and its raters)
 *   rl.claims.loopsAreRight          notebook 02 (trainers against closed forms and the exact frontier)
 *   rl.claims.ratersNotOutcomes      notebook 03, claim 1
 *   rl.claims.rewardModelOvershoots  notebook 04, claim 2
 *   rl.claims.deceptionSurvivesRating notebook 05, claim 3
 *   rl.claims.complexityNeedsShaping notebook 06, claim 4
 *   rl.claims.noPowerSeeking         notebook 07, claim 5
 *   rl.claims.reweighting            notebook 08, claim 6
 *   rl.claims.capabilitiesSources    notebook 09, claim 7
 *   rl.claims.explore                the explorable report (reports/explore.html): notebooks 03 and 07 live
 *   rl.claims.sweep                  the unit of a sweep (one DPO run on the world) and sweep specs (the CLI's `rlhf sweep`)
 */
export * from "./registry";
export * as kit from "./kit";
export * as ratersAndOutcomes from "./raters-and-outcomes";
export * as loopsAreRight from "./loops-are-right";
export * as ratersNotOutcomes from "./raters-not-outcomes";
export * as rewardModelOvershoots from "./reward-model-overshoots";
export * as deceptionSurvivesRating from "./deception-survives-rating";
export * as complexityNeedsShaping from "./complexity-needs-shaping";
export * as noPowerSeeking from "./no-power-seeking";
export * as reweighting from "./reweighting";
export * as capabilitiesSources from "./capabilities-sources";
export * as explore from "./explore";
export * as sweep from "./sweep";
