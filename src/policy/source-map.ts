/**
 * Source positions for every key and value of a YAML document, so that schema errors found on the
 * parsed object can point back at the line and column a person has to edit. js-yaml's event stream
 * carries offsets; one walk over it builds the index, and the same events build the value.
 */
import { EVENT_ID, SCALAR_STYLE, getScalarValue, type Event } from "js-yaml";
import type { PathSegment } from "./errors.js";

export interface Position {
  readonly line: number;
  readonly column: number;
}

interface Located {
  key?: number;
  value: number;
}

export class SourceMap {
  private readonly entries = new Map<string, Located>();
  private readonly lineStarts: number[];

  constructor(
    private readonly source: string,
    events: readonly Event[],
  ) {
    this.lineStarts = [0];
    for (let i = 0; i < source.length; i++) if (source[i] === "\n") this.lineStarts.push(i + 1);
    let index = 0;
    while (index < events.length) {
      if (events[index]!.type === EVENT_ID.DOCUMENT) index = this.walk(events, index + 1, []);
      else index++;
    }
  }

  /** The position of the value at `path`, or of its nearest located ancestor. */
  valueAt(path: readonly PathSegment[]): Position {
    return this.find(path, "value");
  }

  /** The position of the key that introduces `path` (falls back to its value). */
  keyAt(path: readonly PathSegment[]): Position {
    return this.find(path, "key");
  }

  positionOf(offset: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  private find(path: readonly PathSegment[], prefer: "key" | "value"): Position {
    for (let length = path.length; length >= 0; length--) {
      const entry = this.entries.get(keyOf(path.slice(0, length)));
      if (entry) {
        const useKey = prefer === "key" || length < path.length;
        return this.positionOf(useKey && entry.key !== undefined ? entry.key : entry.value);
      }
    }
    return { line: 1, column: 1 };
  }

  private walk(events: readonly Event[], index: number, path: PathSegment[]): number {
    const event = events[index];
    if (!event || event.type === EVENT_ID.POP) return index + 1;
    const here = this.entries.get(keyOf(path));
    const start = startOf(event, this.source);
    // An empty value has no position of its own: its key stands for it.
    if (here) here.value = start >= 0 ? start : here.value;
    else this.entries.set(keyOf(path), { value: Math.max(0, start) });

    if (event.type === EVENT_ID.MAPPING) {
      index++;
      while (index < events.length && events[index]!.type !== EVENT_ID.POP) {
        const keyEvent = events[index]!;
        const key = keyEvent.type === EVENT_ID.SCALAR ? getScalarValue(this.source, keyEvent) : "?";
        const childPath = [...path, key];
        const keyStart = Math.max(0, startOf(keyEvent, this.source));
        this.entries.set(keyOf(childPath), { key: keyStart, value: keyStart });
        index = keyEvent.type === EVENT_ID.SCALAR ? index + 1 : this.skip(events, index);
        index = this.walk(events, index, childPath);
      }
      return index + 1;
    }
    if (event.type === EVENT_ID.SEQUENCE) {
      index++;
      let item = 0;
      while (index < events.length && events[index]!.type !== EVENT_ID.POP) {
        index = this.walk(events, index, [...path, item++]);
      }
      return index + 1;
    }
    return index + 1;
  }

  /** Skips one node (a complex key) without indexing it. */
  private skip(events: readonly Event[], index: number): number {
    let depth = 0;
    do {
      const type = events[index]!.type;
      if (type === EVENT_ID.MAPPING || type === EVENT_ID.SEQUENCE) depth++;
      else if (type === EVENT_ID.POP) depth--;
      index++;
    } while (depth > 0 && index < events.length);
    return index;
  }
}

function keyOf(path: readonly PathSegment[]): string {
  return path.join("\u0000");
}

/** Where a node starts as a person sees it: its tag or anchor, a quote, a block indicator; -1 when empty. */
function startOf(event: Event, source: string): number {
  const decorations = (e: { anchorStart: number; tagStart: number }) =>
    [e.anchorStart >= 0 ? e.anchorStart - 1 : -1, e.tagStart].filter((offset) => offset >= 0);
  switch (event.type) {
    case EVENT_ID.SCALAR: {
      const decorated = decorations(event);
      if (decorated.length > 0) return Math.min(...decorated);
      if (event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED) {
        return event.valueStart - 1;
      }
      if (event.style === SCALAR_STYLE.LITERAL_BLOCK || event.style === SCALAR_STYLE.FOLDED_BLOCK) {
        return blockIndicator(source, event.valueStart);
      }
      return event.valueStart;
    }
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE: {
      const decorated = decorations(event);
      return decorated.length > 0 ? Math.min(...decorated) : event.start;
    }
    case EVENT_ID.ALIAS:
      return Math.max(0, event.anchorStart - 1);
    default:
      return 0;
  }
}

/** The `|` or `>` that opens a block scalar whose content starts at `contentStart`. */
function blockIndicator(source: string, contentStart: number): number {
  let i = contentStart - 1;
  while (i >= 0 && /\s/.test(source[i]!)) i--;
  while (i >= 0 && /[0-9+-]/.test(source[i]!)) i--;
  return i >= 0 && (source[i] === "|" || source[i] === ">") ? i : contentStart;
}
