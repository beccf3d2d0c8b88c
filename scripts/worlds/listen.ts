/**
 * A local HTTP server for a world's receivers (the App's webhook URL, a test's webhook receiver), on an
 * ephemeral port of 127.0.0.1 so that parallel worlds never collide.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
