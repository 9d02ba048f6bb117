"""Transport faults the mock server cannot produce, driven through ``httpx.MockTransport``."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from api_bodies import BORROWING_BODY, STATUS_BODY

from acom_tui.api import errors
from acom_tui.api.client import (
    Client,
    RetryPolicy,
    Timeouts,
    check_server_url,
    ssl_context_for,
)

Handler = Callable[[httpx.Request], httpx.Response]


def envelope(code: str, message: str = "msg", **details: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


class Recorder:
    """Collects what the client sent and the delays it asked for."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def make_client(
    recorder: Recorder,
    handler: Handler,
    *,
    url: str = "https://member.example.jp",
    retry: RetryPolicy | None = None,
    timeouts: Timeouts | None = None,
) -> Client:
    def record(request: httpx.Request) -> httpx.Response:
        request.read()
        recorder.requests.append(request)
        return handler(request)

    return Client(
        url,
        transport=httpx.MockTransport(record),
        sleep=recorder.sleep,
        rand=lambda: 0.5,
        retry=retry,
        timeouts=timeouts,
    )


def json_response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"X-Request-ID": "srv-1", **headers})


# --- connect errors ------------------------------------------------------------------------


async def test_connect_error_is_retried_with_backoff_then_succeeds() -> None:
    recorder = Recorder()
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return json_response(200, STATUS_BODY)

    async with make_client(recorder, handler) as client:
        status = await client.status()

    assert status.maintenance_now is False
    assert status.server_time.utcoffset() is not None
    assert len(recorder.requests) == 2
    # backoff(1) with rand 0.5: ceiling 0.5 -> 0.25 fixed + 0.125 random part.
    assert recorder.sleeps == [0.375]


async def test_connect_error_is_retried_even_for_login_then_gives_up() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.ConnectionFailed) as caught:
            await client.login("10000001", "4829")

    assert len(recorder.requests) == 3
    # Exponential: ceilings 0.5 then 1.0, each half fixed, half random (rand 0.5).
    assert recorder.sleeps == [0.375, 0.75]
    assert caught.value.request_id is not None
    assert caught.value.request_id.endswith("-3")
    ids = [r.headers["X-Request-ID"] for r in recorder.requests]
    assert len({i.rsplit("-", 1)[0] for i in ids}) == 1  # one call id, three attempts


async def test_login_is_not_retried_when_the_answer_is_lost() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.RequestTimeout):
            await client.login("10000001", "4829")
    logins = [r for r in recorder.requests if r.method == "POST"]
    assert len(logins) == 1
    # The login may have opened a session: the client abandons that attempt instead
    # (test_client_login_abandon.py), and only that request is retried.
    abandons = [r for r in recorder.requests if r.method == "DELETE"]
    assert abandons
    assert {r.url.path for r in abandons} == {"/v1/sessions/attempt"}
    assert {r.headers["Login-Attempt"] for r in abandons} == {logins[0].headers["Login-Attempt"]}


# --- money movements and idempotency -------------------------------------------------------


class FakeLedger:
    """A server that commits a borrowing and then loses the answer, like a dropped response."""

    def __init__(self, lose_answers: int) -> None:
        self.lose_answers = lose_answers
        self.borrowings: dict[str, dict[str, Any]] = {}
        self.keys_seen: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = request.headers["Idempotency-Key"]
        self.keys_seen.append(key)
        replayed = key in self.borrowings
        if not replayed:
            self.borrowings[key] = json.loads(request.content)
        if self.lose_answers > 0:
            self.lose_answers -= 1
            raise httpx.ReadTimeout("timed out", request=request)
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return json_response(201, BORROWING_BODY, **headers)


async def test_read_timeout_after_commit_retries_with_the_same_key_and_borrows_once() -> None:
    recorder = Recorder()
    ledger = FakeLedger(lose_answers=1)
    async with make_client(recorder, ledger) as client:
        key = client.new_idempotency_key()
        borrowing = await client.borrow(10_000, idempotency_key=key)

    assert borrowing.amount == 10_000
    assert borrowing.principal_after == 130_000
    assert ledger.keys_seen == [key, key]
    assert ledger.borrowings == {key: {"amount": 10_000}}
    assert len(recorder.sleeps) == 1


