/**
 * `pulls/update-branch` ("REST API endpoints for pull requests": update a pull request branch): merges the
 * base branch's tip into the head branch and announces `pull_request.synchronize` like any push. GitHub
 * answers 202 and merges in the background; here the merge is done before the answer.
 */
import { DOCS, HttpError, notFound } from "../errors.js";
import { obj, ok, str } from "../http.js";
import { updateRef } from "../ops.js";
import type { RouteDef } from "../router.js";
import { personFor } from "../serialize/git.js";
import { login, repoOf } from "./common.js";

const refused = (message: string): HttpError =>
  new HttpError(422, { message, documentation_url: DOCS, status: "422" });

export const updateBranchRoutes: RouteDef[] = [
  {
    method: "PUT",
    path: "/repos/{owner}/{repo}/pulls/{pull_number}/update-branch",
    operationId: "pulls/update-branch",
    need: { perm: ["contents", "write"], role: "write" },
    /**
     * Merges the base branch's tip into the head branch (GitHub's "Update branch"), which moves the head
     * and so announces pull_request.synchronize like any push. GitHub answers 202 and merges in the
     * background; here the merge has happened by the time the answer is sent.
     */
    handler: (ctx) => {
      const r = repoOf(ctx);
      const i = r.issues.get(Number(ctx.params["pull_number"]));
      const p = i?.pull;
      if (!i || !p) throw notFound();
      const expected = str(obj(ctx), "expected_head_sha", "PullRequest");
      if (i.state !== "open") throw refused("Pull request is not open");
      if (expected !== undefined && expected !== p.headSha)
        throw refused("expected head sha didn’t match current head ref.");
      const baseSha = r.refs.get(`refs/heads/${p.baseRef}`);
      const headRef = `refs/heads/${p.headRef}`;
      const headSha = r.refs.get(headRef);
      if (!baseSha || !headSha) throw notFound();
      const mergeBase = r.git.mergeBase(baseSha, headSha);
      if (mergeBase === baseSha) throw refused("There are no new commits on the base branch.");
      const tree = (sha: string | undefined): string => (sha ? (r.git.get(sha, "commit")?.tree ?? "") : "");
      const merged = r.git.mergeTrees(tree(mergeBase), tree(headSha), tree(baseSha));
      if (!merged) throw refused("merge conflict between base and head");
      const me = personFor(ctx.state, login(ctx), ctx.state.now());
      const commit = r.git.commit({
        tree: merged.sha,
        parents: [headSha, baseSha],
        message: `Merge branch '${p.baseRef}' into ${p.headRef}`,
        author: me,
        committer: { name: "GitHub", email: "noreply@github.com", date: me.date },
      });
      updateRef(ctx, r, headRef, commit.sha, login(ctx));
      return ok(
        {
          message: "Updating pull request branch.",
          url: `${ctx.web}/repos/${r.owner}/${r.name}/pulls/${i.number}`,
        },
        202,
      );
    },
  },
];
