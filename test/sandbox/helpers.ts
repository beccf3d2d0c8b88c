import type { IncomingMessage } from "node:http";
import { listen } from "../../scripts/worlds/listen.js";
import { WAIT_MS } from "../support/timeouts.js";

/** A webhook receiver that records raw bodies and headers and answers 200. */
export async function receiver(): Promise<{
  url: string;
  received: { headers: IncomingMessage["headers"]; body: string }[];
  close: () => Promise<void>;
}> {
  const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
  const srv = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end("ok");
    });
  });
  return { url: srv.url, received, close: srv.close };
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
