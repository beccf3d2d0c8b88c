/** Reading the App's decision commit statuses back: only the App's failures, or a context someone else overwrote. */
import { describe, expect, test } from "@jest/globals";
import { hasDecisionStatus, standingRejections } from "../../src/github/decision-status.js";
import type { StatusContextNode } from "../../src/github/evidence-query.js";
import { decisionContext, parseDecisionContext } from "../../src/records/format.js";

const BOT = "tollgate[bot]";
const SHA = "a".repeat(40);
const app = { __typename: "Bot", login: "tollgate" };
const node = (over: Partial<StatusContextNode>): StatusContextNode => ({
  context: "tollgate/decision: production @alice",
  state: "FAILURE",
  description: "Tollgate: rejected by @alice: not yet",
  targetUrl: "https://github.example.test/o/r/pull/1#issuecomment-1",
  createdAt: "2026-01-01T00:00:00Z",
  creator: app,
  ...over,
});

describe("decision contexts", () => {
  test("name the environment and the person, and are read back; other contexts are not", () => {
    expect(decisionContext("eu west", "alice")).toBe("tollgate/decision: eu west @alice");
    expect(parseDecisionContext("tollgate/decision: eu west @alice")).toEqual({
      environment: "eu west",
      login: "alice",
    });
    expect(parseDecisionContext("ci/build")).toBeUndefined();
    expect(parseDecisionContext("tollgate/decision: production")).toBeUndefined();
  });

  test("the App's failure is a standing rejection by the person the context names", () => {
    expect(standingRejections([node({})], SHA, BOT)).toEqual([
      {
        approver: "alice",
        decision: "reject",
        environment: "production",
        sha: SHA,
        at: "2026-01-01T00:00:00Z",
        url: "https://github.example.test/o/r/pull/1#issuecomment-1",
        note: "not yet",
      },
    ]);
  });

  test("the App's success is no rejection; a user named like the App's slug is not the App", () => {
    expect(standingRejections([node({ state: "SUCCESS" })], SHA, BOT)).toEqual([]);
    const impostor = standingRejections(
      [node({ creator: { __typename: "User", login: "tollgate" } })],
      SHA,
      BOT,
    );
    expect(impostor).toHaveLength(1);
    expect(impostor[0]!.note).toContain("overwritten by @tollgate");
    expect(impostor[0]!.url).toBeUndefined();
  });

  test("a context overwritten by anyone else stands as a rejection, even as a success", () => {
    const [masked] = standingRejections(
      [
        node({
          state: "SUCCESS",
          creator: { __typename: "User", login: "mallory" },
          createdAt: "2026-01-02T00:00:00Z",
        }),
      ],
      SHA,
      BOT,
    );
    expect(masked).toMatchObject({
      approver: "alice",
      environment: "production",
      at: "2026-01-02T00:00:00Z",
    });
    expect(masked!.note).toContain("@mallory");
  });

  test("a redelivery finds the App's record by the comment, never someone else's", () => {
    const url = "https://github.example.test/o/r/pull/1#issuecomment-1";
    expect(hasDecisionStatus([node({})], url, BOT)).toBe(true);
    expect(hasDecisionStatus([node({ creator: { __typename: "User", login: "mallory" } })], url, BOT)).toBe(
      false,
    );
    expect(hasDecisionStatus([node({ context: "ci/build" })], url, BOT)).toBe(false);
  });
});
