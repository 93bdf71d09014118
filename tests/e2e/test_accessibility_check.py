"""The browser tests' accessibility check itself: axe-core runs on every page a test opens,
and what it finds fails the test (tests/e2e/conftest.py)."""

BROKEN = (
    "<!doctype html><html><head><title>t</title></head>"
    "<body><main><img src='x.png'><p style='color:#ccc;background:#fff'>faint</p></main>"
    "</body></html>"
)


def test_axe_reports_the_violations_of_a_page_as_it_loads(browser, axe_tools):
    context, violations = axe_tools.checked_context(browser)
    page = context.new_page()
    page.route(
        "http://coopnet.test/**", lambda route: route.fulfill(body=BROKEN, content_type="text/html")
    )
    page.goto("http://coopnet.test/broken/")
    page.wait_for_function("window.coopnetAxeDone !== undefined")
    page.evaluate("() => window.coopnetAxeDone")
    rules = {v["rule"] for _, v in violations}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= rules
    assert {path for path, _ in violations} == {"/broken/"}
    context.close()


def test_the_page_as_the_test_leaves_it_is_checked_too(browser, axe_tools):
    context, violations = axe_tools.checked_context(browser)
    page = context.new_page()
    fixed = BROKEN.replace("<html>", "<html lang='en'>").replace("<img src='x.png'>", "")
    fixed = fixed.replace("color:#ccc", "color:#000")
    page.route(
        "http://coopnet.test/**", lambda route: route.fulfill(body=fixed, content_type="text/html")
    )
    page.goto("http://coopnet.test/fine/")
    page.evaluate("() => window.coopnetAxeDone")
    assert violations == []
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    axe_tools.check_now(page, violations)
    assert [v["rule"] for _, v in violations] == ["image-alt"]
    context.close()
