/**
 * The JSON Schemas committed under schema/, generated from the zod schemas of the two documents Tollgate
 * reads (the policy and the evidence) so editors autocomplete and check them. `npm run schema` writes
 * them; a test regenerates them and fails when the committed copy is stale. The list sits beside the
 * script, above both src/policy/ and src/readiness/, since the policy language must not import the
 * readiness engine's evidence.
 */
import * as z from "zod";
import { policySchema } from "../src/policy/schema.js";
import { evidenceSchema } from "../src/readiness/evidence.js";

function generate(schema: z.ZodType): string {
  return `${JSON.stringify(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }), null, 2)}\n`;
}

export const GENERATED_SCHEMAS: Readonly<Record<string, () => string>> = {
  "schema/tollgate.schema.json": () => generate(policySchema),
  "schema/evidence.schema.json": () => generate(evidenceSchema),
};
