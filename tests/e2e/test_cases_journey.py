"""A publicity case from a person file to the Word document: a station worker proposes it on a
phone and records the person's consent; the district administrator reads the anonymised text
beside the original, approves it and downloads the .docx."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from playwright.sync_api import expect

from songnuan.cases.models import Case, Status
from tests.cases.factories import a_person
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD

STORY = ("1月8日夜里零下9度，巡查队在香港中路12号楼下发现王建国，身份证37020219560312401X。"
         "王建国说女儿的电话是13805321234。他同意去站里过夜，第二天女儿来接他回家。")


def test_a_case_is_proposed_consented_reviewed_and_exported(cast, new_page, tmp_path: Path):
    person = a_person(cast)

    phone = new_page(PHONE)
    log_in(phone, cast.shinan_station.username, PASSWORD)
    phone.goto(person.get_absolute_url())
    phone.get_by_role("link", name="提出典型案例").click()
    phone.get_by_label("标题").fill("王建国的冬夜")
    phone.get_by_label("案例经过").fill(STORY)
    phone.get_by_label("入站照片").check()
    screenshot(phone, "cases-propose-phone")
    phone.get_by_role("button", name="提出案例").click()

    expect(phone.locator("h1")).to_have_text("王某的冬夜")
    expect(phone.locator(".anonymised .story")).to_contain_text("王某说女儿的电话是（电话已隐去）")
    expect(phone.locator(".anonymised .story")).not_to_contain_text("王建国")
    expect(phone.get_by_role("button", name="提交审核")).to_be_disabled()
    phone.get_by_text("书面签字").click()
    phone.get_by_text("公开宣传").click()
    phone.get_by_role("button", name="登记知情同意").click()
    expect(phone.locator("#consent-scope")).to_have_text("公开宣传")
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.locator("#case-status")).to_have_text("待审核")
    screenshot(phone, "cases-in-review-phone")

    desk = new_page(DESKTOP)
    log_in(desk, cast.shinan_admin.username, PASSWORD)
    desk.goto("/cases/?status=in_review")
    desk.get_by_role("link", name="王某的冬夜").click()
    expect(desk.locator(".original .story")).to_contain_text("王建国")
    expect(desk.locator(".anonymised .story")).to_contain_text("市南区某地")
    expect(desk.locator(".anonymised .story")).not_to_contain_text("香港中路")
    expect(desk.locator(".case-photos img")).to_have_count(1)
    screenshot(desk, "cases-review-desktop")
    desk.get_by_role("button", name="批准").click()
    expect(desk.locator("#case-status")).to_have_text("已通过")
    assert Case.objects.get().status == Status.APPROVED

    with desk.expect_download() as download:
        desk.get_by_role("link", name="公开宣传 (.docx)").click()
    path = tmp_path / "case.docx"
    download.value.save_as(path)
    document = Document(io.BytesIO(path.read_bytes()))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "王某的冬夜" in text and "（电话已隐去）" in text
    assert "王建国" not in text and "13805321234" not in text
    assert len(document.inline_shapes) == 1

    desk.goto("/cases/")
    screenshot(desk, "cases-library-desktop")
    phone.goto("/cases/")
    screenshot(phone, "cases-library-phone")
    phone.goto(person.get_absolute_url())
    expect(phone.locator(".person-cases")).to_contain_text("王某的冬夜")
    phone.locator(".person-cases").scroll_into_view_if_needed()
    screenshot(phone, "cases-person-file-phone")
