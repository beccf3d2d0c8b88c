import { main } from "../../src/cli/main.js";
import { streamIo } from "../../src/cli/io.js";

/** Runs the CLI in-process, capturing exactly what it writes on stdout and stderr. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(
    argv,
    streamIo({ write: (text) => (out += text) }, { write: (text) => (err += text) }),
  );
  return { code, out, err };
}
