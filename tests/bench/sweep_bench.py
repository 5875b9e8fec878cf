"""Benchmark of one escalation sweep over a large case table (a script, not a pytest test).

    python tests/bench/sweep_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench]
                                      [--cases 100000] [--overdue 0.05] [--keep]

Creates the database if needed, builds the schema with the migrations, bulk-loads open
cases (core INSERTs in batches) of which a share is overdue, prints the plan of the
sweep's claim query (EXPLAIN ANALYZE, run in a transaction that is rolled back), runs ONE
sweep through escalate_overdue_cases and reports cases scanned, escalated and seconds.
The database is dropped afterwards unless --keep. Target: under 2 s for 100 000 cases.
"""

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import make_url

TARGET_SECONDS = 2.0
BATCH = 5000
NOW = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def ensure_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def build_app(url: str):
    from linli import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": tempfile.mkdtemp(prefix="linli-bench-"),
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-for-hs256",
            "AUTO_ROUTING": False,
            "PASSWORD_HASH_PROFILE": "fast",
        }
    )


def small_city():
    """A city with 2 districts × 2 streets × 2 communities × 4 grids, officers and reviewers."""
    from linli.accounts.models import Role, User
    from linli.categories.service import seed_national_categories
    from linli.extensions import db
    from linli.orgs.models import OrgKind
    from linli.orgs.service import create_org
    from linli.routing.models import ProviderType
    from linli.routing.service import create_provider

    seed_national_categories()

    def user(name, role, org):
        db.session.add(
            User(username=name, display_name=name, role=role, org_id=org.id, password_hash="!")
        )

    city = create_org(kind=OrgKind.CITY, code="b", name="基准市", parent=None)
    user("officer-city", Role.OFFICER, city)
    grids = []
    for d in range(2):
        district = create_org(kind=OrgKind.DISTRICT, code=f"b{d}", name=f"区{d}", parent=city)
        user(f"officer-{d}", Role.OFFICER, district)
        for s in range(2):
            street = create_org(
                kind=OrgKind.STREET, code=f"b{d}{s}", name=f"街道{d}{s}", parent=district
            )
            user(f"officer-{d}{s}", Role.OFFICER, street)
            for c in range(2):
                community = create_org(
                    kind=OrgKind.COMMUNITY, code=f"b{d}{s}{c}", name=f"社区{d}{s}{c}", parent=street
                )
                user(f"reviewer-{d}{s}{c}", Role.PARTY_REVIEWER, community)
                grids += [
                    create_org(
                        kind=OrgKind.GRID, code=f"b{d}{s}{c}{g}", name=f"网格{g}", parent=community
                    )
                    for g in range(4)
                ]
    resident = User(
        username="resident",
        display_name="居民",
        role=Role.RESIDENT,
        org_id=grids[0].id,
        password_hash="!",
    )
    db.session.add(resident)
    from sqlalchemy import select

    from linli.categories.models import Category

    categories = list(db.session.scalars(select(Category)))
    provider = create_provider(
        name="基准服务中心",
        type=ProviderType.GOVERNMENT_DEPARTMENT,
        categories=categories,
        coverage=[city],
    )
    db.session.commit()
    return grids, categories, resident, provider


