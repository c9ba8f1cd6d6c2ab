"""A bureau's emergency plan read from the Word document it already keeps."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from songnuan.incidents.models import EmergencyPlan, Kind
from tests.factories import LAOSHAN, district


def word_plan() -> bytes:
    document = Document()
    document.add_heading("崂山区冻伤处置应急预案", level=1)
    document.add_paragraph("发现冻伤人员后，救助小组应立即就地保暖并报告带班领导。")
    for step in ("拨打120急救电话", "移至温暖处，脱去湿冷衣物", "通知崂山区救助管理分站接收"):
        document.add_paragraph(step, style="List Number")
    document.add_paragraph("4、事后24小时内提交书面报告")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "冻伤预案.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_a_plan_is_read_from_a_word_document(cast, client_for):
    client = client_for(cast.laoshan_admin)
    response = client.post(reverse("incidents:plan_add"), {
        "title": "冻伤处置预案", "kind": Kind.COLD_INJURY, "district": district(LAOSHAN).pk,
        "note": "从Word导入", "document": upload(word_plan())})
    assert response.status_code == 302
    version = EmergencyPlan.objects.get().current()
    assert version.items == ["拨打120急救电话", "移至温暖处，脱去湿冷衣物",
                             "通知崂山区救助管理分站接收", "事后24小时内提交书面报告"]
    assert version.text.splitlines() == ["崂山区冻伤处置应急预案",
                                         "发现冻伤人员后，救助小组应立即就地保暖并报告带班领导。"]


def test_a_new_version_from_a_document_keeps_the_typed_text_it_lacks(cast, client_for):
    client = client_for(cast.laoshan_admin)
    client.post(reverse("incidents:plan_add"), {
        "title": "冻伤处置预案", "kind": Kind.COLD_INJURY, "district": district(LAOSHAN).pk,
        "text": "初版正文", "items": "拨打120"})
    plan = EmergencyPlan.objects.get()
    document = Document()
    document.add_paragraph("联系家属", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    client.post(plan.get_absolute_url(), {"text": "初版正文", "items": "拨打120",
                                          "note": "只更新清单", "document": upload(out.getvalue())})
    version = plan.current()
    assert version.number == 2 and version.items == ["联系家属"] and version.text == "初版正文"


def test_a_file_that_is_no_word_document_is_refused_and_the_form_keeps_its_input(
        cast, client_for):
    client = client_for(cast.laoshan_admin)
    response = client.post(reverse("incidents:plan_add"), {
        "title": "火灾处置预案", "kind": Kind.FIRE_GAS, "district": district(LAOSHAN).pk,
        "items": "疏散人员", "document": upload(b"%PDF-1.7 not a docx", "预案.pdf")})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["document"] == ["这不是 Word 文档（.docx）。"]
    page = response.content.decode()
    assert "火灾处置预案" in page and "疏散人员" in page
    assert not EmergencyPlan.objects.exists()
