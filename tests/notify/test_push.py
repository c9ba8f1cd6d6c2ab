"""Web Push: subscriptions from the phone page, notifications sent by the worker to the browser's
push service (signed with VAPID, encrypted as aes128gcm), and a text message when no phone says
it showed the notification in time."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from songnuan.management.commands.worker import send_push_notifications
from songnuan.notify import push, vapid
from songnuan.notify.models import Outbox, PushMessage, PushStatus, PushSubscription
from tests.fake_push import FakePushService

PHONE = "13953212345"


@pytest.fixture
def push_service():
    service = FakePushService().start()
    yield service
    service.stop()


@pytest.fixture(autouse=True)
def _keys(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    vapid.keys.cache_clear()
    yield
    vapid.keys.cache_clear()


def subscribe(user, service, name="phone"):
    info = service.subscription(name)
    return push.subscribe(user, info["endpoint"], info["keys"]["p256dh"], info["keys"]["auth"])


def notify(user, **fields):
    fields = {"title": "新任务：青岛站东广场", "body": "2人，躺在地上", "url": "/outreach/tasks/7/",
              "purpose": "task_assigned", "reference": "task:7", "fallback_phone": PHONE,
              "fallback_text": "寒冬送暖：新任务", **fields}
    return push.push_to(user, **fields)


def test_the_worker_sends_a_signed_encrypted_push_to_every_phone_of_the_user(cast, push_service):
    patroller = cast.shinan_patroller
    subscribe(patroller, push_service, "phone")
    subscribe(patroller, push_service, "tablet")
    message = notify(patroller)

    assert push.deliver_due_pushes() == 1

    assert sorted(r.path for r in push_service.received) == ["/push/phone", "/push/tablet"]
    for received in push_service.received:
        assert received.headers["content-encoding"] == "aes128gcm"
        claims = push_service.vapid_claims(received, vapid.keys().public_key)
        assert claims["aud"] == f"http://127.0.0.1:{push_service.server.server_port}"
        assert claims["sub"].startswith("mailto:")
        body = push_service.decrypt(received)
        assert body == {"title": "新任务：青岛站东广场", "body": "2人，躺在地上",
                        "url": "/outreach/tasks/7/", "tag": "task:7", "token": message.token}
    message.refresh_from_db()
    assert message.status == PushStatus.SENT and message.sent_at is not None
    assert all(s.last_success_at for s in PushSubscription.objects.all())


def test_the_key_pair_is_generated_once_and_kept(settings):
    first = vapid.keys()
    vapid.keys.cache_clear()
    assert vapid.keys() == first
    assert json.loads((settings.VAR_DIR / "vapid.json").read_text())["public_key"] == \
        first.public_key


def test_keys_from_the_environment_win_over_the_file(settings):
    pair = vapid.generate()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = pair.public_key, pair.private_key
    vapid.keys.cache_clear()
    assert vapid.keys() == pair
    assert not (settings.VAR_DIR / "vapid.json").exists()


def test_a_subscription_the_push_service_has_dropped_is_forgotten(cast, push_service):
    push_service.status = 410
    subscribe(cast.shinan_patroller, push_service)
    message = notify(cast.shinan_patroller)

    push.deliver_due_pushes()

    assert not PushSubscription.objects.exists()
    message.refresh_from_db()
    assert message.status == PushStatus.FAILED


def test_a_push_nobody_acknowledged_in_time_is_followed_by_one_text_message(cast, push_service,
                                                                           settings):
    subscribe(cast.shinan_patroller, push_service)
    message = notify(cast.shinan_patroller)
    push.deliver_due_pushes()

    assert push.send_fallbacks() == 0  # the minute has not passed
    later = timezone.now() + datetime.timedelta(seconds=settings.PUSH_ACK_SECONDS + 1)
    assert push.send_fallbacks(later) == 1
    assert push.send_fallbacks(later) == 0

    text = Outbox.objects.get()
    assert (text.phone, text.text, text.reference) == (PHONE, "寒冬送暖：新任务", "task:7")
    message.refresh_from_db()
    assert message.fallback == text


def test_an_acknowledged_push_sends_no_text_message(cast, client, push_service, settings):
    subscribe(cast.shinan_patroller, push_service)
    message = notify(cast.shinan_patroller)
    push.deliver_due_pushes()

    # The service worker posts the token without a session or CSRF token.
    response = client.post(reverse("notify:push_ack"), {"token": message.token})

    assert response.status_code == 200
    later = timezone.now() + datetime.timedelta(seconds=settings.PUSH_ACK_SECONDS + 1)
    assert push.send_fallbacks(later) == 0
    message.refresh_from_db()
    assert message.status == PushStatus.ACKNOWLEDGED and message.acknowledged_at


def test_an_unknown_token_is_refused_in_the_api_error_shape(db, client):
    response = client.post(reverse("notify:push_ack"), {"token": "nonsense"})

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "token"


def test_a_user_without_a_subscribed_phone_gets_the_text_message_at_once(cast):
    notify(cast.shinan_patroller)

    push.deliver_due_pushes()

    assert push.send_fallbacks() == 1
    assert Outbox.objects.get().phone == PHONE


def test_a_withdrawn_push_sends_no_text_message(cast, settings):
    notify(cast.shinan_patroller)
    push.withdraw("task:7")
    push.deliver_due_pushes()

    later = timezone.now() + datetime.timedelta(seconds=settings.PUSH_ACK_SECONDS + 1)
    assert push.send_fallbacks(later) == 0


def test_the_phone_page_subscribes_and_unsubscribes(cast, client_for, push_service):
    client = client_for(cast.shinan_patroller)
    info = push_service.subscription("phone")

    response = client.post(reverse("notify:push_subscribe"), json.dumps(info),
                           content_type="application/json")

    assert response.status_code == 201
    subscription = PushSubscription.objects.get()
    assert subscription.user == cast.shinan_patroller
    assert subscription.info() == info
    response = client.post(reverse("notify:push_unsubscribe"),
                           json.dumps({"endpoint": info["endpoint"]}),
                           content_type="application/json")
    assert response.json() == {"ok": True}
    assert not PushSubscription.objects.exists()


def test_a_broken_subscription_is_refused_field_by_field(cast, client_for):
    client = client_for(cast.shinan_patroller)

    response = client.post(reverse("notify:push_subscribe"),
                           json.dumps({"endpoint": "not a url", "keys": {"auth": "@@"}}),
                           content_type="application/json")

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"endpoint", "p256dh", "auth"}
    assert not PushSubscription.objects.exists()


def test_only_a_signed_in_user_can_subscribe(db, client):
    response = client.post(reverse("notify:push_subscribe"), "{}",
                           content_type="application/json")
    assert response.status_code == 302


def test_the_service_worker_is_served_for_the_whole_site(db, client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert 'addEventListener("push"' in body and 'addEventListener("notificationclick"' in body
    assert reverse("notify:push_ack") in body


def test_the_manifest_names_the_app_and_its_local_icons(db, client):
    response = client.get("/manifest.webmanifest")

    data = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert data["name"] == "送暖冬季救助"
    assert [icon["sizes"] for icon in data["icons"]] == ["192x192", "512x512"]
    assert all(icon["src"].startswith("/static/") for icon in data["icons"])
    assert client.get(data["icons"][0]["src"]).status_code == 200


def test_pushes_are_sent_in_order_and_not_twice(cast, push_service):
    subscribe(cast.shinan_patroller, push_service)
    notify(cast.shinan_patroller, reference="task:1")
    notify(cast.shinan_patroller, reference="task:2")

    assert push.deliver_due_pushes() == 2
    assert push.deliver_due_pushes() == 0
    assert [push_service.decrypt(r)["tag"] for r in push_service.received] == ["task:1", "task:2"]
    assert PushMessage.objects.filter(status=PushStatus.SENT).count() == 2


def test_the_workers_push_courier_sends_then_texts_what_nobody_saw(cast, push_service,
                                                                   settings):
    settings.PUSH_ACK_SECONDS = 0
    subscribe(cast.shinan_patroller, push_service)
    notify(cast.shinan_patroller)

    assert send_push_notifications() is False  # nothing left over for an immediate rerun
    assert len(push_service.received) == 1
    assert Outbox.objects.get().phone == PHONE
