"""What one case contributes to the assessment: its facts, worked out from its events and
ratings alone (no queries), so that every figure can be traced back to them.

A case runs in handling cycles: the report starts cycle 1, each reopen or appeal starts
the next. A cycle is judged against the clocks it started with (kept in its first event:
an escalation restarts the case's own clocks for the level above, not the cycle's).

- Acceptance settles at the first acceptance or at the accept deadline, whichever comes
  first: on time if accepted by then. It is the fact of the provider holding the case at
  that moment (the one that accepted it, or the one that let the deadline pass; nobody's
  when it sat in triage). A cycle rejected at triage, or withdrawn by its reporter, before
  its deadline owes none (a deadline missed before that stays missed).
- Resolution settles the same way, at the resolution or the resolve deadline. It counts as
  resolved when the cycle was resolved and the resident's verdict did not overturn it (a
  "not resolved" or 1–2 star rating, or an appeal); a supervisor's reopen does not count
  as the resident's verdict.
- A rating, and a close for want of one (not rated), belong to the provider that resolved
  the cycle. A bounce belongs to the provider that returned the case; an escalation to
  the provider holding it then.
- Org and category rows take every fact of their cases, whoever held them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from linli.cases.models import EventKind
from linli.feedback.service import SATISFIED_STARS

CYCLE_STARTS = (EventKind.SUBMIT, EventKind.REOPEN, EventKind.APPEAL)
CYCLE_ENDS = (EventKind.REJECT, EventKind.WITHDRAW)
# Kinds of fact (Fact.kind).
ACCEPTANCE, RESOLUTION, RATING, NOT_RATED, BOUNCE, ESCALATION = (
    "acceptance",
    "resolution",
    "rating",
    "not_rated",
    "bounce",
    "escalation",
)


@dataclass(frozen=True)
class EventRow:
    at: datetime
    action: EventKind
    data: dict
    actor_provider_id: int | None = None  # the provider of the staff member who acted


@dataclass(frozen=True)
class RatingRow:
    cycle: int
    at: datetime
    stars: int
    resolved: bool
    recorded: bool  # entered by a grid worker after a call or visit (回访), not in the app


@dataclass(frozen=True)
class Fact:
    kind: str
    at: datetime  # when it settled (counts in the period holding this moment)
    provider_id: int | None
    on_time: bool = False  # acceptance, resolution
    resolved: bool = False  # resolution: resolved and not overturned by the resident
    hours: float | None = None  # acceptance, resolution: from the cycle's start, when done
    satisfied: bool = False  # rating
    recorded: bool = False  # rating


@dataclass
class CaseFacts:
    facts: list[Fact] = field(default_factory=list)
    # (provider id, from, until): who held the case when; until None = still holds it.
    holdings: list[tuple[int, datetime, datetime | None]] = field(default_factory=list)
    # (from, until): when the case was open (not closed, rejected or withdrawn).
    open_spans: list[tuple[datetime, datetime | None]] = field(default_factory=list)


@dataclass
class _Cycle:
    start: datetime
    accept_due: datetime
    resolve_due: datetime
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None
    resolver: int | None = None
    ended_at: datetime | None = None  # rejected at triage, or withdrawn by the reporter
    overturned: bool = False


def _clock(event: EventRow, fallback: tuple[timedelta, timedelta]) -> tuple[datetime, datetime]:
    clock = event.data.get("clock")
    if clock:
        return (
            datetime.fromisoformat(clock["accept_due_at"]),
            datetime.fromisoformat(clock["resolve_due_at"]),
        )
    # Events written before cycles kept their clocks: the SLA's wall-time durations.
    return event.at + fallback[0], event.at + fallback[1]


def case_facts(
    events: list[EventRow], ratings: list[RatingRow], *, sla: tuple[timedelta, timedelta]
) -> CaseFacts:
    """The facts of one case; `events` in order, `sla` its (accept, resolve) durations for
    events that carry no clock.

    A deadline still ahead is a fact already, dated at the deadline: it counts once that
    moment has passed (a reader leaves out facts after its `now`), and any event that
    changes it (an acceptance, a rejection) changes the case and so its facts."""
    out = CaseFacts()
    cycles: list[_Cycle] = []
    holder: int | None = None
    held_since: datetime | None = None
    opened_at: datetime | None = None
    changes: list[tuple[datetime, int | None]] = []  # (when, the holder from then on)

    def hand_to(provider_id: int | None, at: datetime) -> None:
        nonlocal holder, held_since
        if provider_id == holder:
            return
        if holder is not None and held_since is not None:
            out.holdings.append((holder, held_since, at))
        holder, held_since = provider_id, at
        changes.append((at, provider_id))

    for event in events:
        kind = event.action
        if kind in CYCLE_STARTS:
            if kind is not EventKind.SUBMIT and cycles:
                rating = event.data.get("rating")
                cycles[-1].overturned = kind is EventKind.APPEAL or rating is not None
            accept_due, resolve_due = _clock(event, sla)
            cycles.append(_Cycle(event.at, accept_due, resolve_due))
            if opened_at is None:
                opened_at = event.at
        if not cycles:
            continue
        cycle = cycles[-1]
        if kind in (EventKind.ASSIGN, EventKind.COORDINATE) and "provider_id" in event.data:
            hand_to(event.data["provider_id"], event.at)
        elif kind is EventKind.ACCEPT:
            cycle.accepted_at = cycle.accepted_at or event.at
        elif kind is EventKind.ACCEPT_RETURN:
            bounced = event.data.get("bounced_provider_id", holder)
            out.facts.append(Fact(BOUNCE, event.at, bounced))
            hand_to(None, event.at)
        elif kind is EventKind.RESOLVE:
            cycle.resolved_at = event.at
            cycle.resolver = holder if holder is not None else event.actor_provider_id
        elif kind in CYCLE_ENDS:
            cycle.ended_at = event.at
        elif kind is EventKind.ESCALATE:
            out.facts.append(Fact(ESCALATION, event.at, holder))
        elif kind is EventKind.CLOSE and event.data.get("not_rated"):
            out.facts.append(Fact(NOT_RATED, event.at, cycle.resolver))
        if kind in (EventKind.CLOSE, *CYCLE_ENDS) and opened_at is not None:
            out.open_spans.append((opened_at, event.at))
            opened_at = None
            if holder is not None and held_since is not None:  # holds it no longer, for now
                out.holdings.append((holder, held_since, event.at))
                held_since = None
        elif kind in (EventKind.REOPEN, EventKind.APPEAL) and opened_at is None:
            opened_at = event.at
            if holder is not None:  # handled again by the same provider
                held_since = event.at
    if holder is not None and held_since is not None:
        out.holdings.append((holder, held_since, None))
    if opened_at is not None:
        out.open_spans.append((opened_at, None))

    def holder_at(moment: datetime) -> int | None:
        held = None
        for at, provider_id in changes:
            if at > moment:
                break
            held = provider_id
        return held

    for cycle in cycles:
        _settle(out, cycle, holder_at)
    resolvers = {n: c.resolver for n, c in enumerate(cycles, start=1)}
    for rating in ratings:
        satisfied = rating.resolved and rating.stars >= SATISFIED_STARS
        out.facts.append(
            Fact(
                RATING,
                rating.at,
                resolvers.get(rating.cycle),
                satisfied=satisfied,
                recorded=rating.recorded,
            )
        )
    return out


def _hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def _settle(out: CaseFacts, cycle: _Cycle, holder_at) -> None:
    """The acceptance and resolution facts of one cycle, once settled."""
    ended = cycle.ended_at  # a cycle rejected or withdrawn owes nothing after that
    if cycle.accepted_at is not None:
        at = min(cycle.accepted_at, cycle.accept_due)
        out.facts.append(
            Fact(
                ACCEPTANCE,
                at,
                holder_at(at),
                on_time=cycle.accepted_at <= cycle.accept_due,
                hours=_hours(cycle.start, cycle.accepted_at),
            )
        )
    elif ended is None or ended > cycle.accept_due:
        out.facts.append(Fact(ACCEPTANCE, cycle.accept_due, holder_at(cycle.accept_due)))

    if cycle.resolved_at is not None:
        at = min(cycle.resolved_at, cycle.resolve_due)
        out.facts.append(
            Fact(
                RESOLUTION,
                at,
                cycle.resolver if at == cycle.resolved_at else holder_at(at),
                on_time=cycle.resolved_at <= cycle.resolve_due,
                resolved=not cycle.overturned,
                hours=_hours(cycle.start, cycle.resolved_at),
            )
        )
    elif ended is None or ended > cycle.resolve_due:
        out.facts.append(Fact(RESOLUTION, cycle.resolve_due, holder_at(cycle.resolve_due)))
