"""Category verbs: the national embedded-service list, plus what admins add."""

from datetime import datetime

from sqlalchemy import select

from linli.audit.service import describe, record_change
from linli.categories.fields import check_definition
from linli.categories.models import Category
from linli.errors import abort
from linli.extensions import db

# The national list of community embedded services (elderly care and childcare split),
# then the facility problems that block them, then everything else.
NATIONAL_CATEGORIES = [
    ("elderly_care", "养老服务", "Elderly care", "elderly"),
    ("childcare", "托育服务", "Childcare", "baby"),
    ("community_meals", "社区助餐", "Community meals", "meal"),
    ("housekeeping", "家政便民", "Housekeeping and convenience", "home"),
    ("health", "健康服务", "Health", "health"),
    ("fitness", "体育健身", "Fitness", "fitness"),
    ("culture_leisure", "文化休闲", "Culture and leisure", "culture"),
    ("childrens_play", "儿童游憩", "Children's play", "play"),
    ("facility", "设施问题", "Facility problems", "tools"),
    ("other", "其他诉求", "Other", "other"),
]


def seed_national_categories() -> None:
    """Insert the national categories that are missing (safe to run again)."""
    existing = set(db.session.scalars(select(Category.code)))
    for order, (code, name_zh, name_en, icon) in enumerate(NATIONAL_CATEGORIES):
        if code not in existing:
            db.session.add(
                Category(code=code, name_zh=name_zh, name_en=name_en, icon=icon, sort_order=order)
            )
    db.session.commit()


def list_categories(*, include_inactive: bool = False) -> list[Category]:
    query = select(Category).order_by(Category.sort_order, Category.id)
    if not include_inactive:
        query = query.where(Category.active.is_(True))
    return list(db.session.scalars(query))


def category_by_code(code: str, *, field: str = "category") -> Category:
    """An active category, or 422 naming the field that held the unknown code."""
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None or not category.active:
        abort(422, f"unknown category {code!r}", errors={field: ["unknown or inactive category"]})
    return category


def add_category(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    icon: str = "",
    fields: list[dict] | None = None,
    actor,
    now: datetime,
) -> Category:
    if db.session.scalar(select(Category).where(Category.code == code)) is not None:
        abort(409, f"category {code!r} exists", errors={"code": ["already exists"]})
    check_definition(fields or [])
    last = db.session.scalar(select(Category.sort_order).order_by(Category.sort_order.desc()))
    category = Category(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        icon=icon,
        sort_order=(last or 0) + 1,
        fields=fields or [],
    )
    db.session.add(category)
    record_change(actor, category, None, now=now)
    db.session.commit()
    return category


def update_category(code: str, changes: dict, *, actor, now: datetime) -> Category:
    """Rename, (de)activate, move in the display order (`position`, 0 first) or change the
    extra questions; existing cases keep their category and their answers."""
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None:
        abort(404, f"category {code!r} does not exist")
    if "fields" in changes:
        check_definition(changes["fields"])
    ordered = list_categories(include_inactive=True)
    before = {c.id: describe(c) for c in ordered}
    for name in ("name_zh", "name_en", "active", "fields"):
        if name in changes:
            setattr(category, name, changes[name])
    if "position" in changes:
        ordered.remove(category)
        ordered.insert(min(changes["position"], len(ordered)), category)
        for order, each in enumerate(ordered):
            each.sort_order = order
    for each in ordered:  # the one changed, and those the move shifted
        record_change(actor, each, before[each.id], now=now)
    db.session.commit()
    return category
