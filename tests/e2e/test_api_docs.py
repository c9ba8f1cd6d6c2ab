"""The API's interactive documentation works under the Content-Security-Policy (the new_page
fixture fails the test on any violation)."""

from __future__ import annotations

from playwright.sync_api import expect


def test_the_interactive_api_docs_render_under_the_policy(db, new_page):
    page = new_page()
    page.goto("/api/v1/docs")
    # The page fetches and lays out a 190 KB schema before the first operation shows; on a busy
    # two-core machine that alone has taken more than the default five seconds.
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible(timeout=30_000)
