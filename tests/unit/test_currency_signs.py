"""No currency sign is written into code or templates: money is written by `common.money` in the
network's currency (COOPNET_CURRENCY), so a hard-coded sign would be wrong for every other one.

Only docstrings may show one, in the modules that document how money is written, and in one
engine module whose docstring describes the synthetic rates (the engine is another engineer's
to change; drop its entry when its docstring is currency-neutral).
"""

import ast
import unicodedata
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "coopnet"
#: "$" is template and pattern syntax, and "¤" is CLDR's placeholder for the network's sign
NOT_SIGNS = {"$", "¤"}
DOCSTRINGS_MAY_SHOW_SIGNS = {
    "common/money.py",
    "common/explanations.py",
    "common/templatetags/money.py",
    "engine/synthetic/networks.py",
}


def signs_in(text):
    return {c for c in text if unicodedata.category(c) == "Sc" and c not in NOT_SIGNS}


def docstring_lines(source):
    """The line numbers of every module, class and function docstring in `source`."""
    lines = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def signs_written(text, docstrings_may_show_signs=False):
    """(line number, line) of each line of `text` with a currency sign it may not have."""
    allowed = docstring_lines(text) if docstrings_may_show_signs else set()
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if signs_in(line) and number not in allowed
    ]


def test_no_currency_sign_in_code_or_templates():
    files = [p for suffix in ("py", "html", "txt") for p in SRC.rglob(f"*.{suffix}")]
    assert len(files) > 100  # the whole package is searched
    found = {}
    for path in files:
        name = path.relative_to(SRC).as_posix()
        text = path.read_text(encoding="utf-8")
        if lines := signs_written(text, name in DOCSTRINGS_MAY_SHOW_SIGNS):
            found[name] = lines
    assert found == {}


PLANTED = '''"""Prices, e.g. €5."""

PRICE = "£5"  # a sign written into code


def price():
    """In pounds: £5."""
    return f"{PRICE} or ¥700, but ¤ and $ are syntax"
'''


def test_the_search_finds_every_sign_written_outside_an_allowed_docstring():
    assert signs_written(PLANTED, docstrings_may_show_signs=True) == [
        (3, 'PRICE = "£5"  # a sign written into code'),
        (8, 'return f"{PRICE} or ¥700, but ¤ and $ are syntax"'),
    ]
    assert [number for number, _ in signs_written(PLANTED)] == [1, 3, 7, 8]
