"""The assessment's acceptance test (issue 8): a month of varied cases driven through the
API, every figure of every row recomputed here from the raw rows in plain Python.

The recomputation follows the definitions of the figures (AssessmentRowOut's descriptions),
not the service's code: handling cycles from the events, the holder of a case at a moment,
facts settling at the first of "done" and "deadline", ratings for the cycle's resolver.
"""

import random
import statistics
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from linli.cases.models import Case, CaseEvent, CaseSupport, EventKind
from linli.categories.models import Category
from linli.escalation.service import escalate_overdue_cases
from linli.extensions import db
from linli.feedback.models import Rating
from linli.feedback.service import close_unrated_cases
from linli.orgs.models import Org
from linli.routing.models import CoTask
from tests.support import API

pytestmark = pytest.mark.usefixtures("other_provider_serves_a")

ASSESSMENT = f"{API}/assessment"
# November 2026 in Asia/Shanghai (UTC+8) as a UTC span [START, END).
START = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)
END = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 15, 4, 0, tzinfo=UTC)
WEIGHTS = {"response_rate": 10, "resolution_rate": 45, "satisfaction_rate": 45}
COUNTS = (
    "cases",
    "due_for_acceptance",
    "accepted_on_time",
    "due_for_resolution",
    "resolved_on_time",
    "resolved",
    "ratings",
    "ratings_recorded",
    "satisfied",
    "not_rated",
    "overdue",
    "bounces",
    "escalations",
    "supporters",
)
FLOATS = (
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "median_hours_to_accept",
    "median_hours_to_resolve",
    "score",
)
CATEGORIES = ("elderly_care", "childcare", "community_meals", "housekeeping", "facility")


# --- the month, through the API ---------------------------------------------------------------


@dataclass
class Plan:
    """One case: who reports it where, when, and its steps (hours after the report)."""

    start: datetime
    steps: list
    community: str = "a"  # a: grid A1 (resident_a), b: grid B1 (resident_b)
    on_behalf: bool = False  # grid_worker_a1 reports for resident_a2
    priority: str = "normal"
    category: str = "elderly_care"
    id: uuid.UUID | None = field(default=None)


