"""Every model, imported once so the metadata (and Alembic) knows all tables."""

from linli.accounts.models import RevokedToken, User
from linli.assessment.models import AssessmentFact, AssessmentPublication
from linli.audit.models import AuditRecord
from linli.cases.models import Attachment, Case, CaseEvent, CaseSupport, ReferenceCounter
from linli.categories.models import Category
from linli.escalation.models import Escalation, SlaPolicy
from linli.feedback.models import Rating
from linli.idempotency import IdempotencyRecord
from linli.notifications.models import Notification, PushSubscription
from linli.open311.models import Open311Key
from linli.orgs.models import Building, Household, Org
from linli.rounds.models import Visit
from linli.routing.models import CoTask, Provider

__all__ = [
    "AssessmentFact",
    "AssessmentPublication",
    "Attachment",
    "AuditRecord",
    "Building",
    "Case",
    "CaseEvent",
    "CaseSupport",
    "Category",
    "CoTask",
    "Escalation",
    "Household",
    "IdempotencyRecord",
    "Notification",
    "Open311Key",
    "Org",
    "Provider",
    "PushSubscription",
    "Rating",
    "ReferenceCounter",
    "RevokedToken",
    "SlaPolicy",
    "User",
    "Visit",
]
