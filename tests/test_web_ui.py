"""The home page in a real browser: YASGUI on this server's /sparql, the named-query picker
and the instrument search, driven by Playwright over Debian's Chromium.

Every page is watched (:class:`Watched`): a console error, an uncaught exception, a failed
request, an HTTP error, a dialog or a request to any other origin fails the test. The
assets router and the page's HTML are also tested in-process, without a browser.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from policykg.api import assets, errors
from policykg.queries import bind, load_queries

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# From /work/shared/FACTS.md: without the background-networking flags Chromium keeps trying
# to reach outside hosts. The user data dir is given by Playwright (a fresh one per test).
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "benchmarks" / "out"  # ignored by git
TIMEOUT_MS = 20_000

# Instruments keyed in the bundled corpus, read from its texts: 000_… is CND resolution 62/4
# and recalls resolution 61/8 ("Recalling its resolution 61/8 of 16 March 2018"); 001_… holds
# resolutions 64/4 and 64/5; 002_… resolution 62/2; 003_… resolutions 66/3 and 66/4.
CORPUS_KEYS = {"CND 61/8", "CND 62/2", "CND 62/4", "CND 64/4", "CND 64/5", "CND 66/3", "CND 66/4"}
KEY_QUERY = """SELECT DISTINCT ?key WHERE {
  ?r <https://w3id.org/policykg/ontology#key> ?key
  FILTER(STRSTARTS(?key, "CND 6"))
} ORDER BY ?key"""

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (CI installs Debian's chromium)"
)


# --- in-process: the assets router and the page's HTML -------------------------------------


def get_asset(path: str) -> httpx.Response:
    """GET ``path`` from an app with only the assets router, in-process."""
    app = FastAPI()
    app.add_exception_handler(errors.ApiError, errors.handle_api_error)
    app.include_router(assets.router)

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.get(path)

    return asyncio.run(fetch())


@pytest.mark.parametrize(
    ("path", "media"),
    [
        # YASGUI's build, from web/node_modules (installed by `make install`)
        ("/assets/yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
        ("/assets/yasgui/yasgui.min.css", "text/css; charset=utf-8"),
        # the page's own files, from src/policykg/api/static
        ("/static/editor.js", "text/javascript; charset=utf-8"),
        ("/static/ui.css", "text/css; charset=utf-8"),
        ("/static/favicon.svg", "image/svg+xml"),
    ],
)
def test_assets_are_served_with_their_type(path, media):
    response = get_asset(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content


@pytest.mark.parametrize(
    ("path", "says"),
    [
        # a file that is not there
        ("/assets/yasgui/nope.min.js", "/assets/yasgui/nope.min.js: no such file"),
        ("/static/nope.js", "/static/nope.js: no such file"),
        # out of the build folder, to the package's own package.json
        ("/assets/yasgui/%2e%2e/package.json", "no such file"),
        # a type that is not served (YASGUI's TypeScript declarations)
        ("/assets/yasgui/ts/src/index.d.ts", "not an asset"),
    ],
)
def test_missing_assets_are_a_json_404(path, says):
    response = get_asset(path)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert says in error["message"]


def test_web_assets_folder_comes_from_the_environment(tmp_path, monkeypatch):
    build = tmp_path / "@zazuko" / "yasgui" / "build"
    build.mkdir(parents=True)
    (build / "yasgui.min.js").write_text("window.Yasgui = 1;\n")
    monkeypatch.setenv(assets.ENV_VAR, str(tmp_path))
    assert get_asset("/assets/yasgui/yasgui.min.js").text == "window.Yasgui = 1;\n"
    monkeypatch.setenv(assets.ENV_VAR, str(tmp_path / "elsewhere"))
    error = get_asset("/assets/yasgui/yasgui.min.js").json()["error"]
    assert "YASGUI is not installed" in error["message"]
    assert "make install" in error["message"]


def test_home_page_html(live_server):
    html = httpx.get(f"{live_server}/").text
    # local assets only: no CDN
    assert '<script src="/assets/yasgui/yasgui.min.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/assets/yasgui/yasgui.min.css">' in html
    assert "//cdn" not in html and "unpkg" not in html
    # the fallback without JavaScript sends the query to /sparql by GET
    noscript = html[html.index("<noscript>") : html.index("</noscript>")]
    assert '<form method="get" action="/sparql">' in noscript
    assert "&lt;https://w3id.org/policykg/ontology#&gt;" in noscript
    assert 'data-base="https://w3id.org/policykg"' in html


# --- in a browser --------------------------------------------------------------------------


@dataclass
class Watched:
    """A page and everything that went wrong on it."""

    page: object
    origin: str
    problems: list[str] = field(default_factory=list)
    requests: list[object] = field(default_factory=list)

    def assert_clean(self) -> None:
        foreign = [r.url for r in self.requests if not r.url.startswith(self.origin + "/")]
        assert foreign == [], "requests to another origin"
        assert self.problems == []


def watch(page, origin: str) -> Watched:
    w = Watched(page, origin)
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda m: m.type == "error" and w.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: w.problems.append(f"uncaught: {e}"))
    page.on("request", lambda r: w.requests.append(r))
    page.on("requestfailed", lambda r: w.problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and w.problems.append(f"{r.status}: {r.url}"))

    def dialog(d) -> None:
        w.problems.append(f"dialog: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return w


@pytest.fixture(scope="module")
def playwright():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture
def context(playwright, tmp_path):
    """A persistent context on a fresh, empty profile (so localStorage starts empty)."""
    profile = tmp_path / "profile"
    profile.mkdir()
    ctx = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        headless=True,
        args=FLAGS,
        viewport={"width": 1280, "height": 900},
    )
    try:
        yield ctx
    finally:
        ctx.close()


def open_home(context, origin: str) -> Watched:
    w = watch(context.new_page(), origin)
    w.page.goto(f"{origin}/")
    wait_ready(w.page)
    return w


def wait_ready(page) -> None:
    page.wait_for_function("window.policykg && window.policykg.yasgui")
    page.evaluate("window.policykg.ready")
    page.wait_for_selector("#yasgui .CodeMirror")


def editor_value(page) -> str:
    return page.evaluate("window.policykg.yasgui.getTab().getQuery()")


def run_in_editor(page, sparql: str | None = None) -> list[list[str]]:
    """Put ``sparql`` in the current tab (if given), press YASGUI's run button, read the table."""
    if sparql is not None:
        page.evaluate("(q) => { window.policykg.yasgui.getTab().setQuery(q); }", sparql)
    with page.expect_response(lambda r: r.url.endswith("/sparql")) as response:
        page.locator(".tabPanel.active .yasqe_queryButton").click()
    assert response.value.status == 200, response.value.text()
    rows = page.locator(".tabPanel.active .yasr table.dataTable tbody tr")
    rows.first.wait_for()
    # the first cell is YASR's row number
    return [[c.strip() for c in row.locator("td").all_inner_texts()[1:]] for row in rows.all()]


