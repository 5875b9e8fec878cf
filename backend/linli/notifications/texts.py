"""What push messages and text messages say, per kind, in zh-CN and English (GLOSSARY terms).

The in-app inbox words its rows in the PWA (pwa/src/i18n); a push or an SMS leaves the app,
so its words live here, in one place. They carry the reference and the level, never a
name, a phone, the resident's own words or a unit's note.
"""

from linli.notifications.models import NotificationKind as K

LEVELS = {
    "grid": ("网格", "grid"),
    "community": ("社区", "community"),
    "street": ("街道", "street"),
    "district": ("区", "district"),
    "city": ("市", "city"),
}

NOTICES: dict[K, tuple[str, str]] = {
    K.ASSIGNED: ("新派单：{ref}", "New assignment: {ref}"),
    K.CO_TASK: ("协办任务：{ref}", "Joint task: {ref}"),
    K.RETURNED: ("服务单位退单：{ref}", "Returned by a provider: {ref}"),
    K.ESCALATED: ("诉求 {ref} 已升级到{level}", "Case {ref} was escalated to the {level}"),
    K.RESOLVED: (
        "你的诉求 {ref} 已办结，请评价",
        "Your case {ref} is done: please rate it",
    ),
    K.REVIEW_REQUESTED: ("不予受理待审查：{ref}", "Declined case to review: {ref}"),
    K.SUPERVISION_NOTE: ("督办意见：{ref}", "Supervision note: {ref}"),
    K.ACCEPTED: (
        "你的诉求 {ref} 已接单，正在办理",
        "Your case {ref} was accepted and is in progress",
    ),
    K.RATE_REQUESTED: (
        "你的诉求 {ref} 还未评价，请在评价期内评价",
        "Your case {ref} awaits your rating: please rate it before the window closes",
    ),
    K.WITHDRAWN: ("居民已撤回诉求 {ref}", "The resident withdrew case {ref}"),
    K.INFO_ADDED: ("居民补充说明：{ref}", "The resident added information: {ref}"),
}

APP_NAME = ("邻里", "Linli")


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def notice_text(kind: K, data: dict, language: str) -> str:
    """The short text of a notification of `kind` in `language` ("en", else zh-CN)."""
    level = LEVELS.get(data.get("level", ""), ("", ""))
    return _pick(NOTICES[kind], language).format(
        ref=data.get("reference", ""), level=_pick(level, language)
    )


def app_name(language: str) -> str:
    return _pick(APP_NAME, language)
