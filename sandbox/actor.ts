/**
 * Who a request is from, as GitHub's authentication resolves it (docs: "Authenticating to the REST API",
 * "Authenticating as a GitHub App installation"): a user token, an installation token with its App's
 * granted permissions, or an App's JWT. auth.ts makes one per request; its own module so the rate limits
 * can name it without importing auth.ts.
 */
import type { App, Installation, Permissions, Token } from "./model.js";

export type Actor =
  | { kind: "user"; login: string; token: Token }
  | {
      kind: "installation";
      login: string;
      token: Token;
      installation: Installation;
      app: App;
      permissions: Permissions;
    }
  | { kind: "app"; login: string; app: App };
