"""Service categories: what a resident can ask for."""

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from linli.db import Base


class Category(Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60))
    icon: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # The extra questions the report form asks for this category (key, zh/en label, type,
    # choices, required), in order; categories/fields.py checks them and the answers.
    fields: Mapped[list] = mapped_column(JSON, default=list)
