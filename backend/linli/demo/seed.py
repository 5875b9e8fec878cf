"""The demo city: a small, coherent world in which every role can play the whole loop.

resident1 lives in grid 1 of the first community; grid1 works that grid; dispatcher1 and
reviewer1 serve that community; officer1 sits at its street office, officer2 at its
district, officer3 at the city; provider1 works for a provider covering that street for
every category. resident2 lives in another street. admin1 administers the city,
streetadmin1 officer1's street.
"""

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select

from linli.accounts.models import Role, User
from linli.accounts.passwords import hash_password
from linli.assessment.store import refresh_stale_facts
from linli.cases.events import record_event
from linli.cases.lifecycle import Action, apply_transition
from linli.cases.models import OPEN_STATES, Case, CaseState, Channel, EventKind, Priority
from linli.cases.service import next_reference
from linli.categories.models import Category
from linli.categories.service import seed_national_categories
from linli.db import utcnow
from linli.escalation.service import cycle_clock, escalate_overdue_cases, start_cycle_clocks
from linli.extensions import db
from linli.feedback.models import Rating
from linli.feedback.service import close_unrated_cases, outcome_of_rating
from linli.orgs.models import Org, OrgKind
from linli.orgs.service import add_building, create_org
from linli.routing.models import Provider, ProviderType
from linli.routing.service import create_provider

CITY_CODE = "demo-city"
DISTRICTS = [("和平区", "Heping District"), ("河西区", "Hexi District")]
STREETS = [
    ("春华街道", "Chunhua Street"),
    ("秋实街道", "Qiushi Street"),
    ("长安街道", "Chang'an Street"),
    ("永安街道", "Yong'an Street"),
]
COMMUNITIES = [
    ("桃园社区", "Taoyuan"),
    ("柳岸社区", "Liu'an"),
    ("杏林社区", "Xinglin"),
    ("梅园社区", "Meiyuan"),
    ("竹苑社区", "Zhuyuan"),
    ("兰亭社区", "Lanting"),
    ("松风社区", "Songfeng"),
    ("荷塘社区", "Hetang"),
]
CASE_COUNT = 200
OPEN_AGE_DAYS = 5
HISTORY = timedelta(days=OPEN_AGE_DAYS + 1)  # only open cases climb
SWEEP_STEP = timedelta(hours=1)

# (category code, a typical title, its description)
NEEDS = {
    "elderly_care": [
        ("独居老人需要上门助浴", "楼里的独居老人行动不便，希望每周有人上门助浴。"),
        ("希望开设老年人日间照料", "白天子女上班，老人无人照看。"),
    ],
    "childcare": [
        ("小区附近缺少托育点", "双职工家庭，两岁孩子白天没人带。"),
        ("希望有临时托管服务", "周末加班时需要临时托管孩子。"),
    ],
    "community_meals": [
        ("社区食堂中午排队太久", "老年助餐点只有一个窗口，中午要排四十分钟。"),
        ("希望提供送餐上门", "腿脚不便的老人无法到食堂就餐。"),
    ],
    "housekeeping": [
        ("需要家电维修便民服务", "附近找不到可靠的上门维修师傅。"),
        ("希望引入便民理发点", "老人理发要坐三站公交。"),
    ],
    "health": [
        ("希望社区医生定期上门", "高血压老人需要定期测量血压。"),
        ("社区卫生站药品不全", "常用降压药经常缺货。"),
    ],
    "fitness": [
        ("健身器材损坏无人修", "小广场的漫步机断了，存在安全隐患。"),
        ("希望增加晚间健身场地照明", "晚上锻炼的人多，但广场灯太暗。"),
    ],
    "culture_leisure": [
        ("活动室开放时间太短", "老年活动室下午四点就关门。"),
        ("希望组织书法兴趣班", "不少居民想学书法，缺少场地和老师。"),
    ],
    "childrens_play": [
        ("儿童滑梯有裂缝", "游乐区滑梯开裂，孩子容易划伤。"),
        ("缺少儿童游乐设施", "小区没有任何儿童游乐设施。"),
    ],
    "facility": [
        ("电梯经常停运", "3号楼电梯一周停了三次，老人上下楼困难。"),
        ("楼道灯坏了", "单元楼道灯不亮，晚上回家看不见。"),
    ],
    "other": [("小区停车位不足", "晚上车辆乱停，堵住消防通道。")],
}


