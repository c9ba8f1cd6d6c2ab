"""有奖征集: a code-confirmed claim, per-phone limits, a district manager's approval, one reward
per incident, payouts in the district's ledger."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from songnuan.leads import rewards, services
from songnuan.leads.models import (
    ClaimStatus,
    LeadStatus,
    Outcome,
    Payout,
    RewardClaim,
    RewardRule,
)
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


def duplicated(cast):
    """Two reports of the same man at the same underpass: the second merged into the first."""
    first = report(reporter_phone="13911110001")
    second = report(lat=SHINAN_STATION_SQUARE[0] + 0.0003, reporter_phone="13911110002")
    assert second.duplicate_of == first
    services.set_status(first, LeadStatus.RESOLVED, by=cast.city_admin,
                        outcome=Outcome.HELPED_TO_SITE)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def test_the_reward_belongs_to_the_first_reporter_not_a_later_one(cast, rules):
    first, second = duplicated(cast)
    assert "最先" in rewards.why_not_eligible(second)
    with pytest.raises(Refused, match="最先"):
        rewards.start_claim(second)
    assert rewards.why_not_eligible(first) is None
    assert claimed(first).status == ClaimStatus.AWAITING_APPROVAL


def test_the_first_reporter_overtakes_a_later_reporter_who_claimed_first(cast, rules):
    first, second = duplicated(cast)
    # The later report was claimed before intake linked it to the first one.
    early = RewardClaim.objects.create(incident=first, lead=second, district=first.district,
                                       phone=second.reporter_phone, rule=RewardRule.objects.get(
                                           outcome=Outcome.HELPED_TO_SITE), amount_yuan=50,
                                       status=ClaimStatus.AWAITING_APPROVAL)
    assert rewards.why_not_eligible(first) is None
    claim = claimed(first)
    early.refresh_from_db()
    assert claim.phone == first.reporter_phone and claim.status == ClaimStatus.AWAITING_APPROVAL
    assert early.status == ClaimStatus.REJECTED and "最先" in early.decision_note


def test_an_approved_later_claim_is_not_taken_back(cast, rules):
    first, second = duplicated(cast)
    RewardClaim.objects.create(incident=first, lead=second, district=first.district,
                               phone=second.reporter_phone, rule=RewardRule.objects.get(
                                   outcome=Outcome.HELPED_TO_SITE), amount_yuan=50,
                               status=ClaimStatus.APPROVED)
    assert "已被申领" in rewards.why_not_eligible(first)
    with pytest.raises(Refused):
        rewards.start_claim(first)


def test_an_incident_pays_once(cast, rules):
    first, _second = duplicated(cast)
    claimed(first)
    assert RewardClaim.objects.filter(incident=first).count() == 1
    assert rewards.start_claim(first).status == ClaimStatus.AWAITING_APPROVAL


def test_a_staff_phone_is_not_paid_and_the_right_passes_to_the_next_reporter(cast, rules):
    cast.shinan_dispatcher.phone = "+86 139-1111-0001"
    cast.shinan_dispatcher.save()
    first, second = duplicated(cast)
    assert "工作人员" in rewards.why_not_eligible(first)
    assert rewards.why_not_eligible(second) is None


def test_squad_and_partner_phones_are_not_paid(cast, rules):
    from songnuan.accounts.models import Organisation
    from tests.outreach.factories import make_squad

    squad = make_squad()
    squad.phone = "13911110001"
    squad.save()
    first, _second = duplicated(cast)
    assert "救助分队" in rewards.why_not_eligible(first)
    squad.phone = ""
    squad.save()
    Organisation.objects.create(name="青岛公交集团", kind="partner", phone="13911110001")
    assert "合作单位" in rewards.why_not_eligible(first)


def test_claims_from_one_device_by_two_phones_are_held_for_review(cast, rules):
    spots = [(36.0648 + 0.01 * i, 120.3135) for i in range(2)]
    one = rewards.start_claim(helped(cast, phone="13911110001", where=spots[0]),
                              device="abc", address="223.104.5.17")
    one = rewards.confirm_claim(one, last_code("13911110001"))
    assert one.hold_reason == ""
    two = rewards.start_claim(helped(cast, phone="13911110002", where=spots[1]),
                              device="abc", address="117.136.8.40")
    two = rewards.confirm_claim(two, last_code("13911110002"))
    assert "设备" in two.hold_reason
    with pytest.raises(Refused, match="核查"):
        rewards.approve(two, by=cast.city_admin)
    assert rewards.approve(two, by=cast.city_admin,
                           note="电话核实为两位不同的环卫工").status == ClaimStatus.APPROVED


def test_claims_from_one_address_block_are_held_but_other_blocks_are_not(cast, rules):
    spots = [(36.0648 + 0.01 * i, 120.3135) for i in range(3)]
    one = rewards.start_claim(helped(cast, phone="13911110001", where=spots[0]),
                              device="a", address="223.104.5.17")
    rewards.confirm_claim(one, last_code("13911110001"))
    far = rewards.start_claim(helped(cast, phone="13911110003", where=spots[2]),
                              device="c", address="117.136.8.40")
    assert rewards.confirm_claim(far, last_code("13911110003")).hold_reason == ""
    near = rewards.start_claim(helped(cast, phone="13911110002", where=spots[1]),
                               device="b", address="223.104.5.200")
    assert "网络地址" in rewards.confirm_claim(near, last_code("13911110002")).hold_reason


def test_the_manager_sees_why_a_claim_is_held(cast, rules, client):
    claim = rewards.confirm_claim(rewards.start_claim(helped(cast)), last_code())
    claim.hold_reason = "另一手机号曾从同一设备申领奖励。"
    claim.save()
    client.force_login(cast.shinan_admin)
    page = client.get("/leads/rewards/").content.decode()
    assert 'data-testid="held"' in page and "同一设备" in page


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


def test_a_refused_decision_or_payment_comes_back_with_what_was_typed(cast, rules, client):
    claim = claimed(helped(cast))
    client.force_login(cast.shinan_admin)
    response = client.post(f"/leads/rewards/{claim.pk}/decide/", {"decision": "reject",
                                                                   "note": ""})
    assert response.status_code == 422  # a rejection needs its reason
    assert "errorlist" in response.content.decode()
    rewards.approve(claim, by=cast.shinan_admin, note="")
    response = client.post(f"/leads/rewards/{claim.pk}/pay/",
                           {"method": "bank", "reference": "WX" + "9" * 120})
    assert response.status_code == 422
    assert 'value="WX' + "9" * 120 + '"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
