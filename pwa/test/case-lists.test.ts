// Issue 9: lists carry rows (CaseSummary), not whole cases; the phone still shows the newest it knows.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { caseBody, json, mockFetch, uniqueId } from './helpers';
import { selectUserDb } from '../src/offline/db';
import { putCase, reads } from '../src/offline/cache';

const row = (id: string, version = 1) => {
  const { description: _d, address: _a, reporter: _r, attachments: _p, co_tasks: _t, ...summary } = caseBody(id, { version });
  return summary;
};

beforeEach(() => selectUserDb(uniqueId()));
afterEach(() => vi.unstubAllGlobals());

describe('a case list on the phone', () => {
  it('keeps the rows it was given, and shows a case as its newer copy says', async () => {
    mockFetch(() => json(200, { items: [row('c1'), row('c2')], next_cursor: 'n' }));
    const list = reads.cases({ mine: true });
    await list.fresh();
    await putCase(caseBody('c2', { version: 3, state: 'in_progress' }));
    await putCase(caseBody('c1', { version: 1, title: 'an older copy than the row' }));

    const shown = await list.cached();

    expect(shown?.next_cursor).toBe('n');
    expect(shown?.items.map((c) => [c.id, c.version, c.state])).toEqual([
      ['c1', 1, row('c1').state],
      ['c2', 3, 'in_progress'],
    ]);
    expect(shown?.items[0]).toEqual(row('c1'));
  });

  it('opens a case seen only in a list with its row, until the case itself is fetched', async () => {
    mockFetch(() => json(200, { items: [row('c9')], next_cursor: null }));
    await reads.cases({}).fresh();

    const seen = await reads.case('c9').cached();

    expect(seen?.case).toBeUndefined();
    expect(seen?.summary).toEqual(row('c9'));
    expect(await reads.case('unknown').cached()).toBeUndefined();
  });
});
