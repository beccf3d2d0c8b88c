/** Small statistics helpers for benchmarks: medians and percentiles of repeated measurements. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const median = (values: readonly number[]) => percentile(values, 50);

export const ms = (value: number, digits = 3) => `${value.toFixed(digits)} ms`;

export function machine(): string {
  return `Node ${process.version}, ${process.platform}/${process.arch}`;
}
