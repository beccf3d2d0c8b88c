/** Writes schema/*.json from the zod schemas: `npm run schema`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { GENERATED_SCHEMAS } from "../src/policy/json-schema.js";

for (const [file, generate] of Object.entries(GENERATED_SCHEMAS)) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, generate());
  console.log(`wrote ${file}`);
}