def month_plans(rng: random.Random) -> list[Plan]:
    """~40 cases of every kind, spread over November, a few from late October and a few
    running into December."""

    def day(lo=1, hi=27):
        # a moment of a November day, 08:00–18:00 in Shanghai
        return START + timedelta(days=rng.randint(lo, hi), hours=rng.uniform(8, 18))

    def h(lo, hi):
        return round(rng.uniform(lo, hi), 2)

    def handled(accept, resolve, *, rating=(True, 5), who="P", extra=()):
        steps = [(h(0.2, 3), "assign", who)]
        at = steps[0][0] + accept
        steps.append((at, "accept", who))
        steps.append((at + resolve, "resolve", who))
        if rating is not None:
            steps.append((at + resolve + h(1, 72), "rate", *rating))
        last = steps[-1][0]
        return steps + [(last + after, *rest) for after, *rest in extra]

    plans = []
    # on time, in both communities, some categories, one urgent
    for i in range(6):
        plans.append(
            Plan(
                day(),
                handled(h(0.5, 20), h(5, 100), rating=(True, rng.choice((4, 5, 5, 3)))),
                community="ab"[i % 2],
                category=CATEGORIES[i % len(CATEGORIES)],
                priority="urgent" if i == 3 else "normal",
            )
        )
        if i == 3:  # urgent: 2 h to accept, 24 h to resolve
            t = h(0.1, 0.5)
            plans[-1].steps = [
                (t, "assign", "P"),
                (t + h(0.1, 1.4), "accept", "P"),
                (t + h(2, 20), "resolve", "P"),
                (t + 22, "rate", True, 5),
            ]
    # late acceptance
    for _ in range(3):
        plans.append(Plan(day(), handled(h(30, 60), h(10, 80), rating=(True, rng.randint(3, 5)))))
    # late resolution
    for _ in range(2):
        plans.append(
            Plan(day(1, 18), handled(h(1, 10), h(200, 260), rating=(True, 4)), category="facility")
        )
    # assigned, never accepted (escalated by the sweeps); never even assigned
    plans.append(Plan(day(3, 12), [(h(0.5, 2), "assign", "P")]))
    plans.append(Plan(day(5, 15), [(h(0.5, 2), "support")], category="childcare"))
    # assigned late (the acceptance settled in triage, for no provider)
    plans.append(Plan(day(), handled(h(1, 5), h(5, 30)), category="housekeeping"))
    plans[-1].steps[0] = (h(26, 30), "assign", "P")
    plans[-1].steps[1:] = [(s[0] + 30, *s[1:]) for s in plans[-1].steps[1:]]
    # bounced: returned, the return accepted, handled by other_provider
    for _ in range(2):
        t = h(0.5, 2)
        plans.append(
            Plan(
                day(),
                [
                    (t, "assign", "P"),
                    (t + 1, "return", "P"),
                    (t + 2, "accept_return"),
                    (t + 3, "assign", "O"),
                    (t + h(4, 30), "accept", "O"),
                    (t + h(40, 120), "resolve", "O"),
                    (t + 130, "rate", True, 5),
                ],
            )
        )
    # bounced three times (the third climbs the ladder), then handled by world.provider
    plans.append(
        Plan(
            day(2, 20),
            [
                (1, "assign", "P"),
                (2, "return", "P"),
                (3, "accept_return"),
                (4, "assign", "O"),
                (5, "return", "O"),
                (6, "accept_return"),
                (7, "assign", "P"),
                (8, "return", "P"),
                (9, "accept_return"),
                (30, "assign", "P"),
                (31, "accept", "P"),
                (60, "resolve", "P"),
            ],
        )
    )
    # a refused return: the provider keeps it
    plans.append(
        Plan(
            day(),
            [
                (1, "assign", "P"),
                (2, "return", "P"),
                (3, "refuse_return"),
                (h(4, 40), "accept", "P"),
                (60, "resolve", "P"),
                (70, "rate", True, 4),
            ],
        )
    )
    # joint handling: world.provider leads, other_provider's co-task
    for _ in range(2):
        plans.append(
            Plan(
                day(),
                [
                    (1, "coordinate"),
                    (h(2, 10), "accept", "P"),
                    (h(11, 20), "task", "accept"),
                    (h(21, 50), "task", "complete"),
                    (h(51, 100), "resolve", "P"),
                    (110, "rate", True, rng.randint(4, 5)),
                ],
                category="facility",
            )
        )
    # reopened by the resident's verdict (1 star; "not resolved" with 4 stars), handled again
    for verdict in ((True, 1), (False, 4)):
        plans.append(
            Plan(
                day(1, 20),
                handled(
                    h(1, 10),
                    h(10, 40),
                    rating=verdict,
                    extra=[(2, "accept", "P"), (40, "resolve", "P"), (50, "rate", True, 5)],
                ),
            )
        )
    # a supervisor's reopen (admin): not an overturn; handled again, once in time, once not
    for again in (h(40, 60), 300):
        plans.append(
            Plan(
                day(1, 15),
                [
                    (1, "assign", "P"),
                    (5, "accept", "P"),
                    (30, "resolve", "P"),
                    (32, "reopen"),
                    (34, "accept", "P"),
                    (32 + again, "resolve", "P"),
                    (34 + again, "rate", True, 5),
                ],
            )
        )
    # not rated: the sweep closes them after the 7-day window
    for i in range(3):
        plans.append(
            Plan(day(1, 18), handled(h(1, 20), h(5, 60), rating=None), community="ab"[i % 2])
        )
    # appealed after a good rating, handled again and rated
    for _ in range(2):
        plans.append(
            Plan(
                day(1, 16),
                handled(
                    h(1, 10),
                    h(10, 40),
                    rating=(True, 4),
                    extra=[
                        (20, "appeal"),
                        (h(22, 40), "accept", "P"),
                        (100, "resolve", "P"),
                        (110, "rate", True, rng.randint(1, 5)),
                    ],
                ),
            )
        )
    # rejected at triage: before the accept deadline (no figure owed), and after it
    plans.append(Plan(day(), [(2, "reject")], category="childcare"))
    plans.append(Plan(day(), [(30, "reject")], category="childcare"))
    # a grid worker reported for resident_a2 and records the verdict (phone, visit)
    for channel in ("phone", "visit"):
        plans.append(
            Plan(
                day(),
                handled(h(1, 10), h(10, 50), rating=(True, 5, channel)),
                on_behalf=True,
                category="community_meals",
            )
        )
    # re-assigned while in progress: other_provider takes over and resolves
    plans.append(
        Plan(
            day(),
            [
                (1, "assign", "P"),
                (3, "accept", "P"),
                (20, "assign", "O"),
                (h(21, 50), "accept", "O"),
                (80, "resolve", "O"),
                (90, "rate", True, 2),
            ],
            community="b",
        )
    )
    # started in late October, finished in November
    october = [START - timedelta(days=d, hours=h(0, 10)) for d in (1, 2, 5)]
    plans.append(Plan(october[0], handled(h(1, 5), h(30, 60))))
    plans.append(Plan(october[1], handled(h(30, 50), h(20, 60), rating=None)))
    plans.append(
        Plan(
            october[2],
            [(1, "assign", "P"), (h(2, 10), "accept", "P"), (h(140, 200), "resolve", "P")],
            community="b",
        )
    )
    # reported at the end of November, running into December
    late = [END - timedelta(hours=x) for x in (30, 10, 3)]
    plans.append(Plan(late[0], handled(h(12, 20), h(20, 60))))
    plans.append(Plan(late[1], handled(h(20, 40), h(30, 90), rating=(True, 5))))
    plans.append(Plan(late[2], [(h(0.5, 2), "assign", "P")], priority="urgent"))
    # +1s by resident_a2 on community A's cases reported by resident_a, while still open
    for plan in plans:
        if plan.community == "a" and not plan.on_behalf and rng.random() < 0.6:
            plan.steps.append((0.1, "support"))
    return plans


