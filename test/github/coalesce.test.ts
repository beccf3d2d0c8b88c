import { describe, expect, test } from "@jest/globals";
import { Coalescer } from "../../src/github/coalesce.js";
import { gate, tick } from "../support/gate.js";

describe("Coalescer: one run in flight per key, one trailing run for everyone who came meanwhile", () => {
  test("a lone caller runs at once and gets its own result", async () => {
    const c = new Coalescer<string>();
    await expect(c.run("k", async () => "a")).resolves.toBe("a");
    expect(c.runs()).toBe(1);
    expect(c.inFlight()).toBe(0);
  });

  test("ten callers during a run cause exactly one more run, which starts after the first ends and runs the latest work", async () => {
    const c = new Coalescer<string>();
    const first = gate();
    const started: string[] = [];
    const p0 = c.run("k", async () => {
      started.push("first");
      await first.done;
      return "stale";
    });
    const joined = Array.from({ length: 10 }, (_, i) =>
      c.run("k", async () => {
        started.push(`joiner ${i}`);
        return `fresh ${i}`;
      }),
    );
    await tick();
    expect(started).toEqual(["first"]);
    first.open();
    await expect(p0).resolves.toBe("stale");
    // Every joiner is answered by the one run that started after it asked: the latest joiner's work.
    await expect(Promise.all(joined)).resolves.toEqual(Array(10).fill("fresh 9"));
    expect(started).toEqual(["first", "joiner 9"]);
    expect(c.runs()).toBe(2);
    expect(c.inFlight()).toBe(0);
  });

  test("a caller arriving while the trailing run runs gets a third run, never the trailing run's result", async () => {
    const c = new Coalescer<number>();
    const first = gate();
    const second = gate();
    let n = 0;
    const p1 = c.run("k", async () => {
      await first.done;
      return ++n;
    });
    const p2 = c.run("k", async () => {
      await second.done;
      return ++n;
    });
    first.open();
    await p1;
    await tick();
    const p3 = c.run("k", async () => ++n);
    second.open();
    await expect(p2).resolves.toBe(2);
    await expect(p3).resolves.toBe(3);
    expect(c.runs()).toBe(3);
  });

  test("a failing run still lets the trailing run go, and a failing trailing run fails everyone who waited for it", async () => {
    const c = new Coalescer<string>();
    const first = gate();
    const p1 = c.run("k", async () => {
      await first.done;
      return "never";
    });
    const p2 = c.run("k", async () => {
      throw new Error("GitHub said 502");
    });
    const p3 = c.run("k", async () => {
      throw new Error("GitHub said 503");
    });
    first.fail(new Error("boom"));
    await expect(p1).rejects.toThrow("boom");
    await expect(p2).rejects.toThrow("503");
    await expect(p3).rejects.toThrow("503");
    await expect(c.run("k", async () => "after")).resolves.toBe("after");
  });

  test("different keys never wait for each other", async () => {
    const c = new Coalescer<string>();
    const held = gate();
    const a = c.run("a", async () => {
      await held.done;
      return "a";
    });
    await expect(c.run("b", async () => "b")).resolves.toBe("b");
    held.open();
    await expect(a).resolves.toBe("a");
  });

  test("work that throws synchronously is a rejected run, not a thrown call", async () => {
    const c = new Coalescer<string>();
    const work = (): Promise<string> => {
      throw new Error("sync");
    };
    await expect(c.run("k", work)).rejects.toThrow("sync");
    expect(c.inFlight()).toBe(0);
  });
});
