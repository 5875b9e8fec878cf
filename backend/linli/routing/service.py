"""Provider registry and the question routing asks: who covers this place for this category?"""

from sqlalchemy import select

from linli.categories.models import Category
from linli.errors import abort
from linli.extensions import db
from linli.orgs.models import Org
from linli.routing.models import Provider, ProviderType, provider_categories, provider_coverage


def get_provider_or_404(provider_id: int) -> Provider:
    provider = db.session.get(Provider, provider_id)
    if provider is None:
        abort(404, f"provider {provider_id} does not exist")
    return provider


def create_provider(
    *,
    name: str,
    type: ProviderType,
    categories: list[Category],
    coverage: list[Org],
    capacity: int = 50,
    contact: str = "",
) -> Provider:
    provider = Provider(
        name=name,
        type=type,
        categories=categories,
        coverage=coverage,
        capacity=capacity,
        contact=contact,
    )
    db.session.add(provider)
    db.session.flush()
    return provider


def providers_covering(category: Category | None, org: Org | None) -> list[Provider]:
    """Active providers serving `category` whose coverage includes `org` (either filter optional)."""
    query = select(Provider).where(Provider.active.is_(True)).order_by(Provider.name, Provider.id)
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
