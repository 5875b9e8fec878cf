"""The column layouts of the four sheets offices keep, with their Chinese headers: what the
template shows, what the import reads and what the export writes (one list, so they agree)."""

import enum
from dataclasses import dataclass

from linli.accounts.models import Role
from linli.orgs.models import OrgKind
from linli.routing.models import ProviderType


class SheetKind(enum.StrEnum):
    ORGS = "orgs"
    HOUSEHOLDS = "households"
    USERS = "users"
    PROVIDERS = "providers"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header, as offices write it
    required: bool
    help: str  # the template's explanation (Chinese: the sheet is for offices)
    example: str = ""
    max_length: int = 120


@dataclass(frozen=True)
class Layout:
    kind: SheetKind
    title: str  # the sheet's name in the workbook and in file names
    columns: tuple[Column, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


# Several values in one cell (categories, coverage) are split on any of these.
LIST_SEPARATORS = (";", "；", "、", ",", "，")

# The levels an org sheet may create: the city is the root and exists before any import.
ORG_LEVELS = {
    "区": OrgKind.DISTRICT,
    "街道": OrgKind.STREET,
    "社区": OrgKind.COMMUNITY,
    "网格": OrgKind.GRID,
}
ORG_LEVEL_NAMES = {kind: name for name, kind in ORG_LEVELS.items()} | {OrgKind.CITY: "市"}

# Role names as GLOSSARY.md spells them; the codes are read too. Residents register
# themselves with their phone, so a sheet of staff does not hold them.
ROLE_NAMES = {
    Role.GRID_WORKER: "网格员",
    Role.PROVIDER_STAFF: "服务单位",
    Role.DISPATCHER: "社区调度",
    Role.OFFICER: "街道/区/市工作人员",
    Role.PARTY_REVIEWER: "社区党组织",
    Role.ADMIN: "管理员",
}
PROVIDER_TYPE_NAMES = {
    ProviderType.GOVERNMENT_DEPARTMENT: "政府部门",
    ProviderType.STATE_ENTERPRISE: "国有企业",
    ProviderType.ENTERPRISE: "企业",
    ProviderType.SOCIAL_ORGANISATION: "社会组织",
    ProviderType.VOLUNTEER_GROUP: "志愿服务组织",
}
CAPACITY_RANGE = (1, 100_000)


def _names(mapping: dict) -> str:
    return "、".join(mapping.values())


LAYOUTS = {
    SheetKind.ORGS: Layout(
        SheetKind.ORGS,
        "组织架构",
        (
            Column("level", "层级", True, f"{_names(ORG_LEVELS)}之一", "网格", 8),
            Column("code", "编码", True, "组织的唯一编码，导入按编码对应", "demo-c1-g4", 64),
            Column("name", "名称", True, "中文名称", "桃园社区第4网格"),
            Column("name_en", "英文名称", False, "英文名称，可空", "Taoyuan Grid 4"),
            Column(
                "parent",
                "上级编码",
                True,
                "上级组织的编码（区的上级是市）；可以是本表中前后任一行",
                "demo-c1",
                64,
            ),
        ),
    ),
    SheetKind.HOUSEHOLDS: Layout(
        SheetKind.HOUSEHOLDS,
        "住户",
        (
            Column("grid", "网格编码", True, "住户所在网格的编码", "demo-c1-g1", 64),
            Column("building", "楼栋", True, "楼栋名称，同一网格内按名称对应", "1号楼"),
            Column("label", "单元门牌", True, "单元和门牌号，同一楼栋内唯一", "1-101", 60),
        ),
    ),
    SheetKind.USERS: Layout(
        SheetKind.USERS,
        "工作人员账号",
        (
            Column("username", "用户名", True, "登录用的用户名，导入按用户名对应", "wangwg", 64),
            Column("display_name", "姓名", True, "姓名", "王网格员", 80),
            Column("phone", "手机号", False, "中国大陆手机号，可空；不可与他人重复", "", 20),
            Column("role", "角色", True, f"{_names(ROLE_NAMES)}之一", "网格员", 20),
            Column("org", "所属组织编码", True, "所在组织的编码", "demo-c1-g1", 64),
            Column(
                "provider",
                "服务单位",
                False,
                "角色为服务单位时必填：服务单位的名称；其他角色留空",
                "",
            ),
        ),
    ),
    SheetKind.PROVIDERS: Layout(
        SheetKind.PROVIDERS,
        "服务单位",
        (
            Column("name", "名称", True, "服务单位名称，导入按名称对应", "桃园社区助餐点"),
            Column("type", "类型", True, f"{_names(PROVIDER_TYPE_NAMES)}之一", "企业", 20),
            Column(
                "categories",
                "服务类别",
                True,
                "一个或多个需求类别（名称或编码），用分号或顿号分隔",
                "社区助餐",
                1000,
            ),
            Column(
                "coverage",
                "覆盖范围",
                True,
                "一个或多个组织编码，用分号分隔；覆盖一个组织即覆盖其下所有组织",
                "demo-c1",
                1000,
            ),
            Column(
                "capacity",
                "容量",
                True,
                f"同时办理的工单上限，{CAPACITY_RANGE[0]} 到 {CAPACITY_RANGE[1]} 的整数",
                "40",
                10,
            ),
            Column("contact", "联系方式", False, "电话或地址，可空", "12345"),
        ),
    ),
}
