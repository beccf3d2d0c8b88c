import { readFile } from "node:fs/promises";
import { main } from "../../src/cli/main.js";

/** Runs the CLI in-process, capturing what it prints. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    readFile: (p) => readFile(p, "utf8"),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
