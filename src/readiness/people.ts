/** Who may start a deployment, and who separation of duties keeps from approving it. */
import { describeRef, isCoveredBy, type Directory } from "../approvals/authority.js";
import type { Environment, Policy } from "../policy/model.js";
import type { ChecklistResult } from "./decision.js";
import type { Evidence } from "./evidence.js";

/** Whether whoever started the deployment may; only judged when the evidence knows who that is. */
export function deployerItem(
  policy: Policy,
  environment: Environment,
  evidence: Evidence,
): ChecklistResult | undefined {
  if (!environment.deployers || evidence.initiator === undefined) return undefined;
  const directory: Directory = {
    teams: evidence.teams,
    permissions: evidence.permissions,
    groups: policy.groups,
  };
  const allowed = environment.deployers.some((ref) => isCoveredBy(evidence.initiator!, ref, directory));
  const who = environment.deployers.map(describeRef).join(", ");
  return allowed
    ? {
        id: "deployer",
        title: "Who deploys",
        state: "passed",
        code: "ready",
        reason: `@${evidence.initiator} may deploy here`,
      }
    : {
        id: "deployer",
        title: "Who deploys",
        state: "failed",
        code: "deployer_not_allowed",
        reason: `@${evidence.initiator} may not deploy to ${environment.name} (allowed: ${who})`,
        fix: `ask ${who} to start the deployment`,
      };
}

/** Why someone may not approve: as the checklist says it, and as the App's refusal tells them. */
export interface Duty {
  readonly checklist: string;
  readonly refusal: string;
}

export interface Separation {
  /** Lower-case login → why separation of duties keeps them from approving. */
  readonly excluded: ReadonlyMap<string, Duty>;
  /** Why the people on the change cannot all be known: no approval may pass until it is fixed. */
  readonly unknown?: { readonly reason: string; readonly fix: string };
}

const DUTIES = {
  initiator: { checklist: "started this deployment", refusal: "you started this deployment" },
  pusher: {
    checklist: "force-pushed the pull request's branch",
    refusal: "you force-pushed this pull request's branch",
  },
  author: { checklist: "authored commits in this change", refusal: "you authored commits in this change" },
  coAuthor: {
    checklist: "co-authored commits in this change",
    refusal: "you co-authored commits in this change",
  },
  signer: { checklist: "signed commits in this change", refusal: "you signed commits in this change" },
  prAuthor: { checklist: "authored the pull request", refusal: "you opened this pull request" },
} satisfies Record<string, Duty>;

/** Lists GitHub cut short that name the people on a PR; see `gatherEvidence`. */
const PEOPLE_LISTS: Record<string, string> = {
  commits: "commits",
  co_authors: "co-authors",
  pushers: "force-pushes",
};

/**
 * The people separation of duties keeps from approving, with why: whoever started the deployment, the
 * PR author, whoever force-pushed its branch (GitHub's own records of who did it), and the people on its
 * commits. Those are known either from GitHub's links of the commits' author, committer and
 * Co-authored-by emails, which whoever writes a commit chooses (so anyone can be named, and an approver
 * can commit under an email linked to no one), or, with `identity: verified_signatures`, only from
 * valid signatures: then a named author locks no one out, and a commit without a valid signature leaves
 * its writer unknown, so no approval may pass.
 */
export function separationOfDuties(environment: Environment, evidence: Evidence): Separation {
  const excluded = new Map<string, Duty>();
  if (!environment.separationOfDuties) return { excluded };
  const add = (login: string, duty: Duty) => excluded.set(login.toLowerCase(), duty);
  const pr = evidence.pull_request;
  const verified = environment.commitIdentity === "verified_signatures";
  if (evidence.initiator) add(evidence.initiator, DUTIES.initiator);
  for (const pusher of pr?.pushers ?? []) add(pusher, DUTIES.pusher);
  if (verified) {
    for (const commit of pr?.commits ?? []) if (commit.signed_by) add(commit.signed_by, DUTIES.signer);
  } else {
    for (const coAuthor of pr?.co_authors ?? []) add(coAuthor, DUTIES.coAuthor);
    for (const author of pr?.commit_authors ?? []) add(author, DUTIES.author);
  }
  if (pr) add(pr.author, DUTIES.prAuthor);
  const unknown = unknownPeople(evidence, verified);
  return unknown ? { excluded, unknown } : { excluded };
}

function unknownPeople(evidence: Evidence, verified: boolean): Separation["unknown"] {
  const pr = evidence.pull_request;
  if (!pr) return undefined;
  const cut = Object.keys(PEOPLE_LISTS).filter((list) => evidence.incomplete.includes(list));
  if (cut.length > 0)
    return {
      reason: `GitHub's answer cut short the ${cut.map((l) => PEOPLE_LISTS[l]).join(" and ")} of PR #${pr.number}, so who worked on it cannot all be known`,
      fix: "split the pull request (at most 100 commits and 100 force-pushes, and 9 co-authors a commit are read), or evaluate again if GitHub's answer failed",
    };
  if (!verified) return undefined;
  if (pr.commits.length === 0)
    return {
      reason: `the evidence lists none of PR #${pr.number}'s commits, so who signed them cannot be known`,
      fix: "gather the evidence with the PR's commits",
    };
  const unsigned = pr.commits.filter((c) => !c.signed_by).map((c) => c.sha.slice(0, 7));
  if (unsigned.length === 0) return undefined;
  const shown =
    unsigned.length > 3
      ? `${unsigned.slice(0, 3).join(", ")} and ${unsigned.length - 3} more`
      : unsigned.join(", ");
  const one = unsigned.length === 1;
  return {
    reason: `commit${one ? "" : "s"} ${shown} ${one ? "has" : "have"} no valid signature, so who wrote ${one ? "it" : "them"} cannot be known (identity: verified_signatures)`,
    fix: `sign ${one ? "it" : "them"} (git commit -S) with a key registered on the committer's GitHub account, whose email is the committer email, and push again`,
  };
}

/** The exclusions keyed by login, worded for the checklist (`refusal` for the App's answer). */
export function exclusionReasons(
  separation: Separation,
  wording: keyof Duty = "checklist",
): Map<string, string> {
  return new Map([...separation.excluded].map(([login, duty]) => [login, duty[wording]]));
}
