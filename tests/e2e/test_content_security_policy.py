"""The browser enforces the Content-Security-Policy, and the suite notices when a page breaks it
(the new_page fixture fails a test on the console message checked here)."""

from __future__ import annotations

from tests.e2e.conftest import DESKTOP, is_csp_violation

INJECT = """() => {
    const script = document.createElement("script");
    script.textContent = "document.body.dataset.injected = 'ran'";
    document.body.appendChild(script);
}"""


def test_an_inline_script_is_refused_and_reported_as_a_violation(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    try:
        page = context.new_page()
        page.goto("/warm/")
        with page.expect_console_message(is_csp_violation) as refused:
            page.evaluate(INJECT)
        assert "script-src" in refused.value.text
        assert page.evaluate("document.body.dataset.injected") is None
    finally:
        context.close()
