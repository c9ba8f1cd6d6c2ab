"""A case from a 市南区 person file, at each stage of its life."""

from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from songnuan.cases import services
from songnuan.cases.models import Audience, Case, ConsentGiver, ConsentMethod
from songnuan.people.models import PersonPhoto
from tests.factories import SHINAN, district
from tests.people.factories import make_person

STORY = ("2025年1月8日夜，气温零下9度，队员在八大关桥洞发现王建国（身份证37020219560312401X），"
         "他说儿子的电话是13805321234。王建国同意去市南区救助管理分站过夜。")


def a_photo(colour: str = "gray") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 120), colour).save(out, "JPEG")
    return out.getvalue()


def a_person(cast, name: str = "王建国", code: str = SHINAN):
    site = cast.shinan_substation if code == SHINAN else cast.laoshan_substation
    person = make_person(name, district=district(code), site=site, current_site=site)
    PersonPhoto.objects.create(person=person, caption="入站照片",
                               image=ContentFile(a_photo(), name="p.jpg"))
    return person


def proposed(cast, person=None, *, by=None, story: str = STORY) -> Case:
    person = person or a_person(cast)
    return services.propose(person, services.Proposal(
        title="王建国的冬夜", story=story, photos=list(person.photos.all()), uploads=[]),
        by=by or cast.shinan_station)


def consented(case: Case, by, scope: str = Audience.PUBLIC) -> Case:
    services.record_consent(case, services.ConsentInput(
        given_by=ConsentGiver.PERSON, given_on=timezone.localdate() - datetime.timedelta(days=1),
        method=ConsentMethod.WRITTEN, scope=scope), by=by)
    return case


def approved(cast, scope: str = Audience.PUBLIC, person=None) -> Case:
    case = consented(proposed(cast, person), cast.shinan_station, scope)
    services.submit(case, by=cast.shinan_station)
    return services.review(case, approve=True, by=cast.shinan_admin)