class DemoRefused(RuntimeError):
    pass


def seed_demo_city(config: dict) -> str:
    """Build the demo city once; running it again changes nothing."""
    if config["ENV"] == "production":
        raise DemoRefused("demo data is refused in production (LINLI_ENV=production)")
    seed_national_categories()
    if db.session.scalar(select(Org).where(Org.code == CITY_CODE)) is not None:
        return "the demo city is already there; nothing changed"
    rng = random.Random(2026)
    world = _build_orgs()
    providers = _build_providers(world)
    users = _build_users(world, providers, config["DEMO_PASSWORD"])
    cases = _build_cases(rng, world, providers, users)
    db.session.commit()
    climbed = _replay_escalation_sweeps(until=utcnow())
    return (
        f"demo city seeded: {len(world['communities'])} communities, {len(world['grids'])} grids, "
        f"{len(providers)} providers, {len(users)} accounts, {cases} cases "
        f"({climbed} escalations on the way). "
        f"Sign in as resident1, grid1, provider1, dispatcher1, officer1, reviewer1, admin1 or streetadmin1 "
        f"(password: {'LINLI_DEMO_PASSWORD' if config['DEMO_PASSWORD'] != 'linli-demo' else 'linli-demo'})."
    )


def _build_orgs() -> dict:
    city = create_org(
        kind=OrgKind.CITY, code=CITY_CODE, name="海河市", name_en="Haihe City", parent=None
    )
    world = {"city": city, "districts": [], "streets": [], "communities": [], "grids": []}
    for d, (name, name_en) in enumerate(DISTRICTS, start=1):
        district = create_org(
            kind=OrgKind.DISTRICT, code=f"demo-d{d}", name=name, name_en=name_en, parent=city
        )
        world["districts"].append(district)
        for _ in range(2):
            index = len(world["streets"])
            name, name_en = STREETS[index]
            street = create_org(
                kind=OrgKind.STREET,
                code=f"demo-s{index + 1}",
                name=name,
                name_en=name_en,
                parent=district,
            )
            world["streets"].append(street)
            for _ in range(2):
                cindex = len(world["communities"])
                name, name_en = COMMUNITIES[cindex]
                community = create_org(
                    kind=OrgKind.COMMUNITY,
                    code=f"demo-c{cindex + 1}",
                    name=name,
                    name_en=f"{name_en} Community",
                    parent=street,
                )
                world["communities"].append(community)
                for g in range(1, 4):
                    grid = create_org(
                        kind=OrgKind.GRID,
                        code=f"demo-c{cindex + 1}-g{g}",
                        name=f"{name}第{g}网格",
                        name_en=f"{name_en} Grid {g}",
                        parent=community,
                    )
                    world["grids"].append(grid)
                    for b in range(1, 3):
                        number = (g - 1) * 2 + b
                        labels = [
                            f"{number}-{floor}0{door}" for floor in (1, 2, 3) for door in (1, 2)
                        ]
                        add_building(grid, f"{number}号楼", labels)
    db.session.flush()
    return world


def _build_providers(world: dict) -> list[Provider]:
    categories = list(db.session.scalars(select(Category).order_by(Category.sort_order)))
    by_code = {c.code: c for c in categories}
    providers = []
    # A one-stop service centre per street covers every category there (provider1's is first).
    for street in world["streets"]:
        providers.append(
            create_provider(
                name=f"{street.name}综合为民服务中心",
                type=ProviderType.GOVERNMENT_DEPARTMENT,
                categories=categories,
                coverage=[street],
                capacity=80,
                contact="12345",
            )
        )
    specialists = [
        ("康乐居家养老服务中心", ProviderType.SOCIAL_ORGANISATION, ["elderly_care", "health"]),
        ("小太阳托育中心", ProviderType.ENTERPRISE, ["childcare", "childrens_play"]),
        ("邻里食堂", ProviderType.ENTERPRISE, ["community_meals"]),
        ("城投物业维修队", ProviderType.STATE_ENTERPRISE, ["facility", "fitness"]),
        ("红马甲志愿服务队", ProviderType.VOLUNTEER_GROUP, ["housekeeping", "culture_leisure"]),
    ]
    for district in world["districts"]:
        for name, provider_type, codes in specialists:
            providers.append(
                create_provider(
                    name=f"{district.name}{name}",
                    type=provider_type,
                    categories=[by_code[c] for c in codes],
                    coverage=[district],
                    capacity=40,
                )
            )
    return providers


