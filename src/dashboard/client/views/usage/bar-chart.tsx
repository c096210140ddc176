import { count } from "../../format";

export type Series = { name: string; tone: string; values: number[] };

type BarChartProps = {
  title: string;
  /** One label per bar, "Nov 28, 14:00". */
  labels: string[];
  series: Series[];
};

const WIDTH = 480;
const HEIGHT = 200;
const PAD = { top: 10, right: 8, bottom: 26, left: 40 };

/**
 * Stacked bars in plain SVG (no script, no inline style, so the strict CSP holds). The SVG is a
 * picture for sighted readers; its label says the totals, and the same numbers are in the tables
 * beside it. Each bar segment carries its number in `data-value` and a <title> for hover.
 */
export function BarChart({ title, labels, series }: BarChartProps) {
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, labels.length);
  const barW = Math.max(1, slot * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const summary = `${title}: ${series.map((s) => `${s.name} ${count(s.values.reduce((a, b) => a + b, 0))}`).join(", ")}.`;
  const tick = Math.max(1, Math.ceil(labels.length / 4));
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <ul class="chart-legend" aria-hidden="true">
        {series.map((s) => (
          <li key={s.name}>
            <span class={`swatch ${s.tone}`} /> {s.name}
          </li>
        ))}
      </ul>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} class="chart-svg">
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} class="axis" />
        <text x={PAD.left - 6} y={y(max) + 4} class="tick" text-anchor="end">
          {count(max)}
        </text>
        <text x={PAD.left - 6} y={y(0)} class="tick" text-anchor="end">
          0
        </text>
        {labels.map((label, i) => {
          let base = 0;
          const x = PAD.left + i * slot + (slot - barW) / 2;
          return (
            <g key={label} data-bar={i}>
              {series.map((s) => {
                const value = s.values[i] ?? 0;
                const top = y(base + value);
                const rect =
                  value > 0 ? (
                    <rect
                      key={s.name}
                      x={x}
                      y={top}
                      width={barW}
                      height={y(base) - top}
                      class={s.tone}
                      data-series={s.name}
                      data-value={value}
                    >
                      <title>{`${label}: ${s.name} ${count(value)}`}</title>
                    </rect>
                  ) : null;
                base += value;
                return rect;
              })}
              {i % tick === 0 && (
                <text x={x + barW / 2} y={HEIGHT - 6} class="tick" text-anchor="middle">
                  {label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
