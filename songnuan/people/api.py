"""Staff API for person files: the same scoping and sensitive-data rules as the pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router

from songnuan.accounts.api_auth import staff_auth
from songnuan.accounts.roles import SENSITIVE
from songnuan.people import services
from songnuan.people.models import Person, Status
from songnuan.people.schemas import PersonOut, PersonPatch, TimelineOut
from songnuan.people.timeline import timeline_for
from songnuan.refusals import Refused

router = Router(tags=["people"], auth=staff_auth)


def _out(person: Person, user) -> dict:
    data = PersonOut.from_orm(person).dict()  # id_number and id_region are None here
    if user.has_perm(SENSITIVE):
        services.record_sensitive_read(person, user, services.sensitive_fields_present(person))
        data["id_number"] = person.id_number() if person.has_id_number else ""
        data["id_region"] = person.id_region()
        data["birth_date"] = person.born_on()
    return data


@router.get("/people", response=list[PersonOut])
def list_people(request: HttpRequest, q: str = "", limit: int = 50):
    people = services.live(Person.objects.restrict(request.user, "view"))
    if q:
        found = services.find_by_id_number(q, people)
        people = people.filter(pk=found.pk) if found else people.filter(name__icontains=q)
    return list(people[:min(max(limit, 1), 200)])


@router.get("/people/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int):
    person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=person_id)
    return _out(person, request.user)


@router.patch("/people/{person_id}", response=PersonOut)
def patch_person(request: HttpRequest, person_id: int, payload: PersonPatch):
    person = get_object_or_404(
        Person.objects.restrict(request.user, "change").filter(merged_into__isnull=True),
        pk=person_id)
    changes = payload.dict(exclude_unset=True)
    id_number = changes.pop("id_number", None) or ""
    if id_number and not request.user.has_perm(SENSITIVE):
        raise Refused(_("Needs the sensitive-data permission."), field="id_number")
    if "status" in changes and changes["status"] not in Status.values:
        raise Refused(_("Unknown status."), field="status")
    for field, value in changes.items():
        if value is not None:
            setattr(person, field, value)
    services.save_person(person, id_number=id_number, by=request.user)
    return _out(person, request.user)


@router.get("/people/{person_id}/timeline", response=list[TimelineOut])
def person_timeline(request: HttpRequest, person_id: int):
    person = get_object_or_404(Person.objects.restrict(request.user, "view"), pk=person_id)
    sensitive = request.user.has_perm(SENSITIVE)
    return [{"at": e.at, "kind": e.kind, "title": str(e.title),
             "detail": str(e.detail) if sensitive or not e.sensitive else "", "url": e.url}
            for e in timeline_for(person)]
