"""City-scale load benchmark (a script, not a test): Linli under gunicorn against a bare
Flask endpoint under the same settings, on a city of 50,000 accounts.

    python tests/bench/city_bench.py [--url postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench_city]
                                     [--sqlite] [--sizes 10000,1000000] [--duration 15]
                                     [--connections 32] [--settings 2x1,4x1,2x4] [--keep]

PostgreSQL (the default): 10 districts, 100 streets, 1,000 communities, 5,000 grids (each with
a building of 4 households), 2,000 providers, 50,000 accounts; `--sqlite`: the default
embedded database with a city a tenth of that (one machine, no database server, as `./run`).
For each size in `--sizes` the case table is filled to that many historical cases with their
events and ratings (COPY on PostgreSQL), then gunicorn starts with deploy/gunicorn.conf.py,
the ceiling (tests/bench/ceiling_app.py) under the same settings, and wrk (tests/bench/load.lua,
a separate process) drives each scenario for `--duration` seconds at `--connections`:

- a resident creates a case (auto-routing on), a resident lists their own cases;
- a grid worker syncs their round (visits, and one report on behalf of a resident per 4 writes);
- a provider's staff lists their queue, a street dispatcher lists theirs and opens cases.

Printed per scenario: requests/s, p50/p95/p99, errors, the ratio to the ceiling's requests/s
(a GET ceiling for reads, a POST one for writes), SQL statements per request (one request of
the scenario, in this process, counted), and at the end the peak memory of each worker and
the latency at the largest size over that at the smallest. `--settings WxT,...` also runs the
create and dispatcher scenarios under other gunicorn workers × threads (LINLI_WORKERS,
LINLI_THREADS), which is how deploy/gunicorn.conf.py was chosen.

Targets: create ≥ 0.35 of the ceiling, list and read ≥ 0.5, p99 < 150 ms, zero errors, p50 at
the largest size within 1.3× of the smallest. Exit status 1 when one misses. Needs `wrk`
(Debian: apt-get install wrk). The database is dropped afterwards unless --keep.
"""

import argparse
import json
import logging
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
from histories import CASE_COLUMNS, EVENT_COLUMNS, RATING_COLUMNS, Rows, history, write
from sweep_bench import drop_database, ensure_database

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parents[1]
VENV_BIN = Path(sys.executable).parent
CHUNK = 100_000
TARGETS = {"create": 0.35, "read": 0.5}
P99_TARGET_MS = 150
GROWTH_TARGET = 1.3


@dataclass
class Shape:
    districts: int
    streets: int  # per district
    communities: int  # per street
    grids: int  # per community
    providers: int
    accounts: int


SHAPES = {
    "postgresql": Shape(districts=10, streets=10, communities=10, grids=5, providers=2000,
                        accounts=50_000),
    "sqlite": Shape(districts=1, streets=10, communities=10, grids=5, providers=200,
                    accounts=5_000),
}  # fmt: skip


@dataclass
class City:
    grids: list[int] = field(default_factory=list)
    community_of: dict[int, int] = field(default_factory=dict)  # grid → community
    street_of: dict[int, int] = field(default_factory=dict)  # grid → street
    residents_of: dict[int, list[int]] = field(default_factory=dict)  # grid → accounts
    households_of: dict[int, list[int]] = field(default_factory=dict)  # grid → households
    worker_of: dict[int, int] = field(default_factory=dict)  # grid → grid worker
    dispatcher_of: dict[int, int] = field(default_factory=dict)  # street → dispatcher
    provider_of: dict[int, int] = field(default_factory=dict)  # community → its provider
    staff_of: dict[int, int] = field(default_factory=dict)  # provider → staff account
    city_provider: int = 0
    categories: list[tuple[int, str]] = field(default_factory=list)


