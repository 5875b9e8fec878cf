// Where a need is: the map's tiles, the location button's words, and the searches of the
// review and task queues (issue 10).
import { describe, expect, it } from 'vitest';
import { render } from 'preact';
import { setLocale } from '../src/i18n';
import { tileUrl, worldPixel } from '../src/ui/MapTiles';
import { LocationButton } from '../src/features/report/PlacePicker';
import { reviewArgs } from '../src/features/review/ReviewPage';
import { tasksArgs } from '../src/features/tasks/TasksPage';

describe('the small map', () => {
  it('puts a position on the tiles an XYZ server cuts (Web Mercator, zoom 17)', () => {
    const origin = worldPixel(0, 0);
    expect(origin.x).toBeCloseTo(2 ** 17 * 128);
    expect(origin.y).toBeCloseTo(2 ** 17 * 128);
    const shanghai = worldPixel(31.2304, 121.4737); // the slippy-map formula, worked out apart
    expect(Math.floor(shanghai.x / 256)).toBe(109763);
    expect(Math.floor(shanghai.y / 256)).toBe(53556);
  });

  it('fills the tile URL template, a subdomain for {s}', () => {
    expect(tileUrl('https://{s}.tile.example.org/{z}/{x}/{y}.png', 3, 4)).toBe('https://a.tile.example.org/17/3/4.png');
  });
});

describe('the location button', () => {
  it('says what happens when the position is refused or unavailable, in both languages', () => {
    const root = document.createElement('div');
    const noop = () => undefined;
    render(<LocationButton geo={{ state: 'denied' }} locate={noop} clear={noop} />, root);
    expect(root.textContent).toContain('没有定位权限');
    render(<LocationButton geo={{ state: 'unavailable' }} locate={noop} clear={noop} />, root);
    expect(root.textContent).toContain('暂时无法定位');
    setLocale('en');
    render(<LocationButton geo={{ state: 'off' }} locate={noop} clear={noop} />, root);
    expect(root.textContent).toContain('Use my location');
    expect(root.textContent).toContain('only when you tap');
    setLocale('zh-CN');
  });
});

describe('searching the review and task queues', () => {
  it('sends q and the order, leaving out the defaults', () => {
    expect(reviewArgs([], ' 电梯 ', 'due')).toEqual({ limit: 20, q: '电梯', sort: 'due' });
    expect(reviewArgs([], '', 'newest')).toEqual({ limit: 20 });
    expect(tasksArgs(true, '', 'due')).toEqual({ state: ['open', 'accepted'] });
    expect(tasksArgs(false, 'LL-2026', 'newest')).toEqual({ q: 'LL-2026', sort: 'newest' });
  });
});
