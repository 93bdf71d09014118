"""The app serves pages a real browser can use, with nothing loaded from other hosts."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_in_chromium_without_other_hosts(live_server, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_load_state("networkidle")
    assert "coopnet" in page.content()
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []
