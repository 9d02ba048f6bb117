"""docs/openapi.json: current, and honest about every error an endpoint can answer."""

from __future__ import annotations

import difflib
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI

from mock_server.auth import current_member, current_staff, require_admin
from tests.mock_server.test_staff_access import ROUTES, depends_on

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
ENVELOPE_REF = "#/components/schemas/ErrorEnvelope"
ALWAYS_AVAILABLE = ("/v1/status", "/v1/admin/")
METHODS = ("get", "put", "post", "delete", "patch")


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_openapi", ROOT / "scripts" / "gen_openapi.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return dict(json.loads(_script().render()))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_committed_documents_are_current() -> None:
    script = _script()
    for path, generated in script.generate(DOCS).items():
        committed = path.read_text(encoding="utf-8") if path.exists() else ""
        if committed != generated:
            diff = difflib.unified_diff(
                committed.splitlines(), generated.splitlines(), "committed", "generated", n=1
            )
            shown = "\n".join(list(diff)[:40])
            pytest.fail(f"{path.name} is stale; regenerate it with: {script.COMMAND}\n{shown}")


def test_generation_is_deterministic(app: FastAPI) -> None:
    from mock_server.app import openapi_json

    # Another database, clock and admin token: the same document.
    assert openapi_json(app) == _script().render()


def test_the_script_checks_and_writes(tmp_path: Path) -> None:
    script = _script()
    (tmp_path / "api.md").write_text(
        f"# API\n\n{script.TABLE_START}\nold table\n{script.TABLE_END}\n\nprose\n",
        encoding="utf-8",
    )
    assert script.main(["--check", "--docs", str(tmp_path)]) == 1
    assert script.main(["--docs", str(tmp_path)]) == 0
    assert script.main(["--check", "--docs", str(tmp_path)]) == 0
    document = json.loads((tmp_path / "openapi.json").read_text(encoding="utf-8"))
    assert document["info"]["version"] == "1"
    markdown = (tmp_path / "api.md").read_text(encoding="utf-8")
    assert "old table" not in markdown
    assert markdown.endswith("\n\nprose\n")
    row = "| POST | `/v1/staff/members/{member_number}/unlock` | staff |"
    assert row in markdown
    assert "| DELETE | `/v1/sessions/current` | member |" in markdown
    assert "| GET | `/v1/status` | public |" in markdown


def test_no_fastapi_default_validation_schema(document: dict[str, Any]) -> None:
    text = json.dumps(document)
    assert "HTTPValidationError" not in text
    assert '"ValidationError"' not in text
    assert "#/components/schemas/ValidationError" not in text


def test_every_error_answer_is_the_envelope(document: dict[str, Any]) -> None:
    wrong = []
    for method, path, operation in operations(document):
        for status, answer in operation["responses"].items():
            if status.startswith(("2", "3")):
                continue
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") != ENVELOPE_REF:
                wrong.append(f"{method} {path} {status}")
    assert wrong == []


def test_the_envelope_is_the_spec_shape(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    envelope = schemas["ErrorEnvelope"]
    assert envelope["required"] == ["error"]
    body = schemas[envelope["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]
    assert set(body["properties"]) == {"code", "message", "details"}


def test_input_validation_is_documented(document: dict[str, Any]) -> None:
    missing = [
        f"{method} {path}"
        for method, path, operation in operations(document)
        if (operation.get("parameters") or operation.get("requestBody"))
        and "422" not in operation["responses"]
    ]
    assert missing == []


def test_maintenance_and_faults_are_documented(document: dict[str, Any]) -> None:
    missing = [
        f"{method} {path}"
        for method, path, operation in operations(document)
        if not path.startswith(ALWAYS_AVAILABLE) and "503" not in operation["responses"]
    ]
    assert missing == []
    status = document["paths"]["/v1/status"]["get"]["responses"]
    assert "503" not in status


def test_authentication_answers_are_documented(document: dict[str, Any]) -> None:
    missing = []
    for route in ROUTES:
        if depends_on(route.dependant, current_member) or depends_on(
            route.dependant, current_staff
        ):
            needed = {"401", "403"}
        elif depends_on(route.dependant, require_admin):
            needed = {"403"}
        else:
            continue
        for method in route.methods - {"HEAD"}:
            answers = document["paths"][route.path][method.lower()]["responses"]
            missing += [f"{method} {route.path} {s}" for s in sorted(needed - set(answers))]
    assert missing == []


def test_login_documents_every_spec_error(document: dict[str, Any]) -> None:
    answers = document["paths"]["/v1/sessions"]["post"]["responses"]
    assert {"201", "401", "403", "422", "423", "429", "503"} <= set(answers)


def test_staff_api_is_documented(document: dict[str, Any]) -> None:
    paths = document["paths"]
    unlock = paths["/v1/staff/members/{member_number}/unlock"]["post"]
    assert {"200", "401", "403", "404", "409", "422", "503"} <= set(unlock["responses"])
    body_ref = unlock["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref == "#/components/schemas/UnlockRequest"
    assert "get" in paths["/v1/staff/audit"]
    assert {"get", "put"} <= set(paths["/v1/admin/faults"])


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    refs: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    schemas = document["components"]["schemas"]
    unresolved = [ref for ref in refs if ref.rsplit("/", 1)[-1] not in schemas]
    assert refs and unresolved == []


def test_idempotency_key_is_required_where_the_server_requires_it(
    document: dict[str, Any],
) -> None:
    for path in ("/v1/me/borrowings", "/v1/me/repayments"):
        parameters = document["paths"][path]["post"]["parameters"]
        (key,) = [p for p in parameters if p["name"] == "Idempotency-Key"]
        assert key["in"] == "header"
        assert key["required"] is True
        assert key["schema"]["type"] == "string"
        assert "anyOf" not in key["schema"]
    quote = document["paths"]["/v1/me/repayments/quote"]["post"]
    assert all(p["name"] != "Idempotency-Key" for p in quote.get("parameters", []))


def test_front_door_and_body_guard_answers_are_documented(document: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in operations(document):
        needed = {"421"} | ({"413", "415", "422"} if method != "GET" else set())
        missing += [f"{method} {path} {s}" for s in sorted(needed - set(operation["responses"]))]
    assert missing == []
