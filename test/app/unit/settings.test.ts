/** The App's settings from its environment: the event time budget is a whole number of ms or refused. */
import { expect, test } from "@jest/globals";
import { DEFAULT_EVENT_BUDGET_MS, eventBudgetOf, settingsFromEnv } from "../../../app/settings.js";

test("the event budget defaults below GitHub's 10 s delivery timeout and can be set in ms", () => {
  expect(eventBudgetOf(settingsFromEnv({}))).toBe(DEFAULT_EVENT_BUDGET_MS);
  expect(DEFAULT_EVENT_BUDGET_MS).toBeLessThan(10_000);
  expect(eventBudgetOf(settingsFromEnv({ TOLLGATE_EVENT_BUDGET_MS: "5000" }))).toBe(5_000);
});

test("an event budget that is not a positive whole number of ms stops the App from starting", () => {
  for (const raw of ["0", "-1", "8s", "1.5"])
    expect(() => settingsFromEnv({ TOLLGATE_EVENT_BUDGET_MS: raw })).toThrow(
      `TOLLGATE_EVENT_BUDGET_MS must be a whole number of milliseconds above 0, not "${raw}"`,
    );
});
