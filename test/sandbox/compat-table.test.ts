import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COMPAT_FILE, compatibilityTable, modelledGraphql } from "../../scripts/compat.js";
import { githubGraphqlSchema } from "../../sandbox/graphql/index.js";
import { startSandbox, type Sandbox } from "../../sandbox/index.js";
import { PROCESS_TEST_MS } from "../support/timeouts.js";

describe("docs/sandbox-compatibility.md: the table of what the sandbox models", () => {
  let table: string;
  let sb: Sandbox;

  beforeAll(async () => {
    table = await compatibilityTable();
    // This test reaches an unmodelled route on purpose.
    sb = await startSandbox({ failOnUnmodelled: false });
  }, PROCESS_TEST_MS);
  afterAll(async () => {
    await sb.close();
  });

  test("the committed table is what `npm run contracts:compat` generates from the code now", () => {
    const committed = readFileSync(join(process.cwd(), COMPAT_FILE), "utf8");
    // A route or GraphQL field added or dropped without regenerating the table fails here.
    expect(committed === table).toBe(true);
  });

  test("a route the table calls modelled is served, one it calls not modelled answers 501", async () => {
    expect(table).toContain("- `GET /rate_limit`: modelled (`rate-limit/get`)");
    expect(table).toContain("- `GET /gists`: not modelled (501)");
    const { token } = await sb.client.createUser("reader");
    const get = (path: string): Promise<Response> =>
      fetch(`${sb.apiUrl}${path}`, { headers: { authorization: `token ${token}` } });
    expect((await get("/rate_limit")).status).toBe(200);
    const gists = await get("/gists");
    expect(gists.status).toBe(501);
    expect(((await gists.json()) as { message: string }).message).toBe(
      "GET /gists is not modelled by the sandbox",
    );
  });

  test("GraphQL fields are read from the objects the resolvers build, connections included", () => {
    const fields = modelledGraphql(process.cwd(), githubGraphqlSchema());
    expect([...(fields.get("Query") ?? [])].sort()).toEqual(["node", "rateLimit", "repository", "viewer"]);
    expect(fields.get("PullRequest")?.has("headRefOid")).toBe(true);
    expect(fields.get("User")?.has("login")).toBe(true);
    expect(fields.get("PageInfo")?.has("hasNextPage")).toBe(true);
    // Nothing builds a Gist, so it is not modelled.
    expect(fields.has("Gist")).toBe(false);
    expect(table).toMatch(/Every field of these types is not modelled[^\n]*\n\n[^\n]*`Gist`/);
  });
});
