/**
 * Authentication and authorization as GitHub documents them ("Authenticating to the REST API",
 * "Authenticating as a GitHub App"): `token`/`bearer` credentials resolved to a user token, an installation
 * token or an App JWT (RS256, at most 10 minutes ahead); a user's role on a repository (owner, organization
 * owner, collaborator, team grant); and what each route requires — a role for users, a permission for
 * installation tokens — answering 404 where GitHub hides a private repository and 403 where it refuses.
 */
import { createVerify, randomBytes } from "node:crypto";
import type { Actor } from "./actor.js";
import { HttpError, DOCS, notAccessible, unauthorized } from "./errors.js";
import type { App, Repo, RepoRole, State } from "./state.js";

export type { Actor } from "./actor.js";

const ROLE_RANK: Record<RepoRole, number> = { read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };
const LEVEL_RANK = { read: 1, write: 2, admin: 3 } as const;

const badJwt = (message: string): HttpError =>
  new HttpError(401, { message, documentation_url: DOCS, status: "401" });

/** Token prefixes as GitHub issues them (ghp_ personal/impersonation, ghs_ installation). */
export function newToken(prefix: "ghp" | "ghs"): string {
  return `${prefix}_${randomBytes(27).toString("base64url").replace(/[-_]/g, "A").slice(0, 36)}`;
}

function b64json(part: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8"));
    if (v && typeof v === "object") return v as Record<string, unknown>;
  } catch {
    // fall through to the error GitHub gives for garbage
  }
  throw badJwt("A JSON web token could not be decoded");
}

/** Verifies an App JWT the way GitHub documents it: RS256, iss = app id (or client id), exp ≤ 10 min ahead. */
export function verifyJwt(state: State, jwt: string, nowMs = Date.now()): App {
  const [h, p, s] = jwt.split(".");
  const header = b64json(h);
  const payload = b64json(p);
  if (header["alg"] !== "RS256") throw badJwt("A JSON web token could not be decoded");
  const iss = payload["iss"];
  const app = [...state.apps.values()].find((a) => String(a.id) === String(iss) || a.clientId === iss);
  if (!app) throw badJwt(`Integration not found`);
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${h}.${p}`);
  if (!verifier.verify(app.publicKey, Buffer.from(s ?? "", "base64url"))) {
    throw badJwt("A JSON web token could not be decoded");
  }
  const now = Math.floor(nowMs / 1000);
  const iat = payload["iat"];
  const exp = payload["exp"];
  if (typeof iat !== "number" || iat > now + 60) {
    throw badJwt(
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  if (typeof exp !== "number" || exp <= now) {
    throw badJwt(
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  }
  if (exp - now > 600 + 60 || exp - iat > 600 + 60)
    throw badJwt("'Expiration time' claim ('exp') is too far in the future");
  return app;
}

export function authenticate(state: State, header: string | undefined): Actor | null {
  if (!header) return null;
  const m = /^(token|bearer)\s+(\S+)$/i.exec(header.trim());
  if (!m || !m[2]) throw unauthorized("Bad credentials");
  const secret = m[2];
  if (secret.split(".").length === 3) {
    const app = verifyJwt(state, secret);
    return { kind: "app", login: `${app.slug}[bot]`, app };
  }
  const token = state.tokens.get(secret);
  if (!token || (token.expiresAt !== null && token.expiresAt <= state.nowMs()))
    throw unauthorized("Bad credentials");
  if (token.kind === "user") {
    if (state.account(token.login)?.suspended) throw forbiddenSuspended();
    return { kind: "user", login: token.login, token };
  }
  const installation = state.installations.get(token.installationId ?? -1);
  const app = installation && state.apps.get(installation.appId);
  if (!installation || !app) throw unauthorized("Bad credentials");
  return {
    kind: "installation",
    login: `${app.slug}[bot]`,
    token,
    installation,
    app,
    permissions: token.permissions ?? app.permissions,
  };
}

const forbiddenSuspended = (): HttpError =>
  new HttpError(403, {
    message: "Sorry. Your account was suspended.",
    documentation_url: DOCS,
    status: "403",
  });

/** The role a user holds on a repository: owner, org owner, collaborator or team grant. */
export function roleOf(state: State, repo: Repo, login: string): RepoRole | null {
  const lower = login.toLowerCase();
  if (repo.owner.toLowerCase() === lower) return "admin";
  const owner = state.account(repo.owner);
  if (owner?.type === "Organization" && owner.members.get(lower) === "admin") return "admin";
  let best: RepoRole | null = null;
  const consider = (r: RepoRole | undefined): void => {
    if (r && (!best || ROLE_RANK[r] > ROLE_RANK[best])) best = r;
  };
  consider(repo.collaborators.get(lower));
  for (const t of state.teams.values()) if (t.members.has(lower)) consider(t.repos.get(repo.id));
  return best;
}

export const roleAtLeast = (role: RepoRole | null, needed: RepoRole): boolean =>
  role !== null && ROLE_RANK[role] >= ROLE_RANK[needed];

export interface Requirement {
  /** installation permission needed, e.g. ["checks", "write"] */
  perm?: [string, "read" | "write"];
  /** repository role a user token needs; public repositories are readable by anyone */
  role?: RepoRole;
}

/** Enforces what GitHub enforces on a repository route; 404 where GitHub hides existence. */
export function authorizeRepo(state: State, actor: Actor | null, repo: Repo, need: Requirement): void {
  if (!actor) {
    if (repo.private) throw unauthorized();
    if (need.role && need.role !== "read") throw unauthorized();
    return;
  }
  if (actor.kind === "app") throw notAccessible();
  if (actor.kind === "installation") {
    const inst = state.installationFor(actor.app.id, repo);
    const narrowed = actor.token.repositoryIds;
    if (inst?.id !== actor.installation.id || (narrowed && !narrowed.has(repo.id))) {
      if (repo.private)
        throw new HttpError(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
      if (need.perm?.[1] === "write") throw notAccessible();
      return;
    }
    if (need.perm) {
      const [name, level] = need.perm;
      const have = name === "metadata" ? "read" : actor.permissions[name];
      if (!have || LEVEL_RANK[have] < LEVEL_RANK[level]) throw notAccessible();
    }
    return;
  }
  if (state.account(actor.login)?.site_admin) return;
  const role = roleOf(state, repo, actor.login);
  if (repo.private && !role)
    throw new HttpError(404, { message: "Not Found", documentation_url: DOCS, status: "404" });
  if (need.role && need.role !== "read" && !roleAtLeast(role, need.role)) {
    const message =
      ROLE_RANK[need.role] >= ROLE_RANK.maintain
        ? "Must have admin rights to Repository."
        : "Must have push access to repository.";
    throw new HttpError(403, { message, documentation_url: DOCS, status: "403" });
  }
}
