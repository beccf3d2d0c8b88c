/**
 * issue_comment: the commands. Only a `created` comment by a person can act; edits, bots and comments
 * that carry no command never do. Deleting an `/approve` comment withdraws its approval (the stricter
 * direction); no other deletion acts. Every command gets a reaction, and a reply when refused; the
 * reaction marks it answered, so a redelivered comment is answered once. A command the event's time
 * budget cut short is answered as refused, asking for the command again.
 */
import type { Context } from "probot";
import { parseCommand, type Command } from "../../src/approvals/commands.js";
import { react, reply, hasCommentWith, hasReacted } from "../../src/github/comments.js";
import { fitSummary } from "../../src/github/checks.js";
import { decide } from "../commands/decide.js";
import { explain, help } from "../commands/explain.js";
import { refuse, type CommandContext, type Outcome } from "../commands/outcome.js";
import { decidePause } from "../commands/paused.js";
import { rollback } from "../commands/rollback.js";
import { withdraw } from "../commands/withdraw.js";
import { isOutOfTime, type EventBudget } from "../../src/github/budget.js";
import { clientOf, type GitHubClient, type RepositoryRef } from "../../src/github/client.js";
import { commandFacts } from "../../src/github/pull-facts.js";
import { repoOf } from "../pull-facts.js";
import type { Turns } from "../../src/github/turns.js";
import type { Identity, Settings } from "../settings.js";

const ACTING = new Set(["approve", "reject", "rollback", "resume", "abort"]);
const MENTION = /(^|[^\w/])\/(approve|reject|rollback)\b/im;
const MENTION_HINT =
  "a command counts only at the very start of a new comment; quoted text, code blocks and commands inside a sentence never do";

function label(command: Command): string {
  return command.kind === "approve"
    ? "approval"
    : command.kind === "reject"
      ? "rejection"
      : command.kind === "invalid"
        ? "command"
        : command.kind;
}

export async function onIssueComment(
  context: Context<"issue_comment">,
  identity: Identity,
  settings: Settings,
  budget: EventBudget | undefined,
  turns: Turns,
): Promise<void> {
  const { payload, log } = context;
  const author = payload.comment.user;
  if (author?.login === identity.bot) return log.debug("our own comment");
  const command = parseCommand(payload.comment.body);
  const client = clientOf(context.octokit);
  const repo = repoOf(payload);
  const write = async (outcome: Outcome) => {
    await react(client, repo, payload.comment.id, outcome.reaction);
    if (outcome.reply) await reply(client, repo, payload.issue.number, fitSummary(outcome.reply));
  };
  // The answer is the one write let through once the budget is spent: the person must learn either way.
  const answer = (outcome: Outcome) => (budget ? budget.notice(() => write(outcome)) : write(outcome));
  if (!command) {
    // Someone meant a command but wrote it where it never counts (a quote, a code block, mid-sentence).
    if (payload.action === "created" && author?.type !== "Bot" && MENTION.test(payload.comment.body))
      return answer(refuse("comment", MENTION_HINT));
    return log.debug("no command in the comment");
  }

  if (payload.action === "deleted" && command.kind === "approve" && payload.issue.pull_request) {
    // Withdrawn silently: there is no comment left to react to.
    return withdraw(commandContext(payload, client, repo, identity, settings, log), payload.sender.login);
  }
  if (payload.action !== "created") {
    if (payload.action === "deleted" || !ACTING.has(command.kind) || author?.type === "Bot")
      return log.debug("not a new comment");
    // An edit can change what an already-answered comment says; only a new comment is a new command.
    return answer(refuse(label(command), "edited comments never count; post the command as a new comment"));
  }
  if (author?.type === "Bot" || payload.sender.type === "Bot")
    return refuseBot(client, repo, payload, identity.bot);
  // The App's reaction marks a comment as answered, and it is added only once the command succeeded (a
  // failed attempt is retried when GitHub redelivers it). A comment the App's bot already reacted to is
  // never acted on again: a redelivery after a push, a merge or a record's deletion has no second effect.
  // Each command also checks its own records for the comment, for a stop between its write and the reaction.
  // On a PR, the same request reads the PR the command binds to.
  // The commands on one PR take turns (src/github/turns.ts), from the check that the comment is unanswered
  // to the answer: each then reads what the one before it recorded.
  const key = `${repo.owner}/${repo.repo}#${payload.issue.number}`;
  const inTurn = async () => {
    const outcome = await commandInTurn(context, command, { client, repo, identity, settings });
    if (outcome) await answer(outcome);
  };
  return turns.run(key, inTurn);
}

