import { describe, expect, test } from "@jest/globals";
import { realClock, VirtualClock } from "../../src/rollout/clock.js";

describe("realClock", () => {
  test("sleeps on timers and wakes early on abort", async () => {
    let start = performance.now();
    await realClock.sleep(30);
    expect(performance.now() - start).toBeGreaterThanOrEqual(25);
    const stop = new AbortController();
    start = performance.now();
    const sleeping = realClock.sleep(10_000, stop.signal);
    setTimeout(() => stop.abort(), 20);
    await sleeping;
    expect(performance.now() - start).toBeLessThan(1_000);
    await realClock.sleep(10_000, stop.signal); // already aborted: returns at once
    await realClock.sleep(0);
    expect(Math.abs(realClock.now() - Date.now())).toBeLessThan(50);
  });
});

describe("VirtualClock", () => {
  test("concurrent sleepers wake in time order, ties in the order they slept", async () => {
    const clock = new VirtualClock(1_000);
    const woke: string[] = [];
    const nap = async (name: string, ms: number) => {
      await clock.sleep(ms);
      woke.push(`${name}@${clock.now()}`);
    };
    await Promise.all([nap("c", 300), nap("a", 100), nap("b", 100), nap("d", 0)]);
    expect(woke).toEqual(["d@1000", "a@1100", "b@1100", "c@1300"]);
  });

  test("an aborted sleeper leaves without moving time", async () => {
    const clock = new VirtualClock(0);
    const stop = new AbortController();
    const long = clock.sleep(60_000, stop.signal);
    stop.abort();
    await long;
    expect(clock.now()).toBe(0);
    await clock.sleep(5, stop.signal);
    expect(clock.now()).toBe(0);
  });
});
