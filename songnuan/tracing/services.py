"""Tracing workflows: reports, cases and their deadlines, comparisons, candidates, announcements.

Each public function is one user action in one transaction; rule breaks raise
`songnuan.refusals.Refused` (`Conflict` when the state of things is at fault).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.linkage import Index, Parameters
from songnuan.linkage.tables import FITTED_PARAMETERS
from songnuan.notify.services import send_sms
from songnuan.people.models import Person
from songnuan.refusals import Conflict, Refused
from songnuan.tracing import records, workdays
from songnuan.tracing.models import (
    Announcement,
    CandidateReview,
    CaseStatus,
    CaseStep,
    ComparisonKind,
    ComparisonRequest,
    ComparisonStatus,
    Decision,
    MissingReport,
    PhoneCode,
    Ranking,
    ReportStatus,
    StepKind,
    TracingCase,
)

CODE_MAX_ATTEMPTS = 5
CODE_RESEND_SECONDS = 60
PHONE_DIGITS = 11
# A comparison still waiting this long after its case was opened is queued again.
RANKING_RETRY_AFTER = datetime.timedelta(minutes=10)


def user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# --- Cases ---------------------------------------------------------------------------------

def needs_tracing(person: Person) -> bool:
    """Identity is unknown: no name and no ID number on file (the people app's own rule)."""
    return person.is_unidentified


def open_case_for_stay(stay: Any, now: datetime.datetime | None = None) -> TracingCase | None:
    """Open a case when a person of unknown identity is admitted (called on admission), or move
    their live case to this stay; either waits for its comparison with the open reports."""
    person = stay.person
    if not needs_tracing(person):
        return None
    live = TracingCase.objects.filter(person=person).exclude(
        status__in=(CaseStatus.IDENTIFIED, CaseStatus.CLOSED)).first()
    if live is not None:
        live.stay, live.site, live.ranking = stay, stay.site, Ranking.WAITING
        live.save(update_fields=["stay", "site", "ranking"])
        return live
    case = TracingCase.objects.create(person=person, stay=stay, site=stay.site,
                                      opened_at=stay.admitted_at, ranking=Ranking.WAITING)
    schedule_steps(case)
    return case


def schedule_steps(case: TracingCase, calendar: workdays.WorkCalendar | None = None) -> None:
    calendar = calendar or workdays.load_calendar()
    for due in workdays.case_deadlines(case.opened_at, calendar):
        CaseStep.objects.update_or_create(case=case, kind=due.kind, defaults={
            "due_at": due.due_at, "calendar_gap": due.calendar_gap})


@transaction.atomic
def complete_step(step: CaseStep, *, by: Any, note: str = "",
                  now: datetime.datetime | None = None) -> CaseStep:
    if step.done_at is None:
        step.done_at = now or timezone.now()
        step.note = note.strip()[:200]
        step.save()
    return step


def overdue_steps(steps: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """Steps past their due time, of live cases (for dashboards and the duty leader)."""
    return steps.filter(done_at__isnull=True, due_at__lt=now or timezone.now(),
                        case__status__in=(CaseStatus.OPEN, CaseStatus.STRANDED,
                                          CaseStatus.SETTLEMENT)).select_related("case")


def advance_cases(now: datetime.datetime | None = None) -> int:
    """Move cases past 10 days to stranded and past 3 months to settlement (periodic job)."""
    now = now or timezone.now()
    moved = 0
    for kind, status, before in (
        (StepKind.STRANDED, CaseStatus.STRANDED, (CaseStatus.OPEN,)),
        (StepKind.SETTLEMENT, CaseStatus.SETTLEMENT, (CaseStatus.OPEN, CaseStatus.STRANDED)),
    ):
        cases = TracingCase.objects.filter(status__in=before, steps__kind=kind,
                                           steps__due_at__lte=now)
        moved += cases.update(status=status)
    return moved


def eligible_officers(case: TracingCase) -> QuerySet:
    """Active tracing officers who work on the case's district: its own and the city's."""
    from songnuan.accounts.models import User
    from songnuan.accounts.roles import Role

    return User.objects.filter(
        Q(district=case.site.district_id) | Q(district__isnull=True),
        role=Role.TRACING_OFFICER, is_active=True).order_by("last_name", "first_name", "pk")


@transaction.atomic
def assign_officer(case: TracingCase, officer: Any) -> TracingCase:
    """Make `officer` (None: nobody) responsible for the case; the change is audited."""
    case = TracingCase.objects.select_for_update().get(pk=case.pk)
    if not case.is_live:
        raise Conflict(_("This case is closed."))
    if officer is not None and not eligible_officers(case).filter(pk=officer.pk).exists():
        raise Refused(_("Choose an active tracing officer of this case's district or of the "
                        "city."), field="officer")
    case.officer = officer
    case.save(update_fields=["officer"])
    return case


def alert_overdue_steps(now: datetime.datetime | None = None) -> int:
    """Tell the district's leader on duty and the case officer (or, for a case nobody holds,
    the district's tracing officers), once per overdue step."""
    from songnuan.accounts.models import User
    from songnuan.accounts.roles import Role
    from songnuan.duty.models import Severity, Topic
    from songnuan.duty.services import alert

    now = now or timezone.now()
    steps = overdue_steps(CaseStep.objects.all(), now).select_related(
        "case__site__district", "case__person", "case__officer")
    officers: dict[int, list] = {}
    sent = 0
    for step in steps:
        district = step.case.site.district
        if district.pk not in officers:
            officers[district.pk] = list(User.objects.filter(
                role=Role.TRACING_OFFICER, district=district, is_active=True))
        also = [step.case.officer] if step.case.officer else officers[district.pk]
        text = _("%(case)s: “%(step)s” was due %(due)s.") % {
            "case": step.case, "step": step.get_kind_display(),
            "due": f"{timezone.localtime(step.due_at):%m-%d %H:%M}"}
        created = alert(district, topic=Topic.TRACING_OVERDUE, text=text,
                        url=step.case.get_absolute_url(), key=f"tracing-step:{step.pk}",
                        severity=Severity.WARNING, also=also, at=now)
        sent += bool(created)
    return sent


SETTLEMENT_CHECKLIST = (
    ("police_confirmation", "Police confirm no identity found (DNA and fingerprint results)"),
    ("announcement_period", "Announcement published for the full period without response"),
    ("household_registration", "Household registration (落户) application to the police"),
    ("placement", "Long-term placement chosen (welfare institution or care home)"),
    ("civil_affairs_approval", "Civil-affairs bureau approval"),
)


@transaction.atomic
def tick_settlement_item(case: TracingCase, item: str, *, done: bool, by: Any) -> TracingCase:
    if case.status != CaseStatus.SETTLEMENT:
        raise Conflict(_("The settlement path opens three months after admission."))
    if item not in dict(SETTLEMENT_CHECKLIST):
        raise Refused(_("Unknown checklist item."))
    checklist = dict(case.settlement_checklist)
    checklist[item] = timezone.now().isoformat() if done else ""
    case.settlement_checklist = checklist
    case.save()
    return case


# --- Missing-person reports ----------------------------------------------------------------

def _reference(day: datetime.date) -> str:
    return f"XR{day:%Y%m%d}{secrets.randbelow(10_000):04d}"


@transaction.atomic
def file_report(report: MissingReport, *, by: Any = None) -> MissingReport:
    """Save a new report and rank it against the live cases (one record against the store)."""
    report.reference = report.reference or new_reference()
    report.created_by = user_or_none(by)
    report.full_clean()
    report.save()
    rank_against_live_cases([report])
    return report


def new_reference() -> str:
    while True:
        reference = _reference(timezone.localdate())
        if not MissingReport.objects.filter(reference=reference).exists():
            return reference


def rank_against_live_cases(reports: list[MissingReport]) -> None:
    """New reports join the candidates of every case still looking for a family."""
    for case in live_cases():
        rank_candidates(case, reports=reports)


def live_cases() -> QuerySet:
    return TracingCase.objects.filter(status__in=(
        CaseStatus.OPEN, CaseStatus.STRANDED, CaseStatus.SETTLEMENT)).select_related("person")


# --- One-time codes ------------------------------------------------------------------------

def normalize_phone(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits.startswith("86") and len(digits) == PHONE_DIGITS + 2:
        digits = digits[2:]
    if len(digits) != PHONE_DIGITS or not digits.startswith("1"):
        raise Refused(_("An 11-digit mobile number starting with 1, please."), field="phone")
    return digits


def _hash(phone: str, code: str) -> str:
    key = (settings.SECRET_KEY or "songnuan").encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def send_code(raw_phone: str, now: datetime.datetime | None = None) -> str:
    """Text a six-digit code to the phone; returns the normalized number."""
    now = now or timezone.now()
    phone = normalize_phone(raw_phone)
    recent = PhoneCode.objects.filter(
        phone=phone, sent_at__gt=now - datetime.timedelta(seconds=CODE_RESEND_SECONDS))
    if recent.exists():
        raise Refused(_("A code was just sent: wait a minute before asking again."),
                      field="phone")
    code = f"{secrets.randbelow(1_000_000):06d}"
    PhoneCode.objects.create(phone=phone, code_hash=_hash(phone, code), sent_at=now,
                             expires_at=now + datetime.timedelta(
                                 minutes=settings.TRACING_CODE_MINUTES))
    send_sms(phone, _("Your Songnuan verification code is %(code)s, valid %(minutes)s minutes.")
             % {"code": code, "minutes": settings.TRACING_CODE_MINUTES}, "tracing_code")
    return phone


def check_code(raw_phone: str, code: str, now: datetime.datetime | None = None) -> str:
    """Use up a valid code for the phone, or raise; returns the normalized number.

    Not one transaction on purpose: a wrong guess must count even though the call fails.
    """
    now = now or timezone.now()
    phone = normalize_phone(raw_phone)
    sent = PhoneCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).first()
    wrong = Refused(_("The code is wrong or has expired: ask for a new one."), field="code")
    if sent is None or sent.attempts >= CODE_MAX_ATTEMPTS:
        raise wrong
    if not hmac.compare_digest(sent.code_hash, _hash(phone, code.strip())):
        PhoneCode.objects.filter(pk=sent.pk).update(attempts=F("attempts") + 1)
        raise wrong
    if not PhoneCode.objects.filter(pk=sent.pk, used_at__isnull=True).update(used_at=now):
        raise wrong
    return phone


# --- Candidates ----------------------------------------------------------------------------

def linkage_parameters() -> Parameters:
    """The parameters fitted on Chinese records (shipped), unless a deployment brings its own."""
    return _load_parameters(settings.TRACING_LINKAGE_PARAMS or str(FITTED_PARAMETERS))


def duplicate_parameters() -> Parameters:
    """For person-file duplicates: a deployment's own parameters, else the engine's priors.

    The shipped ones are fitted for ranking reports against a found person, where a shared full
    name is strong evidence; between files staff enter they would suggest namesakes of the
    other sex.
    """
    if settings.TRACING_LINKAGE_PARAMS:
        return _load_parameters(settings.TRACING_LINKAGE_PARAMS)
    return Parameters.default()


@functools.cache
def _load_parameters(path: str) -> Parameters:
    return Parameters.load(path)


def open_reports() -> QuerySet:
    return MissingReport.objects.filter(status=ReportStatus.OPEN)


@transaction.atomic
def rank_candidates(case: TracingCase, reports: Iterable[MissingReport] | None = None,
                    k: int | None = None) -> list[CandidateReview]:
    """Query the person against the open reports (an engine `Index`); keep the top k for review.

    Decisions already taken are kept; a pending suggestion's score is refreshed.
    """
    k = k or settings.TRACING_CANDIDATES
    pool = {f"R{r.pk}": r for r in (open_reports() if reports is None else reports)}
    if reports is None:
        _ranked(case, Ranking.DONE)
    if not pool:
        return []
    # The prior spreads over every open report even when only new ones are being ranked.
    index = Index(linkage_parameters().for_pool(max(len(pool), open_reports().count())),
                  (records.report_record(r) for r in pool.values()))
    matches = index.query(records.person_record(case.person, timezone.localdate()), k=k)
    kept = []
    for match in matches:
        report = pool[match.right_id]
        review, created = CandidateReview.objects.get_or_create(
            case=case, report=report, defaults={
                "score": match.score, "explanation": [list(e) for e in match.explanation]})
        if not created and review.decision == Decision.PENDING:
            review.score = match.score
            review.explanation = [list(e) for e in match.explanation]
            review.save()
        kept.append(review)
    return kept


def _ranked(case: TracingCase, ranking: str) -> None:
    case.ranking, case.ranked_at = ranking, timezone.now()
    TracingCase.objects.filter(pk=case.pk).update(ranking=case.ranking, ranked_at=case.ranked_at)


def ranking_failed(case: TracingCase) -> None:
    """Say on the case that its comparison failed; `retry_rankings` tries it again."""
    _ranked(case, Ranking.FAILED)


def rankings_to_retry(now: datetime.datetime | None = None) -> QuerySet:
    """Live cases whose comparison failed, or still waits RANKING_RETRY_AFTER after the case
    was last saved (its job was lost with a worker or a database)."""
    cutoff = (now or timezone.now()) - RANKING_RETRY_AFTER
    waiting = Q(ranking=Ranking.WAITING) & (Q(ranked_at__lt=cutoff) | Q(
        ranked_at__isnull=True, opened_at__lt=cutoff))
    return live_cases().filter(Q(ranking=Ranking.FAILED) | waiting)


@transaction.atomic
def decide(review: CandidateReview, *, decision: str, reason: str, by: Any,
           now: datetime.datetime | None = None) -> CandidateReview:
    """An officer confirms or rejects a candidate, always with a reason."""
    now = now or timezone.now()
    if decision not in (Decision.CONFIRMED, Decision.REJECTED):
        raise Refused(_("Confirm or reject."), field="decision")
    if not reason.strip():
        raise Refused(_("Give the reason for the decision."), field="reason")
    review = CandidateReview.objects.select_for_update().select_related("case", "report").get(
        pk=review.pk)
    case = review.case
    if decision == Decision.CONFIRMED and not case.is_live:
        raise Conflict(_("This case is already identified or closed."))
    review.decision, review.reason = decision, reason.strip()[:200]
    review.decided_at, review.decided_by = now, user_or_none(by)
    review.save()
    if decision == Decision.CONFIRMED:
        case.status, case.matched_report = CaseStatus.IDENTIFIED, review.report
        case.save()
        report = review.report
        report.status = ReportStatus.FOUND
        report.save()
        take_down(case, reason=_("Identified: family found"), now=now)
    return review


# --- Announcements -------------------------------------------------------------------------

SEX_WORDS = {"M": "男", "F": "女"}


def announcement_text(case: TracingCase, found_place: str, contact: str) -> tuple[str, str]:
    """The usual 寻亲公告 wording: what the person looks like, where and when found, who to call."""
    person = case.person
    found_on = timezone.localdate(case.opened_at)
    age = person.age_on(found_on)
    parts = [f"性别：{SEX_WORDS.get(person.sex, '不详')}",
             f"估计年龄：{age}岁左右" if age is not None else "估计年龄：不详",
             f"身高：约{person.height_cm}厘米" if person.height_cm else "身高：不详"]
    if person.marks:
        parts.append(f"体貌特征：{person.marks}")
    if person.dialect:
        parts.append(f"口音：{person.dialect}")
    title = f"寻亲公告（{found_on:%Y年%m月%d日}，{found_place or '青岛市'}）"
    text = (f"{found_on.year}年{found_on.month}月{found_on.day}日，"
            f"我站在{found_place or '青岛市'}救助一名身份不明人员。"
            + "；".join(parts) + "。"
            "因其无法提供准确身份信息，现发布寻亲公告，请其亲属或知情者与我站联系。"
            f"联系方式：{contact}。")
    return title, text


@transaction.atomic
def publish_announcement(case: TracingCase, *, found_place: str, by: Any,
                         contact: str = "", now: datetime.datetime | None = None) -> Announcement:
    now = now or timezone.now()
    if not case.is_live:
        raise Conflict(_("This case is already identified or closed."))
    contact = contact.strip() or settings.TRACING_STATION_CONTACT
    found_place = found_place.strip()
    title, text = announcement_text(case, found_place, contact)
    person = case.person
    photo = person.photos.order_by("-taken_at").first() if hasattr(person, "photos") else None
    announcement, _created = Announcement.objects.update_or_create(case=case, defaults={
        "title": title, "text": text, "sex": person.sex,
        "age_estimate": person.age_on(timezone.localdate(case.opened_at)),
        "height_cm": person.height_cm, "features": person.marks, "found_place": found_place,
        "found_on": timezone.localdate(case.opened_at), "contact": contact,
        "photo": photo.image.name if photo else "", "published_at": now,
        "taken_down_at": None, "taken_down_reason": ""})
    case.found_place = found_place
    case.save()
    step = case.steps.filter(kind=StepKind.ANNOUNCEMENT).first()
    if step is not None:
        complete_step(step, by=by, note=_("Announcement published"), now=now)
    return announcement


def take_down(case: TracingCase, *, reason: str, now: datetime.datetime | None = None) -> None:
    Announcement.objects.filter(case=case, taken_down_at__isnull=True).update(
        taken_down_at=now or timezone.now(), taken_down_reason=reason[:200])


def public_announcements(query: str = "") -> QuerySet:
    rows = Announcement.objects.filter(taken_down_at__isnull=True)
    for word in query.split()[:5]:
        rows = rows.filter(text__icontains=word)
    return rows


# --- Police comparisons --------------------------------------------------------------------

STEP_OF_COMPARISON = {ComparisonKind.FINGERPRINT: StepKind.BIOMETRICS,
                      ComparisonKind.FACE: StepKind.BIOMETRICS,
                      ComparisonKind.DNA: StepKind.DNA_REQUEST}


@transaction.atomic
def request_comparison(case: TracingCase, *, kind: str, liaison: Any, message: str, by: Any,
                       now: datetime.datetime | None = None) -> ComparisonRequest:
    from songnuan.accounts.roles import Role

    now = now or timezone.now()
    if kind not in ComparisonKind.values:
        raise Refused(_("Choose fingerprint, face or DNA."), field="kind")
    if getattr(liaison, "role", None) != Role.POLICE_LIAISON or not liaison.is_active:
        raise Refused(_("Send the request to an active police liaison."), field="liaison")
    request = ComparisonRequest.objects.create(case=case, kind=kind, liaison=liaison,
                                               message=message.strip(), sent_at=now,
                                               sent_by=user_or_none(by))
    step = case.steps.filter(kind=STEP_OF_COMPARISON[kind]).first()
    if step is not None:
        complete_step(step, by=by, note=str(request.get_kind_display()), now=now)
    return request


@transaction.atomic
def acknowledge(request: ComparisonRequest, *, by: Any,
                now: datetime.datetime | None = None) -> ComparisonRequest:
    if request.status == ComparisonStatus.SENT:
        request.status = ComparisonStatus.ACKNOWLEDGED
        request.acknowledged_at = now or timezone.now()
        request.save()
    return request


@dataclass
class ComparisonResult:
    matched: bool
    identity: str = ""
    notes: str = ""
    evidence: Any = None


@transaction.atomic
def record_result(request: ComparisonRequest, result: ComparisonResult, *, by: Any,
                  now: datetime.datetime | None = None) -> ComparisonRequest:
    now = now or timezone.now()
    if request.status in (ComparisonStatus.MATCHED, ComparisonStatus.NO_MATCH):
        raise Conflict(_("The result of this request is already recorded."))
    if result.matched and not result.identity.strip():
        raise Refused(_("Whose identity did the comparison find?"), field="identity")
    if result.evidence is None and not request.evidence:
        raise Refused(_("Attach the comparison report."), field="evidence")
    request.status = ComparisonStatus.MATCHED if result.matched else ComparisonStatus.NO_MATCH
    request.matched_identity = result.identity.strip()[:200]
    request.result_notes = result.notes.strip()
    request.acknowledged_at = request.acknowledged_at or now
    request.result_at = now
    if result.evidence is not None:
        request.evidence = result.evidence
    request.save()
    return request


# --- Outcomes ------------------------------------------------------------------------------

@transaction.atomic
def discharge_home(case: TracingCase, data: Any, *, by: Any,
                   now: datetime.datetime | None = None) -> TracingCase:
    """Reunion: the shelter's discharge home, then the case closes."""
    from songnuan.shelter.discharge import discharge
    from songnuan.shelter.models import Outcome, StayStatus

    case = TracingCase.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.status != CaseStatus.IDENTIFIED:
        raise Conflict(_("Confirm the family's report before discharging home."))
    data.outcome = Outcome.RETURNED_HOME
    stay = case.stay
    if stay is not None and stay.status == StayStatus.OPEN:
        discharge(stay, data, by=by, now=now)
    case.status, case.closed_at = CaseStatus.CLOSED, now or timezone.now()
    case.save()
    take_down(case, reason=_("Reunited with the family"), now=now)
    return case