/** From the check that the comment is unanswered to the outcome; undefined when it was answered before. */
async function commandInTurn(
  context: Context<"issue_comment">,
  command: Command,
  on: { client: GitHubClient; repo: RepositoryRef; identity: Identity; settings: Settings },
): Promise<Outcome | undefined> {
  const { payload, log } = context;
  const { client, repo, identity, settings } = on;
  const found = payload.issue.pull_request
    ? await commandFacts(
        client,
        repo,
        { number: payload.issue.number, commentNodeId: payload.comment.node_id },
        identity.slug,
      )
    : { answered: await hasReacted(client, repo, payload.comment.id, identity.bot), pull: undefined };
  if (found.answered) {
    log.debug({ comment: payload.comment.id }, "already answered (a redelivered webhook): no second effect");
    return undefined;
  }
  if (!found.pull) return refuse(label(command), "this is not a pull request");

  const cx = { ...commandContext(payload, client, repo, identity, settings, log), pull: found.pull };
  try {
    return await carryOut(cx, command);
  } catch (error) {
    if (!isOutOfTime(error)) throw error;
    log.warn({ command: command.kind }, `command not finished: Tollgate ${error.message}`);
    return refuse(
      label(command),
      `GitHub answered too slowly and Tollgate ${error.message}, so nothing was recorded; comment the command again`,
    );
  }
}

/** Told once per bot and PR: a bot that answers every comment must not start a conversation with us. */
async function refuseBot(
  client: GitHubClient,
  repo: RepositoryRef,
  payload: Context<"issue_comment">["payload"],
  bot: string,
): Promise<void> {
  const marker = `<!-- tollgate:bot:${payload.comment.user?.login ?? "unknown"} -->`;
  await react(client, repo, payload.comment.id, "-1");
  if (await hasCommentWith(client, repo, payload.issue.number, bot, marker)) return;
  await reply(
    client,
    repo,
    payload.issue.number,
    `Tollgate ignores commands from bots: only people approve, reject or roll back.\n${marker}`,
  );
}

async function carryOut(cx: CommandContext, command: Command): Promise<Outcome> {
  switch (command.kind) {
    case "approve":
    case "reject":
      return decide(cx, command);
    case "rollback":
      return rollback(cx, command.environment);
    case "resume":
    case "abort":
      return decidePause(cx, command.kind, command.environment);
    case "help":
      return help();
    case "explain":
      return explain(cx, command.environment);
    case "invalid":
      // The parser's problem may quote the comment; the reply gives the usage instead.
      return refuse("command", `it is not complete; ${command.problem.replace(/"[^"]*"/g, "that")}`);
  }
}

function commandContext(
  payload: Context<"issue_comment">["payload"],
  client: GitHubClient,
  repo: RepositoryRef,
  identity: Identity,
  settings: Settings,
  log: Context["log"],
): CommandContext {
  return {
    client,
    repo,
    identity,
    settings,
    log,
    issueNumber: payload.issue.number,
    comment: {
      id: payload.comment.id,
      url: payload.comment.html_url,
      createdAt: payload.comment.created_at,
      login: payload.comment.user?.login ?? "ghost",
    },
  };
}
