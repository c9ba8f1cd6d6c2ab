"""An officer imports a family-search list: a bad row is named, nothing saved; then it goes in."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD

LIST = Path(__file__).parents[1] / "tracing" / "data" / "missing_reports_gb18030.csv"


def test_an_officer_imports_a_gb18030_list_after_fixing_a_bad_row(cast, new_page, live_server,
                                                                   tmp_path):
    text = LIST.read_bytes().decode("gb18030")
    bad = tmp_path / "寻亲名单.csv"
    bad.write_bytes(text.replace("139 6395 2211", "0532-8888").encode("gb18030"))
    for device, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = new_page(device)
        log_in(page, "laoshan.tracing", PASSWORD)
        page.goto(f"{live_server.url}/tracing/reports/import/")
        page.set_input_files("#id_file", str(bad))
        page.get_by_role("button", name="检查并导入").click()
        errors = page.locator("table.import-errors tbody tr")
        expect(errors).to_have_count(1)
        expect(errors.first).to_contain_text("11位")
        expect(page.get_by_role("alert").first).to_contain_text("未保存任何数据")
        screenshot(page, f"tracing-import-errors-{name}")
    page.set_input_files("#id_file", str(LIST))
    page.get_by_role("button", name="检查并导入").click()
    expect(page.get_by_text("已导入 3 条寻人登记。")).to_be_visible()
    expect(page.locator("table.list tbody tr")).to_have_count(3)
    page.locator("table.list tbody tr", has_text="吕喆").locator("a").click()
    expect(page.locator("dl.facts")).to_contain_text("身份证号")
    screenshot(page, "tracing-imported-report-desktop")