@pytest.fixture
def month(client, auth, world):
    """Drive the month through the API, in time order, with the sweeps every 6 hours."""
    rng = random.Random(20261108)
    plans = month_plans(rng)
    providers = {"P": world.provider, "O": world.other_provider}
    staff = {"P": world.provider_staff, "O": world.other_provider_staff}

    def version(plan):
        db.session.expire_all()
        return db.session.scalar(select(Case.version).where(Case.id == plan.id))

    def act(plan, user, action, **body):
        response = client.post(
            f"{API}/cases/{plan.id}/actions/{action}",
            json={"version": version(plan), **body},
            headers=auth(user),
        )
        assert response.status_code == 200, (action, response.get_json())

    def post(plan, user, path, body):
        response = client.post(f"{API}/cases/{plan.id}/{path}", json=body, headers=auth(user))
        assert response.status_code == 200, (path, response.get_json())

    def report(plan):
        body = {
            "category": plan.category,
            "title": "需要上门服务",
            "description": "独居老人行动不便",
            "priority": plan.priority,
            "org_id": (world.grid_a1 if plan.community == "a" else world.grid_b1).id,
        }
        reporter = world.resident_a if plan.community == "a" else world.resident_b
        if plan.on_behalf:
            reporter = world.grid_worker_a1
            body["on_behalf_of"] = {"resident_id": world.resident_a2.id}
        response = client.post(f"{API}/cases", json=body, headers=auth(reporter))
        assert response.status_code == 201, response.get_json()
        plan.id = uuid.UUID(response.get_json()["id"])

    def step(plan, kind, *args):
        dispatcher = world.dispatcher_a if plan.community == "a" else world.dispatcher_b
        reporter = world.resident_a if plan.community == "a" else world.resident_b
        if kind == "assign":
            act(plan, world.admin, "assign", provider_id=providers[args[0]].id)
        elif kind in ("accept", "resolve", "return"):
            body = {"note": "已上门服务"} if kind == "resolve" else {}
            if kind == "return":
                body = {"reason": "不是我们的服务范围"}
            act(plan, staff[args[0]], kind, **body)
        elif kind == "accept_return":
            act(plan, world.admin, "accept_return")
        elif kind == "refuse_return":
            act(plan, world.admin, "refuse_return", reason="就是你们的")
        elif kind == "coordinate":
            act(
                plan,
                dispatcher,
                "coordinate",
                lead_provider_id=world.provider.id,
                co_providers=[
                    {
                        "provider_id": world.other_provider.id,
                        "due_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
                    }
                ],
            )
        elif kind == "task":
            task_id = db.session.scalar(select(CoTask.id).where(CoTask.case_id == plan.id))
            response = client.post(
                f"{API}/tasks/{task_id}/actions/{args[0]}",
                json={},
                headers=auth(world.other_provider_staff),
            )
            assert response.status_code == 200, response.get_json()
        elif kind == "reject":
            act(plan, world.admin, "reject", reason="不属于社区服务")
        elif kind == "reopen":
            act(plan, world.admin, "reopen")
        elif kind == "rate":
            resolved, stars, *channel = args
            body = {"resolved": resolved, "stars": stars}
            rater = reporter
            if channel:
                rater, body["channel"] = world.grid_worker_a1, channel[0]
            post(plan, rater, "rating", body)
        elif kind == "appeal":
            post(plan, reporter, "appeal", {"reason": "问题又出现了"})
        elif kind == "support":
            post(plan, world.resident_a2, "support", {})
        else:  # pragma: no cover
            raise AssertionError(kind)

    timeline = []
    for n, plan in enumerate(plans):
        timeline.append((plan.start, n, 0, lambda plan=plan: report(plan)))
        for k, (hours, kind, *args) in enumerate(plan.steps, start=1):
            moment = plan.start + timedelta(hours=hours)
            assert moment < NOW
            timeline.append((moment, n, k, lambda p=plan, s=(kind, *args): step(p, *s)))
    sweep_at = datetime(2026, 10, 20, tzinfo=UTC)
    while sweep_at < NOW:

        def sweep(now=sweep_at):
            escalate_overdue_cases(now=now)
            close_unrated_cases(now=now)

        timeline.append((sweep_at, -1, 0, sweep))
        sweep_at += timedelta(hours=6)
    for moment, _n, _k, run in sorted(timeline, key=lambda item: item[:3]):
        with time_machine.travel(moment, tick=False):
            run()
    db.session.expire_all()
    return plans


