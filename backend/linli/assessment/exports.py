"""The assessment table as a file an office passes on: CSV or XLSX, Chinese headers by
default, numbers as numbers, the period and the definitions on the sheet."""

import csv
import io
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from linli.extensions import db
from linli.orgs.models import Org

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")

# (figure, zh-CN header, English header), in the order of the columns.
COLUMNS = (
    ("rank", "排名", "Rank"),
    ("unit", "单位", "Unit"),
    ("score", "综合得分", "Score"),
    ("response_rate", "响应率", "Response rate"),
    ("resolution_rate", "解决率", "Resolution rate"),
    ("satisfaction_rate", "满意率", "Satisfaction rate"),
    ("cases", "办理件数", "Cases"),
    ("due_for_acceptance", "应接单数", "Due for acceptance"),
    ("accepted_on_time", "按时接单数", "Accepted on time"),
    ("due_for_resolution", "应办结数", "Due for resolution"),
    ("resolved_on_time", "按时办结数", "Resolved on time"),
    ("resolved", "已解决数", "Resolved"),
    ("ratings", "评价数", "Ratings"),
    ("ratings_recorded", "其中回访评价数", "Of which recorded on follow-up"),
    ("satisfied", "满意数", "Satisfied"),
    ("not_rated", "未评价数", "Not rated"),
    ("median_hours_to_accept", "接单用时中位数（小时）", "Median hours to accept"),
    ("median_hours_to_resolve", "办结用时中位数（小时）", "Median hours to resolve"),
    ("overdue", "超时件数", "Overdue cases"),
    ("bounces", "退单次数", "Returns"),
    ("escalations", "升级次数", "Escalations"),
    ("supporters", "附议人次（+1）", "+1s"),
)
PUBLISHED_COLUMNS = (
    ("published_rank", "已发布排名", "Published rank"),
    ("published_score", "已发布得分", "Published score"),
)
WORDS = {
    "title": ("月度考核（三率）", "Assessment (three rates)"),
    "period": ("考核期间", "Period"),
    "area": ("范围", "Area"),
    "grouped": ("分组", "Rows"),
    "view": ("口径", "Figures"),
    "live": ("实时数据", "live"),
    "published": ("已发布（冻结）", "published (frozen)"),
    "weights": ("得分权重（响应/解决/满意）", "Score weights (response/resolution/satisfaction)"),
    "city": ("全市", "Whole city"),
    "zone": ("按北京时间（Asia/Shanghai）计日", "days in Asia/Shanghai"),
    "definitions": ("指标说明", "Definitions"),
    "no_data": ("空白表示无数据（分母为 0）", "A blank rate means no data (its denominator is 0)"),
    "provider": ("服务单位", "provider"),
    "category": ("需求类别", "category"),
    "community": ("社区", "community"),
    "street": ("街道", "street"),
    "district": ("区", "district"),
    "file": ("考核", "assessment"),
}
DEFINITIONS = (
    (
        "按处理轮次计：上报为第 1 轮，每次重办或申诉开始新一轮，各轮按其开始时的时限考核。",
        "Per handling cycle: the report starts cycle 1, each reopen or appeal the next; each "
        "cycle is judged against the clocks it started with.",
    ),
    (
        "响应率 = 按时接单数 ÷ 应接单数。接单或接单时限到期（以先到者为准）落在本期即为应接单，"
        "计入当时持有工单的单位。",
        "Response rate = accepted on time / due for acceptance. A cycle is due when it is "
        "accepted or its accept deadline passes, whichever comes first, for the unit holding it.",
    ),
    (
        "解决率 = 已解决数 ÷ 应办结数。已解决指办结且未被居民评价“没解决”、1–2 星或申诉推翻。",
        "Resolution rate = resolved / due for resolution. Resolved: done and not overturned by "
        "the resident ('not resolved', 1–2 stars, or an appeal).",
    ),
    (
        "满意率 = 满意数 ÷ 评价数。满意指 4–5 星且已解决；评价计入办结该轮的单位。"
        "超过评价期限未评价的为“未评价”，不计入评价数。",
        "Satisfaction rate = satisfied / ratings. Satisfied: 4–5 stars and resolved; a rating "
        "counts for the unit that resolved that cycle. Cases not rated in time are 'not rated', "
        "outside ratings.",
    ),
    (
        "综合得分 = 三率按权重加权平均（满分 100），无数据的比率不计权重；排名按得分从高到低，"
        "得分相同名次相同。默认权重 10/45/45 为常见 12345 考核做法，请按本地规定确认。",
        "Score = the weighted mean of the three rates (out of 100), leaving out rates without "
        "data; rank by score, equal scores share a rank. The default weights 10/45/45 follow "
        "common 12345 practice: confirm them locally.",
    ),
    (
        "退单次数计入退单的单位；升级次数计入升级时持有工单的单位。",
        "Returns count for the unit that returned the case; escalations for the unit holding it.",
    ),
)


