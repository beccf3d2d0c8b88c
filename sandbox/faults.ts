/**
 * Fault injection for resilience tests (control API `/_sandbox/faults`): REST answers with a 5xx status,
 * GitHub's primary and secondary rate-limit refusals, added latency, dropped connections, and webhook
 * deliveries forged, duplicated or reordered. Matched by method and path glob or regex, or by webhook
 * event and action, drawn from a seeded RNG so a run repeats. Sandbox machinery, not a GitHub model.
 */
export type RequestFaultKind = "status" | "secondary_rate_limit" | "rate_limit" | "latency" | "drop";
export type WebhookFaultKind = "forge_signature" | "duplicate" | "reorder";
export type FaultKind = RequestFaultKind | WebhookFaultKind;

export interface FaultSpec {
  kind: FaultKind;
  /** HTTP method; omitted = any */
  method?: string;
  /** request faults: path glob ("/repos/* /pulls/*", ** crosses slashes) or /regex/ matched against the REST path */
  path?: string;
  /** webhook faults: "pull_request" or "pull_request.opened"; omitted = any */
  event?: string;
  /** "status" faults: 500, 502, 503 … */
  status?: number;
  /** "latency": added milliseconds (other kinds may add it too) */
  latency_ms?: number;
  /** seconds for Retry-After on rate-limit faults (default 60) */
  retry_after?: number;
  /** chance per matching request, drawn from the seeded RNG (default 1) */
  probability?: number;
  /** fire at most this many times, then the fault retires */
  count?: number;
}

export interface Fault extends FaultSpec {
  id: number;
  fired: number;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `/regex/flags`, or a glob. A plain path such as `/repos/o/r/issues` also has the form of a regex with
 * flags, so a pattern is a regex only when its body uses a regex operator (a glob has none but `*`) and
 * its flags are regex flags.
 */
function pathMatcher(pattern: string): RegExp {
  const re = /^\/(.+)\/([dgimsuy]*)$/.exec(pattern);
  if (re && /[\^$\\()[\]|+?{}]/.test(re[1] ?? "")) return new RegExp(re[1] ?? "", re[2]);
  const source = pattern
    .replace(/[.+?^$()|[\]\\{}]/g, "\\$&")
    .split("**")
    .map((part) => part.replace(/\*/g, "[^/]*"))
    .join(".*");
  return new RegExp(`^${source}$`);
}

const WEBHOOK_KINDS: readonly FaultKind[] = ["forge_signature", "duplicate", "reorder"];

export class Faults {
  private list: Fault[] = [];
  private nextId = 1;
  private random: () => number;

  constructor(seed = 1) {
    this.random = rng(seed);
  }

  seed(seed: number): void {
    this.random = rng(seed);
  }

  add(spec: FaultSpec): Fault {
    const f: Fault = { ...spec, id: this.nextId++, fired: 0 };
    this.list.push(f);
    return f;
  }

  remove(id: number): boolean {
    const before = this.list.length;
    this.list = this.list.filter((f) => f.id !== id);
    return this.list.length < before;
  }

  clear(): void {
    this.list = [];
  }

  /** The next number in [0, 1) from the seeded sequence, for other randomized behaviour (delivery order). */
  draw(): number {
    return this.random();
  }

  all(): readonly Fault[] {
    return this.list;
  }

  private fire(f: Fault): boolean {
    if (f.count !== undefined && f.fired >= f.count) return false;
    if (f.probability !== undefined && this.random() >= f.probability) return false;
    f.fired++;
    return true;
  }

  /** The first request fault that matches and fires for this request. */
  request(method: string, path: string): Fault | undefined {
    // GraphQL is one endpoint served at two paths: a fault on either fires for a call at either.
    const paths = path === "/graphql" || path === "/api/graphql" ? ["/graphql", "/api/graphql"] : [path];
    for (const f of this.list) {
      if (WEBHOOK_KINDS.includes(f.kind)) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.path) {
        const matcher = pathMatcher(f.path);
        if (!paths.some((p) => matcher.test(p))) continue;
      }
      if (this.fire(f)) return f;
    }
    return undefined;
  }

  webhook(event: string, action: string | null): "forge" | "duplicate" | "reorder" | null {
    for (const f of this.list) {
      if (!WEBHOOK_KINDS.includes(f.kind)) continue;
      if (f.event && f.event !== event && f.event !== `${event}.${action ?? ""}`) continue;
      if (!this.fire(f)) continue;
      return f.kind === "forge_signature" ? "forge" : f.kind === "duplicate" ? "duplicate" : "reorder";
    }
    return null;
  }
}