# --- the figures, recomputed from the rows -------------------------------------------------------


def in_period(moment):
    return moment is not None and START <= moment < END


def overlaps(begin, finish):
    """Whether [begin, finish) meets the period (finish None: still going)."""
    return begin < END and (finish is None or finish > START)


def clock(event, name):
    return datetime.fromisoformat(event.data["clock"][name]).astimezone(UTC)


@dataclass
class Fact:
    case_id: uuid.UUID
    provider_id: int | None
    on_time: bool
    hours: float | None  # only for the accepted / resolved cycles (overturned ones too)
    resolved: bool = False


@dataclass
class CaseFacts:
    case: Case
    acceptance: list = field(default_factory=list)
    resolution: list = field(default_factory=list)
    ratings: list = field(default_factory=list)  # (provider_id, Rating)
    not_rated: list = field(default_factory=list)  # provider_id
    bounces: list = field(default_factory=list)  # provider_id
    escalations: list = field(default_factory=list)  # provider_id
    held_by: set = field(default_factory=set)  # providers holding it at some time in the period
    open_in_period: bool = False
    supporters: int = 0


CYCLE_STARTS = (EventKind.SUBMIT, EventKind.REOPEN, EventKind.APPEAL)


def facts_of(case, events, ratings, supports) -> CaseFacts:
    out = CaseFacts(case)

    def holder_at(moment):
        holder = None
        for event in events:
            if event.at > moment:
                break
            if event.action in (EventKind.ASSIGN, EventKind.COORDINATE):
                holder = event.data["provider_id"]
            elif event.action is EventKind.ACCEPT_RETURN:
                holder = None
        return holder

    # holding intervals
    holder, since = None, None
    for event in events:
        if event.action in (EventKind.ASSIGN, EventKind.COORDINATE):
            new = event.data["provider_id"]
        elif event.action is EventKind.ACCEPT_RETURN:
            new = None
        else:
            continue
        if new == holder:
            continue
        if holder is not None and overlaps(since, event.at):
            out.held_by.add(holder)
        holder, since = new, event.at
    if holder is not None and overlaps(since, None):
        out.held_by.add(holder)

    # open intervals
    opened = None
    for event in events:
        if event.action in CYCLE_STARTS and opened is None:
            opened = event.at
        elif event.action in (EventKind.CLOSE, EventKind.REJECT) and opened is not None:
            out.open_in_period |= overlaps(opened, event.at)
            opened = None
    if opened is not None:
        out.open_in_period |= overlaps(opened, None)

    # cycles
    starts = [i for i, e in enumerate(events) if e.action in CYCLE_STARTS]
    resolver_of_cycle = {}
    for number, first in enumerate(starts, start=1):
        last = starts[number] if number < len(starts) else len(events)
        cycle = events[first:last]
        following = events[last] if last < len(events) else None
        begin = cycle[0].at
        accept_due = clock(cycle[0], "accept_due_at")
        resolve_due = clock(cycle[0], "resolve_due_at")
        rejects = [e.at for e in cycle if e.action is EventKind.REJECT]
        accepts = [e.at for e in cycle if e.action is EventKind.ACCEPT]
        resolves = [e.at for e in cycle if e.action is EventKind.RESOLVE]

        def hours(moment, begin=begin):
            return (moment - begin).total_seconds() / 3600

        if accepts:
            settle = min(accepts[0], accept_due)
            if in_period(settle):
                out.acceptance.append(
                    Fact(case.id, holder_at(settle), accepts[0] <= accept_due, hours(accepts[0]))
                )
        elif (
            accept_due <= NOW
            and not any(r <= accept_due for r in rejects)
            and in_period(accept_due)
        ):
            out.acceptance.append(Fact(case.id, holder_at(accept_due), False, None))

        if resolves:
            done = resolves[0]
            resolver_of_cycle[number] = holder_at(done)
            overturned = following is not None and (
                following.action is EventKind.APPEAL
                or (following.action is EventKind.REOPEN and "rating" in following.data)
            )
            on_time = done <= resolve_due
            settle = done if on_time else resolve_due
            if in_period(settle):
                out.resolution.append(
                    Fact(
                        case.id,
                        holder_at(done) if on_time else holder_at(settle),
                        on_time,
                        hours(done),
                        resolved=not overturned,
                    )
                )
        elif (
            resolve_due <= NOW
            and not any(r <= resolve_due for r in rejects)
            and in_period(resolve_due)
        ):
            out.resolution.append(Fact(case.id, holder_at(resolve_due), False, None))

        for event in cycle:
            if (
                event.action is EventKind.CLOSE
                and event.data.get("not_rated")
                and in_period(event.at)
            ):
                out.not_rated.append(holder_at(resolves[0]))

    for rating in ratings:
        if in_period(rating.created_at):
            out.ratings.append((resolver_of_cycle[rating.cycle], rating))
    for event in events:
        if not in_period(event.at):
            continue
        if event.action is EventKind.ACCEPT_RETURN:
            out.bounces.append(event.data["bounced_provider_id"])
        elif event.action is EventKind.ESCALATE:
            out.escalations.append(holder_at(event.at))
    out.supporters = sum(1 for s in supports if in_period(s.created_at))
    return out


