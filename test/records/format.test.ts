/** The deployment payload as written by anyone: only a whole, well-typed Tollgate payload is Tollgate's. */
import { describe, expect, test } from "@jest/globals";
import { claimsTollgatePayload, readPayload } from "../../src/records/format.js";

const whole = {
  version: 1,
  requested_by: "dave",
  change_type: "minor",
  emergency: false,
  policy_digest: "0".repeat(64),
  checklist: { ci: "passed" },
};

describe("readPayload", () => {
  test("reads a whole payload, as an object or as the JSON string GraphQL returns", () => {
    expect(readPayload({ tollgate: whole })).toMatchObject({ requested_by: "dave" });
    expect(readPayload(JSON.stringify({ tollgate: whole }))).toMatchObject({ change_type: "minor" });
  });

  test("keeps keys a newer writer added", () => {
    expect(readPayload({ tollgate: { ...whole, later: 1 } })).toMatchObject({ later: 1 });
  });

  test.each([
    ["fields missing", { version: 1, requested_by: "dave" }],
    ["a digest that is not a string", { ...whole, policy_digest: 7 }],
    ["a checklist that is not a map of states", { ...whole, checklist: ["passed"] }],
    ["a pull request without its head", { ...whole, pull_request: { number: 1, title: "t", author: "a" } }],
    ["another version", { ...whole, version: 2 }],
  ])("is not Tollgate's with %s, and says so without throwing", (_, tollgate) => {
    expect(readPayload({ tollgate })).toBeUndefined();
  });

  test("an imitation of this version is claimed, another version's payload or none is not", () => {
    expect(claimsTollgatePayload({ tollgate: { version: 1, requested_by: "dave" } })).toBe(true);
    expect(claimsTollgatePayload({ tollgate: { version: 2 } })).toBe(false);
    expect(claimsTollgatePayload({ other: true })).toBe(false);
    expect(claimsTollgatePayload("not json")).toBe(false);
    expect(claimsTollgatePayload(null)).toBe(false);
  });
});
