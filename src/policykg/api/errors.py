"""HTTP errors: a few named constructors, one JSON shape ``{"error": {status, code, message}}``."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def bad_request(message: str) -> ApiError:
    return ApiError(400, "bad_request", message)


def syntax_error(message: str) -> ApiError:
    return ApiError(400, "syntax_error", message)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, {"WWW-Authenticate": 'Bearer realm="policykg"'})


def forbidden(message: str) -> ApiError:
    return ApiError(403, "forbidden", message)


def the_server_is_read_only() -> ApiError:
    return ApiError(
        403,
        "read_only",
        "this endpoint is read-only: SPARQL Update and the Graph "
        "Store Protocol are disabled (POLICYKG_ENABLE_UPDATE)",
    )


def not_found(message: str) -> ApiError:
    return ApiError(404, "not_found", message)


def not_acceptable(offers: list[str]) -> ApiError:
    return ApiError(
        406,
        "not_acceptable",
        "none of the requested media types can be produced; available: " + ", ".join(offers),
    )


def payload_too_large(limit: int) -> ApiError:
    return ApiError(
        413,
        "payload_too_large",
        f"request body over the limit of {limit:,} bytes (POLICYKG_MAX_REQUEST_BYTES)",
    )


def unsupported_media_type(got: str, expected: list[str]) -> ApiError:
    return ApiError(
        415,
        "unsupported_media_type",
        f"content type {got!r} is not accepted here; use one of {', '.join(expected)}",
    )


def result_too_large(limit: int) -> ApiError:
    return ApiError(
        422,
        "result_too_large",
        f"the result is over the limit of {limit:,} bytes "
        "(POLICYKG_MAX_RESULT_BYTES); narrow the query or add LIMIT",
    )


def query_timeout(seconds: float) -> ApiError:
    return ApiError(
        503,
        "query_timeout",
        f"the query ran past the time limit of {seconds:g} s and was stopped "
        "(POLICYKG_QUERY_TIMEOUT)",
        {"Retry-After": "1"},
    )


def overloaded(seconds: float) -> ApiError:
    return ApiError(
        503, "overloaded", f"no query worker became free within {seconds:g} s", {"Retry-After": "1"}
    )


async def handle_api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(
        {"error": {"status": exc.status, "code": exc.code, "message": exc.message}},
        status_code=exc.status,
        headers=exc.headers,
    )


async def handle_http_error(_request: Request, exc: Exception) -> JSONResponse:
    """Framework errors (no route, wrong method) in the same JSON shape as ours."""
    status = getattr(exc, "status_code", 500)
    code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
    message = {404: "no such resource on this server", 405: "method not allowed here"}.get(
        status, str(getattr(exc, "detail", ""))
    )
    return JSONResponse(
        {"error": {"status": status, "code": code, "message": message}},
        status_code=status,
        headers=getattr(exc, "headers", None),
    )
