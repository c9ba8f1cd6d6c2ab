"""Messages a partner city's deployment sends: the bodies, and posting them signed."""

from __future__ import annotations

import json

from songnuan.network import partners

URL = "/api/v1/partners/messages"
HARBIN, CHANGCHUN = "230100", "220100"
SHARED = "长春与本市共享的密钥"
PARTNER_SECRETS = f"{CHANGCHUN}:{SHARED}, 210100:another"


def family_search(message_id: str = "CC-2026-0042", **report_changes) -> dict:
    report = {"name": "王桂兰", "sex": "F", "birth_year": 1948,
              "last_seen_place": "长春站北广场", "last_seen_on": "2026-12-01",
              "description": "灰色棉袄，说话带山东口音，有轻度认知障碍",
              "contact_name": "王建国", "contact_phone": "13904310042"}
    report.update(report_changes)
    return {"message_id": message_id, "to_city": "370200", "kind": "family_search",
            "sent_at": "2026-12-05T20:15:00+08:00", "report": report}


def post_signed(client, body: dict, city: str = CHANGCHUN, secret: str | None = None,
                at: float | None = None, raw: bytes | None = None):
    secret = SHARED if secret is None else secret
    data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
    headers = partners.signed_headers(city, secret, data, at)
    return client.post(URL, data, content_type="application/json", headers=headers)


def envelope(kind: str, field: str, content: dict, message_id: str = "CC-2026-0101") -> dict:
    return {"message_id": message_id, "to_city": "370200", "kind": kind,
            "sent_at": "2026-12-05T20:15:00+08:00", field: content}


def escort_handover(message_id: str = "CC-2026-0101", **changes) -> dict:
    handover = {"person_name": "刘德顺", "sex": "M", "age": 63,
                "id_number": "370212196303150012", "escort_name": "赵明",
                "escort_phone": "13604310077", "arrives_at": "2026-12-08T14:30:00+08:00",
                "receiving_place": "青岛站出站口", "notes": "糖尿病，随身带胰岛素"}
    handover.update(changes)
    return envelope("escort_handover", "handover", handover, message_id)


def announcement(message_id: str = "CC-2026-0102", **changes) -> dict:
    found = {"text": "2026年12月3日在长春站候车室发现一名男子，自称姓李，口齿不清。",
             "found_on": "2026-12-03", "found_place": "长春站候车室", "sex": "M",
             "age_estimate": 55, "height_cm": 168, "dialect": "胶东口音",
             "features": "右手背有烫伤疤痕", "contact": "长春市救助管理站 0431-12345"}
    found.update(changes)
    return envelope("announcement", "announcement", found, message_id)


def person_moved(message_id: str = "CC-2026-0103", **changes) -> dict:
    sighting = {"name": "老孙", "description": "六十岁左右，拄拐，军绿色大衣",
                "sex": "M", "age_estimate": 60, "last_seen_place": "长春长途汽车站",
                "last_seen_at": "2026-12-04T07:10:00+08:00", "heading_to": "青岛站一带",
                "contact": "长春外展队 13500000000"}
    sighting.update(changes)
    return envelope("person_moved", "sighting", sighting, message_id)