def _build_users(world: dict, providers: list[Provider], password: str) -> dict:
    password_hash = hash_password(password)
    home_grid = world["grids"][0]
    community = world["communities"][0]
    street = world["streets"][0]
    users: dict[str, User] = {}

    def add(username, role, org, display_name, phone=None, provider=None):
        user = User(
            username=username,
            role=role,
            org_id=org.id,
            display_name=display_name,
            phone=phone,
            provider_id=provider.id if provider else None,
            password_hash=password_hash,
        )
        db.session.add(user)
        users[username] = user
        return user

    add("resident1", Role.RESIDENT, home_grid, "王阿姨", phone="13800000001")
    add("resident2", Role.RESIDENT, world["grids"][7], "李先生", phone="13800000002")
    add("grid1", Role.GRID_WORKER, home_grid, "张网格员")
    add("provider1", Role.PROVIDER_STAFF, street, "赵师傅", provider=providers[0])
    add("dispatcher1", Role.DISPATCHER, community, "刘调度")
    add("officer1", Role.OFFICER, street, "陈科长")
    # Officers up the ladder, so an escalating case is seen at every level.
    add("officer2", Role.OFFICER, world["districts"][0], "周处长")
    add("officer3", Role.OFFICER, world["city"], "吴主任")
    add("reviewer1", Role.PARTY_REVIEWER, community, "党支部孙书记")
    add("admin1", Role.ADMIN, world["city"], "系统管理员")
    add("streetadmin1", Role.ADMIN, street, "街道管理员")
    # Background people, so every community has residents and every provider has staff.
    for index, grid in enumerate(world["grids"][1:], start=3):
        add(f"resident{index}", Role.RESIDENT, grid, f"居民{index}", phone=f"138000000{index:02d}")
    for index, provider in enumerate(providers[1:], start=2):
        add(
            f"provider{index}",
            Role.PROVIDER_STAFF,
            provider.coverage[0],
            f"服务人员{index}",
            provider=provider,
        )
    for index, org in enumerate(world["communities"][1:], start=2):
        add(f"dispatcher{index}", Role.DISPATCHER, org, f"调度员{index}")
    db.session.flush()
    return users


