"""Tests for the instrument/body registry: the shipped data and the loader's validation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from policykg.registry import (
    KINDS,
    Registry,
    RegistryError,
    default_registry_dir,
    load_registry,
)

THREE_CONVENTIONS = {
    "treaty/single-convention-1961",
    "treaty/psychotropic-convention-1971",
    "treaty/trafficking-convention-1988",
}

# Keys other parts of the project rely on (see the registry brief); they must not disappear.
FIXED_INSTRUMENT_KEYS = [
    "treaty/single-convention-1961",
    "treaty/protocol-1972",
    "treaty/psychotropic-convention-1971",
    "treaty/trafficking-convention-1988",
    "treaty/un-charter",
    "treaty/iccpr-1966",
    "treaty/icescr-1966",
    "treaty/untoc-2000",
    "treaty/uncac-2003",
    "treaty/crc-1989",
    "treaty/cedaw-1979",
    "treaty/cat-1984",
    "treaty/crpd-2006",
    "declaration/political-declaration-2009",
    "declaration/joint-ministerial-statement-2014",
    "declaration/ministerial-declaration-2019",
    "GA S-30/1",
    "GA 70/1",
    "GA 217 A (III)",
    "GA S-20/2",
    "GA S-20/3",
    "GA 68/196",
    "GA 55/2",
    "report/international-standards-prevention",
    "report/international-standards-treatment",
    "report/guidelines-safe-handling-chemicals",
    "programme/global-smart",
    "programme/early-warning-advisory",
    "programme/project-ion",
    "programme/ion-ics",
    "programme/pics",
    "programme/pen-online",
    "programme/project-prism",
    "programme/opioids-project",
    "programme/un-toolkit-synthetic-drugs",
    "programme/container-control-programme",
    "programme/crimjust",
    "programme/aircop",
    "programme/synthetic-drug-strategy-2021-2025",
    "programme/international-collaborative-exercises",
    "programme/arq",
    "programme/unodc-who-joint-programme",
]

FIXED_BODY_KEYS = [
    "body/CND",
    "body/UNODC",
    "body/INCB",
    "body/WHO",
    "body/ECDD",
    "body/ECOSOC",
    "body/GA",
    "body/SC",
    "body/HRC",
    "body/WHA",
    "body/CCPCJ",
    "body/INTERPOL",
    "body/UNAIDS",
    "body/UNDP",
    "body/OHCHR",
    "body/UN-Women",
    "body/EMCDDA",
    "body/WCO",
    "body/UNICEF",
    "body/UNESCO",
    "body/SecretaryGeneral",
    "body/Secretariat",
    "body/StatisticalCommission",
    "body/UNEP",
    "body/FAO",
    "body/ILO",
    "body/UNHCR",
    "body/IOM",
    "body/UPU",
    "body/ICAO",
    "body/IMO",
    "body/EU",
    "body/AU",
    "body/OAS",
    "body/CICAD",
    "body/Europol",
    "body/FATF",
    "body/UNICRI",
    "body/WFP",
]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    load_registry.cache_clear()
    yield
    load_registry.cache_clear()


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Registry:
    monkeypatch.delenv("POLICYKG_REGISTRY", raising=False)
    return load_registry()


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


# ---------------------------------------------------------------------------------------
# The shipped registry


def test_default_dir_is_repository_data_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICYKG_REGISTRY", raising=False)
    expected = Path(__file__).resolve().parents[1] / "data" / "registry"
    assert default_registry_dir() == expected
    assert (expected / "instruments.toml").is_file()
    assert (expected / "bodies.toml").is_file()


def test_default_dir_honours_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYKG_REGISTRY", str(tmp_path))
    assert default_registry_dir() == tmp_path


def test_shipped_registry_loads(registry: Registry) -> None:
    assert len(registry.entries) >= len(FIXED_INSTRUMENT_KEYS)
    assert len(registry.bodies) >= len(FIXED_BODY_KEYS)
    assert registry.collectives


def test_load_is_cached(registry: Registry) -> None:
    assert load_registry() is registry


@pytest.mark.parametrize("key", FIXED_INSTRUMENT_KEYS)
def test_fixed_instrument_keys_present(registry: Registry, key: str) -> None:
    entry = registry.entry(key)
    assert entry is not None
    assert entry.key == key


@pytest.mark.parametrize("key", FIXED_BODY_KEYS)
def test_fixed_body_keys_present(registry: Registry, key: str) -> None:
    body = registry.body(key)
    assert body is not None
    assert body.key == key


def test_unknown_keys_give_none(registry: Registry) -> None:
    assert registry.entry("treaty/no-such-treaty") is None
    assert registry.body("body/NOPE") is None
    assert registry.by_unts("1/1") is None
    assert registry.body_by_issuer("NOPE") is None
    assert registry.body_by_acronym("NOPE") is None


@pytest.mark.parametrize(
    ("unts", "key"),
    [
        ("976/14152", "treaty/single-convention-1961"),  # the amended text
        ("520/7515", "treaty/single-convention-1961"),  # the original text
        ("976/14151", "treaty/protocol-1972"),
        ("1019/14956", "treaty/psychotropic-convention-1971"),
        ("1582/27627", "treaty/trafficking-convention-1988"),
        ("2225/39574", "treaty/untoc-2000"),
        ("2349/42146", "treaty/uncac-2003"),
        (" 976 / 14152 ", "treaty/single-convention-1961"),
    ],
)
def test_by_unts(registry: Registry, unts: str, key: str) -> None:
    entry = registry.by_unts(unts)
    assert entry is not None
    assert entry.key == key


def test_single_convention_and_its_protocol(registry: Registry) -> None:
    single = registry.entry("treaty/single-convention-1961")
    protocol = registry.entry("treaty/protocol-1972")
    assert single is not None and protocol is not None
    assert single.kind == "treaty"
    assert single.unts == "520/7515"
    assert single.amended_unts == "976/14152"
    assert single.amended_by == ("treaty/protocol-1972",)
    assert protocol.amends == ("treaty/single-convention-1961",)
    assert protocol.unts == "976/14151"
    assert protocol.date == "1972-03-25"
    names = {_norm(n) for n in single.names}
    assert _norm("Single Convention on Narcotic Drugs") in names
    assert _norm("Single Convention on Narcotic Drugs, 1961") in names
    assert (
        _norm("Single Convention on Narcotic Drugs of 1961 as amended by the 1972 Protocol")
        in names
    )
    assert "1961 Convention" in single.short


@pytest.mark.parametrize(
    ("key", "date"),
    [
        ("treaty/psychotropic-convention-1971", "1971-02-21"),
        ("treaty/trafficking-convention-1988", "1988-12-20"),
        ("GA S-30/1", "2016-04-19"),
        ("GA 70/1", "2015-09-25"),
        ("GA 217 A (III)", "1948-12-10"),
    ],
)
def test_adoption_dates(registry: Registry, key: str, date: str) -> None:
    entry = registry.entry(key)
    assert entry is not None
    assert entry.date == date
    assert entry.year == int(date[:4])


@pytest.mark.parametrize(
    ("key", "number"),
    [
        ("GA S-30/1", "S-30/1"),
        ("GA 70/1", "70/1"),
        ("GA 217 A (III)", "217 A (III)"),
        ("GA S-20/2", "S-20/2"),
        ("GA S-20/3", "S-20/3"),
        ("GA 68/196", "68/196"),
        ("GA 55/2", "55/2"),
    ],
)
def test_resolution_keyed_declarations(registry: Registry, key: str, number: str) -> None:
    entry = registry.entry(key)
    assert entry is not None
    assert entry.kind == "declaration"
    assert entry.issuer == "GA"
    assert entry.number == number


def test_every_entry_is_complete(registry: Registry) -> None:
    for entry in registry.entries:
        assert entry.kind in KINDS, entry.key
        assert entry.title.strip(), entry.key
        assert entry.definition and entry.definition.strip(), entry.key
        if entry.kind in ("programme", "report"):
            assert entry.owner is not None, entry.key
        if entry.owner is not None:
            assert registry.body(entry.owner) is not None, entry.key
        for ref in (entry.unts, entry.amended_unts):
            assert ref is None or re.fullmatch(r"\d+/\d+", ref), entry.key


def test_keys_are_unique(registry: Registry) -> None:
    keys = [e.key for e in registry.entries]
    assert len(keys) == len(set(keys))
    body_keys = [b.key for b in registry.bodies]
    assert len(body_keys) == len(set(body_keys))


def test_titles_and_names_lead_to_one_instrument(registry: Registry) -> None:
    owners: dict[str, str] = {}
    for entry in registry.entries:
        for name in (entry.title, *entry.names, *entry.short):
            previous = owners.setdefault(_norm(name), entry.key)
            assert previous == entry.key, f"{name!r} is used by {previous} and {entry.key}"


@pytest.mark.parametrize(
    ("key", "short"),
    [
        ("treaty/trafficking-convention-1988", "1988 Convention"),
        ("treaty/psychotropic-convention-1971", "1971 Convention"),
        ("declaration/political-declaration-2009", "2009 Political Declaration"),
        ("declaration/joint-ministerial-statement-2014", "2014 Joint Ministerial Statement"),
        ("declaration/ministerial-declaration-2019", "2019 Ministerial Declaration"),
        ("GA S-20/2", "1998 Political Declaration"),
    ],
)
def test_ambiguous_short_forms_carry_their_year(registry: Registry, key: str, short: str) -> None:
    entry = registry.entry(key)
    assert entry is not None
    assert _norm(short) in {_norm(s) for s in entry.short}


@pytest.mark.parametrize(
    ("key", "acronym"),
    [
        ("treaty/untoc-2000", "UNTOC"),
        ("GA 217 A (III)", "UDHR"),
        ("treaty/iccpr-1966", "ICCPR"),
        ("programme/pen-online", "PEN Online"),
        ("programme/global-smart", "SMART"),
        ("programme/arq", "ARQ"),
        ("programme/aircop", "AIRCOP"),
    ],
)
def test_acronyms(registry: Registry, key: str, acronym: str) -> None:
    entry = registry.entry(key)
    assert entry is not None
    assert acronym in entry.acronyms


def test_three_conventions_collective(registry: Registry) -> None:
    matching = [
        c
        for c in registry.collectives
        if "three international drug control conventions" in {_norm(p) for p in c.phrases}
    ]
    assert len(matching) == 1
    collective = matching[0]
    assert set(collective.members) == THREE_CONVENTIONS
    assert len(collective.members) == 3
    phrases = {_norm(p) for p in collective.phrases}
    assert "international drug control conventions" in phrases
    assert "three international drug control treaties" in phrases


def test_every_body_is_complete(registry: Registry) -> None:
    for body in registry.bodies:
        assert body.acronym.strip(), body.key
        assert body.name.strip(), body.key
        assert body.definition and body.definition.strip(), body.key
        if body.parent is not None:
            assert registry.body(body.parent) is not None, body.key


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("CND", "body/CND"),
        ("GA", "body/GA"),
        ("ECOSOC", "body/ECOSOC"),
        ("HRC", "body/HRC"),
        ("WHA", "body/WHA"),
        ("SC", "body/SC"),
        ("CCPCJ", "body/CCPCJ"),
    ],
)
def test_issuer_codes(registry: Registry, code: str, key: str) -> None:
    body = registry.body_by_issuer(code)
    assert body is not None
    assert body.key == key
    assert body.issuer == code


@pytest.mark.parametrize(
    ("key", "session", "year"),
    [("body/CND", 61, 2018), ("body/CND", 62, 2019), ("body/GA", 73, 2018), ("body/WHA", 72, 2019)],
)
def test_session_numbering(registry: Registry, key: str, session: int, year: int) -> None:
    body = registry.body(key)
    assert body is not None and body.first_session_year is not None
    assert body.first_session_year + session - 1 == year


def test_ecosoc_has_no_session_year(registry: Registry) -> None:
    ecosoc = registry.body("body/ECOSOC")
    assert ecosoc is not None
    assert ecosoc.first_session_year is None


def test_body_by_acronym_is_case_sensitive(registry: Registry) -> None:
    who = registry.body_by_acronym("WHO")
    assert who is not None and who.key == "body/WHO"
    assert who.name == "World Health Organization"
    assert registry.body_by_acronym("who") is None


def test_ecdd(registry: Registry) -> None:
    ecdd = registry.body("body/ECDD")
    assert ecdd is not None
    assert ecdd.parent == "body/WHO"
    names = {_norm(n) for n in ecdd.names}
    assert _norm("Expert Committee on Drugs") in names
    assert _norm("WHO's Expert Committee on Drugs") in names


@pytest.mark.parametrize(
    ("key", "short"),
    [
        ("body/INCB", "the Board"),
        ("body/UNODC", "the Office"),
        ("body/CND", "the Commission"),
        ("body/GA", "the Assembly"),
        ("body/ECOSOC", "the Council"),
    ],
)
def test_anaphoric_short_forms(registry: Registry, key: str, short: str) -> None:
    body = registry.body(key)
    assert body is not None
    assert short in body.short


def test_unodc_executive_director_maps_to_unodc(registry: Registry) -> None:
    unodc = registry.body("body/UNODC")
    assert unodc is not None
    assert "Executive Director of the United Nations Office on Drugs and Crime" in unodc.names
    assert registry.body("body/UNODC-ExecutiveDirector") is None


def test_body_names(registry: Registry) -> None:
    expected = {
        "body/INTERPOL": "International Criminal Police Organization",
        "body/UNAIDS": "Joint United Nations Programme on HIV/AIDS",
        "body/WCO": "World Customs Organization",
        "body/UPU": "Universal Postal Union",
        "body/StatisticalCommission": "Statistical Commission",
    }
    for key, name in expected.items():
        body = registry.body(key)
        assert body is not None
        assert name == body.name or name in body.names
    emcdda = registry.body("body/EMCDDA")
    assert emcdda is not None
    all_names = {_norm(emcdda.name), *(_norm(n) for n in emcdda.names)}
    assert _norm("European Monitoring Centre for Drugs and Drug Addiction") in all_names
    assert _norm("European Monitoring Center for Drugs and Drug Addiction") in all_names


# ---------------------------------------------------------------------------------------
# Validation of bad registries

BODIES_OK = """
[[body]]
key = "body/GA"
acronym = "GA"
name = "General Assembly"
issuer = "GA"
first_session_year = 1946
definition = "d"

