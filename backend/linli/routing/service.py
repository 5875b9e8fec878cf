"""Provider registry and the question routing asks: who covers this place for this category?"""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, with_expression

from linli.accounts.models import Role, User
from linli.accounts.permissions import (
    administered_providers_clause,
    administers_provider,
    org_in_scope,
    require_role,
)
from linli.audit.service import describe, record_change
from linli.cases.models import Case, CaseState
from linli.categories.models import Category
from linli.db import get_by_int_id
from linli.errors import abort
from linli.extensions import db
from linli.orgs.models import Org
from linli.routing.models import Provider, ProviderType, provider_categories, provider_coverage

# A provider's load: the cases it holds that are not finished with it.
LOADED_STATES = (CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.RETURNED)

_OPEN_CASES = (
    select(func.count())
    .select_from(Case)
    .where(Case.provider_id == Provider.id, Case.state.in_(LOADED_STATES))
    .correlate(Provider)
    .scalar_subquery()
)


def with_open_cases(query):
    """`query` (of providers) loading each one's open cases (Provider.open_cases)."""
    return query.options(with_expression(Provider.open_cases, _OPEN_CASES))


def get_provider_or_404(provider_id: int) -> Provider:
    provider = get_by_int_id(Provider, provider_id)
    if provider is None:
        abort(404, f"provider {provider_id} does not exist")
    return provider


def fits_case(provider: Provider, case) -> bool:
    """Whether `provider` serves the case's category where the case is (what routing asks)."""
    return any(category.id == case.category_id for category in provider.categories) and any(
        org.contains(case.org) for org in provider.coverage
    )


def reaches_beyond_fit(actor: User, provider: Provider) -> bool:
    """Whether `actor` may hand a case to a provider that does not fit it, saying why.

    An officer or admin may call on any unit working in their area (a street office a
    district department, say). Dispatchers and grid workers stay with what fits.
    """
    return actor.role in (Role.OFFICER, Role.ADMIN) and any(
        actor.org.contains(org) or org.contains(actor.org) for org in provider.coverage
    )


def create_provider(
    *,
    name: str,
    type: ProviderType,
    categories: list[Category],
    coverage: list[Org],
    capacity: int = 50,
    contact: str = "",
    active: bool = True,
) -> Provider:
    provider = Provider(
        name=name,
        type=type,
        categories=categories,
        coverage=coverage,
        capacity=capacity,
        contact=contact,
        active=active,
    )
    db.session.add(provider)
    db.session.flush()
    return provider


def providers_covering(category: Category | None, org: Org | None) -> list[Provider]:
    """Active providers serving `category` whose coverage includes `org` (either filter optional)."""
    # Their coverage comes along: routing ranks each candidate by it (one statement, not one each).
    query = (
        select(Provider)
        .where(Provider.active.is_(True))
        .options(selectinload(Provider.coverage))
        .order_by(Provider.name, Provider.id)
    )
    if category is not None:
        query = query.where(
            Provider.id.in_(
                select(provider_categories.c.provider_id).where(
                    provider_categories.c.category_id == category.id
                )
            )
        )
    if org is not None:
        query = query.where(
            Provider.id.in_(
                select(provider_coverage.c.provider_id).where(
                    provider_coverage.c.org_id.in_(org.ancestors_and_self_ids())
                )
            )
        )
    return list(db.session.scalars(query))


def _resolve_refs(data: dict, actor: User) -> dict:
    """Turn category codes and org ids from the body into rows, or 422 naming the field (an
    admin gives coverage only inside their own area)."""
    resolved = dict(data)
    if "categories" in data:
        codes = set(data["categories"])
        found = list(db.session.scalars(select(Category).where(Category.code.in_(codes))))
        if len(found) != len(codes):
            abort(422, "unknown category", errors={"categories": ["unknown category code"]})
        resolved["categories"] = found
    if "coverage" in data:
        ids = set(data["coverage"])
        found = list(db.session.scalars(select(Org).where(Org.id.in_(ids))))
        if len(found) != len(ids):
            abort(422, "unknown org", errors={"coverage": ["unknown org id"]})
        if not all(org_in_scope(actor, org) for org in found):
            abort(422, "coverage outside your area", errors={"coverage": ["outside your area"]})
        resolved["coverage"] = found
    return resolved


def _ensure_name_free(name: str, provider: Provider | None = None) -> None:
    clash = db.session.scalar(select(Provider).where(Provider.name == name))
    if clash is not None and clash is not provider:
        abort(409, f"a provider named {name!r} exists", errors={"name": ["already used"]})


def get_administered_provider(actor: User, provider_id: int) -> Provider:
    """A provider the admin `actor` administers; 404 for one outside their area."""
    require_role(actor, Role.ADMIN)
    provider = get_provider_or_404(provider_id)
    if not administers_provider(actor, provider):
        abort(404, f"provider {provider_id} does not exist")
    return provider


def administered_providers(
    actor: User, *, q: str | None = None, include_inactive: bool = True
) -> list[Provider]:
    """The providers an admin administers, by name, with their open cases against capacity."""
    require_role(actor, Role.ADMIN)
    query = with_open_cases(select(Provider).where(administered_providers_clause(actor)))
    if q:
        query = query.where(Provider.name.icontains(q, autoescape=True))
    if not include_inactive:
        query = query.where(Provider.active.is_(True))
    return list(db.session.scalars(query.order_by(Provider.name, Provider.id)))


def _with_load(provider: Provider) -> Provider:
    statement = with_open_cases(select(Provider).where(Provider.id == provider.id))
    return db.session.scalars(statement.execution_options(populate_existing=True)).one()


def register_provider(data: dict, *, actor: User, now: datetime) -> Provider:
    """Admin adds a provider (categories by code, coverage by org id in their area)."""
    require_role(actor, Role.ADMIN)
    _ensure_name_free(data["name"])
    provider = create_provider(**_resolve_refs(data, actor))
    record_change(actor, provider, None, now=now)
    db.session.commit()
    return _with_load(provider)


def update_provider(provider: Provider, data: dict, *, actor: User, now: datetime) -> Provider:
    if "name" in data:
        _ensure_name_free(data["name"], provider)
    before = describe(provider)
    for name, value in _resolve_refs(data, actor).items():
        setattr(provider, name, value)
    record_change(actor, provider, before, now=now)
    db.session.commit()
    return _with_load(provider)
