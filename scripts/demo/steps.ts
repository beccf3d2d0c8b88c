/** The demo's acts, in the order it plays them; test/demo/demo.test.ts checks the narration against them. */
export const STEPS = [
  "A repository with a policy",
  "A pull request and its readiness check runs",
  "CI passes: the check runs turn",
  "/approve from someone who is not an approver",
  "An admin approves: /approve production",
  "The merge",
  "Staging, deployed automatically",
  "Production, gated: awaiting approval",
  "The second approval: the App re-runs the failed job",
  "A canary rollout with real traffic",
  "A fault at 25 %",
  "Caught by the analysis: the automatic rollback",
  "The fault cleared: the re-run canary reaches 100 %",
  "/rollback production",
  "The audit of the resulting history",
] as const;

export type Step = (typeof STEPS)[number];

/** The header line the narration prints for a step. */
export function stepHeader(step: Step): string {
  return `━━ ${STEPS.indexOf(step) + 1}/${STEPS.length} · ${step} ━━`;
}