[[body]]
key = "body/UNODC"
acronym = "UNODC"
name = "United Nations Office on Drugs and Crime"
definition = "d"

[[body]]
key = "body/WHO"
acronym = "WHO"
name = "World Health Organization"
definition = "d"
"""

INSTRUMENTS_OK = """
[[instrument]]
key = "treaty/a-1961"
kind = "treaty"
title = "Convention A"
names = ["Convention A"]
year = 1961
date = "1961-03-30"
unts = "520/7515"
amended_unts = "976/14152"
amended_by = ["treaty/b-1972"]
definition = "d"

[[instrument]]
key = "treaty/b-1972"
kind = "treaty"
title = "Protocol B"
unts = "976/14151"
amends = ["treaty/a-1961"]
definition = "d"

[[instrument]]
key = "treaty/c-1988"
kind = "treaty"
title = "Convention C"
definition = "d"

[[instrument]]
key = "GA S-30/1"
kind = "declaration"
title = "Outcome"
issuer = "GA"
number = "S-30/1"
definition = "d"

[[instrument]]
key = "programme/p"
kind = "programme"
title = "Programme P"
owner = "body/UNODC"
definition = "d"

[[collective]]
phrases = ["the two"]
members = ["treaty/a-1961", "treaty/c-1988"]
"""


def _write(directory: Path, instruments: str = INSTRUMENTS_OK, bodies: str = BODIES_OK) -> str:
    (directory / "instruments.toml").write_text(instruments, encoding="utf-8")
    (directory / "bodies.toml").write_text(bodies, encoding="utf-8")
    return str(directory)


def _error(directory: Path, instruments: str = INSTRUMENTS_OK, bodies: str = BODIES_OK) -> str:
    with pytest.raises(RegistryError) as info:
        load_registry(_write(directory, instruments, bodies))
    return str(info.value)


def test_minimal_registry_loads(tmp_path: Path) -> None:
    reg = load_registry(_write(tmp_path))
    a = reg.by_unts("976/14152")
    assert a is not None and a.key == "treaty/a-1961"
    assert reg.entry("GA S-30/1") is not None
    assert reg.body_by_issuer("GA") is not None
    assert reg.collectives[0].members == ("treaty/a-1961", "treaty/c-1988")


def test_toml_date_literal_is_accepted(tmp_path: Path) -> None:
    text = INSTRUMENTS_OK.replace('date = "1961-03-30"', "date = 1961-03-30")
    reg = load_registry(_write(tmp_path, text))
    entry = reg.entry("treaty/a-1961")
    assert entry is not None and entry.date == "1961-03-30"


def test_cache_clear_rereads_files(tmp_path: Path) -> None:
    directory = _write(tmp_path)
    first = load_registry(directory)
    assert load_registry(directory) is first
    _write(tmp_path, INSTRUMENTS_OK.replace('title = "Convention C"', 'title = "Convention C2"'))
    assert load_registry(directory) is first  # still cached
    load_registry.cache_clear()
    entry = load_registry(directory).entry("treaty/c-1988")
    assert entry is not None and entry.title == "Convention C2"


def test_duplicate_key(tmp_path: Path) -> None:
    text = INSTRUMENTS_OK.replace('key = "treaty/c-1988"', 'key = "treaty/b-1972"')
    message = _error(tmp_path, text)
    assert message.startswith("instruments.toml: instrument #3 (treaty/b-1972): field 'key'")
    assert "duplicates instrument #2" in message


def test_bad_unts(tmp_path: Path) -> None:
    text = INSTRUMENTS_OK.replace('unts = "976/14151"', 'unts = "vol. 976, No. 14151"')
    message = _error(tmp_path, text)
    assert "instruments.toml: instrument #2 (treaty/b-1972)" in message
    assert "field 'unts' must look like '976/14152'" in message


def test_bad_amended_unts(tmp_path: Path) -> None:
    text = INSTRUMENTS_OK.replace('amended_unts = "976/14152"', 'amended_unts = "976-14152"')
    message = _error(tmp_path, text)
    assert "instruments.toml" in message and "(treaty/a-1961)" in message
    assert "'amended_unts'" in message


def test_unknown_amended_by(tmp_path: Path) -> None:
    text = INSTRUMENTS_OK.replace('amended_by = ["treaty/b-1972"]', 'amended_by = ["treaty/zzz"]')
    message = _error(tmp_path, text)
    assert "instruments.toml: instrument #1 (treaty/a-1961): field 'amended_by'" in message
    assert "treaty/zzz" in message


def test_toml_syntax_error(tmp_path: Path) -> None:
    text = INSTRUMENTS_OK.replace('title = "Convention C"', 'title = "Convention C')
    message = _error(tmp_path, text)
    assert message.startswith("instruments.toml:")
    assert re.search(r"line \d+", message), message


def test_toml_syntax_error_in_bodies(tmp_path: Path) -> None:
    message = _error(tmp_path, bodies=BODIES_OK + "\n[[body]\n")
    assert message.startswith("bodies.toml:")
    assert re.search(r"line \d+", message), message


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ('title = "Convention C"\n', "", ["(treaty/c-1988)", "field 'title' is required"]),
        ('key = "treaty/c-1988"\n', "", ["instrument #3", "field 'key' is required"]),
        ('kind = "declaration"', 'kind = "resolution"', ["(GA S-30/1)", "field 'kind'"]),
        ('date = "1961-03-30"', 'date = "30 March 1961"', ["(treaty/a-1961)", "field 'date'"]),
        ('date = "1961-03-30"', 'date = "1961-02-30"', ["(treaty/a-1961)", "field 'date'"]),
        ("year = 1961", 'year = "1961"', ["(treaty/a-1961)", "field 'year'"]),
        ("year = 1961", "year = 61", ["(treaty/a-1961)", "field 'year'"]),
        ("year = 1961", "year = 1962", ["(treaty/a-1961)", "field 'year'", "1961-03-30"]),
        ('amends = ["treaty/a-1961"]', 'amends = ["treaty/x"]', ["field 'amends'", "treaty/x"]),
        ('owner = "body/UNODC"', 'owner = "body/NOPE"', ["(programme/p)", "field 'owner'"]),
        ('number = "S-30/1"', 'number = "S-30/2"', ["(GA S-30/1)", "field 'key'"]),
        ('issuer = "GA"\nnumber', 'issuer = "XX"\nnumber', ["(GA S-30/1)", "field 'issuer'"]),
        ('key = "programme/p"', 'key = "report/p"', ["(report/p)", "field 'key'"]),
        ('names = ["Convention A"]', 'name = ["Convention A"]', ["unknown field 'name'"]),
        ('title = "Convention C"', 'title = "Protocol  B"', ["(treaty/c-1988)", "'names'"]),
        (
            'title = "Convention C"',
            'title = "Convention C"\nunts = "976/14152"',
            ["(treaty/c-1988)", "field 'unts'", "instrument #1 (treaty/a-1961)"],
        ),
        (
            'members = ["treaty/a-1961", "treaty/c-1988"]',
            'members = ["treaty/a-1961", "x"]',
            ["collective #1", "field 'members'", "'x'"],
        ),
        (
            'title = "Convention C"',
            'title = "Convention C"\nnames = ["convention  a"]',
            ["(treaty/c-1988)", "field 'names'", "instrument #1"],
        ),
    ],
)
def test_invalid_instruments(tmp_path: Path, old: str, new: str, fragments: list[str]) -> None:
    assert old in INSTRUMENTS_OK
    message = _error(tmp_path, INSTRUMENTS_OK.replace(old, new, 1))
    assert message.startswith("instruments.toml: "), message
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ('acronym = "WHO"\n', "", ["(body/WHO)", "field 'acronym' is required"]),
        ('name = "World Health Organization"\n', "", ["(body/WHO)", "field 'name' is required"]),
        (
            'acronym = "WHO"',
            'acronym = "WHO"\nparent = "body/NOPE"',
            ["(body/WHO)", "field 'parent'", "body/NOPE"],
        ),
        (
            'acronym = "UNODC"',
            'acronym = "UNODC"\nissuer = "GA"',
            ["(body/UNODC)", "field 'issuer'", "body #1"],
        ),
        (
            'key = "body/WHO"',
            'key = "body/UNODC"',
            ["body #3", "field 'key'", "duplicates body #2"],
        ),
        ('key = "body/WHO"', 'key = "WHO"', ["(WHO)", "field 'key'"]),
        (
            "first_session_year = 1946",
            "first_session_year = 46",
            ["(body/GA)", "'first_session_year'"],
        ),
    ],
)
def test_invalid_bodies(tmp_path: Path, old: str, new: str, fragments: list[str]) -> None:
    assert old in BODIES_OK
    message = _error(tmp_path, bodies=BODIES_OK.replace(old, new, 1))
    assert message.startswith("bodies.toml: "), message
    for fragment in fragments:
        assert fragment in message, message


def test_missing_file(tmp_path: Path) -> None:
    (tmp_path / "instruments.toml").write_text(INSTRUMENTS_OK, encoding="utf-8")
    with pytest.raises(RegistryError, match=r"^bodies\.toml: file not found"):
        load_registry(str(tmp_path))


def test_registry_error_is_value_error() -> None:
    assert issubclass(RegistryError, ValueError)
