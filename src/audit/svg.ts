/**
 * Charts as inline SVG, drawn here rather than in the browser: the HTML report needs no script to show
 * them, nothing from a CDN, and the same data always gives the same bytes.
 */
import { OUTCOME_COLORS, type EnvironmentChart } from "./charts.js";
import { OUTCOMES } from "./types.js";

export const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

const W = 640;
const H = 260;
const M = { left: 44, right: 12, top: 28, bottom: 44 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
const fix = (v: number): string => String(Math.round(v * 10) / 10);

/** A "nice" axis top: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((f) => f * power).find((v) => v >= max)!;
}

function frame(title: string, top: number, labels: readonly string[], unit: string): string[] {
  const parts = [
    `<text class="title" x="${M.left}" y="18">${escapeHtml(title)}</text>`,
    `<line class="axis" x1="${M.left}" y1="${M.top + PH}" x2="${M.left + PW}" y2="${M.top + PH}"/>`,
    `<line class="axis" x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PH}"/>`,
  ];
  for (const f of [0, 0.5, 1]) {
    const y = M.top + PH - f * PH;
    parts.push(
      `<text class="tick" x="${M.left - 6}" y="${fix(y + 4)}" text-anchor="end">${fix(top * f)}</text>`,
    );
  }
  parts.push(`<text class="tick" x="${M.left + 6}" y="${M.top + 10}">${escapeHtml(unit)}</text>`);
  const step = PW / Math.max(1, labels.length);
  const every = Math.max(1, Math.ceil(labels.length / 12));
  labels.forEach((l, i) => {
    if (i % every === 0)
      parts.push(
        `<text class="tick" x="${fix(M.left + step * (i + 0.5))}" y="${M.top + PH + 16}" text-anchor="middle">${escapeHtml(l)}</text>`,
      );
  });
  return parts;
}

export function outcomeBarsSvg(chart: EnvironmentChart): string {
  const totals = chart.weeks.map((w) => OUTCOMES.reduce((s, o) => s + w.counts[o], 0));
  const top = niceMax(Math.max(...totals, 1));
  const step = PW / Math.max(1, chart.weeks.length);
  const width = Math.max(2, step * 0.7);
  const parts = frame(
    `${chart.environment}: deployments per week by outcome`,
    top,
    chart.weeks.map((w) => w.label.slice(5)),
    "deployments",
  );
  chart.weeks.forEach((w, i) => {
    let base = M.top + PH;
    for (const o of OUTCOMES) {
      const n = w.counts[o];
      if (n === 0) continue;
      const h = (n / top) * PH;
      base -= h;
      parts.push(
        `<rect class="bar" data-outcome="${o}" x="${fix(M.left + step * i + (step - width) / 2)}" y="${fix(base)}" width="${fix(width)}" height="${fix(h)}" fill="${OUTCOME_COLORS[o]}"><title>${escapeHtml(`${w.label}: ${n} ${o.replace("_", " ")}`)}</title></rect>`,
      );
    }
  });
  OUTCOMES.forEach((o, i) => {
    const x = M.left + i * 118;
    parts.push(
      `<rect x="${x}" y="${H - 14}" width="10" height="10" fill="${OUTCOME_COLORS[o]}"/>`,
      `<text class="tick" x="${x + 14}" y="${H - 5}">${o.replace("_", " ")}</text>`,
    );
  });
  return `<svg class="chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

export function timesSvg(chart: EnvironmentChart): string {
  const series = [
    { name: "lead time", color: "#0969da", values: chart.weeks.map((w) => w.leadHours) },
    { name: "recovery time", color: "#cf222e", values: chart.weeks.map((w) => w.recoveryHours) },
  ];
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const top = niceMax(Math.max(...all, 1));
  const step = PW / Math.max(1, chart.weeks.length);
  const parts = frame(
    `${chart.environment}: median lead time and recovery time per week`,
    top,
    chart.weeks.map((w) => w.label.slice(5)),
    "hours",
  );
  series.forEach((s, k) => {
    const points = s.values
      .map((v, i) =>
        v === null
          ? undefined
          : { x: M.left + step * (i + 0.5), y: M.top + PH - (v / top) * PH, v, label: chart.weeks[i]!.label },
      )
      .filter((p) => p !== undefined);
    if (points.length > 1)
      parts.push(
        `<polyline class="line" fill="none" stroke="${s.color}" stroke-width="2" points="${points.map((p) => `${fix(p.x)},${fix(p.y)}`).join(" ")}"/>`,
      );
    for (const p of points)
      parts.push(
        `<circle class="point" data-series="${s.name}" cx="${fix(p.x)}" cy="${fix(p.y)}" r="4" fill="${s.color}"><title>${escapeHtml(`${p.label}: ${s.name} ${p.v} h`)}</title></circle>`,
      );
    const x = M.left + k * 140;
    parts.push(
      `<rect x="${x}" y="${H - 14}" width="10" height="10" fill="${s.color}"/>`,
      `<text class="tick" x="${x + 14}" y="${H - 5}">${s.name}</text>`,
    );
  });
  return `<svg class="chart" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}
