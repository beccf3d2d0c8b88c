/**
 * Control route for commit signing keys: what a user does in their settings (GPG keys), so that a commit's
 * signature verifies as theirs.
 */
import { notFound } from "../errors.js";
import { created, obj, str } from "../http.js";
import type { RouteDef } from "../router.js";

/** Registering a user's signing key. */
export const signingKeyRoutes: RouteDef[] = [
  {
    // What a user does in their settings (GPG keys): from now on, this signature verifies as made by
    // a key of theirs, where the committer email is also theirs.
    method: "POST",
    path: "/signing-keys",
    operationId: "sandbox/register-signing-key",
    handler: (ctx) => {
      const b = obj(ctx);
      const login = str(b, "login", "GpgKey", true);
      const signature = str(b, "signature", "GpgKey", true);
      const account = ctx.state.account(login);
      if (!account) throw notFound();
      ctx.state.signingKeys.set(signature, account.login);
      return created({ login: account.login, signature });
    },
  },
];
