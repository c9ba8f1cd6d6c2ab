"""What a dispatcher who knew the night in advance could have done: the schedule search."""

from __future__ import annotations

from songnuan.drill.foresight import Someone, reached_within

QINGDAO_STATION = (36.0652, 120.3143)  # 市南区
LICUN = (36.1570, 120.4330)  # 李沧区, about 15 km away: some 50 minutes' drive
HOUR = 3600


def _reached(people, bases, minutes=30):
    return reached_within(tuple(people), tuple(bases), (minutes,), speed_kmh=25,
                          time_limit_s=0)[minutes]


def test_a_squad_drives_ahead_and_waits_where_someone_is_about_to_be_reported():
    here = Someone(1, *QINGDAO_STATION, reported_s=0, gone_s=12 * HOUR, service_s=20 * 60)
    # Reported two hours later and 50 minutes away: the squad is there already, waiting.
    later = Someone(2, *LICUN, reported_s=2 * HOUR, gone_s=12 * HOUR, service_s=20 * 60)
    assert _reached([here, later], [QINGDAO_STATION]) == 2


def test_one_squad_cannot_be_in_two_places_at_once():
    here = Someone(1, *QINGDAO_STATION, reported_s=0, gone_s=12 * HOUR, service_s=20 * 60)
    there = Someone(2, *LICUN, reported_s=0, gone_s=12 * HOUR, service_s=20 * 60)
    assert _reached([here, there], [QINGDAO_STATION]) == 1
    assert _reached([here, there], [QINGDAO_STATION, LICUN]) == 2
    # Within an hour and a half, one squad gets to both: the second 20 + 50 minutes later.
    assert _reached([here, there], [QINGDAO_STATION], minutes=90) == 2


def test_someone_gone_before_a_squad_could_get_there_is_not_reached():
    brief = Someone(1, *LICUN, reported_s=0, gone_s=20 * 60, service_s=20 * 60)
    assert _reached([brief], [QINGDAO_STATION], minutes=120) == 0
    assert _reached([brief], [LICUN]) == 1


def test_a_longer_target_never_reaches_fewer():
    people = tuple(Someone(n, 36.0652 + n * 0.01, 120.3143 + (n % 3) * 0.02, reported_s=n * 300,
                           gone_s=12 * HOUR, service_s=25 * 60) for n in range(12))
    found = reached_within(people, (QINGDAO_STATION,), (30, 60, 90), speed_kmh=25,
                           time_limit_s=0)
    assert found[30] <= found[60] <= found[90]
    assert found[90] > found[30]


def test_no_squads_or_nobody_reported_reaches_nobody():
    here = Someone(1, *QINGDAO_STATION, reported_s=0, gone_s=HOUR, service_s=60)
    assert _reached([here], []) == 0
    assert _reached([], [QINGDAO_STATION]) == 0
