"""Browser assets served from disk: the YASGUI build installed by npm, and the site's own files.

``/assets/yasgui/NAME`` serves ``@zazuko/yasgui/build/NAME`` from the npm ``node_modules``
folder (``web/node_modules`` of the repository, or ``$POLICYKG_WEB_ASSETS``), and
``/static/NAME`` serves ``api/static/NAME``. Only files of a known type are served, each with
an explicit content type; anything else, including a path that leaves its folder, is a 404 in
the API's JSON error shape. Nothing is fetched from a CDN: the browser only talks to us.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from . import errors

__all__ = ["ENV_VAR", "MEDIA_TYPES", "STATIC_DIR", "router", "web_assets_dir", "yasgui_dir"]

ENV_VAR = "POLICYKG_WEB_ASSETS"
STATIC_DIR = Path(__file__).resolve().parent / "static"
YASGUI_BUILD = Path("@zazuko", "yasgui", "build")

# Suffix -> Content-Type. A file with any other suffix (a .d.ts, a README) is not served.
MEDIA_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".woff2": "font/woff2",
}

router = APIRouter(tags=["assets"])


def web_assets_dir() -> Path:
    """``$POLICYKG_WEB_ASSETS`` if set, else ``web/node_modules`` at the root of the repository."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "web" / "node_modules"


def yasgui_dir() -> Path:
    return web_assets_dir() / YASGUI_BUILD


def _asset(root: Path, name: str, where: str, cache: str) -> FileResponse:
    """The file ``name`` inside ``root`` as a response, or a 404 saying what is missing."""
    suffix = Path(name).suffix.lower()
    media = MEDIA_TYPES.get(suffix)
    if media is None:
        raise errors.not_found(
            f"{where}{name}: not an asset; served types are " + ", ".join(sorted(MEDIA_TYPES))
        )
    base = root.resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        raise errors.not_found(f"{where}{name}: no such file")
    return FileResponse(
        path,
        media_type=media,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": cache},
    )


@router.api_route(
    "/assets/yasgui/{name:path}",
    methods=["GET", "HEAD"],
    summary="The YASGUI build (yasgui.min.js, yasgui.min.css) installed by npm",
)
async def yasgui_asset(name: str) -> FileResponse:
    root = yasgui_dir()
    if not root.is_dir():
        raise errors.not_found(
            f"YASGUI is not installed: no folder {root}; run 'make install' "
            f"(npm ci in web/) or set {ENV_VAR} to a node_modules folder"
        )
    # Changes only when npm installs another version: an hour in the browser's cache is fine.
    return _asset(root, name, "/assets/yasgui/", "public, max-age=3600")


@router.api_route(
    "/static/{name:path}", methods=["GET", "HEAD"], summary="The web UI's own JavaScript and CSS"
)
async def static_asset(name: str) -> FileResponse:
    return _asset(STATIC_DIR, name, "/static/", "no-cache")
