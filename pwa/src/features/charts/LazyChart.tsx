// The place of a chart on a page: uPlot (./Chart) is downloaded only once this box is on
// screen, so no page pays for it up front. The chart repeats a table the page shows beside
// it, so it is hidden from screen readers.
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';

export interface LineSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

export interface ChartProps {
  /** One label per point on the x axis. */
  labels: string[];
  series: LineSeries[];
  /** Values are shares between 0 and 1 (axis 0–100 %). */
  percent?: boolean;
  height?: number;
}

export function LazyChart(props: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [Chart, setChart] = useState<ComponentType<ChartProps> | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let alive = true;
    const load = () =>
      import('./Chart')
        .then((m) => alive && setChart(() => m.default))
        .catch(() => undefined); // offline and not cached: the table next to it says it all
    if (typeof IntersectionObserver === 'undefined') {
      void load();
      return;
    }
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        io.disconnect();
        void load();
      }
    });
    io.observe(el);
    return () => {
      alive = false;
      io.disconnect();
    };
  }, []);
  return (
    <div ref={ref} class="chart" aria-hidden="true" style={{ minHeight: `${(props.height ?? 200) + 40}px` }}>
      {Chart ? <Chart {...props} /> : <p class="muted">{t('common.loading')}</p>}
    </div>
  );
}
