/**
 * JSON Schemas generated from the zod schemas, committed under schema/ so editors autocomplete and
 * check policy and evidence files. A test regenerates them and fails when the committed copy is stale.
 */
import * as z from "zod";
import { evidenceSchema } from "../readiness/evidence.js";
import { policySchema } from "./schema.js";

function generate(schema: z.ZodType): string {
  return `${JSON.stringify(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }), null, 2)}\n`;
}

export const GENERATED_SCHEMAS: Readonly<Record<string, () => string>> = {
  "schema/tollgate.schema.json": () => generate(policySchema),
  "schema/evidence.schema.json": () => generate(evidenceSchema),
};
