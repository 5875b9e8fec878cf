"""Automatic routing: pick the provider that is clearly best for a case, or say why not.

Rule: among active providers serving the category whose coverage includes the case's
place, the most specific coverage wins (a grid's provider before its community's,
before its street's …); a tie goes to the lowest open load relative to capacity; a tie
on that too waits for a person (the triage queue). No candidate at all: an unmet need.
"""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from linli.cases.events import record_event
from linli.cases.lifecycle import Action, apply_transition
from linli.cases.models import Case, CaseEvent, EventKind
from linli.categories.models import Category
from linli.extensions import db
from linli.orgs.models import Org
from linli.routing.models import Provider
from linli.routing.service import LOADED_STATES, providers_covering


class Rule:
    MOST_SPECIFIC = "most_specific_coverage"
    LOWEST_LOAD = "lowest_load"
    TIE = "tie_needs_triage"
    ALL_RETURNED = "every_candidate_returned_it"
    NO_PROVIDER = "no_provider"


@dataclass
class RoutingDecision:
    provider: Provider | None
    rule: str
    candidates: list[dict] = field(default_factory=list)
    # The responsibility list's line for the case, when the caller asks for it (the advice
    # a dispatcher reads before coordinating).
    preset: object = None

    def as_event_data(self) -> dict:
        return {"rule": self.rule, "candidates": self.candidates}


def open_loads(provider_ids: list[int]) -> dict[int, int]:
    # count(*), not count(id): the (provider_id, state) index alone answers it.
    rows = db.session.execute(
        select(Case.provider_id, func.count())
        .where(Case.provider_id.in_(provider_ids), Case.state.in_(LOADED_STATES))
        .group_by(Case.provider_id)
    )
    return dict(rows.all())


def choose_provider(
    category: Category, org: Org, *, exclude: set[int] = frozenset()
) -> RoutingDecision:
    covering = providers_covering(category, org)
    if not covering:
        return RoutingDecision(None, Rule.NO_PROVIDER)
    providers = [p for p in covering if p.id not in exclude]
    if not providers:
        return RoutingDecision(None, Rule.ALL_RETURNED)
    path = org.ancestors_and_self_ids()  # root first: a larger index is more specific
    loads = open_loads([p.id for p in providers])
    candidates = []
    for provider in providers:
        depth = max(path.index(o.id) for o in provider.coverage if o.id in path)
        open_cases = loads.get(provider.id, 0)
        candidates.append(
            {
                "provider_id": provider.id,
                "name": provider.name,
                "coverage_depth": depth,
                "open_cases": open_cases,
                "capacity": provider.capacity,
                "load": round(open_cases / max(provider.capacity, 1), 4),
            }
        )
    deepest = max(c["coverage_depth"] for c in candidates)
    best = [c for c in candidates if c["coverage_depth"] == deepest]
    by_id = {p.id: p for p in providers}
    if len(best) == 1:
        return RoutingDecision(by_id[best[0]["provider_id"]], Rule.MOST_SPECIFIC, candidates)
    lightest = min(c["load"] for c in best)
    best = [c for c in best if c["load"] == lightest]
    if len(best) == 1:
        return RoutingDecision(by_id[best[0]["provider_id"]], Rule.LOWEST_LOAD, candidates)
    return RoutingDecision(None, Rule.TIE, candidates)


def bounced_providers(case: Case) -> set[int]:
    """Providers whose return of this case a dispatcher accepted."""
    rows = db.session.scalars(
        select(CaseEvent.data).where(
            CaseEvent.case_id == case.id, CaseEvent.action == EventKind.ACCEPT_RETURN
        )
    )
    return {data["bounced_provider_id"] for data in rows if data.get("bounced_provider_id")}


def route_case(case: Case, *, now: datetime) -> RoutingDecision:
    """Send a submitted case to the clearly best provider, or leave it for triage saying why.

    Every decision is an event with its rule and candidates. With AUTO_ROUTING off the
    best provider is only suggested. Providers that bounced the case are not asked again.
    """
    decision = choose_provider(case.category, case.org, exclude=bounced_providers(case))
    case.unmet_need = decision.rule == Rule.NO_PROVIDER
    if decision.provider is not None and current_app.config["AUTO_ROUTING"]:
        apply_transition(
            case,
            Action.ASSIGN,
            actor=None,
            now=now,
            provider=decision.provider,
            note=decision.provider.name,
            data=decision.as_event_data(),
        )
    else:
        suggestion = decision.provider.id if decision.provider else None
        record_event(
            case,
            EventKind.ROUTE,
            actor=None,
            now=now,
            public=False,
            data={**decision.as_event_data(), "suggested_provider_id": suggestion},
        )
    return decision
