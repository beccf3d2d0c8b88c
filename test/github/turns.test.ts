import { expect, test } from "@jest/globals";
import { Turns } from "../../src/github/turns.js";
import { gate, tick } from "../support/gate.js";

test("work for one key runs one at a time, in the order it came, each with its own result", async () => {
  const turns = new Turns();
  const first = gate();
  const order: string[] = [];
  const a = turns.run("pr#1", async () => {
    order.push("a starts");
    await first.done;
    order.push("a ends");
    return "a";
  });
  const b = turns.run("pr#1", async () => {
    order.push("b starts");
    return "b";
  });
  await tick();
  expect(order).toEqual(["a starts"]);
  first.open();
  await expect(Promise.all([a, b])).resolves.toEqual(["a", "b"]);
  expect(order).toEqual(["a starts", "a ends", "b starts"]);
});

test("work for another key does not wait", async () => {
  const turns = new Turns();
  const held = gate();
  const a = turns.run("pr#1", () => held.done);
  await expect(turns.run("pr#2", async () => "other")).resolves.toBe("other");
  held.open();
  await a;
});

test("a turn that throws gives its error to its caller alone, and the next turn still runs", async () => {
  const turns = new Turns();
  const first = gate();
  const a = turns.run("pr#1", () => first.done);
  const b = turns.run("pr#1", async () => "b");
  first.fail(new Error("GitHub answered 502"));
  await expect(a).rejects.toThrow("GitHub answered 502");
  await expect(b).resolves.toBe("b");
});

test("nothing is kept once every turn has ended", async () => {
  const turns = new Turns();
  await Promise.all([turns.run("pr#1", async () => 1), turns.run("pr#1", async () => 2)]);
  await tick();
  expect(turns.busy()).toBe(0);
});
