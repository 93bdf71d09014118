"""Text no column can hold. A NUL character is refused by PostgreSQL, and a lone surrogate
("\\ud800", which JSON may spell but UTF-8 cannot encode) by every database: saved, either one is
a 500. So text is checked where it enters (forms, JSON bodies, query strings, the services)
and refused as bad input naming the field.

>>> text_problem("Outlier Co-op") is None
True
>>> text_problem("a\\x00b") == BAD_TEXT
True
>>> bad_text_field({"requirements": [{"skill": "ok"}, {"skill": "\\ud800"}]})
'requirements[1].skill'
"""

from __future__ import annotations

import re
from typing import Any

BAD_TEXT = "Text may not contain a NUL character or an unpaired surrogate."

#: NUL, and any surrogate code point: in a Python str a surrogate is always unpaired, since a
#: decoder joins a valid pair into one character
_BAD = re.compile("[\x00\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """BAD_TEXT if `text` holds a character no database column can store, else None."""
    return BAD_TEXT if _BAD.search(text) else None


def bad_text_field(data: Any, path: str = "") -> str | None:
    """The path (`name`, `skills.python`, `rows[2].title`) of the first string in the JSON
    value `data`, key or value, that `text_problem` refuses; None when all are good."""
    if isinstance(data, str):
        return (path or "body") if _BAD.search(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and _BAD.search(key):
                return path or "body"
            found = bad_text_field(value, where)
            if found is not None:
                return found
    elif isinstance(data, list):
        for n, value in enumerate(data):
            found = bad_text_field(value, f"{path}[{n}]")
            if found is not None:
                return found
    return None
