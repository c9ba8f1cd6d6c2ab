"""Browser tests: Debian's Chromium driven by Playwright against the live test server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e import inflight
from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).parents[2] / "screenshots"))
TAKE_SCREENSHOTS = os.environ.get("SCREENSHOTS", "") not in ("", "0")

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to set up
# data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The suite runs two workers on two cores beside the live servers and Chromium: give assertions
# the same ten seconds actions get, not Playwright's default five.
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _committed_data(transactional_db):
    """The live server runs in another thread: test data must be committed to be seen."""


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (run `make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def is_csp_violation(message) -> bool:
    """Chromium reports each thing the Content-Security-Policy refused on the console."""
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh browser contexts: new_page(PHONE, locale="zh-CN", ...). A page that
    breaks the Content-Security-Policy fails the test."""
    contexts, violations = [], []

    def open_page(device: dict | None = None, **options):
        context = browser.new_context(
            base_url=live_server.url, locale=options.pop("locale", "zh-CN"),
            **(device or DESKTOP), **options,
        )
        context.set_default_timeout(10_000)
        context.on("console", lambda message: violations.append(
            f"{message.location.get('url', '')}: {message.text}")
            if is_csp_violation(message) else None)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    inflight.wait_until_idle()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


def log_in(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def board_outlines(page) -> list[str]:
    """The district outlines on the dispatch board's map, by name."""
    return page.evaluate("""() => {
        const names = [];
        document.getElementById('board-map').leafletMap.eachLayer(layer => {
            if (layer.feature && layer.feature.properties) {
                names.push(layer.feature.properties.name);
            }
        });
        return names;
    }""")


def type_a_hotline_call(page) -> None:
    """The 市南区 dispatcher takes a call on the hotline form from the keyboard: the caller's
    number, the place, its coordinates and a flag, not yet sent."""
    log_in(page, "shinan.dispatcher", PASSWORD)
    page.goto("/leads/hotline/")
    # The operator starts typing once the caller's number has the focus: keys typed before the
    # page gave it would land nowhere (CI once filled the place into the wrong field).
    expect(page.locator("input[name=caller_phone]")).to_be_focused()
    page.keyboard.type("13812345678")
    page.keyboard.press("Tab")
    page.keyboard.type("青岛站东广场地下通道")
    page.fill("input[name=coordinates]", "36.0648, 120.3135")
    page.select_option("select[name=coord]", "wgs84")
    page.get_by_label("醉酒").check()


def screenshot(page, name: str) -> None:
    """Keep a picture of what the user saw, for review (`make screenshots`; screenshots/ is
    git-ignored). Only when asked: 200 full pages at twice the pixels cost the suite a minute of
    processor time, and a picture asserts nothing."""
    if not TAKE_SCREENSHOTS:
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # A full-page picture draws sticky headers where the window was scrolled to: from the top,
    # they are drawn where they belong.
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