def build_city(engine, shape: Shape, now: datetime) -> City:
    """The org tree, homes, providers and accounts, bulk-written with explicit ids."""
    from linli.categories.service import seed_national_categories
    from linli.extensions import db

    seed_national_categories()
    db.session.commit()
    city = City(categories=list(db.session.execute(text("SELECT id, code FROM categories"))))
    rng = random.Random(9)
    orgs, buildings, households, providers, covers, serves = [], [], [], [], [], []
    users = []

    def org(kind, code, name, parent):
        oid = len(orgs) + 1
        path = (orgs[parent - 1][6] if parent else "/") + f"{oid}/"
        orgs.append((oid, parent, kind, code, name, "", path))
        return oid

    def account(role, org_id, provider_id=None, phone=None):
        uid = len(users) + 1
        users.append((uid, f"{role}-{uid}", phone, f"{role}{uid}", "!", role, org_id, provider_id))
        users[-1] += (True, now)
        return uid

    def provider(name, kind, coverage, categories):
        pid = len(providers) + 1
        providers.append((pid, name, kind, 20, "", True))
        covers.extend((pid, o) for o in coverage)
        serves.extend((pid, c) for c in categories)
        city.staff_of[pid] = account("provider_staff", coverage[0], pid)
        return pid

    all_categories = [c for c, _ in city.categories]
    top = org("city", "c", "基准市", None)
    account("admin", top)
    account("officer", top)
    city.city_provider = provider("市级服务中心", "government_department", [top], all_categories)
    for d in range(shape.districts):
        district = org("district", f"c{d}", f"第{d}区", top)
        account("officer", district)
        for s in range(shape.streets):
            street = org("street", f"c{d}-{s}", f"第{d}-{s}街道", district)
            city.dispatcher_of[street] = account("dispatcher", street)
            for c in range(shape.communities):
                community = org("community", f"c{d}-{s}-{c}", f"社区{d}-{s}-{c}", street)
                account("party_reviewer", community)
                chosen = rng.sample(all_categories, 4)
                city.provider_of[community] = provider(
                    f"社区服务站{d}-{s}-{c}", "social_organisation", [community], chosen
                )
                for g in range(shape.grids):
                    grid = org("grid", f"c{d}-{s}-{c}-{g}", f"网格{g + 1}", community)
                    city.grids.append(grid)
                    city.community_of[grid], city.street_of[grid] = community, street
                    city.worker_of[grid] = account("grid_worker", grid)
                    building = len(buildings) + 1
                    buildings.append((building, grid, "1号楼"))
                    first = len(households) + 1
                    households.extend((first + h, building, f"1单元{h + 1}01") for h in range(4))
                    city.households_of[grid] = [first + h for h in range(4)]
    streets = list(city.dispatcher_of)
    while len(providers) < shape.providers:  # the rest serve whole streets
        street = rng.choice(streets)
        provider(f"街道服务中心{len(providers)}", "enterprise", [street],
                 rng.sample(all_categories, 3))  # fmt: skip
    for i in range(shape.accounts - len(users)):
        grid = city.grids[i % len(city.grids)]
        city.residents_of.setdefault(grid, []).append(
            account("resident", grid, phone=f"139{i:08d}")
        )
    write(engine, "orgs", ["id", "parent_id", "kind", "code", "name", "name_en", "path"], orgs)
    write(engine, "providers", ["id", "name", "type", "capacity", "contact", "active"], providers)
    write(engine, "provider_coverage", ["provider_id", "org_id"], covers)
    write(engine, "provider_categories", ["provider_id", "category_id"], serves)
    columns = ["id", "username", "phone", "display_name", "password_hash", "role", "org_id"]
    write(engine, "users", [*columns, "provider_id", "active", "created_at"], users)
    write(engine, "buildings", ["id", "grid_id", "name"], buildings)
    write(engine, "households", ["id", "building_id", "label"], households)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("orgs", "providers", "users", "buildings", "households"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    db.session.commit()  # the next reads see what was just written beside the session
    print(
        f"city: {len(orgs):,} orgs, {len(providers):,} providers, {len(users):,} accounts, "
        f"{len(households):,} households"
    )
    return city


def fill_cases(engine, city: City, rng: random.Random, have: int, want: int, now: datetime):
    """Historical cases (a year up to an hour ago) until the table holds `want`."""
    started = time.perf_counter()
    for first in range(have, want, CHUNK):
        rows = Rows([], [], [])
        for i in range(first, min(want, first + CHUNK)):
            grid = rng.choice(city.grids)
            community_provider = city.provider_of[city.community_of[grid]]
            history(
                rng,
                f"B-{i:09d}",
                created=now - timedelta(hours=1, seconds=rng.uniform(0, 365 * 86400)),
                now=now,
                grid_id=grid,
                category_id=rng.choice(city.categories)[0],
                provider_id=community_provider if rng.random() < 0.7 else city.city_provider,
                fallback_provider_id=city.city_provider,
                staff_of=city.staff_of,
                resident_id=rng.choice(city.residents_of[grid]),
                into=rows,
            )
        write(engine, "cases", CASE_COLUMNS, rows.cases)
        write(engine, "case_events", EVENT_COLUMNS, rows.events)
        write(engine, "ratings", RATING_COLUMNS, rows.ratings)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    print(f"cases: {want:,} ({want - have:,} written in {time.perf_counter() - started:.0f} s)")


def scenario_files(folder: Path, city: City, now: datetime) -> dict[str, tuple[str, Path]]:
    """What each scenario requests, a line per request: METHOD, PATH, TOKEN, BODY."""
    from linli.accounts.models import User
    from linli.accounts.service import issue_tokens
    from linli.extensions import db

    rng = random.Random(4)
    tokens: dict[int, str] = {}

    def token(uid: int) -> str:
        if uid not in tokens:
            tokens[uid] = issue_tokens(db.session.get(User, uid))["access_token"]
        return tokens[uid]

    def report(org_id: int, extra: dict | None = None) -> str:
        category = rng.choice(city.categories)[1]
        body = {"id": "{uuid}", "category": category, "title": "楼道灯不亮", "org_id": org_id}
        body["description"] = "三楼楼道灯晚上不亮，老人上下楼不方便"
        return json.dumps({**body, **(extra or {})}, ensure_ascii=False)

    grids = rng.sample(city.grids, min(len(city.grids), 4000))
    residents = [(g, r) for g in grids for r in city.residents_of[g][:5]]
    lines: dict[str, list[str]] = {k: [] for k in ("create", "mine", "sync", "provider")}
    lines |= {"dispatcher": [], "read": []}
    for grid, resident in residents:
        lines["create"].append(f"POST\t/api/v1/cases\t{token(resident)}\t{report(grid)}")
        lines["mine"].append(f"GET\t/api/v1/cases?mine=true&limit=20\t{token(resident)}\t")
    for grid in grids[:2000]:
        worker = token(city.worker_of[grid])
        for household in city.households_of[grid][:3]:
            visit = {"id": "{uuid}", "household_id": household, "visited_at": now.isoformat()}
            lines["sync"].append(f"POST\t/api/v1/visits\t{worker}\t{json.dumps(visit)}")
        behalf = {"household_id": city.households_of[grid][3], "channel": "grid_visit"}
        behalf["on_behalf_of"] = {"resident_id": city.residents_of[grid][-1]}
        lines["sync"].append(f"POST\t/api/v1/cases\t{worker}\t{report(grid, behalf)}")
    for provider in rng.sample(sorted(city.staff_of), min(len(city.staff_of), 1500)):
        staff = token(city.staff_of[provider])
        lines["provider"].append(f"GET\t/api/v1/cases?limit=20\t{staff}\t")
    for dispatcher in city.dispatcher_of.values():
        lines["dispatcher"].append(f"GET\t/api/v1/cases?limit=20\t{token(dispatcher)}\t")
    sample = db.session.execute(
        text("SELECT id, org_id FROM cases ORDER BY created_at DESC LIMIT 20000")
    ).all()
    for case_id, grid in sample:
        dispatcher = token(city.dispatcher_of[city.street_of[grid]])
        lines["read"].append(f"GET\t/api/v1/cases/{uuid.UUID(str(case_id))}\t{dispatcher}\t")
    lines["ceiling GET"] = ["GET\t/ceiling\t\t"]
    lines["ceiling POST"] = ['POST\t/ceiling\t\t{"id": "{uuid}", "title": "楼道灯不亮"}']
    files = {}
    for name, rows in lines.items():
        rng.shuffle(rows)
        path = folder / f"{name.replace(' ', '-')}.tsv"
        path.write_text("\n".join(rows) + "\n")
        files[name] = path
    return files


SCENARIOS = [  # name, file, kind of target, server
    ("ceiling GET", "ceiling GET", None, "ceiling"),
    ("ceiling POST", "ceiling POST", None, "ceiling"),
    ("resident creates a case", "create", "create", "linli"),
    ("resident lists own cases", "mine", "read", "linli"),
    ("grid worker syncs a round", "sync", "create", "linli"),
    ("provider lists its queue", "provider", "read", "linli"),
    ("dispatcher lists the street's queue", "dispatcher", "read", "linli"),
    ("dispatcher opens a case", "read", "read", "linli"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with deploy/gunicorn.conf.py, serving `target` on a free loopback port."""

    def __init__(self, target: str, env: dict, log: Path, chdir: Path | None = None):
        self.port = free_port()
        command = [str(VENV_BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py")]
        if chdir:
            command += ["--chdir", str(chdir)]
        self.process = subprocess.Popen(
            [*command, target],
            env={**env, "LINLI_BIND": f"127.0.0.1:{self.port}"},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/v1/categories", timeout=2).read()
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: see {log}")

    def peak_memory_mb(self) -> list[float]:
        """VmHWM of each worker process."""
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        peaks = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return peaks

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def drive(url: str, lines: Path, seconds: int, connections: int) -> dict:
    output = subprocess.run(
        [
            *("wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"),
            *("-s", str(BENCH / "load.lua"), url, "--", str(lines), str(random.randrange(10**6))),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def statements_of(app, lines: Path) -> list[tuple[str, object]]:
    """The SQL statements (with parameters) that the scenario's first request costs, run in
    this process."""
    from linli.extensions import db

    method, path, token, body = lines.read_text().splitlines()[0].split("\t")
    fresh = str(uuid.uuid4())
    seen = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        # An app context of its own, so that its session ends with the request: one left
        # open in this process would hold SQLite's write lock against the server.
        with app.app_context(), app.test_client() as client:
            headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": fresh}
            data = body.replace("{uuid}", fresh).encode() if method == "POST" else None
            answer = client.open(path, method=method, data=data, headers=headers,
                                 content_type="application/json")  # fmt: skip
            if answer.status_code >= 400:
                raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.get_data()}")
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return seen


def explain_lists(app, files: dict) -> None:
    """PostgreSQL's plan of the main statement of each list and read: what index it takes."""
    from linli.extensions import db

    for name, file, kind, _where in SCENARIOS:
        if kind != "read":
            continue
        statements = statements_of(app, files[file])
        statement, parameters = next(
            (s, p) for s, p in reversed(statements) if s.lstrip().startswith("SELECT") and
            "FROM cases" in s
        )  # fmt: skip
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = [row[0] for row in cursor.fetchall()]
        finally:
            raw.close()
        print(f"\n{name}: the plan of its cases query")
        print("\n".join("    " + line for line in plan if "Scan" in line or "Time" in line))


def run_size(app, env, files, folder, args, size) -> dict:
    ceiling = Server("ceiling_app:app", env, folder / "ceiling.log", chdir=BENCH)
    linli = Server("linli.wsgi:app", env, folder / "linli.log")
    results = {}
    try:
        for server in (ceiling, linli):  # warm: imports, connections, caches
            lines = files["ceiling GET" if server is ceiling else "dispatcher"]
            drive(server.url, lines, 3, args.connections)
        for name, file, kind, where in SCENARIOS:
            server = ceiling if where == "ceiling" else linli
            figures = drive(server.url, files[file], args.duration, args.connections)
            time.sleep(2)  # what wrk left queued is still being answered: let it drain
            figures["statements"] = len(statements_of(app, files[file])) if where == "linli" else 0
            figures["kind"] = kind
            results[name] = figures
        results["memory"] = linli.peak_memory_mb()
    finally:
        linli.stop()
        ceiling.stop()
    return results


def print_size(size: int, results: dict) -> list[str]:
    """The table of one size; returns the targets it misses."""
    misses = []
    print(f"\n== {size:,} cases, {results['connections']} connections ==")
    print(f"{'scenario':38} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>5} "
          f"{'ratio':>6} {'target':>6} {'SQL':>4}")  # fmt: skip
    for name, _file, kind, _where in SCENARIOS:
        f = results[name]
        ceiling = results["ceiling POST" if kind == "create" else "ceiling GET"]["rps"]
        ratio = f["rps"] / ceiling if kind else 1.0
        target = TARGETS.get(kind)
        line = (
            f"{name:38} {f['rps']:8.0f} {f['p50_ms']:7.1f} {f['p95_ms']:7.1f} {f['p99_ms']:7.1f}"
            f" {f['errors']:5d} {ratio:6.2f} {target or '':>6} {f['statements'] or '':>4}"
        )
        print(line)
        if kind and ratio < target:
            misses.append(f"{size:,}: {name} at {ratio:.2f} of the ceiling (target {target})")
        if kind and f["p99_ms"] >= P99_TARGET_MS:
            misses.append(f"{size:,}: {name} p99 {f['p99_ms']:.0f} ms (target < {P99_TARGET_MS})")
        if f["errors"]:
            misses.append(f"{size:,}: {name} {f['errors']} errors")
    print("peak memory per worker (MB):", ", ".join(f"{m:.0f}" for m in results["memory"]))
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/linli_bench_city"
    )
    parser.add_argument("--sqlite", action="store_true", help="the embedded default, smaller")
    parser.add_argument("--sizes", help="case counts (default 10000,1000000; SQLite 10000,100000)")
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--settings", default="", help="also try gunicorn WORKERSxTHREADS,...")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("the benchmark needs wrk (Debian: apt-get install wrk)")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="linli-city-"))
    url = f"sqlite:///{folder / 'city.sqlite3'}" if args.sqlite else args.url
    backend = make_url(url).get_backend_name()
    sizes = [int(s) for s in (args.sizes or ("10000,100000" if args.sqlite else "10000,1000000"))
             .split(",")]  # fmt: skip
    env = {
        **os.environ,
        "LINLI_ENV": "production",
        "LINLI_DATABASE_URL": url,
        "LINLI_SECRET_KEY": "city-bench-secret-key-that-is-long-enough-for-hs256",
        "LINLI_INSTANCE_PATH": str(folder / "instance"),
        "LINLI_ACCESS_TOKEN_MINUTES": "600",
    }
    os.environ.update(env)
    if backend == "postgresql":
        drop_database(url)
        ensure_database(url)
    from flask_migrate import upgrade

    from linli import create_app
    from linli.extensions import db

    app = create_app()
    # The requests this process makes to count statements would each print a log line.
    logging.getLogger("linli.request").setLevel(logging.WARNING)
    now = datetime.now(UTC).replace(microsecond=0)
    misses, by_size = [], {}
    try:
        with app.app_context():
            upgrade()
            city = build_city(db.engine, SHAPES[backend], now)
            rng, have = random.Random(2026), 0
            for size in sizes:
                fill_cases(db.engine, city, rng, have, size, now)
                have = size
                files = scenario_files(folder, city, now)
                db.session.remove()
                results = run_size(app, env, files, folder, args, size)
                results["connections"] = args.connections
                by_size[size] = results
                misses += print_size(size, results)
            compare_sizes(by_size, sizes, misses)
            if backend == "postgresql":
                explain_lists(app, files)
            for setting in filter(None, args.settings.split(",")):
                workers, threads = setting.split("x")
                tried = {**env, "LINLI_WORKERS": workers, "LINLI_THREADS": threads}
                results = run_size(app, tried, files, folder, args, sizes[-1])
                results["connections"] = args.connections
                print(f"\n-- gunicorn {workers} workers × {threads} threads --")
                print_size(sizes[-1], results)
    finally:
        if backend == "postgresql" and not args.keep:
            with app.app_context():
                db.engine.dispose()
            drop_database(url)
    print("\ntargets missed:" if misses else "\nall targets met")
    for miss in misses:
        print("  " + miss)
    return 1 if misses else 0


def compare_sizes(by_size: dict, sizes: list[int], misses: list[str]) -> None:
    if len(sizes) < 2:
        return
    small, large = by_size[sizes[0]], by_size[sizes[-1]]
    print(f"\n== p50 and p99 at {sizes[-1]:,} cases over {sizes[0]:,} ==")
    for name, _file, kind, _where in SCENARIOS:
        if not kind:
            continue
        p50 = large[name]["p50_ms"] / small[name]["p50_ms"]
        p99 = large[name]["p99_ms"] / small[name]["p99_ms"]
        print(f"{name:38} p50 ×{p50:.2f}  p99 ×{p99:.2f}")
        if p50 > GROWTH_TARGET:
            misses.append(f"{name}: p50 ×{p50:.2f} from {sizes[0]:,} to {sizes[-1]:,} cases")


if __name__ == "__main__":
    sys.exit(main())
