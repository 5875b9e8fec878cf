"""Who may see what: every query is filtered by the caller's role and org subtree."""

from sqlalchemy import and_, select, true

from linli.accounts.models import Role, User
from linli.errors import abort
from linli.orgs.models import Org
from linli.orgs.service import subtree_ids_query
from linli.routing.models import Provider, provider_coverage


def org_in_scope(actor: User, org: Org) -> bool:
    """Whether `org` lies in the subtree the actor works in (an admin administers its org's
    subtree: a city admin everything, a street admin its communities and grids)."""
    return actor.org.contains(org)


def is_city_admin(actor: User) -> bool:
    """An admin of the tree's root: city-wide settings (categories, SLA clocks) are theirs."""
    return actor.role is Role.ADMIN and actor.org.parent_id is None


def require_role(actor: User, *roles: Role) -> None:
    """403 unless the actor has one of `roles`."""
    if actor.role not in roles:
        abort(403, f"this needs the role {' or '.join(r.value for r in roles)}")


def require_city_admin(actor: User) -> None:
    """403 unless the actor administers the whole city."""
    require_role(actor, Role.ADMIN)
    if not is_city_admin(actor):
        abort(403, "only a city admin changes city-wide settings")


def require_admin_of(actor: User, org: Org, *, field: str | None = None) -> None:
    """An admin acting on `org`: outside their subtree it does not exist for them (404), or,
    when `org` was named in a body field, that field is refused (422)."""
    require_role(actor, Role.ADMIN)
    if org_in_scope(actor, org):
        return
    if field is None:
        abort(404, f"org {org.id} does not exist")
    abort(422, "that org is outside your area", errors={field: ["outside your area"]})


def administers_provider(actor: User, provider: Provider) -> bool:
    """Whether an admin administers a provider: all its coverage lies in their subtree (a
    street admin the units working in its street, a city admin all)."""
    if actor.role is not Role.ADMIN:
        return False
    if is_city_admin(actor):
        return True
    return bool(provider.coverage) and all(org_in_scope(actor, org) for org in provider.coverage)


def administered_providers_clause(actor: User):
    """The WHERE clause of the providers an admin administers (as administers_provider)."""
    if is_city_admin(actor):
        return true()
    outside = select(provider_coverage.c.provider_id).where(
        provider_coverage.c.org_id.not_in(subtree_ids_query(actor.org))
    )
    covering = select(provider_coverage.c.provider_id)
    return and_(Provider.id.in_(covering), Provider.id.not_in(outside))
