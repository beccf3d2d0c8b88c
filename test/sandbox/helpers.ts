import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WAIT_MS } from "../support/timeouts.js";

/** An HTTP server on 127.0.0.1:0 whose handler can be swapped after the URL is known. */
export async function listen(initial?: (req: IncomingMessage, res: ServerResponse) => void): Promise<{
  server: Server;
  url: string;
  setHandler: (h: (req: IncomingMessage, res: ServerResponse) => void) => void;
  close: () => Promise<void>;
}> {
  let handler = initial ?? ((_req: IncomingMessage, res: ServerResponse) => res.writeHead(503).end());
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    setHandler: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

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
