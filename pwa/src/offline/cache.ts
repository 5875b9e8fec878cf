// Read-through cache of what the user has seen, so lists and details open offline.
// Each read is a pair: `cached()` answers from IndexedDB at once, `fresh()` asks
// the server and stores the answer. Views show the first, then the second.
import { api } from '../api';
import { knownCategories } from '../ui/categories';
import type {
  Assessment,
  AssessmentArgs,
  BoardCase,
  Building,
  Demand,
  DemandArgs,
  Case,
  CaseEvent,
  CaseListArgs,
  CaseSummary,
  Category,
  CoTask,
  MapSettings,
  NotificationPage,
  Page,
  Org,
  Provider,
  ReviewItem,
  ReviewListArgs,
  ReviewPage,
  Routing,
  TaskListArgs,
  Visit,
} from '../api/types';
import { withDb, type Db } from './db';
import type { OutboxItem } from './outbox-types';

/** A case as the phone can show it: the whole case, or offline only its row from a list. */
export type CaseRead =
  | { case: Case; summary?: undefined; events: CaseEvent[] | undefined; savedAt: number }
  | { case?: undefined; summary: CaseSummary; events: undefined; savedAt: number };

export interface Read<T> {
  key: string;
  cached: () => Promise<T | undefined>;
  fresh: () => Promise<T>;
}

/** Each row, or the phone's newer copy of its case (opened since, or a write came back). */
async function newestOf(db: Db, rows: CaseSummary[]): Promise<CaseSummary[]> {
  const out: CaseSummary[] = [];
  for (const row of rows) {
    const copy = (await db.get('cases', row.id))?.case;
    out.push(copy && copy.version > row.version ? copy : row);
  }
  return out;
}

export async function putCase(c: Case, events?: CaseEvent[]): Promise<void> {
  await withDb(async (db) => {
    const prev = await db.get('cases', c.id);
    await db.put('cases', { id: c.id, case: c, events: events ?? prev?.events, fetchedAt: Date.now() });
  });
}

export async function getCase(id: string) {
  return withDb((db) => db.get('cases', id));
}

function refRead<T>(key: string, load: () => Promise<T>): Read<T> {
  return {
    key,
    cached: async () => (await withDb((db) => db.get('ref', key)))?.value as T | undefined,
    fresh: async () => {
      const value = await load();
      await withDb((db) => db.put('ref', { key, value, fetchedAt: Date.now() }));
      return value;
    },
  };
}

/** Category names read anywhere become the names every screen uses. */
function remembered(read: Read<Category[]>): Read<Category[]> {
  const keep = (list: Category[] | undefined) => {
    if (list?.length) knownCategories.value = list;
    return list;
  };
  return { ...read, cached: async () => keep(await read.cached()), fresh: async () => (await keep(await read.fresh())) ?? [] };
}

/** A read kept off the device (figures that change hourly): offline, there is nothing to show. */
function liveRead<T>(key: string, load: () => Promise<T>): Read<T> {
  return { key, cached: async () => undefined, fresh: load };
}

