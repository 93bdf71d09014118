"""Keys that tell when two opportunities are for the same client: a normalised client name, a
website's host, and a tender reference. Each key is empty when there is nothing to match on;
two opportunities match when they share a non-empty key.

The name: case-folded, accents and punctuation dropped, spaces collapsed, and the legal form
at its end dropped ("Acme Ltd." and "ACME limited" are both "acme"), as is a leading "the":

>>> client_name_key("  The ACME  Co-operative Ltd. ")
'acme'
>>> website_key("HTTPS://www.Acme.example/tenders?id=4")
'acme.example'
>>> tender_key(" t-2026/042 ")
'T2026042'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["LEGAL_FORMS", "client_name_key", "tender_key", "website_key"]

#: words at the end of a name that say its legal form, not who it is (after punctuation is
#: dropped, so that "co-operative" is "cooperative" and "l.l.p." is "llp")
LEGAL_FORMS = frozenset(
    {"ltd", "limited", "plc", "llp", "lp", "co", "company", "inc", "incorporated", "corp",
     "corporation", "cic", "cio", "cooperative", "coop", "gmbh", "sa", "sarl", "bv", "llc"}
)  # fmt: skip

_NOT_WORD = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


def _plain(text: str) -> str:
    """Case-folded, without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def client_name_key(name: str) -> str:
    """The client's name as a key: plain words, no legal form at its end, no leading "the".
    A name that is nothing but a legal form keeps it (an empty key would match nothing)."""
    words = _SPACES.split(_NOT_WORD.sub("", _plain(name)).strip())
    words = [w for w in words if w]
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def website_key(url: str) -> str:
    """The website's host, lower case, without "www." or a port: the same for any page of the
    site, with or without its scheme."""
    rest = _SCHEME.sub("", url.strip().casefold())
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rsplit("@", 1)[-1]
    host = host.split(":", 1)[0].strip(".")
    return host.removeprefix("www.")


def tender_key(reference: str) -> str:
    """The tender reference in capitals, letters and digits only: "t-2026/042" and
    "T 2026 042" are the same tender."""
    return "".join(c for c in _plain(reference) if c.isalnum()).upper()
