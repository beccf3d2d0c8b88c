import { describe, expect, test } from "@jest/globals";
import { describeRef, isCoveredBy, membersOf, type Directory } from "../../src/approvals/authority.js";
import { parseApprover } from "../../src/policy/model.js";

const directory: Directory = {
  teams: { "Acme/SRE": ["Olga", "pat"] },
  permissions: { root: "admin", mia: "maintain", wes: "write" },
  groups: {
    admins: [parseApprover("johan"), parseApprover("role:admin")],
    ops: [parseApprover("@acme/sre"), parseApprover("group:leads")],
    leads: [parseApprover("alice")],
    loop: [parseApprover("group:loop2")],
    loop2: [parseApprover("group:loop")],
  },
};

describe("who an approver reference stands for", () => {
  test.each([
    ["alice", "ALICE", true],
    ["alice", "bob", false],
    ["@acme/sre", "olga", true],
    ["@acme/sre", "alice", false],
    ["@acme/unknown", "olga", false],
    ["role:maintain", "mia", true],
    ["role:maintain", "root", true],
    ["role:maintain", "wes", false],
    ["role:read", "nobody", false],
    ["group:admins", "root", true],
    ["group:admins", "johan", true],
    ["group:ops", "alice", true],
    ["group:ops", "pat", true],
    ["group:ops", "mia", false],
    ["group:loop", "alice", false],
    ["group:missing", "alice", false],
  ])("%s covers %s: %s", (spec, login, expected) => {
    expect(isCoveredBy(login, parseApprover(spec), directory)).toBe(expected);
  });

  test.each([
    ["alice", ["alice"]],
    ["@acme/sre", ["olga", "pat"]],
    ["@acme/unknown", undefined],
    ["role:admin", undefined],
    ["group:ops", ["olga", "pat", "alice"]],
    ["group:admins", undefined],
    ["group:loop", []],
  ])("members of %s", (spec, members) => {
    expect(membersOf(parseApprover(spec), directory)).toEqual(members);
  });

  test.each(["alice", "@acme/sre", "role:admin", "group:ops"])("describes %s", (spec) => {
    expect(describeRef(parseApprover(spec))).toBe(
      spec.includes(":") ? spec : spec.startsWith("@") ? spec : `@${spec}`,
    );
  });
});
