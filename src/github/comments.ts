/**
 * Answers in the PR conversation: a reaction on the command's comment and, when refused, a short reply.
 * A reply never starts with "/" and never repeats the comment, so the bot can never trigger itself or
 * be made to echo a command.
 */
import type { GitHubClient, RepositoryRef } from "./client.js";

export type Reaction = "+1" | "-1" | "eyes";

export async function react(
  client: GitHubClient,
  repo: RepositoryRef,
  commentId: number,
  content: Reaction,
): Promise<void> {
  await client.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    ...repo,
    comment_id: commentId,
    content,
  });
}

/** Whether `bot` already reacted to a comment: a command it answered once must not act again. */
export async function hasReacted(
  client: GitHubClient,
  repo: RepositoryRef,
  commentId: number,
  bot: string,
): Promise<boolean> {
  const { data } = await client.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
    ...repo,
    comment_id: commentId,
    per_page: 100,
  });
  return (data as { user: { login: string } | null }[]).some((r) => r.user?.login === bot);
}

/** Makes text safe to post: no line may open with a slash (each line could be read as a command). */
export function safeBody(text: string): string {
  return text.replace(/^([ \t>]*)\//gm, "$1∕");
}

export async function reply(
  client: GitHubClient,
  repo: RepositoryRef,
  issueNumber: number,
  body: string,
): Promise<{ id: number; html_url: string }> {
  const { data } = await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
    ...repo,
    issue_number: issueNumber,
    body: safeBody(body),
  });
  return data as { id: number; html_url: string };
}

/** Whether `author` already left a comment containing `marker` (an HTML comment), over at most `maxPages` pages. */
export async function hasCommentWith(
  client: GitHubClient,
  repo: RepositoryRef,
  issueNumber: number,
  author: string,
  marker: string,
  maxPages = 10,
): Promise<boolean> {
  for (let page = 1; page <= maxPages; page++) {
    const { data } = await client.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...repo,
      issue_number: issueNumber,
      per_page: 100,
      page,
    });
    const comments = data as { body?: string; user: { login: string } | null }[];
    if (comments.some((c) => c.user?.login === author && (c.body ?? "").includes(marker))) return true;
    if (comments.length < 100) return false;
  }
  return false;
}
