"""What a new user tripped on, seen in a real browser (issue 13): buttons that read as links
are visible on the page, the focus ring stands out (3:1), a stacked table on a phone names each
value's column, and the split's chart stays readable on a phone."""

import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]

PHONE = {"width": 375, "height": 740}

#: WCAG's contrast ratio of two CSS colours ("rgb(r, g, b)"), in the page itself
CONTRAST = """([a, b]) => {
  const lum = (css) => {
    const [r, g, b] = css.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map((c) => {
      c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}"""


def _contrast(page, a, b):
    return page.evaluate(CONTRAST, [a, b])


def _page_colour(page):
    return page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor")


def test_link_buttons_on_the_page_are_not_white_on_white(live_server, page, sign_in, cast):
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/opportunities/new/")
    button = page.get_by_role("button", name="Add a requirement row")
    colour = button.evaluate("(b) => getComputedStyle(b).color")
    assert _contrast(page, colour, _page_colour(page)) >= 4.5


def test_the_focus_ring_has_three_to_one_against_the_page(live_server, page, sign_in, cast):
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/directory/")
    page.locator("main a").first.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # focus from the keyboard, so that :focus-visible applies
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineColor, parseFloat(s.outlineWidth)]; }"
    )
    assert ring[0] == "solid"
    assert ring[2] >= 2
    assert _contrast(page, ring[1], _page_colour(page)) >= 3


def test_a_stacked_table_names_each_values_column_on_a_phone(live_server, page, sign_in, cast):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/organisations/outlier/manage/")
    cells = page.locator("table.data tbody tr").first.locator("td")
    before = [
        cells.nth(n).evaluate("(td) => getComputedStyle(td, '::before').content") for n in range(3)
    ]
    assert before == ['"Name: "', '"Hours available: "', '"Cost rate: "']
    header = page.locator("table.data thead")
    assert header.bounding_box()["x"] < 0  # the header row is out of sight


def test_the_split_chart_keeps_its_text_size_on_a_phone(
    live_server, page, sign_in, form_contract, full_partner_view
):
    contract = form_contract()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/opportunities/{contract.proposal.opportunity_id}/")
    wide, narrow = page.locator("svg.chart-wide").first, page.locator("svg.chart-narrow").first
    assert not wide.is_visible()
    assert narrow.is_visible()
    drawn = narrow.bounding_box()["width"]
    assert drawn <= PHONE["width"]
    scale = drawn / narrow.evaluate("(svg) => svg.viewBox.baseVal.width")
    assert scale >= 0.95  # its 13 px text drawn at 12.35 px or more (the wide one: half)
    labels = narrow.locator("g.bar text").all_text_contents()
    assert labels[0] == "Client value"
    assert "Outlier Co-op" in labels
    page.set_viewport_size({"width": 1200, "height": 800})
    assert wide.is_visible()
    assert not narrow.is_visible()
