/**
 * YAML (or JSON) read with positions, and zod issues turned into located, human errors. Shared by the
 * policy loader and the evidence loader, so both speak the same `file:line:column path: message`.
 */
import { YAMLException, constructFromEvents, parseEvents } from "js-yaml";
import type { z } from "zod";
import { describeValue, didYouMean, formatPath, type PathSegment, type PolicyError } from "./errors.js";
import { SourceMap } from "./source-map.js";

export type Parsed = { ok: true; value: unknown; map: SourceMap } | { ok: false; errors: PolicyError[] };

export function parseLocatedYaml(text: string, file: string): Parsed {
  // A byte order mark is not part of line 1; dropping it keeps columns right.
  const source = text.replace(/^\uFEFF/, "");
  try {
    const events = parseEvents(source, { filename: file });
    const documents = constructFromEvents(events, { source, filename: file, maxAliases: 100 });
    if (documents.length > 1) {
      return {
        ok: false,
        errors: [
          {
            file,
            line: 1,
            column: 1,
            path: "",
            message: "expected one YAML document, found several (remove the `---` separators)",
          },
        ],
      };
    }
    return { ok: true, value: documents[0], map: new SourceMap(source, events) };
  } catch (error) {
    if (error instanceof YAMLException) {
      // At the end of the stream js-yaml can point one line past the last; point at the end instead.
      const lines = source.split("\n");
      let line = (error.mark?.line ?? 0) + 1;
      let column = (error.mark?.column ?? 0) + 1;
      if (line > lines.length) {
        line = lines.length;
        column = lines.at(-1)!.length + 1;
      }
      return {
        ok: false,
        errors: [{ file, line, column, path: "", message: `YAML syntax error: ${error.reason}` }],
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      errors: [{ file, line: 1, column: 1, path: "", message: `cannot read the YAML: ${message}` }],
    };
  }
}

export type At = (path: readonly PathSegment[], message: string, atKey?: boolean) => PolicyError;

function explainIssue(
  schema: z.core.$ZodType,
  issue: z.core.$ZodIssue,
  root: unknown,
  at: At,
): PolicyError[] {
  const path = issue.path as PathSegment[];
  const raw = valueAt(root, path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(schema, path);
      return issue.keys.map((key) =>
        at(
          [...path, key],
          `unknown key "${key}"${didYouMean(key, known)}${known.length ? `; expected one of: ${known.join(", ")}` : ""}`,
          true,
        ),
      );
    }
    case "invalid_type":
      if (raw === undefined) return [at(path, `is required: ${expectation(issue)}`, true)];
      return [at(path, `${expectation(issue)}, got ${describeValue(raw)}`)];
    case "invalid_value": {
      const options = issue.values.map(String);
      const hint = typeof raw === "string" ? didYouMean(raw, options) : "";
      return [at(path, `${expectation(issue)}, got ${describeValue(raw)}${hint}`)];
    }
    case "invalid_key": {
      // A record key that is not a valid name: point at the key, and say what a name looks like.
      const key = path[path.length - 1];
      const inner = issue.issues[0];
      const what = inner ? expectation(inner as z.core.$ZodIssue) : "expected a name";
      return [at(path, `${what}, got ${describeValue(key)}`, true)];
    }
    case "too_small":
      if (Array.isArray(raw) && raw.length === 0)
        return [at(path, `${nonDefault(issue.message) ?? "expected at least one entry"}, got an empty list`)];
      return [at(path, `${expectation(issue)}, got ${describeValue(raw)}`)];
    case "too_big":
      if (Array.isArray(raw)) return [at(path, `${expectation(issue)}, got ${raw.length}`)];
      return [at(path, `${expectation(issue)}, got ${describeValue(raw)}`)];
    case "invalid_union": {
      // Of the forms a value may take, the one whose type it has says best what is wrong with it
      // (`{ name: build, ap: x }` is a mapping: the mapping form's "unknown key ap" helps, "expected a name" does not).
      const sameType = issue.errors.filter(
        (branch) => !branch.some((i) => i.code === "invalid_type" && i.path.length === 0),
      );
      if (sameType.length === 1)
        return sameType[0]!.flatMap((inner) =>
          explainIssue(schema, { ...inner, path: [...path, ...inner.path] } as z.core.$ZodIssue, root, at),
        );
      return [at(path, `${expectation(issue)}, got ${describeValue(raw)}`)];
    }
    default:
      return [at(path, `${expectation(issue)}, got ${describeValue(raw)}`)];
  }
}

