"""Every model, imported once so the metadata (and Alembic) knows all tables."""

from linli.accounts.models import RevokedToken, User
from linli.cases.models import Attachment, Case, CaseEvent, CaseSupport, ReferenceCounter
from linli.categories.models import Category
from linli.feedback.models import Rating
from linli.idempotency import IdempotencyRecord
from linli.orgs.models import Building, Household, Org
from linli.rounds.models import Visit
from linli.routing.models import Provider

__all__ = [
    "Attachment",
    "Building",
    "Case",
    "CaseEvent",
    "CaseSupport",
    "Category",
    "Household",
    "IdempotencyRecord",
    "Org",
    "Provider",
    "Rating",
    "ReferenceCounter",
    "RevokedToken",
    "User",
    "Visit",
]
