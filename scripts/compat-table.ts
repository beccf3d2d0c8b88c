/**
 * Writes docs/sandbox-compatibility.md from the sandbox's code (see scripts/compat.ts).
 *
 *   npm run contracts:compat
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMPAT_FILE, compatibilityTable } from "./compat.js";

writeFileSync(join(process.cwd(), COMPAT_FILE), await compatibilityTable());
console.error(`wrote ${COMPAT_FILE}`);
