/**
 * Every time limit of the suite comes from one setting, TOLLGATE_TEST_TIME_SCALE (default 1), read here
 * and in jest.config.js. The limits are generous on purpose: they exist to end a test that hangs, never
 * to judge speed (benchmarks do that), so a busy machine must stay far inside them. Raise the scale on a
 * slow machine rather than editing a number in a test.
 */
export const TIME_SCALE = timeScale(process.env["TOLLGATE_TEST_TIME_SCALE"]);

/** A test (or hook) that starts servers, browsers or child processes: `node dist/index.js`, Probot, Prometheus. */
export const PROCESS_TEST_MS = 120_000 * TIME_SCALE;

/** A whole story in one test or hook (the demo, a rollout with several real pauses). */
export const STORY_TEST_MS = 300_000 * TIME_SCALE;

/** Waiting inside a test for something another process does (a webhook delivered, a file written). */
export const WAIT_MS = 30_000 * TIME_SCALE;

function timeScale(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`TOLLGATE_TEST_TIME_SCALE must be a positive number, not "${raw}"`);
  return scale;
}
