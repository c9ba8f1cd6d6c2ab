"""有奖征集: a code-confirmed claim, per-phone limits, a district manager's approval, one reward
per incident, payouts in the district's ledger."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from songnuan.leads import rewards, services
from songnuan.leads.models import ClaimStatus, LeadStatus, Outcome, Payout, RewardRule
from songnuan.notify.models import Outbox
from songnuan.refusals import Refused
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, report

PHONE = "13912345678"


@pytest.fixture
def rules(db):
    RewardRule.objects.create(outcome=Outcome.HELPED_TO_SITE, amount_yuan=Decimal("50"))
    RewardRule.objects.create(outcome=Outcome.HOSPITAL, amount_yuan=Decimal("100"))


def helped(cast, phone=PHONE, where=SHINAN_STATION_SQUARE, outcome=Outcome.HELPED_TO_SITE):
    lead = report(lat=where[0], lon=where[1], reporter_phone=phone)
    services.set_status(lead, LeadStatus.RESOLVED, by=cast.city_admin, outcome=outcome)
    lead.refresh_from_db()
    return lead


def last_code(phone=PHONE) -> str:
    text = Outbox.objects.filter(phone=phone, purpose="reward_code").latest("id").text
    return re.search(r"\d{6}", text).group()


def claimed(lead):
    claim = rewards.start_claim(lead)
    return rewards.confirm_claim(claim, last_code(lead.reporter_phone))


def test_a_code_sent_to_the_phone_confirms_the_claim(cast, rules):
    claim = rewards.start_claim(helped(cast))
    assert claim.status == ClaimStatus.AWAITING_CODE and claim.amount_yuan == 50
    assert last_code() not in claim.code_hash
    claim = rewards.confirm_claim(claim, last_code())
    assert claim.status == ClaimStatus.AWAITING_APPROVAL


def test_a_wrong_code_is_counted_and_enough_of_them_expire_the_claim(cast, rules, settings):
    claim = rewards.start_claim(helped(cast))
    for _ in range(settings.REWARD_CODE_MAX_ATTEMPTS):
        with pytest.raises(Refused):
            rewards.confirm_claim(claim, "000000" if last_code() != "000000" else "111111")
    claim.refresh_from_db()
    assert claim.code_attempts == settings.REWARD_CODE_MAX_ATTEMPTS
    with pytest.raises(Refused):
        rewards.confirm_claim(claim, last_code())
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.EXPIRED


def test_an_old_code_has_expired(cast, rules, settings):
    claim = rewards.start_claim(helped(cast))
    later = timezone.now() + datetime.timedelta(minutes=settings.REWARD_CODE_TTL_MINUTES + 1)
    with pytest.raises(Refused):
        rewards.confirm_claim(claim, last_code(), now=later)


def test_no_reward_without_a_rule_or_a_phone(cast, rules):
    not_found = helped(cast, outcome=Outcome.NOT_FOUND)
    assert "不在奖励范围内" in rewards.why_not_eligible(not_found)
    anonymous = report(lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1])
    assert rewards.why_not_eligible(anonymous)


def test_an_incident_pays_once_even_when_several_people_reported_it(cast, rules):
    first = report(reporter_phone="13911110001")
    second = report(lat=SHINAN_STATION_SQUARE[0] + 0.0003, reporter_phone="13911110002")
    assert second.duplicate_of == first
    services.set_status(first, LeadStatus.RESOLVED, by=cast.city_admin,
                        outcome=Outcome.HELPED_TO_SITE)
    second.refresh_from_db()
    claimed(second)
    first.refresh_from_db()
    assert "已被申领" in rewards.why_not_eligible(first)
    with pytest.raises(Refused):
        rewards.start_claim(first)


def test_a_phone_is_limited_per_period_in_number_and_amount(cast, rules, settings):
    settings.REWARD_MAX_CLAIMS_PER_PHONE = 2
    spots = [(36.0648 + 0.01 * i, 120.3135) for i in range(3)]
    claimed(helped(cast, where=spots[0]))
    claimed(helped(cast, where=spots[1]))
    with pytest.raises(Refused, match="上限"):
        rewards.start_claim(helped(cast, where=spots[2]))
    settings.REWARD_MAX_CLAIMS_PER_PHONE = 10
    settings.REWARD_MAX_YUAN_PER_PHONE = 150
    with pytest.raises(Refused, match="上限"):
        rewards.start_claim(helped(cast, where=spots[2], outcome=Outcome.HOSPITAL))


def test_only_a_manager_of_the_district_approves(cast, rules):
    claim = claimed(helped(cast))
    for outsider in (cast.shinan_dispatcher, cast.laoshan_admin):
        with pytest.raises(Refused):
            rewards.approve(claim, by=outsider)
    claim = rewards.approve(claim, by=cast.shinan_admin)
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by == cast.shinan_admin
    assert Outbox.objects.filter(phone=PHONE, purpose="reward_decision").exists()


def test_a_rejection_needs_a_reason_and_frees_the_incident(cast, rules):
    claim = claimed(helped(cast))
    with pytest.raises(Refused):
        rewards.reject(claim, by=cast.shinan_admin, reason="")
    rewards.reject(claim, by=cast.shinan_admin, reason="与现场记录不符")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED


def test_a_payout_goes_into_the_districts_ledger(cast, rules, client):
    claim = rewards.approve(claimed(helped(cast)), by=cast.shinan_admin)
    with pytest.raises(Refused):
        rewards.record_payout(claim, by=cast.shinan_admin, method="wechat", reference=" ")
    rewards.record_payout(claim, by=cast.shinan_admin, method="wechat", reference="WX2026001")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID and Payout.objects.get().amount_yuan == 50
    with pytest.raises(Refused):
        rewards.record_payout(claim, by=cast.shinan_admin, method="cash", reference="again")
    client.force_login(cast.shinan_admin)
    ledger = client.get("/leads/rewards/ledger.csv").content.decode("utf-8-sig")
    assert "WX2026001" in ledger and "市南区" in ledger and "50.00" in ledger
    client.force_login(cast.laoshan_admin)
    assert "WX2026001" not in client.get("/leads/rewards/ledger.csv").content.decode()
    client.force_login(cast.shinan_dispatcher)
    assert client.get("/leads/rewards/ledger.csv").status_code == 403


def test_the_reporter_claims_on_the_status_page(cast, rules, client):
    lead = helped(cast)
    page = client.get(f"/report/{lead.tracking_code}/").content.decode()
    assert f"/report/{lead.tracking_code}/reward/" in page
    client.post(f"/report/{lead.tracking_code}/reward/")
    client.post(f"/report/{lead.tracking_code}/reward/confirm/", {"code": last_code()})
    assert lead.reward_claims.get().status == ClaimStatus.AWAITING_APPROVAL


def test_the_manager_approves_on_the_rewards_page(cast, rules, client):
    claim = claimed(helped(cast))
    client.force_login(cast.shinan_admin)
    assert claim.lead.tracking_code in client.get("/leads/rewards/").content.decode()
    client.post(f"/leads/rewards/{claim.pk}/decide/", {"decision": "approve", "note": ""})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    client.post(f"/leads/rewards/{claim.pk}/pay/", {"method": "bank", "reference": "B-1"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
