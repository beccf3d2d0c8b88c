/**
 * GitHub App webhook delivery ("Webhook events and payloads", "Validating webhook deliveries"): each event
 * goes to every installation whose App subscribes to it and can see the repository, signed with
 * `X-Hub-Signature-256`, with `X-GitHub-Event`, `X-GitHub-Delivery` and the `installation` field; sent
 * asynchronously, concurrently and in no promised order, recorded for `GET /app/hook/deliveries` and
 * redeliverable.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Json } from "./json.js";
import type { Installation, Repo, State } from "./state.js";
import { installationRef, orgSimple, simpleUser, type View } from "./serialize/accounts.js";
import { repoJson } from "./serialize/repo.js";
import type { Faults } from "./faults.js";

export interface Delivery {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  appId: number;
  installationId: number;
  repositoryId: number | null;
  url: string;
  redelivery: boolean;
  delivered_at: string;
  duration: number;
  status_code: number;
  status: string;
  forged: boolean;
  request: { headers: Record<string, string>; payload: Json };
  response: { headers: Record<string, string>; payload: string | null };
}

export interface EmitOptions {
  /** only this app hears it (check_run/check_suite go to the app that owns the run) */
  onlyApp?: number;
  /** don't send to these apps (GitHub doesn't tell an app about its own check suite request, etc.) */
  sender: string;
}

type Build = (inst: Installation) => Json;

/**
 * How a repository's deliveries go out. `concurrent` (the default, GITHUB_DELIVERY): as GitHub does it,
 * which promises neither order nor one-at-a-time: every delivery leaves on its own after a delay drawn
 * from the seeded sequence in [0, max_delay_ms), so deliveries overlap and arrive out of order. `ordered`,
 * on request: one at a time, each after the previous one was answered, for a test that measures what
 * one-at-a-time delivery costs.
 */
export interface DeliveryMode {
  mode: "ordered" | "concurrent";
  max_delay_ms: number;
}

/**
 * The default: an App that only works when its webhooks arrive in order, one at a time, fails here as it
 * would on GitHub (two approvals at once, a burst of CI reports at a cold process).
 */
export const GITHUB_DELIVERY: Readonly<DeliveryMode> = { mode: "concurrent", max_delay_ms: 50 };

/** Delivers App webhooks like GitHub: signed, asynchronous, recorded; concurrently unless set otherwise. */
export class Webhooks {
  readonly deliveries: Delivery[] = [];
  private readonly queues = new Map<string, Promise<void>>();
  private readonly held = new Map<string, () => Promise<void>>();
  private nextId = 1;
  private pending = 0;
  private waiters: (() => void)[] = [];
  private delivery: DeliveryMode = { ...GITHUB_DELIVERY };

  constructor(
    private readonly state: State,
    private readonly view: () => View,
    private readonly faults: Faults,
    private readonly log: (line: string) => void,
    /** strict mode: the problems of a payload against GitHub's webhook schema for its event and action */
    private readonly checkPayload?: (event: string, action: string | null, payload: Json) => string[],
  ) {}

  emit(repo: Repo | null, event: string, action: string | undefined, build: Build, opts: EmitOptions): void {
    const targets = repo ? this.state.installationsOn(repo) : [];
    for (const inst of targets) {
      const app = this.state.apps.get(inst.appId);
      if (!app?.webhookUrl || !app.events.includes(event)) continue;
      if (opts.onlyApp !== undefined && opts.onlyApp !== app.id) continue;
      const v = this.view();
      const owner = repo ? this.state.account(repo.owner) : undefined;
      const payload: Json = {
        ...(action === undefined ? {} : { action }),
        ...build(inst),
        ...(repo ? { repository: repoJson(v, repo) } : {}),
        ...(owner?.type === "Organization" ? { organization: orgSimple(v, owner) } : {}),
        sender: simpleUser(v, opts.sender),
        installation: installationRef(inst),
      };
      this.enqueue(repo ? `${repo.id}` : "global", {
        guid: randomUUID(),
        event,
        action: action ?? null,
        appId: app.id,
        installationId: inst.id,
        repositoryId: repo?.id ?? null,
        url: app.webhookUrl,
        payload,
        redelivery: false,
      });
      for (const problem of this.checkPayload?.(event, action ?? null, payload) ?? [])
        this.state.offShape.add(`webhook ${event}${action ? `.${action}` : ""}: ${problem}`);
    }
  }

