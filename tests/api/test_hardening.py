"""Issue 13 over HTTP: PATCH changes only what is sent, OPTIONS on API paths, the documented 400."""

from __future__ import annotations

import httpx


def test_patch_changes_only_the_fields_sent(api):  # type: ignore[no-untyped-def]
    course = {"code": "K-PATCH-01", "name": "Bồi dưỡng thử PATCH", "course_type": "cap_nhat_kien_thuc", "hours": 8}
    assert api.call("admin", "POST", "/courses", json=course).status_code == 201
    code = api.cadres["same_unit"]
    assert api.call("hr", "POST", f"/cadres/{code}/enrollments", json={"course_code": "K-PATCH-01"}).status_code == 201
    path = f"/cadres/{code}/enrollments/K-PATCH-01"
    done = {"status": "completed", "completed_on": "2025-08-20", "certificate_number": "P-0001", "hours_earned": 8}
    assert api.call("hr", "PATCH", path, json=done).status_code == 200
    r = api.call("hr", "PATCH", path, json={"hours_earned": 6})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["certificate_number"] == "P-0001" and body["status"] == "completed"
    assert body["completed_on"] == "2025-08-20" and body["hours_earned"] == 6
    cleared = api.call("hr", "PATCH", path, json={"certificate_number": None}).json()
    assert cleared["certificate_number"] is None and cleared["hours_earned"] == 6
    assert api.call("hr", "PATCH", path, json={}).status_code == 400
    assert api.call("hr", "PATCH", path, json={"status": None}).status_code == 400


def test_options_on_api_paths_is_not_405(api):  # type: ignore[no-untyped-def]
    for path in ("/auth/login", "/ask", "/admin/index/rebuild", "/cadres/DEMO-0001/enrollments"):
        r = api.call("anonymous", "OPTIONS", path)
        assert r.status_code == 204, (path, r.status_code, r.text)
        assert "POST" in r.headers["allow"]
    assert "GET" in api.call("anonymous", "OPTIONS", "/documents").headers["allow"]


def test_invalid_json_is_a_documented_400(api):  # type: ignore[no-untyped-def]
    r = api.call("anonymous", "POST", "/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
    spec = httpx.get(f"{api.base}/openapi.json").json()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("post", "put", "patch") and "requestBody" in op:
                content = op["requestBody"].get("content", {})
                if "application/json" in content:
                    assert "400" in op["responses"], f"{method.upper()} {path} does not document 400"