async def test_user_retry_after_exhausted_attempts_reuses_the_key_and_borrows_once() -> None:
    recorder = Recorder()
    ledger = FakeLedger(lose_answers=3)
    async with make_client(recorder, ledger) as client:
        key = client.new_idempotency_key()
        with pytest.raises(errors.RequestTimeout) as caught:
            await client.borrow(10_000, idempotency_key=key)
        assert "same key" in caught.value.message
        # The user presses "retry": the UI passes the key of the same action again.
        borrowing = await client.borrow(10_000, idempotency_key=key)

    assert borrowing.id == "b-1"
    assert ledger.keys_seen == [key] * 4
    assert len(ledger.borrowings) == 1


async def test_each_user_action_gets_a_new_key() -> None:
    recorder = Recorder()
    ledger = FakeLedger(lose_answers=0)
    async with make_client(recorder, ledger) as client:
        await client.borrow(10_000, idempotency_key=client.new_idempotency_key())
        await client.borrow(10_000, idempotency_key=client.new_idempotency_key())
    assert len(set(ledger.keys_seen)) == 2
    assert len(ledger.borrowings) == 2


async def test_repayment_carries_the_key_and_is_retried_on_a_dropped_connection() -> None:
    recorder = Recorder()
    repayment = {
        "id": "r-1",
        "amount": 5_000,
        "bank_code": "0036",
        "created_at": "2026-12-02T10:00:00+09:00",
        "late_interest": 0,
        "interest": 1_200,
        "principal": 3_800,
        "principal_after": 116_200,
        "next_due_date": "2027-01-06",
        "minimum_payment": 16_000,
    }
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.RemoteProtocolError("server disconnected", request=request)
        return json_response(201, repayment)

    async with make_client(recorder, handler) as client:
        result = await client.repay(5_000, "0036", idempotency_key="action-42")

    assert result.principal == 3_800
    assert [r.headers["Idempotency-Key"] for r in recorder.requests] == ["action-42"] * 2
    assert [json.loads(r.content) for r in recorder.requests] == [
        {"amount": 5_000, "bank_code": "0036"}
    ] * 2


@pytest.mark.parametrize("key", ["", "x" * 256, "キー", "a\nb"])
async def test_a_bad_idempotency_key_is_refused_before_sending(key: str) -> None:
    recorder = Recorder()
    async with make_client(recorder, FakeLedger(0)) as client:
        with pytest.raises(ValueError, match="idempotency key"):
            await client.borrow(10_000, idempotency_key=key)
    assert recorder.requests == []


async def test_money_movement_is_not_retried_on_a_business_refusal() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(422, envelope("LIMIT_EXCEEDED", "over the available amount"))

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.LimitExceeded) as caught:
            await client.borrow(900_000, idempotency_key="k-1")
    assert len(recorder.requests) == 1
    assert caught.value.status == 422
    assert caught.value.request_id == "srv-1"


# --- 5xx on reads --------------------------------------------------------------------------


async def test_503_with_retry_after_on_a_get_waits_as_told_then_succeeds() -> None:
    recorder = Recorder()
    answers = [
        json_response(503, envelope("SERVICE_UNAVAILABLE", "busy"), **{"Retry-After": "2"}),
        json_response(200, STATUS_BODY),
    ]

    async with make_client(recorder, lambda request: answers.pop(0)) as client:
        status = await client.status()

    assert status.next_maintenance is not None
    assert recorder.sleeps == [2.0]
    assert len(recorder.requests) == 2


async def test_maintenance_is_raised_at_once_with_its_end() -> None:
    recorder = Recorder()
    body = envelope(
        "MAINTENANCE",
        "under maintenance",
        kind="weekly",
        starts_at="2026-12-07T01:00:00+09:00",
        ends_at="2026-12-07T05:00:00+09:00",
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(503, body, **{"Retry-After": "3600"})

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.Maintenance) as caught:
            await client.account()

    assert len(recorder.requests) == 1
    assert recorder.sleeps == []
    error = caught.value
    assert error.retry_after == 3600.0
    assert error.ends_at is not None
    assert error.ends_at.isoformat() == "2026-12-07T05:00:00+09:00"


