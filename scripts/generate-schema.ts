/** Writes schema/*.json from the zod schemas, and the README's policy reference from the policy schema: `npm run schema`. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { GENERATED_SCHEMAS } from "./json-schemas.js";
import { policyReference, withReference } from "../src/policy/reference.js";

for (const [file, generate] of Object.entries(GENERATED_SCHEMAS)) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, generate());
  console.log(`wrote ${file}`);
}
const schema = JSON.parse(readFileSync("schema/tollgate.schema.json", "utf8"));
writeFileSync("README.md", withReference(readFileSync("README.md", "utf8"), policyReference(schema)));
console.log("wrote the policy reference in README.md");
