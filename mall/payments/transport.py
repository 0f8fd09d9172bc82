"""How calls to the payment gateway travel, and how they are retried.

One urllib3 ``Retry`` policy (:func:`retry_policy`) says what is retried: after the first attempt,
``retries`` more on timeouts, connection errors and 5xx answers, for every method (each create call
carries an idempotency key, so sending it again is safe), pausing ``backoff``, then twice, four
times as long …; a ``Retry-After`` header is not waited for.

For an outside gateway the policy is mounted on a requests ``HTTPAdapter`` (:class:`GatewayAdapter`)
and urllib3 retries inside its connection pool. Two kinds of transport never reach that pool: the
in-process sandbox (:class:`WsgiAdapter`), and a stand-in that answers in the adapter's place (a
mocked gateway). What they raise, or (the sandbox) answer, is counted against the same policy by
:func:`send_with_retry`, so every transport retries alike.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry
from werkzeug.test import Client, TestResponse

#: Requests' own default: no retries.
NO_RETRIES = Retry(0, read=False)


class GatewayRetry(Retry):
    """The policy's pauses: ``backoff`` before the second attempt, doubling before each next one
    (urllib3's own formula skips the first pause)."""

    def get_backoff_time(self) -> float:
        failures = len(self.history)
        return float(self.backoff_factor * 2 ** (failures - 1)) if failures else 0.0


def retry_policy(retries: int, backoff: float) -> Retry:
    """``retries`` more attempts after the first on timeouts, connection errors and 5xx answers."""
    return GatewayRetry(
        total=retries,
        allowed_methods=None,
        status_forcelist=range(500, 600),
        backoff_factor=backoff,
        respect_retry_after_header=False,
        raise_on_status=False,
    )


def send_with_retry(
    send: Callable[[], requests.Response],
    request: requests.PreparedRequest,
    retry: Retry,
    statuses: bool,
) -> requests.Response:
    """``send()`` until ``retry`` says stop. A timeout or connection error that urllib3 has
    retried already (it comes wrapping a ``MaxRetryError``) is raised at once; one it never saw
    is counted against ``retry``. With ``statuses``, 5xx answers are counted too (for a transport
    that has no urllib3 pool to retry them); the last answer is returned when ``retry`` is spent."""
    method, url = request.method or "GET", request.url or ""
    while True:
        try:
            response = send()
        except (requests.ConnectionError, requests.Timeout) as exc:
            if exc.args and isinstance(exc.args[0], MaxRetryError):
                raise
            try:
                retry = retry.increment(method, url, error=exc)
            except MaxRetryError:
                raise exc from None
        else:
            if not (statuses and retry.is_retry(method, response.status_code)):
                return response
            try:
                retry = retry.increment(method, url)
            except MaxRetryError:
                return response
            response.close()
        retry.sleep()


class GatewayAdapter(HTTPAdapter):
    """The outside gateway's adapter: urllib3 retries with ``max_retries`` (the policy) inside its
    pool; an error raised without reaching the pool is retried with the same policy."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        return send_with_retry(
            lambda: super(GatewayAdapter, self).send(request, **kwargs),
            request,
            self.max_retries,
            statuses=False,
        )


def retrying_session(retries: int, backoff: float) -> requests.Session:
    """A requests session that retries every HTTP(S) call with :func:`retry_policy`."""
    http = requests.Session()
    adapter = GatewayAdapter(max_retries=retry_policy(retries, backoff))
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    return http


# ---------------------------------------------------------------- in-process transport


def call_in_process(
    app: Flask, method: str, path: str, headers: Mapping[str, str], body: bytes, query: str = ""
) -> TestResponse:
    """One HTTP request to ``app`` without a network, as from outside: in a fresh application
    context, so it shares nothing (user, unit of work) with the request that makes it."""
    with app.app_context():
        return Client(app).open(
            path=path,
            query_string=query,
            method=method,
            headers=dict(headers),
            data=body,
            base_url="http://sandbox-gateway.internal",
        )


class WsgiAdapter(BaseAdapter):
    """Sends a ``requests`` request to a WSGI application in this process (the sandbox), retrying
    with ``max_retries`` as an ``HTTPAdapter`` would."""

    def __init__(self, app: Flask, max_retries: Retry = NO_RETRIES) -> None:
        super().__init__()
        self.app = app
        self.max_retries = max_retries

    def send(self, request: requests.PreparedRequest, **_: Any) -> requests.Response:  # type: ignore[override]
        return send_with_retry(
            lambda: self._send_once(request), request, self.max_retries, statuses=True
        )

    def _send_once(self, request: requests.PreparedRequest) -> requests.Response:
        parts = urlsplit(request.url or "")
        body = request.body
        if isinstance(body, str):
            body = body.encode()
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        result = call_in_process(
            self.app, request.method or "GET", parts.path, headers, body or b"", parts.query
        )
        response = requests.Response()
        response.status_code = result.status_code
        response.headers = CaseInsensitiveDict(dict(result.headers))
        response.raw = io.BytesIO(result.get_data())
        response.url = request.url or ""
        response.request = request
        response.reason = result.status.partition(" ")[2]
        return response

    def close(self) -> None:
        pass
