"""Mandates in operative paragraphs: who is addressed, by which verb, due when."""

from __future__ import annotations

from conftest import extracted


def _mandates(name, paragraph):
    return [m for m in extracted(name).mandates if m.paragraph == paragraph]


def test_request_to_report_at_a_named_session():
    # 62/4 op18: "... and requests the United Nations Office on Drugs and Crime, in consultation
    # with the International Narcotics Control Board and the World Health Organization, within
    # their respective mandates, to report to the Commission at its sixty-third session ..."
    calls, requests = _mandates("000_b683d9e7a0c726a8.txt", "op18")
    assert (calls.verb, calls.addressees) == ("Calls upon", ("group/member-states",))
    assert requests.verb == "Requests" and requests.verb_text == "requests"
    assert requests.addressees == ("body/UNODC",)
    assert requests.partners == ("body/INCB", "body/WHO")
    assert requests.action.startswith("to report to the Commission at its sixty-third session")
    assert (requests.due_session.body, requests.due_session.number) == ("body/CND", 63)
    assert requests.due_session.surface == "sixty-third session"
    assert requests.citing == "CND 62/4"


def test_short_form_addressee_resolved_by_context():
    # op21: "... and invites the Board to provide an update ... at its sixty-third session"
    urges, invites = _mandates("000_b683d9e7a0c726a8.txt", "op21")
    assert urges.verb == "Urges" and urges.addressees[0] == "body/INCB"
    assert invites.addressees == ("body/INCB",) and invites.due_session.number == 63


def test_executive_director_reports_to_the_sixty_sixth_session():
    # 001 op20 (of the fragment before 64/4): "Requests the Executive Director of the United
    # Nations Office on Drugs and Crime to report to the Commission at its sixty-sixth session"
    (m,) = _mandates("001_067b0b7149bfe287.txt", "op20")
    assert m.verb == "Requests" and m.addressees == ("body/UNODC",)
    assert m.due_session.number == 66 and m.citing is None


def test_sub_paragraphs_inherit_their_addressee():
    # 62/4 op16: "Encourages Member States, ...: (a) To promote ... (d) To promote, ..."
    subs = [
        m for m in extracted("000_b683d9e7a0c726a8.txt").mandates if m.paragraph.startswith("op16(")
    ]
    assert [m.paragraph for m in subs] == ["op16(a)", "op16(b)", "op16(c)", "op16(d)"]
    assert all(m.verb == "Encourages" and m.addressees == ("group/member-states",) for m in subs)
    assert subs[1].action.startswith("To share best practices")


def test_due_session_of_the_general_assembly():
    # Fixture op3: "... and also requests the Secretary-General to submit to the General
    # Assembly at its seventy-fourth session a report ..." (split "seventy-" / "fourth" by a wrap)
    ms = _mandates("ga_73_192_pdf.txt", "op3")
    sg = next(m for m in ms if m.addressees == ("body/SecretaryGeneral",))
    assert (sg.due_session.body, sg.due_session.number) == ("body/GA", 74)


def test_extraction_does_not_depend_on_what_the_process_read_before():
    # A worker process reads many files in turn: nothing may leak from one to the next.
    import gc

    from conftest import CORPUS
    from corpusgen import render_document
    from policykg import extract_text

    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    texts += [render_document(i, seed=3, style="pdf") for i in range(30)]

    def run(order):
        out = {}
        for i in order:
            e = extract_text(texts[i], f"doc{i}")
            out[i] = ([m.to_json() for m in e.mentions], [m.to_json() for m in e.mandates])
            del e
            gc.collect()  # let object ids be reused, as they are in a long-lived worker
        return out

    forward = run(range(len(texts)))
    backward = run(reversed(range(len(texts))))
    assert forward == backward
