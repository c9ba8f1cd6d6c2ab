"""Photos and documents kept with an incident: the scene photo without its camera's metadata,
a doctor's note as PDF, the written follow-up as Word; anything else refused on its field."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from PIL import Image

from songnuan.images import carries_metadata
from songnuan.incidents.models import Attachment
from tests.incidents.factories import report
from tests.leads.factories import jpeg_with_gps


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def word_follow_up() -> SimpleUploadedFile:
    document = Document()
    document.add_paragraph("书面报告：张村河桥洞冻伤事件的处置经过")
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile("书面报告.docx", out.getvalue())


def test_a_scene_photo_a_pdf_and_a_word_report_are_kept_and_the_photo_loses_its_gps(
        cast, client_for):
    incident = report(cast.laoshan_patroller)
    client = client_for(cast.laoshan_patroller)
    url = reverse("incidents:attach", args=[incident.pk])
    pdf = "%PDF-1.7\n% 120 急救诊断证明\n%%EOF".encode()
    for upload in (jpeg_with_gps(name="现场.jpg"), SimpleUploadedFile("诊断证明.pdf", pdf),
                   word_follow_up()):
        assert client.post(url, {"file": upload}).status_code == 302
    kept = list(Attachment.objects.filter(incident=incident))
    assert [a.name for a in kept] == ["现场.jpg", "诊断证明.pdf", "书面报告.docx"]
    assert [a.extension for a in kept] == ["jpg", "pdf", "docx"]
    photo = kept[0].file.read()
    assert not carries_metadata(photo) and Image.open(io.BytesIO(photo)).format == "JPEG"
    page = client.get(incident.get_absolute_url()).content.decode()
    assert "诊断证明.pdf" in page and "已附上 书面报告.docx。" in page
    download = client.get(reverse("incidents:attachment", args=[incident.pk, kept[1].pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_file_that_is_no_photo_pdf_or_word_is_refused_on_its_field(cast, client_for):
    incident = report(cast.laoshan_patroller)
    client = client_for(cast.laoshan_patroller)
    response = client.post(reverse("incidents:attach", args=[incident.pk]),
                           {"file": SimpleUploadedFile("病毒.exe", b"MZ\x90\x00 not a document")})
    assert response.status_code == 422
    assert response.context["attachment_form"].errors["file"] == [
        "请附上照片（JPEG、PNG、WebP）、PDF 或 Word 文档（.docx）。"]
    assert not Attachment.objects.exists()


def test_another_districts_staff_can_neither_attach_nor_read(cast, client_for):
    incident = report(cast.laoshan_patroller)
    client_for(cast.laoshan_patroller).post(reverse("incidents:attach", args=[incident.pk]),
                                           {"file": word_follow_up()})
    kept = Attachment.objects.get()
    outsider = client_for(cast.shinan_admin)
    assert outsider.get(reverse("incidents:attachment",
                                args=[incident.pk, kept.pk])).status_code == 404
    assert outsider.post(reverse("incidents:attach", args=[incident.pk]),
                         {"file": word_follow_up()}).status_code == 404
    assert Attachment.objects.count() == 1
