/** The comparators both forms of a condition write: the short "< 1%" and an expression's "result < 1%". */
export type Comparator = "<" | "<=" | ">" | ">=" | "==" | "!=";

/** Whether `measured comparator limit` is true. */
export function holds(comparator: Comparator, measured: number, limit: number): boolean {
  switch (comparator) {
    case "<":
      return measured < limit;
    case "<=":
      return measured <= limit;
    case ">":
      return measured > limit;
    case ">=":
      return measured >= limit;
    case "==":
      return measured === limit;
    case "!=":
      return measured !== limit;
  }
}
