"""Benchmark of a city's households sheet (a script, not a pytest test).

    python tests/bench/sheets_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench_s]
                                       [--households 50000] [--format xlsx|csv] [--keep]

Without --url it runs on a SQLite file in a temporary folder. Builds the schema with the
migrations and a small city (32 grids), writes a households file (XLSX by default) of
--households rows over those grids, then times, through the service the API calls:

- the dry run (read the file, plan every row), and its answer as JSON;
- the import (read, plan again, bulk inserts, audit, commit);
- the same file imported again (nothing to change);
- the export of the city's households.

Target: the import of 50,000 households well under a minute (here: under 20 s).
A PostgreSQL database is dropped afterwards unless --keep.
"""

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sweep_bench import build_app, drop_database, ensure_database, small_city

TARGET_SECONDS = 20.0
NOW = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


def households_file(grids, n: int, fmt: str) -> bytes:
    import csv
    import io

    from linli.sheets.layouts import LAYOUTS, SheetKind
    from linli.sheets.readers import workbook_bytes

    layout = LAYOUTS[SheetKind.HOUSEHOLDS]
    rows = []
    for i in range(n):
        grid = grids[i % len(grids)]
        per_grid = i // len(grids)
        rows.append(
            [grid.code, f"{per_grid // 60 + 1}号楼", f"{per_grid % 60 // 12 + 1}-{per_grid:05d}"]
        )
    if fmt == "xlsx":
        return workbook_bytes(layout, rows, explain=False)
    out = io.StringIO()
    csv.writer(out).writerows([layout.headers, *rows])
    return out.getvalue().encode("gb18030")  # what an office's Excel saves


def timed(label: str, fn):
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s")
    return result, seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="PostgreSQL URL; SQLite in a temporary folder without")
    parser.add_argument("--households", type=int, default=50_000)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--keep", action="store_true", help="do not drop the database afterwards")
    args = parser.parse_args(argv)
    url = args.url or f"sqlite:///{tempfile.mkdtemp(prefix='linli-bench-')}/bench.sqlite3"
    if args.url:
        ensure_database(url)
    app = build_app(url)
    try:
        from flask_migrate import upgrade
        from sqlalchemy import func, select, text

        from linli.accounts.models import Role, User
        from linli.extensions import db
        from linli.orgs.models import Household, Org
        from linli.sheets import service
        from linli.sheets.layouts import SheetKind
        from linli.sheets.schemas import SheetPlanOut

        with app.app_context():
            if args.url:
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            upgrade()
            grids, *_ = small_city()
            city = db.session.scalar(select(Org).where(Org.parent_id.is_(None)))
            admin = User(
                username="admin",
                display_name="管理员",
                role=Role.ADMIN,
                org_id=city.id,
                password_hash="!",
            )
            db.session.add(admin)
            db.session.commit()
            data, _ = timed(
                f"write a {args.format} of {args.households} households",
                lambda: households_file(grids, args.households, args.format),
            )
            print(f"file size: {len(data) / 1e6:.1f} MB")

            kind = SheetKind.HOUSEHOLDS
            plan, _ = timed("dry run (read + plan)", lambda: service.plan_sheet(admin, kind, data))
            print(f"  plan counts: {plan.counts}")
            answer, _ = timed(
                "the dry run's answer as JSON (every row listed)",
                lambda: json.dumps(SheetPlanOut().dump(plan), ensure_ascii=False),
            )
            print(f"  answer size: {len(answer.encode()) / 1e6:.1f} MB")
            db.session.rollback()
            done, import_s = timed(
                "import (read + plan + bulk insert + commit)",
                lambda: service.import_sheet(admin, kind, data, now=NOW),
            )
            stored = db.session.scalar(select(func.count()).select_from(Household))
            print(f"  import counts: {done.counts}; households stored: {stored}")
            again, _ = timed(
                "the same file again", lambda: service.import_sheet(admin, kind, data, now=NOW)
            )
            print(f"  second import counts: {again.counts}")
            exported, _ = timed("export", lambda: service.export(admin, kind))
            print(f"  export size: {len(exported) / 1e6:.1f} MB")
            ok = (
                done.counts["create"] == args.households == stored
                and again.counts["unchanged"] == args.households
                and import_s < TARGET_SECONDS
            )
            print(f"RESULT: {'ok' if ok else 'MISSED'} (import target < {TARGET_SECONDS:.0f} s)")
            db.session.remove()
            db.engine.dispose()
        return 0 if ok else 1
    finally:
        if args.url and not args.keep:
            drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