def search(page, text: str) -> None:
    page.fill("#search-text", text)
    with page.expect_response(lambda r: "/queries/search?" in r.url):
        page.click("#search-form button")
    page.wait_for_function(
        "!document.getElementById('search-status').textContent.startsWith('Searching')"
    )


@needs_chromium
def test_plain_launch_loads_the_page(playwright, live_server):
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
    try:
        w = open_home(browser.new_context(), live_server)
        assert editor_value(w.page).startswith("PREFIX pkg:")
        w.assert_clean()
    finally:
        browser.close()


@needs_chromium
def test_page_loads_clean_on_a_fresh_profile(context, live_server):
    w = open_home(context, live_server)
    page = w.page
    tab = page.evaluate("""() => { const t = window.policykg.yasgui.getTab();
        return {endpoint: t.getEndpoint(), method: t.getRequestConfig().method}; }""")
    assert tab == {"endpoint": f"{live_server}/sparql", "method": "POST"}
    # the LOV autocompleters (requests to lov.linkeddata.es) are off
    assert page.evaluate("window.policykg.yasgui.getTab().getYasqe().config.autocompleters") == [
        "prefixes",
        "variables",
    ]
    assert page.locator("#named-query option").count() == len(load_queries()) + 1
    w.assert_clean()


@needs_chromium
def test_yasgui_runs_a_query_and_keeps_it_over_a_reload(context, live_server, tmp_path):
    w = open_home(context, live_server)
    page = w.page
    posts = []
    page.on("request", lambda r: r.url.endswith("/sparql") and posts.append(r))
    rows = run_in_editor(page, KEY_QUERY)
    keys = {row[0] for row in rows}
    assert keys >= CORPUS_KEYS
    assert all(key.startswith("CND 6") for key in keys)
    assert [r.method for r in posts] == ["POST"]
    assert posts[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert posts[0].headers["accept"] == "application/sparql-results+json"

    search(page, "61/8")
    shot = tmp_path / "web_ui.png"
    page.screenshot(path=str(shot), full_page=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, ARTIFACTS / "web_ui.png")

    # YASGUI saved the tab in localStorage: a reload restores the query and its results.
    page.reload()
    wait_ready(page)
    assert editor_value(page) == KEY_QUERY
    page.locator(".yasr table.dataTable tbody tr").first.wait_for()
    w.assert_clean()


@needs_chromium
def test_named_queries_bind_their_defaults_like_the_server(context, live_server):
    page = open_home(context, live_server).page
    in_browser = page.evaluate("""async () => {
        const queries = await window.policykg.ready;
        return Object.fromEntries(queries.map((q) => [q.name, window.policykg.bindDefaults(q)]));
    }""")
    assert in_browser == {name: bind(q, {}) for name, q in load_queries().items()}


@needs_chromium
def test_choosing_a_named_query_opens_it_in_a_tab(context, live_server):
    w = open_home(context, live_server)
    page = w.page
    cites = load_queries()["cites"]
    page.select_option("#named-query", "cites")
    page.wait_for_function(
        "(t) => window.policykg.yasgui.getTab().getName() === t", arg=cites.title
    )
    text = editor_value(page)
    assert text == bind(cites, {})
    assert "VALUES ?instrument { <https://w3id.org/policykg/resolution/CND/62/4> }" in text
    assert page.get_attribute("#named-query-link", "href") == "/queries/cites"
    assert cites.description in page.inner_text("#named-query-description")
    # Resolution 62/4 recalls resolution 61/8 (000_b683d9e7a0c726a8.txt, line 13).
    rows = run_in_editor(page)
    assert "CND 61/8" in {cell for row in rows for cell in row}
    # choosing it again reuses its tab
    tabs = page.locator(".tabsList .tab").count()
    page.select_option("#named-query", "")
    page.select_option("#named-query", "cites")
    assert page.locator(".tabsList .tab").count() == tabs
    w.assert_clean()


@needs_chromium
def test_a_shared_link_runs_on_this_server_whatever_endpoint_it_names(context, live_server):
    # YASGUI opens a tab from a share link (…/#query=…&endpoint=…) and runs its query at once.
    link = httpx.URL(f"{live_server}/").copy_with(
        fragment=str(
            httpx.QueryParams(
                {"query": KEY_QUERY, "endpoint": "https://example.org/sparql", "tabTitle": "Shared"}
            )
        )
    )
    w = watch(context.new_page(), live_server)
    with w.page.expect_response(lambda r: r.url == f"{live_server}/sparql"):
        w.page.goto(str(link))
    wait_ready(w.page)
    tab = w.page.evaluate("""() => { const t = window.policykg.yasgui.getTab();
        return [t.getName(), t.getEndpoint(), t.getQuery()]; }""")
    assert tab == ["Shared", f"{live_server}/sparql", KEY_QUERY]
    w.assert_clean()


@needs_chromium
def test_search_finds_an_instrument_by_number(context, live_server):
    w = open_home(context, live_server)
    page = w.page
    with page.expect_request(lambda r: "/queries/search?" in r.url) as request:
        search(page, "61/8")
    assert request.value.url == f"{live_server}/queries/search?text=61%2F8"
    assert request.value.headers["accept"] == "application/sparql-results+json"
    link = page.locator("#search-results a", has_text="CND 61/8")
    assert link.get_attribute("href") == "/resolution/CND/61/8"
    w.assert_clean()


@needs_chromium
def test_search_text_stays_text(context, live_server):
    w = open_home(context, live_server)
    page = w.page
    search(page, "<script>alert(1)</script>")
    assert page.inner_text("#search-status") == "No instrument matches “<script>alert(1)</script>”."
    assert page.locator("#search-status *, #search-results *").count() == 0
    w.assert_clean()  # includes: no dialog


# --- labels that are markup, on a server of their own -------------------------------------

HOSTILE = """@prefix pkg: <https://w3id.org/policykg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/policykg/graph/hostile> {
  <https://w3id.org/policykg/resolution/CND/99/9>
    pkg:key "<b class='injected'>CND 99/9</b>" ;
    rdfs:label "<img class='injected' src=x onerror=alert(1)><script>alert(2)</script> 99/9" .
  <javascript:alert(3)> pkg:key "CND 99/10" ; rdfs:label "a javascript: IRI, 99/10" .
}
"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    from live_server import running_server

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.trig").write_text(HOSTILE, encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "policykg.cli",
            "load",
            str(folder / "hostile.trig"),
            "--store",
            str(folder / "store"),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with running_server(folder / "store") as url:
        yield url


@needs_chromium
def test_labels_with_markup_are_shown_as_text(context, hostile_server):
    w = open_home(context, hostile_server)
    page = w.page
    search(page, "99/")
    items = page.locator("#search-results li").all_inner_texts()
    assert any("<img class='injected' src=x onerror=alert(1)><script>" in t for t in items)
    assert page.get_attribute("#search-results a", "href") == "/resolution/CND/99/9"
    assert page.inner_text("#search-results a") == "<b class='injected'>CND 99/9</b>"
    # the javascript: IRI is shown, not linked
    assert page.locator("#search-results a").count() == 1
    assert any(t.startswith("CND 99/10") for t in items)
    # YASR escapes the same labels in its table
    rows = run_in_editor(
        page,
        "SELECT ?label WHERE { GRAPH ?g { ?s "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } } ORDER BY ?label",
    )
    assert any("onerror=alert(1)" in row[0] for row in rows)
    assert page.locator(".injected, #search-results script, .yasr script").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    w.assert_clean()  # includes: no dialog


def test_the_page_uses_no_inner_html():
    script = (assets.STATIC_DIR / "editor.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script and "outerHTML" not in script


def test_static_files_name_no_other_host():
    for path in sorted(p for p in assets.STATIC_DIR.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8")
        assert "//cdn" not in text and "unpkg.com" not in text and "jsdelivr" not in text, path
