"""Bulk loading of providers from a CSV file (all rows or none)."""

import csv
from dataclasses import dataclass

from sqlalchemy import select

from linli.categories.models import Category
from linli.extensions import db
from linli.orgs.models import Org
from linli.routing.models import Provider, ProviderType

COLUMNS = ["name", "type", "categories", "coverage", "capacity", "contact", "active"]


@dataclass
class ImportResult:
    created: int
    updated: int


class ImportRefused(ValueError):
    """The file has errors; nothing was imported. `errors` lists them by line."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").replace("；", ";").split(";") if part.strip()]


def import_providers(lines) -> ImportResult:
    """Create or update (by name) the providers in a CSV with the header in COLUMNS.

    `categories` and `coverage` are `;`-separated category codes and org codes.
    """
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRefused([f"header: missing column(s) {', '.join(missing)}"])
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    orgs = {o.code: o for o in db.session.scalars(select(Org))}
    existing = {p.name: p for p in db.session.scalars(select(Provider))}
    errors, rows, first_line_of = [], [], {}
    for line, row in enumerate(reader, start=2):
        problems = []
        name = (row.get("name") or "").strip()
        if not name or len(name) > 120:
            problems.append("name is empty or longer than 120 characters")
        elif name in first_line_of:
            problems.append(f"the name repeats line {first_line_of[name]}")
        first_line_of.setdefault(name, line)
        try:
            provider_type = ProviderType((row.get("type") or "").strip())
        except ValueError:
            problems.append(f"type must be one of {', '.join(t.value for t in ProviderType)}")
            provider_type = None
        codes, org_codes = _split(row.get("categories")), _split(row.get("coverage"))
        unknown = [c for c in codes if c not in categories] + [
            o for o in org_codes if o not in orgs
        ]
        if unknown:
            problems.append(f"unknown category or org code(s): {', '.join(unknown)}")
        if not codes or not org_codes:
            problems.append("categories and coverage must each name at least one code")
        capacity_text = (row.get("capacity") or "50").strip()
        if not capacity_text.isdigit() or not 1 <= int(capacity_text) <= 100000:
            problems.append("capacity must be a whole number from 1 to 100000")
        active_text = (row.get("active") or "yes").strip().lower()
        if active_text not in ("yes", "no", "true", "false", "1", "0"):
            problems.append("active must be yes or no")
        if problems:
            errors.extend(f"line {line}: {p}" for p in problems)
            continue
        rows.append(
            (
                name,
                provider_type,
                [categories[c] for c in codes],
                [orgs[o] for o in org_codes],
                int(capacity_text),
                (row.get("contact") or "").strip()[:120],
                active_text in ("yes", "true", "1"),
            )
        )
    if errors:
        raise ImportRefused(errors)
    created = updated = 0
    for name, provider_type, cats, coverage, capacity, contact, active in rows:
        provider = existing.get(name)
        if provider is None:
            provider = Provider(name=name)
            db.session.add(provider)
            existing[name] = provider
            created += 1
        else:
            updated += 1
        provider.type, provider.categories, provider.coverage = provider_type, cats, coverage
        provider.capacity, provider.contact, provider.active = capacity, contact, active
    db.session.commit()
    return ImportResult(created=created, updated=updated)