def wanted_format(asked: str | None, accept) -> str:
    """?format= first, else the Accept header, else JSON."""
    if asked:
        return asked
    best = accept.best_match(["application/json", *MIMETYPES.values()], default="application/json")
    return next((fmt for fmt, mime in MIMETYPES.items() if mime == best), "json")


def _word(key: str, lang: str) -> str:
    return WORDS[key][0 if lang == "zh-CN" else 1]


def _columns(table: dict, lang: str):
    columns = COLUMNS + (
        PUBLISHED_COLUMNS if table["view"] == "live" and table["publication"] else ()
    )
    return [(key, zh if lang == "zh-CN" else en) for key, zh, en in columns]


def _cell(row: dict, key: str, lang: str):
    if key == "unit":
        unit = row["unit"]
        return unit["name"] if lang == "zh-CN" else unit.get("name_en") or unit["name"]
    return row.get(key)


def _area_name(table: dict, lang: str) -> str:
    org = db.session.get(Org, table["org_id"]) if table["org_id"] else None
    if org is None:
        return _word("city", lang)
    return org.name if lang == "zh-CN" else org.name_en or org.name


def _grouping(table: dict, lang: str) -> str:
    return _word(table["level"] if table["group_by"] == "org" else table["group_by"], lang)


def _when(table: dict) -> str:
    return table["period"] or f"{table['from_']}–{table['to']}"


def file_name(table: dict, fmt: str, lang: str) -> str:
    parts = [_word("file", lang), _area_name(table, lang), _when(table), _grouping(table, lang)]
    return "_".join(p.replace("/", "-") for p in parts) + f".{fmt}"


def export_response(table: dict, *, fmt: str, lang: str) -> Response:
    body = _csv(table, lang) if fmt == "csv" else _xlsx(table, lang)
    name = file_name(table, fmt, lang)
    fallback = f"assessment-{_when(table)}.{fmt}"
    response = Response(body, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def _csv(table: dict, lang: str) -> bytes:
    """The table alone (one header row), so it loads as data; rates as shares (0–1)."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = _columns(table, lang)
    writer.writerow([header for _, header in columns])
    for row in table["rows"]:
        writer.writerow(["" if (v := _cell(row, key, lang)) is None else v for key, _ in columns])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8


def _xlsx(table: dict, lang: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _when(table)
    bold = Font(bold=True)
    weights = table["weights"]
    head = [
        (_word("title", lang), ""),
        (_word("period", lang), f"{_when(table)}（{_word('zone', lang)}）"),
        (_word("area", lang), _area_name(table, lang)),
        (_word("grouped", lang), _grouping(table, lang)),
        (_word("view", lang), _word(table["view"], lang)),
        (
            _word("weights", lang),
            f"{weights['response']:g}/{weights['resolution']:g}/{weights['satisfaction']:g}",
        ),
    ]
    for label, value in head:
        sheet.append([label, value])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    columns = _columns(table, lang)
    sheet.append([header for _, header in columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in table["rows"]:
        sheet.append([_cell(row, key, lang) for key, _ in columns])
        for (key, _), cell in zip(columns, sheet[sheet.max_row], strict=True):
            if key in RATES:
                cell.number_format = "0.0%"
            elif key in (
                "score",
                "published_score",
                "median_hours_to_accept",
                "median_hours_to_resolve",
            ):
                cell.number_format = "0.00"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=3)
    sheet.append([])
    sheet.append([_word("definitions", lang)])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for zh, en in DEFINITIONS:
        sheet.append([zh if lang == "zh-CN" else en])
    sheet.append([_word("no_data", lang)])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 28
    for index in range(3, len(columns) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 12
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
