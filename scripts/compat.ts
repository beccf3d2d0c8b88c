/**
 * The sandbox's compatibility table (docs/sandbox-compatibility.md): every REST operation GitHub serves and
 * whether the sandbox models it, and every GraphQL type and field the sandbox resolves. Written by
 * `npm run contracts:compat`; test/sandbox/compat-table.test.ts fails when the committed table is not what
 * this generates from the current code.
 *
 * REST: GitHub's routes are sandbox/contracts/github-routes.json; the modelled ones are the sandbox's route
 * table. GraphQL: the sandbox answers a field only where the object it resolved carries that key (anything
 * else is refused as not modelled), so the modelled fields are read from the object literals in
 * sandbox/graphql/ that name their `__typename`, and the root fields from `root()`.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { getNamedType, isObjectType, type GraphQLObjectType, type GraphQLSchema } from "graphql";
import { format } from "prettier";
import ts from "typescript";
import { githubGraphqlSchema } from "../sandbox/graphql/index.js";
import { restRoutes } from "../sandbox/routes/index.js";

export const COMPAT_FILE = "docs/sandbox-compatibility.md";

const NOT_MODELLED_REST = "not modelled (501)";
const NOT_MODELLED_GRAPHQL = "not modelled (error `NOT_MODELLED`)";

function githubRestRoutes(root: string): string[] {
  const file = join(root, "sandbox/contracts/github-routes.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { routes: string[] }).routes;
}

/** String literals an expression can evaluate to, following one identifier to its declaration. */
function literals(e: ts.Expression, source: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node, follow: boolean): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text);
    else if (ts.isIdentifier(n)) {
      const decl = follow ? findDeclaration(source, n.text, n.pos) : null;
      if (decl?.initializer) visit(decl.initializer, false);
    } else ts.forEachChild(n, (c) => visit(c, follow));
  };
  visit(e, true);
  return out;
}

function findDeclaration(source: ts.SourceFile, name: string, before: number): ts.VariableDeclaration | null {
  let found: ts.VariableDeclaration | null = null;
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.pos < before)
      found = n;
    ts.forEachChild(n, visit);
  };
  visit(source);
  return found;
}

/** The keys an object literal carries, including those of object literals it spreads in. */
function keysOf(o: ts.ObjectLiteralExpression): string[] {
  const keys: string[] = [];
  for (const p of o.properties) {
    if (ts.isSpreadAssignment(p)) {
      const visit = (n: ts.Node): void => {
        if (ts.isObjectLiteralExpression(n)) keys.push(...keysOf(n));
        else if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
      };
      visit(p.expression);
    } else if (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) keys.push(p.name.text);
  }
  return keys.filter((k) => k !== "__typename");
}

/** Type name → the fields the sandbox resolves for it. */
export function modelledGraphql(root: string, schema: GraphQLSchema): Map<string, Set<string>> {
  const dir = join(root, "sandbox/graphql");
  const out = new Map<string, Set<string>>();
  const add = (type: string, fields: string[]): void => {
    const set = out.get(type) ?? new Set<string>();
    for (const f of fields) set.add(f);
    out.set(type, set);
  };
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()) {
    const text = readFileSync(join(dir, name), "utf8");
    const source = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
    const visit = (n: ts.Node): void => {
      if (ts.isObjectLiteralExpression(n)) {
        const typename = n.properties.find(
          (p): p is ts.PropertyAssignment =>
            ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === "__typename",
        );
        if (typename) for (const t of literals(typename.initializer, source)) add(t, keysOf(n));
      }
      // The root value (root() with mutationRoot() spread in) serves both operation types: each key belongs
      // to whichever root type has it.
      if (
        ts.isFunctionDeclaration(n) &&
        (n.name?.text === "root" || n.name?.text === "mutationRoot") &&
        n.body
      ) {
        for (const s of n.body.statements)
          if (ts.isReturnStatement(s) && s.expression && ts.isObjectLiteralExpression(s.expression))
            for (const key of keysOf(s.expression)) {
              if (schema.getQueryType()?.getFields()[key]) add("Query", [key]);
              else if (schema.getMutationType()?.getFields()[key]) add("Mutation", [key]);
            }
      }
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  // Connections come from one helper (sandbox/graphql/connection.ts), which carries totalCount, pageInfo,
  // nodes and edges: each connection a modelled field returns has those, and its edges a cursor and node.
  for (const [typeName, names] of [...out]) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const name of names) {
      const target = type.getFields()[name];
      const conn = target ? getNamedType(target.type) : undefined;
      if (!isObjectType(conn) || !conn.name.endsWith("Connection")) continue;
      add(
        conn.name,
        ["totalCount", "pageInfo", "nodes", "edges"].filter((f) => f in conn.getFields()),
      );
      const edge = conn.getFields()["edges"];
      const edgeType = edge ? getNamedType(edge.type) : undefined;
      if (isObjectType(edgeType)) add(edgeType.name, ["cursor", "node"]);
      add("PageInfo", ["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"]);
    }
  }
  return out;
}

