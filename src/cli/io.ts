import { readFile } from "node:fs/promises";

/** What commands touch outside themselves, so tests can run them in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readFile(path: string): Promise<string>;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readFile: (path) => readFile(path, "utf8"),
};

/** Reads a file, or returns a one-line reason it could not be read. */
export async function readOrExplain(
  io: Io,
  path: string,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    return { ok: true, text: await io.readFile(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : String(error);
    return { ok: false, message: `cannot read ${path}: ${why}` };
  }
}