def all_case_facts() -> list[CaseFacts]:
    cases = db.session.scalars(select(Case)).all()
    events = defaultdict(list)
    for event in db.session.scalars(select(CaseEvent).order_by(CaseEvent.at, CaseEvent.id)):
        events[event.case_id].append(event)
    ratings = defaultdict(list)
    for rating in db.session.scalars(select(Rating)):
        ratings[rating.case_id].append(rating)
    supports = defaultdict(list)
    for support in db.session.scalars(select(CaseSupport)):
        supports[support.case_id].append(support)
    return [facts_of(c, events[c.id], ratings[c.id], supports[c.id]) for c in cases]


def select_for(facts: CaseFacts, unit):
    """The part of a case's facts that counts for `unit` (None: all of them, for an org or a
    category; a provider id: that provider's)."""
    mine = (lambda p: True) if unit is None else (lambda p: p == unit)
    picked = {
        "acceptance": [f for f in facts.acceptance if mine(f.provider_id)],
        "resolution": [f for f in facts.resolution if mine(f.provider_id)],
        "ratings": [r for p, r in facts.ratings if mine(p)],
        "not_rated": [p for p in facts.not_rated if mine(p)],
        "bounces": [p for p in facts.bounces if mine(p)],
        "escalations": [p for p in facts.escalations if mine(p)],
    }
    has_fact = any(picked.values())
    if unit is None:
        counted = has_fact or facts.open_in_period
    else:
        counted = has_fact or unit in facts.held_by
    return counted, picked


