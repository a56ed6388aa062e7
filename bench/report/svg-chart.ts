import type { ProducerRow } from "./results.js";

/** Short labels: the bars are narrow. */
const CHART_LABELS: Record<string, string> = {
  seed: "seed design",
  batched: "batched",
  aggregated: "batched + aggregated",
  ceiling: "transport ceiling",
};

const WIDTH = 800;
const HEIGHT = 420;
const PLOT = { left: 80, right: 20, top: 50, bottom: 80 };
const COLORS: Record<number, string> = { 0: "#2b6cb0", 10: "#dd6b20" };
const TARGET_RATE = 50_000;
const LEGEND_Y = HEIGHT - 24;

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const compact = (value: number) =>
  value >= 1_000_000
    ? `${+(value / 1e6).toFixed(1)}M`
    : value >= 1000
      ? `${+(value / 1000).toFixed(1)}k`
      : `${+value.toFixed(0)}`;

/**
 * Grouped bars of producer tweets/s per variant at each response time, on a log scale (the seed design at
 * 10 ms is three orders of magnitude below the rest), with min–max whiskers over the rounds.
 */
export function producerChart(rows: readonly ProducerRow[], title: string): string {
  const variants = [...new Set(rows.map((r) => r.variant))];
  const delays = [...new Set(rows.map((r) => r.responseDelayMs))].sort((a, b) => a - b);
  const values = rows.flatMap((r) => [r.throughput.tweetsPerSecond.min, r.throughput.tweetsPerSecond.max]);
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive, TARGET_RATE)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...positive, TARGET_RATE) * 1.1));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const y = (v: number) =>
    PLOT.top + plotHeight * (1 - (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)));
  const groupWidth = plotWidth / variants.length;
  const barWidth = Math.min(60, (groupWidth * 0.7) / delays.length);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
  );
  for (let tick = low; tick <= high; tick *= 10) {
    const ty = y(tick).toFixed(1);
    out.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${ty}" y2="${ty}" stroke="#e2e8f0"/>`,
      `<text x="${PLOT.left - 8}" y="${ty}" text-anchor="end" dominant-baseline="middle">${compact(tick)}</text>`,
    );
  }
  out.push(
    `<text transform="translate(20 ${PLOT.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">tweets/s (log scale, median of rounds; whiskers min–max)</text>`,
  );
  const targetY = y(TARGET_RATE).toFixed(1);
  out.push(
    `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${targetY}" y2="${targetY}" stroke="#38a169" stroke-dasharray="6 4"/>`,
  );
  variants.forEach((variant, g) => {
    const groupX = PLOT.left + g * groupWidth + (groupWidth - barWidth * delays.length) / 2;
    delays.forEach((delay, d) => {
      const row = rows.find((r) => r.variant === variant && r.responseDelayMs === delay);
      const s = row?.throughput.tweetsPerSecond;
      if (!s || !(s.median > 0)) return;
      const x = groupX + d * barWidth;
      const top = y(s.median);
      const bottom = PLOT.top + plotHeight;
      const mid = x + barWidth / 2;
      out.push(
        `<rect x="${(x + 2).toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 4).toFixed(1)}" height="${(bottom - top).toFixed(1)}" fill="${COLORS[delay] ?? "#718096"}"/>`,
        `<line x1="${mid.toFixed(1)}" x2="${mid.toFixed(1)}" y1="${y(s.max).toFixed(1)}" y2="${y(s.min).toFixed(1)}" stroke="#1a202c"/>`,
        `<text x="${mid.toFixed(1)}" y="${(y(s.max) - 6).toFixed(1)}" text-anchor="middle">${compact(s.median)}</text>`,
      );
    });
    const label = CHART_LABELS[variant] ?? variant;
    out.push(
      `<text x="${(PLOT.left + (g + 0.5) * groupWidth).toFixed(1)}" y="${HEIGHT - PLOT.bottom + 20}" text-anchor="middle">${escapeXml(label)}</text>`,
    );
  });
  delays.forEach((delay, d) => {
    const lx = PLOT.left + d * 200;
    out.push(
      `<rect x="${lx}" y="${LEGEND_Y - 10}" width="14" height="14" fill="${COLORS[delay] ?? "#718096"}"/>`,
      `<text x="${lx + 20}" y="${LEGEND_Y + 1}">responses held ${delay} ms</text>`,
    );
  });
  const tx = PLOT.left + delays.length * 200;
  out.push(
    `<line x1="${tx}" x2="${tx + 24}" y1="${LEGEND_Y - 3}" y2="${LEGEND_Y - 3}" stroke="#38a169" stroke-dasharray="6 4"/>`,
    `<text x="${tx + 30}" y="${LEGEND_Y + 1}">target: batched ≥ 50k tweets/s at 0 ms</text>`,
  );
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