async def test_retry_after_above_the_cap_is_not_waited_for() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(503, envelope("SERVICE_UNAVAILABLE"), **{"Retry-After": "120"})

    async with make_client(recorder, handler, retry=RetryPolicy(retry_after_cap=30)) as client:
        with pytest.raises(errors.ServiceUnavailable) as caught:
            await client.status()
    assert len(recorder.requests) == 1
    assert caught.value.retry_after == 120.0


async def test_bad_gateway_is_retried_a_bounded_number_of_times() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(502, envelope("BAD_GATEWAY"))

    async with make_client(recorder, handler, retry=RetryPolicy(max_attempts=4)) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.banks()
    assert type(caught.value) is errors.ServerError
    assert len(recorder.requests) == 4
    assert recorder.sleeps == [0.375, 0.75, 1.5]


async def test_a_post_without_a_key_is_not_retried_on_503() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(503, envelope("SERVICE_UNAVAILABLE"), **{"Retry-After": "1"})

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.ServiceUnavailable):
            await client.login("10000001", "4829")
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (401, "SESSION_EXPIRED", errors.SessionExpired),
        (404, "NOT_FOUND", errors.NotFound),
        (429, "RATE_LIMITED", errors.RateLimited),
        (409, "IDEMPOTENCY_IN_PROGRESS", errors.IdempotencyInProgress),
    ],
)
async def test_4xx_is_never_retried(status: int, code: str, cls: type[errors.ApiError]) -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(status, envelope(code), **{"Retry-After": "1"})

    async with make_client(recorder, handler) as client:
        with pytest.raises(cls):
            await client.account()
    assert len(recorder.requests) == 1
    assert recorder.sleeps == []


# --- responses that are not ours -----------------------------------------------------------

PROXY_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


async def test_a_proxy_html_error_page_becomes_unexpected_response() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text=PROXY_PAGE, headers={"Content-Type": "text/html"})

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.UnexpectedResponse) as caught:
            await client.status()
    error = caught.value
    assert error.status == 502
    assert error.content_type == "text/html"
    assert "HTTP 502" in error.message
    assert "not an API error" in error.message
    assert len(recorder.requests) == 3  # a 502 on a read is retried even without our envelope


async def test_an_html_page_with_status_200_is_not_taken_for_data() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>Wi-Fi login</html>", headers={"X-Request-ID": "p"})

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.UnexpectedResponse) as caught:
            await client.status()
    assert caught.value.status == 200
    assert "does not match Status" in caught.value.message
    assert caught.value.request_id == "p"


async def test_truncated_json_becomes_unexpected_response() -> None:
    recorder = Recorder()
    truncated = json.dumps(STATUS_BODY)[:40]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=truncated, headers={"Content-Type": "application/json"})

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.UnexpectedResponse) as caught:
            await client.status()
    assert "does not match Status" in caught.value.message
    assert caught.value.__cause__ is None  # no pydantic traceback attached


async def test_truncated_error_envelope_becomes_unexpected_response() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(423, text='{"error": {"code": "ACCOUNT_LO')

    async with make_client(recorder, handler) as client:
        with pytest.raises(errors.UnexpectedResponse) as caught:
            await client.login("10000001", "4829")
    assert caught.value.status == 423
    assert caught.value.request_id is not None  # our own id, since the server sent none


async def test_a_response_with_the_wrong_shape_names_the_field_not_the_value() -> None:
    recorder = Recorder()
    body = {
        "token": "secret-token-value",
        "expires_at": "not a time",
        "absolute_expires_at": "2026-12-02T22:00:00+09:00",
        "idle_timeout_s": 900,
        "member_number": "10000001",
    }

    async with make_client(recorder, lambda r: json_response(201, body)) as client:
        with pytest.raises(errors.UnexpectedResponse) as caught:
            await client.login("10000001", "4829")
    assert "expires_at" in caught.value.message
    assert "secret-token-value" not in caught.value.message
    assert "not a time" not in caught.value.message
    assert not client.logged_in


