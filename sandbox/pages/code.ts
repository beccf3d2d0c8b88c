/**
 * GitHub's code pages: a commit (`/{owner}/{repo}/commit/{sha}`, a commit's `html_url`) with its
 * message, author, parents, changed files, checks and deployments; a file
 * (`/blob/{ref}/{path}`, a content's or workflow's `html_url`) as numbered lines; and a directory
 * (`/tree/{ref}/{path}`).
 */
import type { Commit } from "../git.js";
import type { Repo, State } from "../state.js";
import { checksBox } from "./check-run.js";
import { deploymentsList, pullsOf } from "./deployments.js";
import { Html, branchName, commitLink, markup, layout, link, repoPath, when } from "./html.js";

/** Splits `{ref}/{path}` where the ref may itself hold slashes: the longest branch name (or a SHA) wins. */
export function resolveRef(r: Repo, rest: string): { ref: string; sha: string; path: string } | undefined {
  const parts = rest.split("/");
  for (let k = parts.length; k >= 1; k--) {
    const ref = parts.slice(0, k).join("/");
    const path = parts.slice(k).join("/");
    const branch = r.refs.get(`refs/heads/${ref}`);
    if (branch) return { ref, sha: branch, path };
    if (/^[0-9a-f]{40}$/.test(ref) && r.git.get(ref, "commit")) return { ref, sha: ref, path };
  }
  return undefined;
}

function changedFiles(r: Repo, c: Commit): { path: string; status: string }[] {
  const parent = c.parents[0] ? r.git.get(c.parents[0], "commit") : undefined;
  const before = parent ? r.git.flatten(parent.tree) : new Map<string, { sha: string }>();
  const after = r.git.flatten(c.tree);
  const out: { path: string; status: string }[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(path);
    const a = after.get(path);
    if (b?.sha === a?.sha) continue;
    out.push({ path, status: !b ? "added" : !a ? "removed" : "modified" });
  }
  return out;
}

export function commitPage(state: State, r: Repo, c: Commit): string {
  const [title, ...rest] = c.message.split("\n");
  const deployments = [...r.deployments.values()].filter((d) => d.sha === c.sha);
  const files = changedFiles(r, c);
  const body = markup` <h2 class="title">${title ?? ""}</h2>
    ${rest.join("\n").trim() ? markup`<pre>${rest.join("\n").trim()}</pre>` : ""}
    <div class="sub">
      <strong>${c.author.name}</strong> &lt;${c.author.email}&gt; authored ${when(c.author.date)} · commit
      <code>${c.sha}</code> ${c.parents.map((p) => markup` · parent ${commitLink(r, p)}`)}
      ${pullsOf(r, c.sha).map((i) => markup` · ${link(`${repoPath(r)}/pull/${i.number}`, `#${i.number} ${i.title}`)}`)}
    </div>
    ${checksBox(state, r, c.sha)}
    ${deploymentsList(r, "Deployments of this commit", deployments, "Not deployed.")}
    <div class="box" id="files">
      <div class="head"><strong>${files.length} changed file${files.length === 1 ? "" : "s"}</strong></div>
      <ul class="rows">
        ${files.map(
          (f) =>
            markup`<li>
              <span class="tag">${f.status}</span> ${
                f.status === "removed"
                  ? markup`<code>${f.path}</code>`
                  : link(
                      `${repoPath(r)}/blob/${c.sha}/${f.path.split("/").map(encodeURIComponent).join("/")}`,
                      f.path,
                    )
              }
            </li>`,
        )}
      </ul>
    </div>`;
  return layout({
    title: `${title ?? c.sha} · ${r.owner}/${r.name}@${c.sha.slice(0, 7)}`,
    repo: r,
    tab: "code",
    body,
  });
}

const crumbs = (r: Repo, ref: string, path: string) => {
  const parts = path.split("/").filter(Boolean);
  return markup`${branchName(ref)}
  ${link(`${repoPath(r)}/tree/${encodeURIComponent(ref)}`, r.name)}${parts.map(
    (p, k) =>
      markup` /
      ${
        k === parts.length - 1
          ? markup`<strong>${p}</strong>`
          : link(
              `${repoPath(r)}/tree/${encodeURIComponent(ref)}/${parts
                .slice(0, k + 1)
                .map(encodeURIComponent)
                .join("/")}`,
              p,
            )
      }`,
  )}`;
};

/** A file or a directory at a ref; undefined when the path does not exist there. */
export function codePage(r: Repo, at: { ref: string; sha: string; path: string }): string | undefined {
  const commit = r.git.get(at.sha, "commit");
  const entry = commit ? r.git.lookup(commit.tree, at.path) : undefined;
  if (!entry) return undefined;
  const base = `${repoPath(r)}`;
  let content;
  if (entry.type === "tree") {
    const tree = r.git.get(entry.sha, "tree");
    content = markup`<ul class="rows">
      ${(tree?.entries ?? []).map((e) => {
        const path = [at.path, e.path].filter(Boolean).join("/");
        return markup`<li>
          ${e.type === "tree" ? "📁" : "📄"}
          ${link(
            `${base}/${e.type === "tree" ? "tree" : "blob"}/${encodeURIComponent(at.ref)}/${path.split("/").map(encodeURIComponent).join("/")}`,
            e.path,
          )}
        </li>`;
      })}
    </ul>`;
  } else {
    const blob = r.git.get(entry.sha, "blob")?.content ?? Buffer.alloc(0);
    const lines = blob.toString("utf8").replace(/\n$/, "").split("\n");
    content = blob.includes(0)
      ? markup`<div class="empty">Binary file, ${blob.length} bytes.</div>`
      : markup`<pre class="file">${new Html(lines.map((l, k) => markup`<span class="n">${k + 1}</span>${l}`.value).join("\n"))}</pre>`;
  }
  const body = markup`<div class="sub">
      ${crumbs(r, at.ref, at.path)} <span class="muted small">at ${commitLink(r, at.sha)}</span>
    </div>
    <div class="box">${content}</div>`;
  return layout({
    title: `${at.path || r.name} at ${at.ref} · ${r.owner}/${r.name}`,
    repo: r,
    tab: "code",
    body,
  });
}