/** zod's own wording ("Invalid input: …") is replaced by the schema's messages, or a plain one. */
function expectation(issue: z.core.$ZodIssue): string {
  const custom = nonDefault(issue.message);
  if (custom) return custom;
  switch (issue.code) {
    case "invalid_type":
      return `expected ${article(issue.expected)}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `expected at least ${String(issue.minimum)}`;
    case "too_big":
      return `expected at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

function nonDefault(message: string): string | undefined {
  return /^(Invalid|Too (small|big)|Unrecognized)/.test(message) ? undefined : message;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    record: "a mapping",
    array: "a list",
    string: "a string",
    number: "a number",
    boolean: "true or false",
    int: "a whole number",
  };
  return names[type] ?? type;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

/** The keys the schema allows for the mapping at `path`, for "did you mean". */
function knownKeys(root: z.core.$ZodType, path: readonly PathSegment[]): string[] {
  let schema: z.core.$ZodType | undefined = root;
  for (const segment of path) schema = schema && childSchema(unwrap(schema), segment);
  const found = schema && unwrap(schema);
  // A value that may be a name or a mapping: the mapping form's keys.
  const object =
    found?._zod.def.type === "union"
      ? (found._zod.def as z.core.$ZodUnionDef).options.map(unwrap).find((o) => o._zod.def.type === "object")
      : found;
  return object && object._zod.def.type === "object"
    ? Object.keys((object._zod.def as z.core.$ZodObjectDef).shape)
    : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    if ((def.type === "optional" || def.type === "default" || def.type === "nullable") && def.innerType)
      current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else return current;
  }
}

function childSchema(schema: z.core.$ZodType, segment: PathSegment): z.core.$ZodType | undefined {
  const def = schema._zod.def as { type: string } & Record<string, unknown>;
  switch (def.type) {
    case "object":
      return (def as unknown as z.core.$ZodObjectDef).shape[String(segment)];
    case "record":
      return (def as unknown as z.core.$ZodRecordDef).valueType;
    case "array":
      return (def as unknown as z.core.$ZodArrayDef).element;
    case "union":
      return (def as unknown as z.core.$ZodUnionDef).options
        .map((option) => childSchema(unwrap(option), segment))
        .find((child) => child !== undefined);
    default:
      return undefined;
  }
}

export function locator(map: SourceMap, file: string): At {
  return (path, message, atKey = false) => {
    const { line, column } = atKey ? map.keyAt(path) : map.valueAt(path);
    return { file, line, column, path: formatPath(path), message };
  };
}

/** Validates `value` with `schema`; every issue becomes a located error. */
export function validateLocated<S extends z.ZodType>(
  schema: S,
  value: unknown,
  at: At,
): { ok: true; data: z.output<S> } | { ok: false; errors: PolicyError[] } {
  // Each file is parsed once per process. zod would first compile a fast path for every object schema
  // (generated code through \`new Function\`): that costs more than the one parse it speeds up (about
  // 10 ms of `tollgate validate`'s start). The plain path accepts and reports exactly the same.
  const result = schema.safeParse(value, { jitless: true });
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    errors: sortByPosition(result.error.issues.flatMap((issue) => explainIssue(schema, issue, value, at))),
  };
}

export function sortByPosition(errors: PolicyError[]): PolicyError[] {
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}