# --- transport security --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://member.example.jp", "http://192.168.1.10:8080", "http://10.0.0.1"]
)
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(errors.InsecureURLError, match="https"):
        Client(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.4.5.6",
        "http://localhost:8080",
        "http://LOCALHOST",
        "http://[::1]:8080",
        "https://member.example.jp",
    ],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert check_server_url(url).host in url.lower()


def test_plain_http_elsewhere_needs_an_explicit_opt_in() -> None:
    assert check_server_url("http://demo.lan:8080", allow_insecure_http=True).port == 8080


@pytest.mark.parametrize("url", ["ftp://member.example.jp", "member.example.jp", "https://"])
def test_a_url_that_is_not_http_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="server URL"):
        check_server_url(url)


@pytest.mark.parametrize("url", ["https://member.example.jp", "http://127.0.0.1:8080"])
def test_a_missing_ca_bundle_fails_loudly(tmp_path: Any, url: str) -> None:
    # Verification cannot be turned off; a wrong bundle path is an error, not "no checks".
    with pytest.raises(FileNotFoundError):
        Client(url, ca_bundle=tmp_path / "missing.pem")


def test_tls_is_always_verified_and_a_plain_http_client_trusts_nobody() -> None:
    """A plain-http client never opens TLS (base URL only, no redirects): it does not load
    the system's CA certificates (1.7 MiB a process), and TLS would fail closed."""
    for url in ("https://member.example.jp", "http://127.0.0.1:8080"):
        context = ssl_context_for(httpx.URL(url))
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname
    assert ssl_context_for(httpx.URL("http://127.0.0.1:8080")).cert_store_stats()["x509_ca"] == 0


# --- what is sent --------------------------------------------------------------------------


async def test_login_sends_the_real_pin_and_keeps_the_token_private() -> None:
    recorder = Recorder()
    body = {
        "token": "tok-0123456789abcdef",
        "expires_at": "2026-12-02T10:15:00+09:00",
        "absolute_expires_at": "2026-12-02T22:00:00+09:00",
        "idle_timeout_s": 900,
        "member_number": "10000001",
    }

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/sessions":
            return json_response(201, body)
        return json_response(200, STATUS_BODY)

    async with make_client(recorder, handler) as client:
        await client.login("10000001", "4829")
        await client.status()
        text = repr(client)

    sent = json.loads(recorder.requests[0].content)
    assert sent == {"member_number": "10000001", "pin": "4829"}
    assert "Authorization" not in recorder.requests[0].headers
    assert recorder.requests[1].headers["Authorization"] == "Bearer tok-0123456789abcdef"
    assert "tok-0123456789abcdef" not in text
    assert "logged in" in text


async def test_an_expired_session_forgets_the_token() -> None:
    recorder = Recorder()
    answers = [
        json_response(
            201,
            {
                "token": "t1",
                "expires_at": "2026-12-02T10:15:00+09:00",
                "absolute_expires_at": "2026-12-02T22:00:00+09:00",
                "idle_timeout_s": 900,
                "member_number": "10000001",
            },
        ),
        json_response(401, envelope("SESSION_EXPIRED", reason="idle_timeout")),
        json_response(200, STATUS_BODY),
    ]
    async with make_client(recorder, lambda request: answers.pop(0)) as client:
        await client.login("10000001", "4829")
        with pytest.raises(errors.SessionExpired):
            await client.account()
        assert not client.logged_in
        await client.status()
    assert "Authorization" not in recorder.requests[2].headers


async def test_timeouts_follow_the_kind_of_call() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/me/borrowings":
            return json_response(201, BORROWING_BODY)
        return json_response(200, STATUS_BODY)

    timeouts = Timeouts(connect=2, quick=7, money=31, upload=99)
    async with make_client(recorder, handler, timeouts=timeouts) as client:
        await client.status()
        await client.borrow(10_000, idempotency_key="k")

    quick, money = (r.extensions["timeout"] for r in recorder.requests)
    assert quick == {"connect": 2, "read": 7, "write": 7, "pool": 7}
    assert money == {"connect": 2, "read": 31, "write": 31, "pool": 31}


