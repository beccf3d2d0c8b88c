import { describe, expect, test } from "@jest/globals";
import { PolicyReader, type ConditionalClient } from "../../../app/policy-read.js";

const POLICY = `version: 1
checklist:
  ci: { checks: [build] }
environments:
  staging:
    approval: automatic
    checklist: [ci]
`;
const REPO = { owner: "acme", repo: "shop" };
const PATH = ".github/tollgate.yml";

/** A GitHub that holds one file and answers conditional reads as GitHub does (304 as a thrown error). */
function github(file: { text: string | null; etag: string }) {
  const asked: Record<string, unknown>[] = [];
  const client: ConditionalClient = {
    request: async (_route, parameters = {}) => {
      asked.push(parameters);
      if (file.text === null) throw Object.assign(new Error("Not Found"), { status: 404 });
      const sent = (parameters["headers"] as Record<string, string> | undefined)?.["if-none-match"];
      if (sent === file.etag) throw Object.assign(new Error("Not Modified"), { status: 304 });
      return { status: 200, data: file.text, headers: { etag: file.etag } };
    },
  };
  return { client, asked };
}

describe("the policy read with If-None-Match", () => {
  test("the first read is plain; the next sends the ETag and a 304 gives the same parsed policy", async () => {
    const file = { text: POLICY, etag: 'W/"one"' };
    const { client, asked } = github(file);
    const reader = new PolicyReader();
    const first = await reader.read(client, REPO, "main", PATH);
    const second = await reader.read(client, REPO, "main", PATH);
    expect(first?.ok).toBe(true);
    expect(second).toBe(first);
    expect(asked[0]).toMatchObject({ ref: "main", path: PATH, mediaType: { format: "raw" } });
    expect(asked[0]?.["headers"]).toBeUndefined();
    expect(asked[1]?.["headers"]).toEqual({ "if-none-match": 'W/"one"' });
  });

  test("a changed file is read again, never answered from what was held", async () => {
    const file = { text: POLICY, etag: 'W/"one"' };
    const { client } = github(file);
    const reader = new PolicyReader();
    await reader.read(client, REPO, "main", PATH);
    file.text = "version: 1\nenvironments: {}\nnonsense: true\n";
    file.etag = 'W/"two"';
    const changed = await reader.read(client, REPO, "main", PATH);
    expect(changed?.ok).toBe(false);
  });

  test("no policy file: undefined, and a file added later is read", async () => {
    const file: { text: string | null; etag: string } = { text: null, etag: 'W/"x"' };
    const { client } = github(file);
    const reader = new PolicyReader();
    await expect(reader.read(client, REPO, "main", PATH)).resolves.toBeUndefined();
    file.text = POLICY;
    await expect(reader.read(client, REPO, "main", PATH)).resolves.toMatchObject({ ok: true });
  });

  test("bytes (the raw media type without a charset) are read as UTF-8 text", async () => {
    const bytes = new TextEncoder().encode(POLICY);
    const client: ConditionalClient = {
      request: async () => ({ status: 200, data: bytes.buffer, headers: { etag: 'W/"b"' } }),
    };
    await expect(new PolicyReader().read(client, REPO, "main", PATH)).resolves.toMatchObject({ ok: true });
  });

  test("any other failure is the caller's to handle (it evaluates rather than skip)", async () => {
    const client: ConditionalClient = {
      request: async () => {
        throw Object.assign(new Error("Bad Gateway"), { status: 502 });
      },
    };
    await expect(new PolicyReader().read(client, REPO, "main", PATH)).rejects.toThrow("Bad Gateway");
  });

  test("a 304 without anything held is not taken as an answer", async () => {
    const client: ConditionalClient = {
      request: async () => {
        throw Object.assign(new Error("Not Modified"), { status: 304 });
      },
    };
    await expect(new PolicyReader().read(client, REPO, "main", PATH)).rejects.toThrow("Not Modified");
  });

  test("ten reads at once pay for one: those that came during the first share one conditional read after it", async () => {
    const file = { text: POLICY, etag: 'W/"one"' };
    const { client, asked } = github(file);
    const reader = new PolicyReader();
    const reads = await Promise.all(
      Array.from({ length: 10 }, () => reader.read(client, REPO, "main", PATH)),
    );
    expect(reads.every((read) => read === reads[0] && read?.ok === true)).toBe(true);
    expect(asked.map((parameters) => parameters["headers"])).toEqual([
      undefined,
      { "if-none-match": 'W/"one"' },
    ]);
  });

  test("the least recently used repository is forgotten past the size", async () => {
    const file = { text: POLICY, etag: 'W/"one"' };
    const { client, asked } = github(file);
    const reader = new PolicyReader(2);
    for (const repo of ["a", "b", "c"]) await reader.read(client, { owner: "acme", repo }, "main", PATH);
    await reader.read(client, { owner: "acme", repo: "a" }, "main", PATH);
    expect(asked[3]?.["headers"]).toBeUndefined();
    await reader.read(client, { owner: "acme", repo: "c" }, "main", PATH);
    expect(asked[4]?.["headers"]).toEqual({ "if-none-match": 'W/"one"' });
  });
});
