import { afterEach, describe, expect, it, vi } from 'vitest';
import { signIn, signOut } from './helpers';
import { listOutbox, outboxCounts, refreshOutboxSignals, supportCase } from '../src/offline/outbox';
import { closeDb, currentDbName, dbNameFor, getDb, withDb } from '../src/offline/db';
import { putCase, reads } from '../src/offline/cache';
import { caseBody, uniqueId } from './helpers';

afterEach(() => {
  signOut();
  vi.unstubAllGlobals();
});

describe('per-user databases', () => {
  it('names the database after the user', () => {
    signIn(42);
    expect(currentDbName()).toBe('linli-42');
    expect(dbNameFor('abc')).toBe('linli-abc');
  });

  it("never shows one user's outbox or cases to the next user of the phone", async () => {
    const a = signIn(uniqueId());
    await supportCase('c1');
    await putCase(caseBody('c1'));
    expect(outboxCounts.value.pending).toBe(1);

    signOut();
    await refreshOutboxSignals();
    expect(outboxCounts.value.pending).toBe(0);

    signIn(uniqueId());
    await refreshOutboxSignals();
    expect(outboxCounts.value.pending).toBe(0);
    expect(await listOutbox()).toEqual([]);
    expect(await reads.case('c1').cached()).toBeUndefined();

    signIn(a);
    await refreshOutboxSignals();
    expect(outboxCounts.value.pending).toBe(1);
    expect((await reads.case('c1').cached())?.case?.id).toBe('c1');
  });

  it('refuses to work with no user selected', async () => {
    closeDb();
    await expect(getDb()).rejects.toThrow(/no user/);
  });
});

describe('reopen on error', () => {
  it('reopens the connection once when the browser closed it', async () => {
    signIn(uniqueId());
    const db = await getDb();
    db.close(); // as if the browser dropped it: the next transaction throws InvalidStateError
    await supportCase('c1');
    expect(await withDb((d) => d.count('outbox'))).toBe(1);
  });

  it('does not retry other errors', async () => {
    signIn(uniqueId());
    let n = 0;
    await expect(
      withDb(async () => {
        n++;
        throw new TypeError('bug');
      }),
    ).rejects.toThrow('bug');
    expect(n).toBe(1);
  });
});
