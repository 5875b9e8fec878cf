// A line chart drawn by uPlot. Only LazyChart imports this module, with import().
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { locale } from '../../i18n';
import type { ChartProps } from './LazyChart';

export default function Chart({ labels, series, percent, height = 200 }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const key = JSON.stringify([labels, series, percent, height, locale.value]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const pct = new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: 0 });
    const num = new Intl.NumberFormat(locale.value, { maximumFractionDigits: 0 });
    const xs = labels.map((_, i) => i);
    let plot: uPlot | null = null;
    const make = () => {
      plot?.destroy();
      const width = Math.max(240, el.clientWidth);
      // As many x labels as fit, ~56 px each.
      const step = Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor((width - 60) / 56))));
      try {
        plot = new uPlot(
          {
            width,
            height,
            scales: {
              x: { time: false, range: [-0.3, Math.max(1, labels.length - 0.7)] },
              y: { range: percent ? [0, 1] : (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
            },
            axes: [
              {
                splits: () => xs.filter((i) => (labels.length - 1 - i) % step === 0),
                values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
                size: 36,
              },
              { values: (_u, splits) => splits.map((v) => (percent ? pct.format(v) : num.format(v))), size: 48 },
            ],
            series: [
              { value: (_u, v) => (v === null ? '' : (labels[v] ?? '')) },
              ...series.map((s) => ({
                label: s.label,
                stroke: s.color,
                width: 2,
                points: { show: labels.length <= 24, size: 5 },
                value: (_u: uPlot, v: number | null) => (v === null ? '–' : percent ? pct.format(v) : num.format(v)),
              })),
            ],
            legend: { show: false }, // ours below: uPlot's names the x series in English
            cursor: { drag: { x: false, y: false } },
          },
          [xs, ...series.map((s) => s.values)] as uPlot.AlignedData,
          el,
        );
      } catch {
        plot = null; // no canvas (tests, very old browsers): the table beside it remains
      }
    };
    make();
    let last = el.clientWidth;
    const ro =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => {
            if (Math.abs(el.clientWidth - last) > 8) {
              last = el.clientWidth;
              make();
            }
          });
    ro?.observe(el);
    return () => {
      ro?.disconnect();
      plot?.destroy();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return (
    <>
      <ul class="chart-legend">
        {series.map((s) => (
          <li key={s.label}>
            <span class="chart-swatch" style={{ background: s.color }} />
            {s.label}
          </li>
        ))}
      </ul>
      <div ref={ref} class="chart-plot" />
    </>
  );
}
