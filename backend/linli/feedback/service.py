"""Rating verbs: the reporter's verdict on a resolved case closes or reopens it; an appeal
reopens a closed one; the sweep asks for a rating before the window closes, then closes
what was not rated in time."""

import time as wallclock
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, insert, select
from sqlalchemy.orm import defer, lazyload

from linli.accounts.models import Role, User
from linli.cases.lifecycle import Action, apply_transition
from linli.cases.models import Case, CaseState
from linli.db import writing_job
from linli.errors import abort
from linli.extensions import db
from linli.feedback.models import Rating, RatingChannel
from linli.notifications.models import Notification, NotificationKind
from linli.notifications.service import notification_rows

SATISFIED_STARS = 4
UNHAPPY_STARS = 2
MID_STARS = 3  # resolved and 3 stars: closed, but the party branch takes a look
RECORDED_CHANNELS = (RatingChannel.PHONE, RatingChannel.VISIT)  # a grid worker's 回访
REMIND_BEFORE = timedelta(days=1)  # the reporter is asked to rate this long before the close


def current_rating(case: Case) -> Rating | None:
    """The rating of the case's current cycle (as remembered when it is known, if it is)."""
    cycle, rating = case.__dict__.get("_current_rating", (None, None))
    if cycle == case.cycle:
        return rating
    return db.session.scalar(
        select(Rating).where(Rating.case_id == case.id, Rating.cycle == case.cycle)
    )


def _remember_rating(case: Case, rating: Rating | None) -> None:
    case.__dict__["_current_rating"] = (case.cycle, rating)


def remember_no_rating(case: Case) -> None:
    """The case has no rating in its current cycle (a new report): none to look up."""
    _remember_rating(case, None)


def rating_window() -> timedelta:
    return timedelta(days=current_app.config["RATING_WINDOW_DAYS"])


def rating_due_at(case: Case) -> datetime | None:
    """Until when a resolved case can be rated; after that the sweep closes it as not rated."""
    if case.state is not CaseState.RESOLVED or case.resolved_at is None:
        return None
    return case.resolved_at + rating_window()


def outcome_of_rating(resolved: bool, stars: int) -> Action:
    """ "Not resolved" or 1–2 stars sends the case back one level up; otherwise it closes."""
    return Action.REOPEN if not resolved or stars <= UNHAPPY_STARS else Action.CLOSE


def is_reporter(case: Case, actor: User) -> bool:
    return actor.role is Role.RESIDENT and case.reporter_id == actor.id


def reported_for_them(case: Case, actor: User) -> bool:
    """The grid worker who reported the case for its resident (and follows it up, 回访)."""
    return actor.role is Role.GRID_WORKER and case.created_by_id == actor.id


def may_rate(case: Case, actor: User, now: datetime) -> bool:
    """Whether `actor` may enter the verdict now (no queries: a rating moves the case on, so
    a resolved case has none for its cycle)."""
    return (
        case.state is CaseState.RESOLVED
        and (is_reporter(case, actor) or reported_for_them(case, actor))
        and now <= rating_due_at(case)
    )


def rating_channel(case: Case, actor: User, asked: RatingChannel | None) -> RatingChannel:
    """Who may enter the verdict, and through which channel: the reporter in the app, or the
    grid worker who reported for them, after a call or a visit (phone unless they say)."""
    if is_reporter(case, actor):
        if asked not in (None, RatingChannel.APP):
            abort(422, "a resident rates in the app", errors={"channel": ["must be app"]})
        return RatingChannel.APP
    if reported_for_them(case, actor):
        if asked not in (None, *RECORDED_CHANNELS):
            abort(
                422,
                "a grid worker records a rating after a call or a visit",
                errors={"channel": ["must be phone or visit"]},
            )
        return asked or RatingChannel.PHONE
    abort(
        403,
        "only the resident who reported the case, or the grid worker who reported it for "
        "them, enters its rating",
    )


