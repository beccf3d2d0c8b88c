import { describe, expect, test } from "@jest/globals";
import { parseCommand } from "../../src/approvals/commands.js";

describe("/tollgate resume and /tollgate abort", () => {
  test.each([
    ["/tollgate resume production", { kind: "resume", environment: "production" }],
    [
      "/tollgate abort staging-eu\nbecause the canary looks off",
      { kind: "abort", environment: "staging-eu" },
    ],
    ["  /Tollgate resume production", { kind: "resume", environment: "production" }],
  ])("%j", (body, command) => {
    expect(parseCommand(body)).toEqual(command);
  });

  test.each([
    ["/tollgate resume", /^name the environment to resume; usage: /],
    ["/tollgate abort", /^name the environment to abort; usage: /],
    ["/tollgate resume ../prod", /^"\.\.\/prod" is not an environment name; usage: /],
    ["/tollgate abort production now", /^only the environment is expected; usage: /],
  ])("refused: %j", (body, problem) => {
    expect(parseCommand(body)).toEqual({
      kind: "invalid",
      command: "tollgate",
      problem: expect.stringMatching(problem),
    });
  });

  test("a quoted or mid-sentence decision is not a command", () => {
    expect(parseCommand("> /tollgate resume production")).toBeUndefined();
    expect(parseCommand("please /tollgate abort production")).toBeUndefined();
  });
});
