"""A category's extra questions on the report form, and the checking of their answers.

A field is {"key", "label_zh", "label_en", "type": text|number|choice|boolean, "required",
"choices": [{"key", "label_zh", "label_en"}]} (choices only for the choice type).
"""

from linli.errors import abort

FIELD_TYPES = ("text", "number", "choice", "boolean")
MAX_TEXT_ANSWER = 200


def check_definition(fields: list[dict]) -> None:
    """Refuse a definition with repeated keys or a choice field without choices (422)."""
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, field in enumerate(fields):
        if field["key"] in seen:
            errors[f"fields.{index}.key"] = ["used by another field"]
        seen.add(field["key"])
        choices = field.get("choices") or []
        if field["type"] == "choice" and not choices:
            errors[f"fields.{index}.choices"] = ["a choice field needs at least one choice"]
        elif field["type"] != "choice" and choices:
            errors[f"fields.{index}.choices"] = ["only a choice field has choices"]
        if len({c["key"] for c in choices}) != len(choices):
            errors[f"fields.{index}.choices"] = ["two choices have the same key"]
    if errors:
        abort(422, "the extra fields are not consistent", errors=errors)


def _answer_problem(field: dict, value) -> str | None:
    kind = field["type"]
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "must be a number"
    if kind == "boolean":
        return None if isinstance(value, bool) else "must be true or false"
    if not isinstance(value, str):
        return "must be a string"
    if kind == "choice":
        keys = [c["key"] for c in field.get("choices") or []]
        return None if value in keys else f"one of {', '.join(keys)}"
    return None if len(value) <= MAX_TEXT_ANSWER else f"at most {MAX_TEXT_ANSWER} characters"


def checked_answers(category, answers: dict) -> dict:
    """The answers to `category`'s extra questions, or 422 naming each wrong one (extra.<key>):
    an unknown key, a wrong type, a required question left out."""
    fields = {f["key"]: f for f in category.fields or []}
    errors: dict[str, list[str]] = {}
    for key in answers.keys() - fields.keys():
        errors[f"extra.{key}"] = ["not a field of this category"]
    kept = {}
    for key, field in fields.items():
        value = answers.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            if field.get("required"):
                errors[f"extra.{key}"] = ["required"]
            continue
        problem = _answer_problem(field, value)
        if problem:
            errors[f"extra.{key}"] = [problem]
        else:
            kept[key] = value
    if errors:
        abort(422, "the extra fields are not answered right", errors=errors)
    return kept


def answered(category, answers: dict) -> list[dict]:
    """The answers in the order of the category's questions, with their labels (an answer to a
    question since removed keeps its key as its label)."""
    fields = {f["key"]: f for f in category.fields or []}
    ordered = [k for k in fields if k in answers] + [k for k in answers if k not in fields]
    out = []
    for key in ordered:
        field = fields.get(key, {})
        value = answers[key]
        choice = next((c for c in field.get("choices") or [] if c["key"] == value), None)
        out.append(
            {
                "key": key,
                "type": field.get("type", "text"),
                "label_zh": field.get("label_zh", key),
                "label_en": field.get("label_en", key),
                "value": value,
                "value_zh": choice["label_zh"] if choice else None,
                "value_en": choice["label_en"] if choice else None,
            }
        )
    return out
