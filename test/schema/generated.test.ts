import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "@jest/globals";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { load } from "js-yaml";
import { GENERATED_SCHEMAS } from "../../scripts/json-schemas.js";
import { policyReference, withReference } from "../../src/policy/reference.js";

describe("committed JSON Schemas", () => {
  test.each(Object.keys(GENERATED_SCHEMAS))("%s matches the zod schema (run `npm run schema` if not)", (file) => {
    expect(readFileSync(file, "utf8")).toBe(GENERATED_SCHEMAS[file]!());
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const policySchema = ajv.compile(JSON.parse(readFileSync("schema/tollgate.schema.json", "utf8")));
  const evidenceSchema = ajv.compile(JSON.parse(readFileSync("schema/evidence.schema.json", "utf8")));
  const examples = readdirSync("examples/policies").map((name) => join("examples/policies", name));

  test.each(examples)("editors accept %s/tollgate.yml", (dir) => {
    const valid = policySchema(load(readFileSync(join(dir, "tollgate.yml"), "utf8")));
    expect(policySchema.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test.each(examples)("editors accept the evidence files of %s", (dir) => {
    for (const file of readdirSync(join(dir, "evidence"))) {
      const valid = evidenceSchema(JSON.parse(readFileSync(join(dir, "evidence", file), "utf8")));
      expect({ file, errors: evidenceSchema.errors ?? [] }).toEqual({ file, errors: [] });
      expect(valid).toBe(true);
    }
  });

  test("the README's policy reference is the one the schema generates (run `npm run schema` if not)", () => {
    const readme = readFileSync("README.md", "utf8");
    const reference = policyReference(JSON.parse(GENERATED_SCHEMAS["schema/tollgate.schema.json"]!()));
    // prettier aligns the table's columns, so compare cell by cell, not byte for byte.
    const cells = (text: string) =>
      text
        .split("\n")
        .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
        .map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()));
    const section = readme.slice(readme.indexOf("<!-- policy-reference:start"), readme.indexOf("<!-- policy-reference:end"));
    expect(cells(section)).toEqual(cells(reference));
    expect(withReference(readme, reference)).toContain(reference);
    expect(cells(section).length).toBeGreaterThan(80);
  });

  test("an editor flags a misspelt key, as the loader does", () => {
    expect(policySchema({ version: 1, environments: { prod: { approval: "none", aproval: "x" } } })).toBe(false);
  });
});