export const reads = {
  assessment: (args: AssessmentArgs): Read<Assessment> =>
    liveRead('assessment:' + JSON.stringify(args), () => api.assessment(args)),
  /** The same query for several months (the trend), in the order given. */
  assessmentMonths: (args: AssessmentArgs, months: string[]): Read<Assessment[]> =>
    liveRead(`assessment-months:${JSON.stringify(args)}:${months.join(',')}`, () =>
      Promise.all(months.map((period) => api.assessment({ ...args, period }))),
    ),
  demand: (args: DemandArgs): Read<Demand> => liveRead('demand:' + JSON.stringify(args), () => api.demand(args)),
  categories: (): Read<Category[]> => remembered(refRead('categories', api.categories)),
  orgs: (): Read<Org[]> => refRead('orgs', () => api.orgs()),
  buildings: (gridId: number): Read<Building[]> => refRead(`buildings:${gridId}`, () => api.buildings(gridId)),
  providers: (category: string, orgId: number): Read<Provider[]> =>
    refRead(`providers:${category}:${orgId}`, () => api.providers(category, orgId)),
  visits: (gridId: number, since: string): Read<Visit[]> =>
    refRead(`visits:${gridId}:${since}`, async () => (await api.visits(gridId, since)).items),

  routing: (caseId: string): Read<Routing> => refRead(`routing:${caseId}`, () => api.routing(caseId)),
  tasks: (args: TaskListArgs): Read<Page<CoTask>> => refRead('tasks:' + JSON.stringify(args), () => api.tasks(args)),
  map: (): Read<MapSettings> => refRead('map', api.map),
  /** The newest page of the inbox (what the list and the nav badge show). */
  board: (): Read<Page<BoardCase>> => refRead('board', () => api.board()),
  notifications: (): Read<NotificationPage> => refRead('notifications', () => api.notifications({ limit: 50 })),

  /** One case without its timeline (e.g. the title of a co-task's case). */
  caseOnly: (id: string): Read<Case> => ({
    key: `case-only:${id}`,
    cached: async () => (await getCase(id))?.case,
    fresh: async () => {
      const c = await api.case(id);
      await putCase(c);
      return c;
    },
  }),

  /**
   * The first page of a case list (what a queue shows); later pages are not cached. The
   * list keeps its rows; a case the phone holds a newer copy of (it was opened, or a write
   * came back) shows as that copy says.
   */
  cases: (args: CaseListArgs): Read<Page<CaseSummary>> => {
    const key = 'cases:' + JSON.stringify(args);
    return {
      key,
      cached: () =>
        withDb(async (db) => {
          const list = await db.get('lists', key);
          if (!list?.rows) return undefined;
          return { items: await newestOf(db, list.rows), next_cursor: list.next_cursor };
        }),
      fresh: async () => {
        const page = await api.cases(args);
        await withDb((db) => db.put('lists', { key, rows: page.items, next_cursor: page.next_cursor, fetchedAt: Date.now() }));
        return page;
      },
    };
  },

  /** The first page of the review queue: a list of rows (as `cases`), with each row's reasons. */
  reviews: (args: ReviewListArgs): Read<ReviewPage> => {
    const key = 'reviews:' + JSON.stringify(args);
    return {
      key,
      cached: () =>
        withDb(async (db) => {
          const list = await db.get('lists', key);
          if (!list?.rows || !list.reviews) return undefined;
          const items: ReviewItem[] = [];
          for (const row of await newestOf(db, list.rows)) {
            const why = list.reviews[row.id];
            if (why) items.push({ case: row, ...why });
          }
          return { items, next_cursor: list.next_cursor };
        }),
      fresh: async () => {
        const page = await api.reviews(args);
        const reviews = Object.fromEntries(
          page.items.map((i) => [i.case.id, { reasons: i.reasons, last_reviewed_at: i.last_reviewed_at }]),
        );
        await withDb((db) =>
          db.put('lists', { key, rows: page.items.map((i) => i.case), reviews, next_cursor: page.next_cursor, fetchedAt: Date.now() }),
        );
        return page;
      },
    };
  },

  /**
   * A case with its timeline; `savedAt` is when the device stored this copy. A case the
   * phone has only seen in a list gives its row (`summary`) until the case itself arrives.
   */
  case: (id: string): Read<CaseRead> => ({
    key: `case:${id}`,
    cached: async () => {
      const c = await getCase(id);
      if (c) return { case: c.case, events: c.events, savedAt: c.fetchedAt };
      return withDb(async (db) => {
        for (const list of await db.getAll('lists')) {
          const row = list.rows?.find((r) => r.id === id);
          if (row) return { summary: row, events: undefined, savedAt: list.fetchedAt };
        }
        return undefined;
      });
    },
    fresh: async () => {
      const [c, ev] = await Promise.all([api.case(id), api.events(id)]);
      await putCase(c, ev.items);
      return { case: c, events: ev.items, savedAt: Date.now() };
    },
  }),
};

/** What the device knows about the cases and households some writes are about (to name them). */
export interface Known {
  /** case id → its title (or reference), from the offline copy or a report still in the outbox. */
  cases: Map<string, string>;
  /** household id → "building unit", from the round's offline copy. */
  households: Map<string, string>;
}

export async function knownFor(items: OutboxItem[]): Promise<Known> {
  const cases = new Map<string, string>();
  const households = new Map<string, string>();
  for (const i of items) {
    if (i.kind === 'create_case' && i.caseId && typeof i.body?.title === 'string') cases.set(i.caseId, i.body.title);
  }
  await withDb(async (db) => {
    for (const id of new Set(items.map((i) => i.caseId).filter((x): x is string => !!x))) {
      const c = (await db.get('cases', id))?.case;
      if (c) cases.set(id, c.title || c.reference);
    }
    if (items.some((i) => i.kind === 'visit' && !i.label)) {
      for (const entry of await db.getAll('ref', IDBKeyRange.bound('buildings:', 'buildings:\uffff'))) {
        for (const b of (entry.value as Building[] | undefined) ?? []) {
          for (const h of b.households) households.set(String(h.id), `${b.name} ${h.label}`);
        }
      }
    }
  });
  return { cases, households };
}
