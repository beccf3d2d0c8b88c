import { readFile } from "node:fs/promises";

/** What commands touch outside themselves, so tests can run them in-process. */
export interface Io {
  /** Prints one message (one or more lines) on stdout; it always ends with exactly one newline. */
  out(text: string): void;
  /** The same on stderr. */
  err(text: string): void;
  readFile(path: string): Promise<string>;
}

/** A message as it is written: closed by one newline, whether or not its text already ends with one. */
export const asLine = (text: string): string => (text.endsWith("\n") ? text : `${text}\n`);

/** The Io over two writable streams; the process's own, or a test's buffers. */
export function streamIo(
  stdout: { write(text: string): unknown },
  stderr: { write(text: string): unknown },
): Io {
  return {
    out: (text) => stdout.write(asLine(text)),
    err: (text) => stderr.write(asLine(text)),
    readFile: (path) => readFile(path, "utf8"),
  };
}

export const processIo: Io = streamIo(process.stdout, process.stderr);

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
