/**
 * The demo's service: the sample service of the rollout tests (test/fixtures/sample-service) grown a
 * canary. Two versions serve `/work`: the stable one and, while a rollout is under way, a canary taking
 * `weight` % of the requests. `POST /control {version, weight}` is what the policy's canary commands call
 * (weight 100 makes the version stable; `{canary: null}` sends every request back to stable), and
 * `/stats` is what the analysis reads: the canary's error rate since its weight last changed. Errors
 * follow a fixed pattern (request n fails when ⌊n·rate⌋ grows), not chance, so the demo reads the same
 * rates every time.
 */
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Canary {
  version: string;
  weight: number;
}

export interface ServiceState {
  stable: string;
  canary: Canary | null;
  /** Share of the canary's requests answered 500, 0 to 1: the demo's injected fault. */
  canaryErrorRate: number;
}

export interface DemoService {
  readonly url: string;
  state(): ServiceState;
  /** Turns the canary's error rate up (the fault) or down. */
  setCanaryErrorRate(rate: number): void;
  /** Called after every `/control` change, with the new state. */
  onControl(listener: (state: ServiceState) => void): void;
  /** The version in production before the story starts. */
  setStable(version: string): void;
  /** Sends `rps` requests per second to /work until stopped or the service closes. */
  startTraffic(rps: number): void;
  stopTraffic(): void;
  close(): Promise<void>;
}

interface Window {
  requests: number;
  errors: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}

const crosses = (n: number, rate: number) => Math.floor(n * rate) > Math.floor((n - 1) * rate);

/** The two versions' state and counters: which requests go to the canary, and which of those fail. */
class Versions {
  readonly state: ServiceState = { stable: "", canary: null, canaryErrorRate: 0 };
  readonly listeners: ((state: ServiceState) => void)[] = [];
  // Served counts per version pick which requests go to the canary and which of those fail, exactly.
  private served = 0;
  private canaryServed = 0;
  private window: Window = { requests: 0, errors: 0 };
  private readonly totals = { requests: 0, errors: 0 };

  /** `POST /control`: a new canary weight (100 makes it stable), or no canary; the window starts again. */
  control(body: { version?: string; weight?: number; canary?: null }): ServiceState {
    const { state } = this;
    if (body.canary === null || body.weight === 0) state.canary = null;
    else if (body.version !== undefined && body.weight !== undefined) {
      if (body.weight >= 100) {
        state.stable = body.version;
        state.canary = null;
      } else state.canary = { version: body.version, weight: body.weight };
    }
    this.window = { requests: 0, errors: 0 };
    this.canaryServed = 0;
    for (const listener of this.listeners) listener({ ...state });
    return state;
  }

  /** `/stats`: the canary's error rate since its weight last changed, and the totals. */
  stats(): unknown {
    const { window } = this;
    const rate = window.requests === 0 ? 0 : window.errors / window.requests;
    return { ...this.state, canary_requests: window.requests, canary_error_rate: rate, totals: this.totals };
  }

  /** `/work`: one request, served by the canary or the stable version; whether it fails. */
  work(): { fails: boolean; version: string } {
    const { state } = this;
    this.served++;
    const weight = state.canary?.weight ?? 0;
    const toCanary = weight > 0 && crosses(this.served, weight / 100);
    let fails = false;
    if (toCanary) {
      this.canaryServed++;
      fails = crosses(this.canaryServed, state.canaryErrorRate);
      this.window.requests++;
      if (fails) this.window.errors++;
    }
    this.totals.requests++;
    if (fails) this.totals.errors++;
    return { fails, version: toCanary ? state.canary!.version : state.stable };
  }
}

async function serve(versions: Versions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  if (path === "/control" && req.method === "POST") {
    const body = JSON.parse((await readBody(req)) || "{}") as {
      version?: string;
      weight?: number;
      canary?: null;
    };
    json(200, versions.control(body));
  } else if (path === "/stats") {
    json(200, versions.stats());
  } else if (path === "/work") {
    const { fails, version } = versions.work();
    res.writeHead(fails ? 500 : 200, { "content-type": "text/plain" });
    res.end(fails ? "error\n" : `ok from ${version}\n`);
  } else {
    res.writeHead(404).end();
  }
}

export async function startDemoService(): Promise<DemoService> {
  const versions = new Versions();
  const { state } = versions;
  const server = createServer((req, res) => void serve(versions, req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ keepAlive: true });
  const timers: NodeJS.Timeout[] = [];

  return {
    url,
    state: () => ({ ...state }),
    setCanaryErrorRate: (rate) => {
      state.canaryErrorRate = rate;
    },
    onControl: (listener) => versions.listeners.push(listener),
    setStable: (version) => {
      state.stable = version;
    },
    startTraffic(rps) {
      timers.push(
        setInterval(() => {
          const req = request(`${url}/work`, { agent }, (res) => res.resume());
          req.on("error", () => undefined);
          req.end();
        }, 1000 / rps),
      );
    },
    stopTraffic() {
      for (const timer of timers.splice(0)) clearInterval(timer);
    },
    async close() {
      for (const timer of timers.splice(0)) clearInterval(timer);
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
