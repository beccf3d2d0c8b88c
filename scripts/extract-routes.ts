/**
 * Writes the list of GitHub's REST routes (method and path template) into sandbox/contracts/github-routes.json,
 * from @octokit/plugin-rest-endpoint-methods (installed with @octokit/rest), which is generated from GitHub's
 * OpenAPI description. The sandbox answers a GitHub route it does not model with 501, and a path that is no
 * GitHub route with 404, as GitHub does.
 *
 *   npx tsx scripts/extract-routes.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "prettier";

const pkgDir = join(process.cwd(), "node_modules/@octokit/plugin-rest-endpoint-methods");
const pkgFile = join(pkgDir, "package.json");
const version = (JSON.parse(readFileSync(pkgFile, "utf8")) as { version: string }).version;
const source = readFileSync(join(pkgDir, "dist-src/generated/endpoints.js"), "utf8");
const routes = new Set<string>();
for (const m of source.matchAll(/"((?:GET|POST|PUT|PATCH|DELETE|HEAD) \/[^"]*)"/g)) routes.add(m[1]!);
// The sandbox's own contract holds GitHub Enterprise Server's admin routes too.
const contract = JSON.parse(
  readFileSync(join(process.cwd(), "sandbox/contracts/rest-operations.json"), "utf8"),
) as { operations: Record<string, unknown> };
for (const key of Object.keys(contract.operations)) routes.add(key);
const sorted = [...routes].sort((a, b) => {
  const [, pa = ""] = a.split(" ");
  const [, pb = ""] = b.split(" ");
  return pa === pb ? a.localeCompare(b) : pa.localeCompare(pb);
});
const out = {
  source: `@octokit/plugin-rest-endpoint-methods ${version} (generated from GitHub's OpenAPI description) + rest-operations.json`,
  routes: sorted,
};
writeFileSync(
  join(process.cwd(), "sandbox/contracts/github-routes.json"),
  await format(JSON.stringify(out), { parser: "json", printWidth: 110 }),
);
console.error(`${sorted.length} routes`);
