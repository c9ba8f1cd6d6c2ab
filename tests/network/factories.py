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
