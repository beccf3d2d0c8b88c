/** The GitHub App itself, as its own JWT sees it. */
import type { GitHubClient } from "./client.js";

/** The App's slug (`GET /app`): its bot, `<slug>[bot]`, is the only writer trusted for approvals. */
export async function appSlug(client: GitHubClient): Promise<string> {
  const { data } = await client.request("GET /app");
  const slug = (data as { slug?: unknown }).slug;
  if (typeof slug !== "string" || slug === "")
    throw new Error("GitHub's GET /app named no slug: set TOLLGATE_APP_SLUG to the App's slug");
  return slug;
}
