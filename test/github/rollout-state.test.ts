import { describe, expect, test } from "@jest/globals";
import { rolloutState } from "../../src/github/rollout-state.js";

const APP = "tollgate[bot]";
const WORKFLOW = "github-actions[bot]";
const TRUSTED = [APP, WORKFLOW];
const COMMENT = "https://github.example.test/acme/shop/pull/1#issuecomment-7";
const status = (login: string, state: string, description: string, log_url = "") => ({
  state,
  description,
  log_url,
  creator: { login },
});
const paused = status(
  WORKFLOW,
  "in_progress",
  "Tollgate outcome: paused at canary 10 %: error rate no data (inconclusive) — decide to resume or roll back",
  "https://github.example.test/acme/shop/actions/runs/801",
);

describe("a paused rollout's state, newest status first", () => {
  test("the App's decision after the pause counts, and the pause is still where it stopped", () => {
    const state = rolloutState(
      [status(APP, "in_progress", "Tollgate resume: by @alice", COMMENT), paused],
      TRUSTED,
      APP,
    );
    expect(state).toMatchObject({
      newest: paused,
      pausedAt: "canary 10 %",
      decision: { choice: "resume", login: "alice", url: COMMENT },
    });
  });

  test("the newest of two decisions wins", () => {
    const state = rolloutState(
      [
        status(APP, "in_progress", "Tollgate abort: by @bob", COMMENT),
        status(APP, "in_progress", "Tollgate resume: by @alice", COMMENT),
        paused,
      ],
      TRUSTED,
      APP,
    );
    expect(state.decision).toMatchObject({ choice: "abort", login: "bob" });
  });

  test.each([WORKFLOW, "mallory"])("the same words by %s decide nothing and hide nothing", (login) => {
    const state = rolloutState(
      [status(login, "in_progress", "Tollgate resume: by @alice", COMMENT), paused],
      TRUSTED,
      APP,
    );
    expect(state).toEqual({ newest: paused, pausedAt: "canary 10 %" });
  });

  test("a decision older than the pause does not carry over to it", () => {
    const state = rolloutState(
      [paused, status(APP, "in_progress", "Tollgate resume: by @alice", COMMENT)],
      TRUSTED,
      APP,
    );
    expect(state.decision).toBeUndefined();
  });

  test("a decision on a rollout that is not paused is no decision", () => {
    const running = status(WORKFLOW, "in_progress", "Tollgate step: canary 50 %: applied");
    const state = rolloutState(
      [status(APP, "in_progress", "Tollgate resume: by @alice", COMMENT), running],
      TRUSTED,
      APP,
    );
    expect(state).toEqual({ newest: running });
  });
});
