"""SPARQL Update, only when enabled and with the bearer token; applied stop-the-world."""

from __future__ import annotations

import hmac

from fastapi import Request, Response

from . import errors
from .sparql import refused_feature


def require_token(request: Request) -> None:
    settings = request.app.state.settings
    if not settings.enable_update:
        raise errors.the_server_is_read_only()
    given = request.headers.get("authorization", "")
    scheme, _, token = given.partition(" ")
    if not settings.update_token:
        raise errors.forbidden("updates are enabled but no POLICYKG_UPDATE_TOKEN is set: refused")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), settings.update_token):
        raise errors.unauthorized("a valid bearer token is required for updates")


async def apply_update(request: Request, update: str, params: dict[str, list[str]]) -> Response:
    require_token(request)
    if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
        raise errors.bad_request("using-graph-uri / using-named-graph-uri are not supported")
    if refusal := refused_feature(update):
        raise errors.forbidden(refusal)
    store_path = request.app.state.settings.store
    base_iri = str(request.url_for("sparql"))

    def write() -> str | None:
        from ..store import GraphStore

        store = GraphStore(store_path)
        try:
            store.update(update, base_iri)
        except SyntaxError as exc:
            return f"syntax: {exc}"
        except (RuntimeError, OSError, ValueError) as exc:  # e.g. CLEAR of a missing graph
            return f"failed: {exc}"
        finally:
            store.flush()
        return None

    outcome = await request.app.state.pool.exclusive(write)
    if outcome and outcome.startswith("syntax: "):
        raise errors.syntax_error(outcome.removeprefix("syntax: "))
    if outcome:
        raise errors.bad_request(f"the update {outcome}; nothing was changed")
    return Response(status_code=204)