def rate(numerator, denominator):
    return numerator / denominator if denominator else None


def median(values):
    return round(statistics.median(values), 2) if values else None


def figures(case_facts: list[CaseFacts], unit) -> dict:
    """The row of a unit over the cases that may count for it."""
    row = dict.fromkeys(COUNTS, 0)
    accept_hours, resolve_hours, overdue = [], [], set()
    for facts in case_facts:
        counted, picked = select_for(facts, unit)
        if not counted:
            continue
        row["cases"] += 1
        row["supporters"] += facts.supporters
        for fact in picked["acceptance"]:
            row["due_for_acceptance"] += 1
            row["accepted_on_time"] += fact.on_time
            if fact.hours is not None:
                accept_hours.append(fact.hours)
        for fact in picked["resolution"]:
            row["due_for_resolution"] += 1
            row["resolved_on_time"] += fact.on_time
            row["resolved"] += fact.resolved
            if fact.hours is not None:  # every resolution, overturned or not: the time taken
                resolve_hours.append(fact.hours)
        for fact in picked["acceptance"] + picked["resolution"]:
            if not fact.on_time:
                overdue.add(fact.case_id)
        for rating in picked["ratings"]:
            row["ratings"] += 1
            row["ratings_recorded"] += rating.channel.value != "app"
            row["satisfied"] += rating.resolved and rating.stars >= 4
        row["not_rated"] += len(picked["not_rated"])
        row["bounces"] += len(picked["bounces"])
        row["escalations"] += len(picked["escalations"])
    row["overdue"] = len(overdue)
    row["response_rate"] = rate(row["accepted_on_time"], row["due_for_acceptance"])
    row["resolution_rate"] = rate(row["resolved"], row["due_for_resolution"])
    row["satisfaction_rate"] = rate(row["satisfied"], row["ratings"])
    row["median_hours_to_accept"] = median(accept_hours)
    row["median_hours_to_resolve"] = median(resolve_hours)
    rated = {k: row[k] for k in WEIGHTS if row[k] is not None}
    row["score"] = (
        round(
            100 * sum(WEIGHTS[k] * v for k, v in rated.items()) / sum(WEIGHTS[k] for k in rated), 2
        )
        if rated
        else None
    )
    return row


def ranked(rows: dict) -> dict:
    scores = [r["score"] for r in rows.values() if r["score"] is not None]
    for row in rows.values():
        row["rank"] = None if row["score"] is None else 1 + sum(s > row["score"] for s in scores)
    return rows


def expected_provider_rows(case_facts):
    rows = {}
    candidates = set()
    for facts in case_facts:
        candidates |= facts.held_by
        candidates |= {f.provider_id for f in facts.acceptance + facts.resolution}
        candidates |= {p for p, _ in facts.ratings}
        candidates |= set(facts.not_rated + facts.bounces + facts.escalations)
    for provider_id in candidates - {None}:
        row = figures(case_facts, provider_id)
        if row["cases"]:
            rows[provider_id] = row
    return ranked(rows)


def expected_category_rows(case_facts):
    rows = {}
    for category in db.session.scalars(select(Category).where(Category.active)):
        mine = [f for f in case_facts if f.case.category_id == category.id]
        rows[category.id] = figures(mine, None)
    return ranked(rows)


def expected_org_rows(case_facts, level, area: Org):
    orgs = {o.id: o for o in db.session.scalars(select(Org))}
    units = [o for o in orgs.values() if o.kind.value == level and o.path.startswith(area.path)]

    def ancestor(case):
        chain = [orgs[int(p)] for p in orgs[case.org_id].path.strip("/").split("/")]
        return next((o.id for o in chain if o.kind.value == level), None)

    rows = {}
    for unit in units:
        mine = [f for f in case_facts if ancestor(f.case) == unit.id]
        rows[unit.id] = figures(mine, None)
    return ranked(rows)