  /** Re-sends a recorded delivery with the same GUID, marked as a redelivery (as GitHub does). */
  redeliver(id: number): Delivery | undefined {
    const d = this.deliveries.find((x) => x.id === id);
    if (!d) return undefined;
    this.enqueue(d.repositoryId === null ? "global" : `${d.repositoryId}`, {
      guid: d.guid,
      event: d.event,
      action: d.action,
      appId: d.appId,
      installationId: d.installationId,
      repositoryId: d.repositoryId,
      url: d.url,
      payload: d.request.payload,
      redelivery: true,
    });
    return d;
  }

  setDelivery(mode: DeliveryMode): DeliveryMode {
    this.delivery = { ...mode };
    return this.delivery;
  }

  deliveryMode(): DeliveryMode {
    return { ...this.delivery };
  }

  /** Resolves when every queued delivery has been attempted. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private enqueue(key: string, job: Job): void {
    const fault = this.faults.webhook(job.event, job.action);
    this.pending += fault === "duplicate" ? 2 : 1;
    const run = async (): Promise<void> => {
      await this.send(job, fault === "forge");
      if (fault === "duplicate") await this.send(job, false);
    };
    if (this.delivery.mode === "concurrent") {
      if (fault === "reorder") return this.holdBack(key, run);
      const delay = Math.floor(this.faults.draw() * this.delivery.max_delay_ms);
      setTimeout(() => void run().then(() => this.flushHeld(key)), delay);
      return;
    }
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(async () => {
      if (fault === "reorder") return this.holdBack(key, run);
      await run();
      await this.flushHeld(key);
    });
    this.queues.set(key, next);
  }

  /** A reorder fault: the delivery waits until the next one for its repository has gone out (or 250 ms). */
  private holdBack(key: string, run: () => Promise<void>): void {
    this.held.set(key, run);
    setTimeout(() => void this.flushHeld(key), 250).unref();
  }

  private async flushHeld(key: string): Promise<void> {
    const held = this.held.get(key);
    if (!held) return;
    this.held.delete(key);
    await held();
  }

  private async send(job: Job, forge: boolean): Promise<void> {
    const app = this.state.apps.get(job.appId);
    const body = JSON.stringify(job.payload);
    const secret = forge ? "forged-by-sandbox-fault" : (app?.webhookSecret ?? "");
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/sandbox",
      "x-github-event": job.event,
      "x-github-delivery": job.guid,
      "x-github-hook-id": String(job.appId),
      "x-github-hook-installation-target-id": String(job.appId),
      "x-github-hook-installation-target-type": "integration",
      "x-hub-signature": `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
    };
    const started = performance.now();
    let statusCode = 0;
    let status = "OK";
    let resHeaders: Record<string, string> = {};
    let resBody: string | null = null;
    try {
      const res = await fetch(job.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      statusCode = res.status;
      resHeaders = Object.fromEntries(res.headers.entries());
      resBody = await res.text();
      status = res.ok ? "OK" : `Invalid HTTP Response: ${res.status}`;
    } catch (e) {
      status = e instanceof Error ? e.message : String(e);
    }
    const d: Delivery = {
      id: this.nextId++,
      guid: job.guid,
      event: job.event,
      action: job.action,
      appId: job.appId,
      installationId: job.installationId,
      repositoryId: job.repositoryId,
      url: job.url,
      redelivery: job.redelivery,
      delivered_at: this.state.now(),
      duration: Math.round(performance.now() - started) / 1000,
      status_code: statusCode,
      status,
      forged: forge,
      request: { headers, payload: job.payload },
      response: { headers: resHeaders, payload: resBody },
    };
    this.deliveries.push(d);
    this.log(
      `webhook ${job.event}${job.action ? `.${job.action}` : ""} → ${job.url} ${statusCode || status}`,
    );
    this.pending--;
    if (this.pending === 0) for (const w of this.waiters.splice(0)) w();
  }
}

interface Job {
  guid: string;
  event: string;
  action: string | null;
  appId: number;
  installationId: number;
  repositoryId: number | null;
  url: string;
  payload: Json;
  redelivery: boolean;
}