export async function compatibilityTable(root = process.cwd()): Promise<string> {
  const modelled = new Set(restRoutes.map((r) => `${r.method} ${r.path}`));
  const github = githubRestRoutes(root);
  const onGithub = new Set(github);
  const extra = [...modelled].filter((k) => !onGithub.has(k)).sort();
  const lines: string[] = [
    "# Sandbox compatibility",
    "",
    "<!-- Generated by `npm run contracts:compat` (scripts/compat.ts); do not edit by hand. -->",
    "",
    "What the sandbox (sandbox/) models of GitHub's API. A REST route GitHub serves that the sandbox does",
    `not model answers \`501\` "… ${"is not modelled by the sandbox"}", never the \`404\` of a missing`,
    "resource; a GraphQL field it does not resolve answers an error of type `NOT_MODELLED`, never `null`.",
    "Both are counted in `GET /_sandbox/unmodelled`, and the test worlds fail when Tollgate reaches one.",
    "Every modelled `/repos/{owner}/{repo}/…` route is served by id too (`/repositories/{repository_id}/…`),",
    "and a renamed repository's old name redirects there (301 for `GET`, 307 otherwise).",
    "",
    `REST: ${modelled.size - extra.length} of ${github.length} GitHub routes modelled` +
      (extra.length > 0 ? `, and ${extra.length} that GitHub serves outside its route list.` : "."),
    "",
    "## REST",
    "",
  ];
  const opOf = new Map(restRoutes.map((r) => [`${r.method} ${r.path}`, r.operationId]));
  for (const key of github) {
    const op = opOf.get(key);
    lines.push(`- \`${key}\`: ${op ? `modelled (\`${op}\`)` : NOT_MODELLED_REST}`);
  }
  if (extra.length > 0) {
    lines.push(
      "",
      "### Served by GitHub outside its route list",
      "",
      "GitHub answers these although its OpenAPI description does not list them (for example the",
      "`/repositories/{repository_id}` form of repository routes).",
      "",
    );
    for (const key of extra) lines.push(`- \`${key}\`: modelled (\`${opOf.get(key) ?? ""}\`)`);
  }
  const schema = githubGraphqlSchema();
  const fields = modelledGraphql(root, schema);
  const types = Object.values(schema.getTypeMap())
    .filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith("__"))
    .sort((a, b) => a.name.localeCompare(b.name));
  const withFields = types.filter((t) => fields.has(t.name));
  const without = types.filter((t) => !fields.has(t.name));
  lines.push(
    "",
    "## GraphQL",
    "",
    `${withFields.length} of ${types.length} object types of GitHub's schema are resolved, each with the fields`,
    `listed; every other field is ${NOT_MODELLED_GRAPHQL}.`,
    "",
  );
  for (const t of withFields) {
    const all = Object.keys(t.getFields()).sort();
    const have = fields.get(t.name) ?? new Set<string>();
    const list = (xs: string[]): string => (xs.length === 0 ? "none" : xs.map((f) => `\`${f}\``).join(", "));
    lines.push(
      `- \`${t.name}\`: modelled ${list(all.filter((f) => have.has(f)))}; ${NOT_MODELLED_GRAPHQL}: ${list(all.filter((f) => !have.has(f)))}`,
    );
  }
  lines.push(
    "",
    `### Types not modelled`,
    "",
    `Every field of these types is ${NOT_MODELLED_GRAPHQL}:`,
    "",
    without.map((t) => `\`${t.name}\``).join(", "),
    "",
  );
  return format(lines.join("\n"), { parser: "markdown", filepath: join(root, COMPAT_FILE) });
}
