"""The keys that match opportunities for the same client (engine/clients.py): known cases
exactly, invariants by property."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopnet.engine.clients import LEGAL_FORMS, client_name_key, tender_key, website_key

NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10).filter(
    lambda w: w not in LEGAL_FORMS and w != "the"
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme Ltd", "acme"),
        ("ACME limited", "acme"),
        ("Acme Ltd.", "acme"),
        ("  The Acme   Co-operative Ltd ", "acme"),
        ("Acme Housing C.I.C.", "acme housing"),
        ("Café Nero PLC", "cafe nero"),
        ("Smith & Jones LLP", "smith jones"),
        ("Ltd", "ltd"),
        ("", ""),
        ("The", "the"),
        ("Co-op Bank", "coop bank"),  # a legal form only at the end
    ],
)
def test_known_names(name: str, key: str) -> None:
    assert client_name_key(name) == key


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.acme.example/tenders?id=4", "acme.example"),
        ("acme.example", "acme.example"),
        ("HTTP://WWW.ACME.EXAMPLE:8080", "acme.example"),
        ("www.acme.example/", "acme.example"),
        ("https://user@acme.example#top", "acme.example"),
        ("", ""),
    ],
)
def test_known_websites(url: str, key: str) -> None:
    assert website_key(url) == key


@pytest.mark.parametrize(
    ("reference", "key"),
    [("t-2026/042", "T2026042"), ("T 2026 042", "T2026042"), ("  ", ""), ("ÉU-7", "EU7")],
)
def test_known_tender_references(reference: str, key: str) -> None:
    assert tender_key(reference) == key


@given(NAMES)
def test_a_name_key_is_a_fixed_point_of_plain_words(name: str) -> None:
    key = client_name_key(name)
    assert key == key.strip()
    assert "  " not in key
    assert all(c.isalnum() or c == " " for c in key)
    assert client_name_key(key) == key or client_name_key(key) == key.removeprefix("the ")


@given(st.lists(WORD, min_size=1, max_size=4), st.sampled_from(sorted(LEGAL_FORMS)),
       st.sampled_from(["", ".", ",", " "]))  # fmt: skip
def test_case_punctuation_and_legal_form_do_not_change_the_key(
    words: list[str], form: str, mark: str
) -> None:
    plain = " ".join(words)
    dressed = f"  {plain.upper()}{mark} {form.title()}{mark}  "
    assert client_name_key(dressed) == client_name_key(plain) == plain


@given(st.from_regex(r"[a-z][a-z0-9-]{0,10}\.[a-z]{2,6}", fullmatch=True),
       st.sampled_from(["", "http://", "https://www.", "HTTPS://"]),
       st.sampled_from(["", "/", "/a/b?c=d", ":443/x"]))  # fmt: skip
def test_a_website_key_is_its_host_however_written(host: str, scheme: str, path: str) -> None:
    assert website_key(scheme + host.upper() + path) == host.removeprefix("www.")


@given(NAMES)
def test_a_tender_key_is_idempotent_and_plain(reference: str) -> None:
    key = tender_key(reference)
    assert tender_key(key) == key
    assert all(c.isalnum() for c in key)
