import { expect, test } from "@jest/globals";
import type { GitHubClient } from "../../src/github/client.js";
import { heldBeneath, heldNoteOverwritten } from "../../src/github/held.js";

const BOT = "tollgate[bot]";
const TARGET = { owner: "acme", repo: "shop", sha: "a".repeat(40) };

const status = (login: string, type: string, description: string, context = "tollgate/held: production") => ({
  context,
  state: "success",
  description,
  target_url: null,
  created_at: "2026-11-30T10:00:00Z",
  creator: { login, type },
});

/** GitHub's list of a commit's statuses, newest first, in pages of 100. */
function listing(statuses: ReturnType<typeof status>[]) {
  const pages: number[] = [];
  const client = {
    request: async (_route: string, parameters: { page?: number; per_page: number }) => {
      const page = parameters.page ?? 1;
      pages.push(page);
      const from = (page - 1) * parameters.per_page;
      return { data: statuses.slice(from, from + parameters.per_page) };
    },
  } as unknown as GitHubClient;
  return { client, pages };
}

test("a note written over by a person, then pushed past the first page, is still the App's to read", async () => {
  const cover = Array.from({ length: 120 }, (_, i) =>
    status("mallory", "User", `released: run ${i} was answered`),
  );
  const { client, pages } = listing([...cover, status(BOT, "Bot", "held: run 7 waits for Tollgate's gate")]);
  const beneath = await heldBeneath(client, TARGET, BOT);
  expect(beneath.held).toEqual([{ environment: "production", runId: 7, url: "" }]);
  expect(pages).toEqual([1, 2]);
  expect(beneath.requests).toBe(2);
});

test("the App's own newest note decides: a run it released is not held", async () => {
  const { client } = listing([
    status("mallory", "User", "held: run 9 waits for Tollgate's gate"),
    status(BOT, "Bot", "released: run 7 was answered"),
    status(BOT, "Bot", "held: run 7 waits for Tollgate's gate"),
  ]);
  expect((await heldBeneath(client, TARGET, BOT)).held).toEqual([]);
});

test("only a held context last written by someone else counts as overwritten", () => {
  const node = (login: string, typename: string, context = "tollgate/held: production") => ({
    context,
    state: "SUCCESS",
    description: "",
    targetUrl: null,
    createdAt: "2026-11-30T10:00:00Z",
    creator: { __typename: typename, login },
  });
  expect(heldNoteOverwritten([node("tollgate", "Bot")], BOT)).toBe(false);
  expect(heldNoteOverwritten([node("mallory", "User", "build")], BOT)).toBe(false);
  expect(heldNoteOverwritten([node("mallory", "User")], BOT)).toBe(true);
  // A user named like the bot's slug is not the bot.
  expect(heldNoteOverwritten([node("tollgate", "User")], BOT)).toBe(true);
});
