"""The administrative tree (city > district > street > community > grid) and the homes under grids."""

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from linli.db import Base, str_enum


class OrgKind(enum.StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"

    @property
    def rank(self) -> int:
        """Height on the escalation ladder: grid 0 … city 4."""
        return ESCALATION_LADDER.index(self)

    def parent_kind(self) -> "OrgKind | None":
        return None if self is OrgKind.CITY else ESCALATION_LADDER[self.rank + 1]

    def one_level_up(self) -> "OrgKind":
        """The next rung of the ladder; the city is the top and stays there."""
        return self.parent_kind() or OrgKind.CITY


ESCALATION_LADDER = [
    OrgKind.GRID,
    OrgKind.COMMUNITY,
    OrgKind.STREET,
    OrgKind.DISTRICT,
    OrgKind.CITY,
]


class Org(Base):
    __tablename__ = "orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("orgs.id"), index=True)
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, "org_kind"))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120), default="")
    # Materialised path "/1/4/9/": a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    # An inactive node keeps its history but takes no new cases or residents.
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped["Org | None"] = relationship(remote_side="Org.id")

    def contains(self, other: "Org") -> bool:
        return other.path.startswith(self.path)

    def ancestors_and_self_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Building(Base):
    __tablename__ = "buildings"

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    households: Mapped[list["Household"]] = relationship(
        back_populates="building", order_by="Household.label"
    )


class Household(Base):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    label: Mapped[str] = mapped_column(String(60))

    building: Mapped[Building] = relationship(back_populates="households")
