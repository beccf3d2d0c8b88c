/**
 * Seeds pull requests: a branch from `main`, one commit per file by the PR's author, the PR itself and
 * its labels. Contracts: the branch through "Create a reference" (the sandbox client's createBranch), the
 * commits through "Create or update file contents" (`PUT /repos/{owner}/{repo}/contents/{path}`), the PR
 * through "Create a pull request", the labels through "Add labels to an issue" (by the repository's
 * admin: labelling takes triage access).
 */
import { ORG, REPO, type World } from "./world.js";

/**
 * Opens a PR from a new branch with one commit by `author` per file, returning its number and head SHA;
 * in acme/shop unless `repo` names another repository of the organization.
 */
export async function openPullRequest(
  world: Pick<World, "sandbox" | "people">,
  author: string,
  options: {
    branch: string;
    title: string;
    body: string;
    files?: Record<string, string>;
    labels?: string[];
    repo?: string;
  },
): Promise<{ number: number; head: string }> {
  const person = world.people[author];
  if (!person) throw new Error(`no person "${author}" in this world to open a PR: add them to its people`);
  const { client } = world.sandbox;
  const repo = options.repo ?? REPO;
  await client.createBranch(world.people["owner"]!.token, `${ORG}/${repo}`, options.branch, "main");
  let head = "";
  for (const [path, content] of Object.entries(
    options.files ?? { [`src/${options.branch}.ts`]: "export {};\n" },
  )) {
    head = (
      await client.putFile(person.token, `${ORG}/${repo}`, path, content, {
        branch: options.branch,
        message: `Change ${path}`,
      })
    ).commit.sha;
  }
  const { data } = await person.octokit.request("POST /repos/{owner}/{repo}/pulls", {
    owner: ORG,
    repo,
    title: options.title,
    body: options.body,
    head: options.branch,
    base: "main",
  });
  if (options.labels?.length) {
    await world.people["owner"]!.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner: ORG,
      repo,
      issue_number: data.number,
      labels: options.labels,
    });
  }
  return { number: data.number, head };
}