def _build_cases(rng: random.Random, world: dict, providers: list[Provider], users: dict) -> int:
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    residents = [u for u in users.values() if u.role is Role.RESIDENT]
    org_by_id = {o.id: o for o in world["grids"]}
    admin = users["admin1"]
    staff_of = {u.provider_id: u for u in users.values() if u.role is Role.PROVIDER_STAFF}
    now = utcnow()
    # The first cases are resident1's, so the demo account has a story in every state.
    script = [
        CaseState.SUBMITTED,
        CaseState.ASSIGNED,
        CaseState.IN_PROGRESS,
        CaseState.RESOLVED,
        CaseState.CLOSED,
        CaseState.REJECTED,
    ]
    weights = [20, 15, 20, 15, 25, 5]
    for n in range(CASE_COUNT):
        reporter = users["resident1"] if n < len(script) else rng.choice(residents)
        target = script[n] if n < len(script) else rng.choices(script, weights)[0]
        code = rng.choice(list(NEEDS))
        title, description = rng.choice(NEEDS[code])
        grid = org_by_id[reporter.org_id]
        # Open cases are recent (a live city handles its backlog); history goes back 60 days.
        # Open cases, and resolved ones still waiting for their rating, are recent.
        recent = target in OPEN_STATES or target is CaseState.RESOLVED
        age = rng.uniform(0.1, OPEN_AGE_DAYS) if recent else rng.uniform(0.5, 60)
        at = now - timedelta(days=age, minutes=n)
        on_visit = rng.random() < 0.3
        creator = users["grid1"] if on_visit and grid.id == world["grids"][0].id else reporter
        case = Case(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            reference=next_reference(at),
            category_id=categories[code].id,
            title=title,
            description=description,
            org_id=grid.id,
            priority=Priority.URGENT if rng.random() < 0.15 else Priority.NORMAL,
            channel=Channel.GRID_VISIT if creator.role is Role.GRID_WORKER else Channel.APP,
            reporter_id=reporter.id,
            reporter_name=reporter.display_name,
            reporter_phone=reporter.phone or "",
            created_by_id=creator.id,
            state=CaseState.SUBMITTED,
            escalation_level=OrgKind.GRID,
            created_at=at,
            updated_at=at,
        )
        start_cycle_clocks(case, at)
        db.session.add(case)
        record_event(
            case,
            EventKind.SUBMIT,
            actor=creator,
            now=at,
            public=True,
            from_state=None,
            data={"channel": case.channel.value, "clock": cycle_clock(case)},
        )
        db.session.flush()
        _walk(rng, case, target, at, providers, staff_of, admin, reporter, now)
    return CASE_COUNT


def _replay_escalation_sweeps(*, until: datetime) -> int:
    """Run the sweep over the demo's past (every 3 hours), so late cases have climbed the
    ladder and unrated ones closed the way they would have, with the history on their
    timelines; then work out the assessment's facts, so the first table is quick."""
    moment, climbed = until - HISTORY, 0
    while moment <= until:
        climbed += escalate_overdue_cases(now=moment).escalated
        close_unrated_cases(now=moment)
        moment += SWEEP_STEP
    refresh_stale_facts()
    return climbed


def _walk(rng, case, target, at, providers, staff_of, admin, reporter, now) -> None:
    """Take a new case along the lifecycle to `target`, with plausible gaps between steps."""

    def step(action, actor, **kwargs):
        nonlocal at
        # An open case's steps all come within 1.5 h, before any clock (2 h at least) runs
        # out: so the replayed sweeps see each case in the state it really had then.
        gap = rng.uniform(0.05, 0.5) if target in OPEN_STATES else rng.uniform(0.5, 30)
        at = min(at + timedelta(hours=gap), now)
        apply_transition(case, action, actor=actor, now=at, **kwargs)
        db.session.flush()

    if target is CaseState.SUBMITTED:
        return
    if target is CaseState.REJECTED:
        step(Action.REJECT, admin, note="不属于社区服务范围，已告知居民拨打12345。")
        return
    candidates = [
        p
        for p in providers
        if case.category in p.categories and any(c.contains(case.org) for c in p.coverage)
    ]
    provider = rng.choice(candidates)
    step(
        Action.ASSIGN,
        admin,
        provider=provider,
        note=provider.name,
        data={"provider_id": provider.id},
    )
    if target is CaseState.ASSIGNED:
        return
    staff = staff_of[provider.id]
    step(Action.ACCEPT, staff)
    if target is CaseState.IN_PROGRESS:
        return
    step(Action.RESOLVE, staff, note="已上门处理完毕。")
    if target is CaseState.RESOLVED:
        return
    resolved, stars = rng.random() < 0.9, rng.choices([5, 4, 3, 2, 1], [45, 30, 12, 8, 5])[0]
    if outcome_of_rating(resolved, stars) is Action.REOPEN:
        resolved, stars = True, 4  # keep "closed" cases closed; reopened ones are their own story
    db.session.add(
        Rating(
            case_id=case.id,
            cycle=case.cycle,
            rater_id=reporter.id,
            recorded_by_id=reporter.id,
            resolved=resolved,
            stars=stars,
            comment="",
            created_at=at,
        )
    )
    verdict = {"resolved": resolved, "stars": stars, "channel": "app"}
    step(Action.CLOSE, reporter, note="谢谢！", data={"rating": verdict})
