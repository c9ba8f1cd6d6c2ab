"""Every status an operation can answer is in the OpenAPI document, with the one error shape."""

from __future__ import annotations

import json

from django.test import Client

from songnuan.accounts.services import issue_token
from songnuan.network.models import Site


def operations(client) -> dict:
    schema = client.get("/api/v1/openapi.json").json()
    return {(method.upper(), path): operation for path, methods in schema["paths"].items()
            for method, operation in methods.items()}


def test_every_staff_operation_documents_401_and_403_and_every_body_415(db, client):
    for (method, path), operation in operations(client).items():
        statuses = set(operation["responses"])
        assert "400" in statuses, (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= statuses, (method, path)
        if "requestBody" in operation:
            assert {"415", "422"} <= statuses, (method, path)
        if "{" in path:
            assert "404" in statuses, (method, path)


def test_a_user_without_the_permission_to_add_sites_gets_a_403_in_the_error_shape(cast):
    client = Client(headers={"Authorization": f"Bearer {issue_token(cast.shinan_viewer)}"})
    response = client.post("/api/v1/sites", json.dumps({
        "name": "不该有的站", "level": "relief", "lat": 36.07, "lon": 120.39}),
        content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"] and response.json()["errors"] == []
    assert not Site.objects.filter(name="不该有的站").exists()


def test_a_refusal_in_the_shelter_api_is_in_the_callers_language(cast):
    client = Client(headers={"Authorization": f"Bearer {issue_token(cast.shinan_viewer)}",
                             "Accept-Language": "zh-hans"})
    response = client.post("/api/v1/shelter/arrivals", json.dumps({
        "site_id": cast.shinan_substation.pk, "description": "一位老人"}),
        content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"] == "您无权执行此操作。"


def test_a_time_with_an_offset_past_what_postgresql_stores_is_answered(cast):
    client = Client(headers={"Authorization": f"Bearer {issue_token(cast.city_admin)}"})
    response = client.get("/api/v1/weather/protocol", {"at": "2026-12-31T07:32:21+16:11"})
    assert response.status_code == 200
