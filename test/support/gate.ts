/** A piece of work a test finishes by hand: `done` settles when the test calls `open` or `fail`. */
export function gate() {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => {
    open = res;
    fail = rej;
  });
  return { done, open, fail };
}

/** One turn of the event loop, for the promises already settled to run their callbacks. */
export const tick = () => new Promise((r) => setImmediate(r));
