"""The PWA's built-in category names (its first offline start) are the server's national
list, so a category is never called one thing on the tile and another on the case."""

import re

from linli.categories.service import NATIONAL_CATEGORIES
from linli.config import REPO_ROOT

I18N = REPO_ROOT / "pwa" / "src" / "i18n"


def _built_in_names(locale: str) -> dict[str, str]:
    text = (I18N / f"{locale}.ts").read_text(encoding="utf-8")
    return {
        code: name.replace("\\'", "'")
        for code, _quote, name in re.findall(r"'category\.(\w+)': (['\"])(.*?)\2,", text)
    }


def test_pwa_built_in_category_names_are_the_national_list():
    assert _built_in_names("zh-CN") == {code: zh for code, zh, _en, _icon in NATIONAL_CATEGORIES}
    assert _built_in_names("en") == {code: en for code, _zh, en, _icon in NATIONAL_CATEGORIES}
