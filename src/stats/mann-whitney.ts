/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), as scipy.stats.mannwhitneyu computes it with its default
 * method: the exact distribution of U when either sample has at most 8 values and nothing is tied, the
 * normal approximation otherwise (ties corrected, with a continuity correction). Pure: numbers in,
 * numbers out. It compares two samples without assuming a distribution, so noisy metrics (error ratios,
 * latencies) of a canary and its baseline can be compared over a window, as Kayenta does. The rollout
 * runs it; the policy's checks ask it how many readings can ever show a difference.
 */

export type Alternative = "greater" | "less" | "two-sided";

export interface MannWhitney {
  /** U of the first sample: how many (x, y) pairs have x > y, a tie counting one half. */
  readonly u: number;
  readonly pValue: number;
  /** Rank-biserial correlation, 2U/(n1·n2) − 1: +1 when every x exceeds every y, 0 when alike, −1 the reverse. */
  readonly effectSize: number;
  readonly method: "exact" | "asymptotic";
  readonly n1: number;
  readonly n2: number;
}

/** Ranks starting at 1, tied values sharing the mean of their ranks. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) out[order[k]![1]] = rank;
    i = j + 1;
  }
  return out;
}

/** How many arrangements of n1 x's and n2 y's give each U (0 … n1·n2), by the usual recurrence. */
function uCounts(n1: number, n2: number): number[] {
  // counts[m][n][u] built row by row over m, keeping only the previous row.
  let previous: number[][] = Array.from({ length: n2 + 1 }, () => [1]); // m = 0: U is 0 in one way
  for (let m = 1; m <= n1; m++) {
    const row: number[][] = [[1]]; // n = 0: U is 0 in one way
    for (let n = 1; n <= n2; n++) {
      const size = m * n + 1;
      const counts = new Array<number>(size).fill(0);
      // The largest value is an x (it exceeds all n y's) or a y.
      const withX = previous[n]!;
      for (let u = 0; u < withX.length; u++) counts[u + n]! += withX[u]!;
      const withY = row[n - 1]!;
      for (let u = 0; u < withY.length; u++) counts[u]! += withY[u]!;
      row.push(counts);
    }
    previous = row;
  }
  return previous[n2]!;
}

/** P(U ≥ u) under the null hypothesis, exactly. */
function exactUpperTail(u: number, n1: number, n2: number): number {
  const counts = uCounts(n1, n2);
  const total = counts.reduce((a, b) => a + b, 0);
  let tail = 0;
  for (let k = Math.ceil(u); k < counts.length; k++) tail += counts[k]!;
  return tail / total;
}

/** The complementary error function (Numerical Recipes' erfcc, relative error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > z) for a standard normal Z. */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

export function mannWhitney(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative = "two-sided",
  /** scipy's `method`: "auto" chooses as described above. */
  choice: "auto" | "exact" | "asymptotic" = "auto",
): MannWhitney {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new Error("the Mann-Whitney test needs values in both samples");
  const all = [...x, ...y];
  const r = ranks(all);
  const rankSum = r.slice(0, n1).reduce((a, b) => a + b, 0);
  const u1 = rankSum - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const tied = new Set(all).size < all.length;
  if (choice === "exact" && tied) throw new Error("the exact Mann-Whitney test needs samples without ties");
  const method = choice !== "auto" ? choice : (n1 > 8 && n2 > 8) || tied ? "asymptotic" : "exact";
  // The statistic whose upper tail is the p-value: U1 for "greater", U2 for "less", the larger for two-sided.
  const u = alternative === "greater" ? u1 : alternative === "less" ? u2 : Math.max(u1, u2);
  let p: number;
  if (method === "exact") {
    p = exactUpperTail(u, n1, n2);
  } else {
    const mean = (n1 * n2) / 2;
    const n = n1 + n2;
    const tieCounts = [...countValues(all).values()];
    const tieTerm = tieCounts.reduce((a, t) => a + (t * t * t - t), 0) / (n * (n - 1));
    const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm));
    p = sd === 0 ? 1 : normalUpperTail((u - mean - 0.5) / sd);
  }
  if (alternative === "two-sided") p *= 2;
  return {
    u: u1,
    pValue: Math.min(1, Math.max(0, p)),
    effectSize: (2 * u1) / (n1 * n2) - 1,
    method,
    n1,
    n2,
  };
}

function countValues(values: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** The smallest one-sided p-value n readings of each can give (all of one above all of the other): 1 / C(2n, n). */
export function smallestPValue(n: number): number {
  let c = 1;
  for (let k = 1; k <= n; k++) c = (c * (n + k)) / k;
  return 1 / c;
}

/** The fewest readings of each sample that can show a difference at `alpha`. */
export function readingsNeeded(alpha: number): number {
  let n = 1;
  while (smallestPValue(n) >= alpha && n < 50) n++;
  return n;
}
