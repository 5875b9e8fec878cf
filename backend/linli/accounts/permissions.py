"""Who may see what: every query is filtered by the caller's role and org subtree."""

from linli.accounts.models import Role, User
from linli.errors import abort
from linli.orgs.models import Org


def org_in_scope(actor: User, org: Org) -> bool:
    """Whether `org` lies in the subtree the actor works in."""
    return actor.role is Role.ADMIN or actor.org.contains(org)


def require_role(actor: User, *roles: Role) -> None:
    """403 unless the actor has one of `roles`."""
    if actor.role not in roles:
        abort(403, f"this needs the role {' or '.join(r.value for r in roles)}")