# --- the comparison --------------------------------------------------------------------------------


def differences(expected: dict, body: dict, keys) -> list[str]:
    got = {row["unit"]["id"]: row for row in body["rows"]}
    problems = []
    if set(got) != set(expected):
        problems.append(f"units: expected {sorted(expected)}, got {sorted(got)}")
    for unit_id in sorted(set(got) & set(expected)):
        want, row = expected[unit_id], got[unit_id]
        name = f"{row['unit']['kind']} {unit_id} ({row['unit'].get('name')})"
        for key in keys:
            if key not in FLOATS:
                same = row[key] == want[key]
            elif want[key] is None or row[key] is None:
                same = want[key] is row[key]
            else:
                same = row[key] == pytest.approx(want[key], abs=0.006)
            if not same:
                problems.append(f"{name} {key}: expected {want[key]}, got {row[key]}")
    return problems


def report(problems: dict) -> str:
    return "\n".join(f"{name}: {p}" for name, found in problems.items() for p in found)


@pytest.fixture
def compared(month, client, auth, world):
    """(the recomputed case facts, {table: (expected rows, API body)}) at NOW."""

    def table(user, **query):
        with time_machine.travel(NOW, tick=False):
            response = client.get(
                ASSESSMENT, query_string={"period": "2026-11", **query}, headers=auth(user)
            )
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    case_facts = all_case_facts()
    assert len(case_facts) == len(month) >= 35
    checks = {
        "admin by provider": (
            expected_provider_rows(case_facts),
            table(world.admin, group_by="provider"),
        ),
        "admin by category": (
            expected_category_rows(case_facts),
            table(world.admin, group_by="category"),
        ),
        "admin by community": (
            expected_org_rows(case_facts, "community", world.city),
            table(world.admin, group_by="org", level="community"),
        ),
        "admin by street": (
            expected_org_rows(case_facts, "street", world.city),
            table(world.admin, group_by="org", level="street"),
        ),
        "street officer by community": (
            expected_org_rows(case_facts, "community", world.street),
            table(world.officer_street, group_by="org", level="community"),
        ),
    }
    return case_facts, checks


EVERY_FIGURE = (*COUNTS, "rank", *FLOATS)


def test_every_figure_of_a_varied_month_matches_a_recomputation_from_the_raw_rows(compared, world):
    case_facts, checks = compared

    problems = {name: differences(want, got, EVERY_FIGURE) for name, (want, got) in checks.items()}
    assert not any(problems.values()), report(problems)

    # The month really is varied: every kind of figure is there, good and bad.
    acceptance = [f for c in case_facts for f in c.acceptance]
    resolution = [f for c in case_facts for f in c.resolution]
    street = checks["admin by street"][0][world.street.id]
    assert any(f.on_time for f in acceptance) and any(not f.on_time for f in acceptance)
    assert any(f.hours is None for f in acceptance)  # never accepted
    assert any(f.provider_id is None for f in acceptance)  # settled in triage
    assert any(f.on_time for f in resolution) and any(not f.on_time for f in resolution)
    assert any(f.hours is None for f in resolution)  # the deadline passed unresolved
    assert any(f.hours is not None and not f.resolved for f in resolution)  # overturned
    assert street["resolved"] < sum(f.hours is not None for f in resolution)
    assert street["bounces"] >= 3 and street["escalations"] > 0
    assert street["not_rated"] >= 2 and street["ratings_recorded"] > 0
    assert 0 < street["satisfied"] < street["ratings"]
    assert street["supporters"] > 0 and street["overdue"] > 0
    assert 0 < street["score"] < 100
    providers = checks["admin by provider"][0]
    assert {world.provider.id, world.other_provider.id} <= set(providers)
    # Some cases fall outside November: reported in October, or settling in December.
    assert any(c.case.created_at < START for c in case_facts)
    assert any(c.case.created_at >= END - timedelta(days=2) for c in case_facts)
