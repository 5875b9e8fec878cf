"""Rating verbs: the reporter rates a resolved case; the rating closes or reopens it."""

from datetime import datetime

from sqlalchemy import select

from linli.accounts.models import User
from linli.cases.lifecycle import Action, apply_transition
from linli.cases.models import Case, CaseState
from linli.errors import abort
from linli.extensions import db
from linli.feedback.models import Rating

SATISFIED_STARS = 4
UNHAPPY_STARS = 2
MID_STARS = 3  # resolved and 3 stars: closed, but the party branch takes a look


def current_rating(case: Case) -> Rating | None:
    return db.session.scalar(
        select(Rating).where(Rating.case_id == case.id, Rating.cycle == case.cycle)
    )


def outcome_of_rating(resolved: bool, stars: int) -> Action:
    """ "Not resolved" or 1–2 stars sends the case back one level up; otherwise it closes."""
    return Action.REOPEN if not resolved or stars <= UNHAPPY_STARS else Action.CLOSE


def rate_case(
    case: Case, *, actor: User, resolved: bool, stars: int, comment: str, now: datetime
) -> Rating:
    """The reporter rates the current handling of a resolved case, once."""
    if case.reporter_id != actor.id:
        abort(403, "only the resident who reported the case rates it")
    if current_rating(case) is not None:
        abort(409, "you have already rated this handling of the case")
    if case.state is not CaseState.RESOLVED:
        abort(
            422,
            f"only a resolved case can be rated; this one is {case.state}",
            state=case.state.value,
        )
    rating = Rating(
        case_id=case.id,
        cycle=case.cycle,
        rater_id=actor.id,
        resolved=resolved,
        stars=stars,
        comment=comment.strip(),
        created_at=now,
    )
    db.session.add(rating)
    apply_transition(
        case,
        outcome_of_rating(resolved, stars),
        actor=actor,
        now=now,
        note=comment.strip(),
        data={"rating": {"resolved": resolved, "stars": stars}},
    )
    db.session.commit()
    return rating