async def test_statement_filters_are_sent_as_the_contract_names_them() -> None:
    recorder = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return json_response(200, {"items": [], "next_cursor": None})

    async with make_client(recorder, handler) as client:
        page = await client.statements(
            kind="loan", date_from=date(2026, 1, 1), date_to=date(2026, 6, 30), limit=50
        )
    assert page.items == []
    params = dict(recorder.requests[0].url.params)
    assert params == {"kind": "loan", "from": "2026-01-01", "to": "2026-06-30", "limit": "50"}


async def test_an_id_cannot_walk_to_another_endpoint() -> None:
    recorder = Recorder()
    async with make_client(recorder, lambda r: json_response(200, {})) as client:
        with pytest.raises(ValueError, match="not a valid id"):
            await client.statement("../account")
    assert recorder.requests == []


async def test_upload_reports_progress_and_sends_multipart() -> None:
    recorder = Recorder()
    data = b"%PDF-1.7\n" + b"x" * 200_000
    document = {
        "id": "d-1",
        "kind": "withholding_slip",
        "filename": "源泉徴収票.pdf",
        "content_type": "application/pdf",
        "size": len(data),
        "uploaded_at": "2026-12-02T10:00:00+09:00",
        "status": "received",
        "status_updated_at": "2026-12-02T10:00:00+09:00",
    }
    progress: list[tuple[int, int]] = []

    async with make_client(recorder, lambda r: json_response(201, document)) as client:
        result = await client.upload_document(
            "withholding_slip",
            "源泉徴収票.pdf",
            data,
            progress=lambda sent, total: progress.append((sent, total)),
        )

    assert result.size == len(data)
    request = recorder.requests[0]
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert int(request.headers["Content-Length"]) == len(request.content)
    assert b'name="kind"\r\n\r\nwithholding_slip\r\n' in request.content
    assert b"Content-Type: application/pdf" in request.content
    assert data in request.content
    total = len(request.content)
    assert progress[0] == (0, total)
    assert progress[-1] == (total, total)
    assert [sent for sent, _ in progress] == sorted(sent for sent, _ in progress)
    assert request.extensions["timeout"]["read"] == Timeouts().upload


async def test_an_oversized_document_is_refused_before_uploading() -> None:
    recorder = Recorder()
    async with make_client(recorder, lambda r: json_response(201, {})) as client:
        with pytest.raises(errors.DocumentTooLarge):
            await client.upload_document(
                "pay_slip", "big.png", b"\x89PNG\r\n\x1a\n" + bytes(10 * 2**20)
            )
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("10000", "amount: Input should be a valid integer"),
        (True, "amount: Input should be a valid integer"),
    ],
)
async def test_a_wrongly_typed_amount_fails_locally_like_the_server(
    amount: object, message: str
) -> None:
    recorder = Recorder()
    async with make_client(recorder, FakeLedger(0)) as client:
        with pytest.raises(errors.ValidationFailed) as caught:
            await client.borrow(amount, idempotency_key="k")  # type: ignore[arg-type]
    assert recorder.requests == []
    assert caught.value.field == "amount"
    assert caught.value.message == message
    assert caught.value.status is None
    assert "10000" not in str(caught.value)


async def test_an_expired_answer_does_not_drop_a_newer_session() -> None:
    session = {
        "expires_at": "2026-12-02T10:15:00+09:00",
        "absolute_expires_at": "2026-12-02T22:00:00+09:00",
        "idle_timeout_s": 900,
        "member_number": "10000001",
    }
    tokens = iter(["t1", "t2"])

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/sessions":
            return json_response(201, {"token": next(tokens), **session})
        # While the old session's request is out, the user logs in again.
        await client.login("10000001", "4829")
        return json_response(401, envelope("SESSION_EXPIRED", reason="idle_timeout"))

    client = Client("https://member.example.jp", transport=httpx.MockTransport(handler))
    async with client:
        await client.login("10000001", "4829")
        with pytest.raises(errors.SessionExpired):
            await client.account()
        assert client.logged_in  # the new session survives