def load_cases(n: int, overdue_share: float, grids, categories, resident, provider) -> int:
    """n open cases with core INSERTs in batches; returns how many are overdue at NOW."""
    from linli.cases.models import Case, CaseState, Channel, Priority
    from linli.extensions import db
    from linli.orgs.models import OrgKind

    rng = random.Random(7)
    table = Case.__table__
    overdue = 0
    rows = []
    for i in range(n):
        created = NOW - timedelta(minutes=rng.uniform(10, 20 * 60))
        state = rng.choice([CaseState.SUBMITTED, CaseState.ASSIGNED, CaseState.IN_PROGRESS])
        accepted = created + timedelta(minutes=5) if state is CaseState.IN_PROGRESS else None
        accept_due, resolve_due = created + timedelta(hours=24), created + timedelta(days=7)
        if rng.random() < overdue_share:
            overdue += 1
            if accepted is None:
                accept_due = NOW - timedelta(minutes=rng.uniform(1, 600))
            else:
                resolve_due = NOW - timedelta(minutes=rng.uniform(1, 600))
        rows.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "reference": f"B-{i:09d}",
                "category_id": rng.choice(categories).id,
                "title": "基准诉求",
                "description": "基准",
                "org_id": rng.choice(grids).id,
                "address": "",
                "priority": Priority.NORMAL,
                "channel": Channel.APP,
                "reporter_id": resident.id,
                "reporter_name": "居民",
                "reporter_phone": "",
                "created_by_id": resident.id,
                "state": state,
                "version": 1,
                "escalation_level": OrgKind.GRID,
                "provider_id": None if state is CaseState.SUBMITTED else provider.id,
                "cycle": 1,
                "accept_due_at": accept_due,
                "resolve_due_at": resolve_due,
                "accepted_at": accepted,
                "unmet_need": False,
                "created_at": created,
                "updated_at": created,
            }
        )
        if len(rows) == BATCH:
            db.session.execute(insert(table), rows)
            rows = []
    if rows:
        db.session.execute(insert(table), rows)
    db.session.commit()
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE cases"))
        conn.commit()
    return overdue


def explain_claim(batch_size: int) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the exact statement the sweep claims with (rolled back)."""
    from linli.escalation.service import claim_overdue
    from linli.extensions import db

    captured = {}

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if "FOR UPDATE" in statement and "cases" in statement:
            captured.setdefault("sql", (statement, parameters))

    with db.engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", capture)
        trans = conn.begin()
        conn.execute(claim_overdue(NOW, batch_size)).all()
        event.remove(conn, "before_cursor_execute", capture)
        statement, parameters = captured["sql"]
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        lines = [row[0] for row in plan]
        trans.rollback()
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--overdue", type=float, default=0.05)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--keep", action="store_true", help="do not drop the database afterwards")
    args = parser.parse_args(argv)
    if not args.url.startswith("postgresql"):
        parser.error(
            "the benchmark needs PostgreSQL (it measures FOR UPDATE SKIP LOCKED and the plan)"
        )

    ensure_database(args.url)
    app = build_app(args.url)
    try:
        from flask_migrate import upgrade

        from linli.escalation.service import escalate_overdue_cases
        from linli.extensions import db

        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            upgrade()
            started = time.perf_counter()
            overdue = load_cases(args.cases, args.overdue, *small_city())
            print(
                f"loaded {args.cases} open cases ({overdue} overdue) in "
                f"{time.perf_counter() - started:.1f} s"
            )

            plan = explain_claim(args.batch_size)
            print("\nclaim query plan (first batch):\n" + plan + "\n")

            db.session.remove()
            result = escalate_overdue_cases(now=NOW, batch_size=args.batch_size)
            print(
                f"sweep: scanned {result.scanned}, escalated {result.escalated}, "
                f"{result.seconds:.2f} s (target < {TARGET_SECONDS:.0f} s)"
            )
            again = escalate_overdue_cases(now=NOW, batch_size=args.batch_size)
            print(
                f"second sweep at the same moment: scanned {again.scanned}, "
                f"escalated {again.escalated}, {again.seconds:.2f} s"
            )

            uses_index = "Index" in plan and "Seq Scan on cases" not in plan
            print(f"index used by the claim: {'yes' if uses_index else 'NO'}")
            ok = (
                result.escalated == overdue
                and again.escalated == 0
                and uses_index
                and result.seconds < TARGET_SECONDS
            )
            print("RESULT:", "ok" if ok else "MISSED")
            db.session.remove()
            db.engine.dispose()
        return 0 if ok else 1
    finally:
        if not args.keep:
            drop_database(args.url)


if __name__ == "__main__":
    sys.exit(main())
