/**
 * A push to a protected branch refused as GitHub refuses it, with the reason protection.ts gives (branch
 * protection and rulesets): a ref update or deletion through the git data API answers 422, a write
 * through the contents API 409.
 */
import { DOCS, HttpError } from "../errors.js";
import { type Ctx } from "../http.js";
import { pushRefusal } from "../protection.js";
import type { Repo } from "../state.js";
import { login } from "./common.js";

/**
 * Refuses a push to a protected branch as GitHub does: the git data API answers 422, the contents API 409.
 * The commit a contents write made stays unreferenced, as an object GitHub would not keep either.
 */
export function refuseProtectedPush(
  ctx: Ctx,
  r: Repo,
  ref: string,
  push: { sha: string | null; force: boolean },
  status: 409 | 422 = 422,
): void {
  if (!ref.startsWith("refs/heads/")) return;
  const message = pushRefusal(ctx.state, r, ref.slice("refs/heads/".length), login(ctx), push);
  if (message) throw new HttpError(status, { message, documentation_url: DOCS, status: String(status) });
}
