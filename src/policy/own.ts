/**
 * Lookups by names that come from outside: policy keys, PR labels, comment commands, evidence. A plain
 * `record[name]` answers "constructor" or "__proto__" with Object.prototype's members, so such names
 * are read only through these helpers, and the policy's records are built without a prototype.
 */

/** The record's own entry for `key`, never one inherited from Object.prototype. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A record with no prototype, so that even a plain read of an unknown name finds nothing. */
export function dictionary<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) record[key] = value;
  return record;
}
