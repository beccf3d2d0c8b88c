/**
 * The Mann-Whitney U test against known values: scipy.stats.mannwhitneyu's documented example (Conover's
 * ages of male and female workers, U = 17, exact p = 0.1111…, asymptotic p = 0.11134688653314041) and
 * further values computed with scipy 1.17 (method "auto": exact when a sample has at most 8 values and
 * nothing is tied).
 */
import { describe, expect, test } from "@jest/globals";
import {
  mannWhitney,
  normalUpperTail,
  ranks,
  readingsNeeded,
  smallestPValue,
} from "../../src/stats/mann-whitney.js";

const males = [19, 22, 16, 29, 24];
const females = [20, 11, 17, 12];

describe("Mann-Whitney U", () => {
  test("scipy's documented example: U = 17, two-sided exact p = 1/9", () => {
    const result = mannWhitney(males, females, "two-sided");
    expect(result.u).toBe(17);
    expect(result.method).toBe("exact");
    expect(result.pValue).toBeCloseTo(0.1111111111111111, 12);
  });

  test("the same one-sided: p = 1/18", () => {
    expect(mannWhitney(males, females, "greater").pValue).toBeCloseTo(0.05555555555555555, 12);
    // The other direction: nearly certain.
    expect(mannWhitney(males, females, "less").pValue).toBeGreaterThan(0.9);
  });

  test("complete separation of 4 and 4: p = 1/70, effect size 1", () => {
    const result = mannWhitney([5, 6, 7, 8], [1, 2, 3, 4], "greater");
    expect(result.u).toBe(16);
    expect(result.pValue).toBeCloseTo(0.014285714285714285, 12);
    expect(result.effectSize).toBe(1);
    expect(mannWhitney([1, 2, 3, 4], [5, 6, 7, 8], "greater").effectSize).toBe(-1);
  });

  test.each<[number[], number[], number, number]>([
    // Both samples above 8: the normal approximation with continuity correction.
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], 32, 0.9514557252307765],
    // Ties: the tie-corrected normal approximation.
    [[1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], 32, 0.9718781444393243],
    [
      [1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8, 9.9],
      [2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5],
      32.5,
      0.8558620471862088,
    ],
  ])("asymptotic, as scipy computes it: U = %p, p = %p", (x, y, u, p) => {
    const result = mannWhitney(x, y, "greater");
    expect(result.method).toBe("asymptotic");
    expect(result.u).toBe(u);
    expect(Math.abs(result.pValue - p)).toBeLessThan(1e-6);
  });

  test("scipy's documented asymptotic p for the example: 0.11134688653314041", () => {
    const result = mannWhitney(males, females, "two-sided", "asymptotic");
    expect(result.method).toBe("asymptotic");
    expect(Math.abs(result.pValue - 0.11134688653314041)).toBeLessThan(1e-7);
  });

  test("the normal tail", () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 7);
    expect(normalUpperTail(-1.959963984540054)).toBeCloseTo(0.975, 7);
  });

  test("exact is refused with ties", () => {
    expect(() => mannWhitney([1, 2], [2, 3], "greater", "exact")).toThrow("without ties");
  });

  test("identical samples are no evidence of a difference", () => {
    const result = mannWhitney([0, 0, 0, 0, 0], [0, 0, 0, 0, 0], "greater");
    expect(result.pValue).toBe(1);
    expect(result.effectSize).toBe(0);
  });

  test("ranks share ties", () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  test("how many readings can ever show a difference", () => {
    expect(smallestPValue(3)).toBeCloseTo(0.05, 12);
    expect(readingsNeeded(0.05)).toBe(4);
    expect(readingsNeeded(0.01)).toBe(5);
  });

  test("an empty sample is refused", () => {
    expect(() => mannWhitney([], [1])).toThrow("needs values in both samples");
  });
});