def rate_case(
    case: Case,
    *,
    actor: User,
    resolved: bool,
    stars: int,
    comment: str,
    now: datetime,
    channel: RatingChannel | None = None,
) -> Rating:
    """The reporter's verdict on the current handling of a resolved case, once."""
    channel = rating_channel(case, actor, channel)
    if current_rating(case) is not None:
        abort(409, "this handling of the case has been rated already")
    if case.state is not CaseState.RESOLVED:
        abort(
            422,
            f"only a resolved case can be rated; this one is {case.state}",
            state=case.state.value,
        )
    if now > rating_due_at(case):
        abort(
            422,
            f"the {rating_window().days}-day rating window has passed",
            state=case.state.value,
        )
    rating = Rating(
        case_id=case.id,
        cycle=case.cycle,
        rater_id=case.reporter_id,
        recorded_by_id=actor.id,
        channel=channel,
        resolved=resolved,
        stars=stars,
        comment=comment.strip(),
        created_at=now,
    )
    db.session.add(rating)
    _remember_rating(case, rating)
    apply_transition(
        case,
        outcome_of_rating(resolved, stars),
        actor=actor,
        now=now,
        note=comment.strip(),
        data={"rating": {"resolved": resolved, "stars": stars, "channel": channel.value}},
        for_reporter=True,
    )
    db.session.commit()
    return rating


def appeal_case(case: Case, *, actor: User, reason: str, now: datetime) -> Case:
    """The reporter disputes a closed case: once, within the appeal window (lifecycle rules)."""
    apply_transition(case, Action.APPEAL, actor=actor, now=now, note=reason)
    db.session.commit()
    return case


# --- the sweep: not rated in time -------------------------------------------------------------


@dataclass
class NotRatedResult:
    closed: int = 0
    seconds: float = 0.0


def claim_unrated(cutoff: datetime, batch_size: int):
    """Resolved cases whose rating window ended before `cutoff`, locked, skipping locked ones."""
    return (
        select(Case)
        .options(lazyload("*"), defer(Case.supporters), defer(Case.description))
        .where(Case.state == CaseState.RESOLVED, Case.resolved_at < cutoff)
        .order_by(Case.resolved_at)
        .limit(batch_size)
        .with_for_update(skip_locked=True, of=Case)
    )


def close_unrated_cases(*, now: datetime, batch_size: int = 500) -> NotRatedResult:
    """Close as not rated every resolved case whose rating window has passed. Idempotent.

    Same guarantees as the escalation sweep: claimed with FOR UPDATE SKIP LOCKED, so two
    sweeps share the work; each case moves through the lifecycle (state checked, version
    stepped, one close event marked not_rated), so a second sweep finds nothing to close.
    """
    started = wallclock.perf_counter()
    result = NotRatedResult()
    with writing_job():
        while True:
            claimed = db.session.scalars(claim_unrated(now - rating_window(), batch_size)).all()
            if not claimed:
                db.session.commit()  # end the last (empty) claim: hold no lock between sweeps
                break
            for case in claimed:
                apply_transition(case, Action.CLOSE, actor=None, now=now, data={"not_rated": True})
            result.closed += len(claimed)
            db.session.commit()
    result.seconds = wallclock.perf_counter() - started
    return result


def remind_unrated_cases(*, now: datetime, batch_size: int = 500) -> int:
    """Ask the reporter of each resolved case whose rating window closes within a day (half
    the window, if shorter) to rate it: once per cycle, as a reminder written since the case
    was resolved counts. Idempotent; two sweeps share the work (FOR UPDATE SKIP LOCKED)."""
    window = rating_window()
    cutoff = now - window + min(REMIND_BEFORE, window / 2)
    reminded = exists().where(
        Notification.case_id == Case.id,
        Notification.kind == NotificationKind.RATE_REQUESTED,
        Notification.created_at >= Case.resolved_at,
    )
    reminders = 0
    with writing_job():
        while True:
            cases = db.session.scalars(
                select(Case)
                .options(lazyload("*"), defer(Case.supporters), defer(Case.description))
                .where(
                    Case.state == CaseState.RESOLVED,
                    Case.resolved_at <= cutoff,
                    Case.reporter_id.is_not(None),
                    ~reminded,
                )
                .order_by(Case.resolved_at)
                .limit(batch_size)
                .with_for_update(skip_locked=True, of=Case)
            ).all()
            if cases:
                rows = [
                    row
                    for case in cases
                    for row in notification_rows(
                        [case.reporter_id],
                        NotificationKind.RATE_REQUESTED,
                        case=case,
                        now=now,
                        due_at=rating_due_at(case).isoformat(),
                    )
                ]
                db.session.execute(insert(Notification.__table__), rows)
            db.session.commit()
            reminders += len(cases)
            if len(cases) < batch_size:
                return reminders
