import { describe, expect, test } from "@jest/globals";
import { parseCommand } from "../../src/approvals/commands.js";

const TOLLGATE_USAGE =
  "/tollgate help | /tollgate explain [environment] | /tollgate resume <environment> | /tollgate abort <environment>";

describe("comment commands", () => {
  test.each([
    ["/approve production", { kind: "approve", environment: "production" }],
    [
      "/approve production looks good, ship it",
      { kind: "approve", environment: "production", note: "looks good, ship it" },
    ],
    ["  /Approve staging\nmore text", { kind: "approve", environment: "staging" }],
    [
      "/reject production error budget exhausted",
      { kind: "reject", environment: "production", reason: "error budget exhausted" },
    ],
    ["/rollback production", { kind: "rollback", environment: "production" }],
    ["/tollgate help", { kind: "help" }],
    ["/tollgate explain", { kind: "explain" }],
    ["/tollgate explain production", { kind: "explain", environment: "production" }],
    ["\uFEFF/approve production\r\n", { kind: "approve", environment: "production" }],
  ])("%j", (body, command) => {
    expect(parseCommand(body)).toEqual(command);
  });

  test.each([
    ["> /approve production", "a quote"],
    ["```\n/approve production\n```", "a fenced code block"],
    ["    /approve production", "an indented code block"],
    ["`/approve production`", "inline code"],
    ["no, don't /approve production", "prose"],
    ["LGTM\n/approve production", "not the first line"],
    ["/approved production", "another word"],
    ["/deploy production", "another bot's command"],
    ["", "an empty comment"],
  ])("not a command: %j (%s)", (body) => {
    expect(parseCommand(body)).toBeUndefined();
  });

  test.each([
    ["/approve", "name the environment; usage: /approve <environment> [note]"],
    ["/approve $(rm -rf /)", '"$(rm" is not an environment name; usage: /approve <environment> [note]'],
    ["/reject production", "give a reason; usage: /reject <environment> <reason>"],
    ["/rollback production now", "only the environment is expected; usage: /rollback <environment>"],
    ["/rollback", "name the environment; usage: /rollback <environment>"],
    ["/tollgate", `name a subcommand; usage: ${TOLLGATE_USAGE}`],
    ["/tollgate deploy", `unknown subcommand "deploy"; usage: ${TOLLGATE_USAGE}`],
    ["/tollgate explain ../etc", `"../etc" is not an environment name; usage: ${TOLLGATE_USAGE}`],
    ["/reject ;; because", '";;" is not an environment name; usage: /reject <environment> <reason>'],
  ])("refused with a reason: %j", (body, problem) => {
    expect(parseCommand(body)).toEqual({ kind: "invalid", command: expect.any(String), problem });
  });
});
