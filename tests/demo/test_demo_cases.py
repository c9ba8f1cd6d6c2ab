"""The demo's publicity cases: one approved for public media, one waiting with internal consent."""

from __future__ import annotations

import pytest

from songnuan.cases import services
from songnuan.cases.models import Audience, Case, Status

# The small demo is loaded once for the package (tests/demo/conftest.py).
pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_has_an_approved_case_and_one_in_review(demo, db):
    assert set(Case.objects.values_list("status", flat=True)) == {Status.APPROVED,
                                                                  Status.IN_REVIEW}
    public = services.exportable(Case.objects.all(), Audience.PUBLIC).get()
    assert "某" in public.public_title
    assert public.person.name not in public.public_story
