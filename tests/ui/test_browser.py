"""The workspace in a real browser (Debian's chromium, headless, through Playwright) against a real server.

Every test also checks, through the ``page`` fixture, that the page made no request to any host but the server's
and that no script opened a dialog. Screenshots land in tests/artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WASHOUT = "How long a washout is needed before rechallenging with an anti-CD38 antibody?"
TIMEOUT = 60_000


def ask(page, question: str, turn: int) -> None:
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")  # Enter sends
    page.wait_for_selector(f"#turn-{turn}", timeout=TIMEOUT)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_ask_shows_cited_passages_and_opens_one(page, shot) -> None:
    ask(page, WASHOUT, 1)
    assert page.locator("#turn-1 a.cite").count() >= 1
    cards = page.locator("#sources article.src")
    assert cards.count() >= 1
    first = cards.first
    assert "Pan-Pacific consensus" in first.inner_text()
    assert first.locator("mark").count() >= 1  # supporting sentence highlighted
    assert re.search(r"relevance: (strong|moderate|weak)", first.inner_text())
    assert first.locator('a[href^="https://pubmed.ncbi.nlm.nih.gov/"]').count() == 1
    full = page.locator("#src-1-1 details.full")
    assert full.get_attribute("open") is None
    page.locator("#turn-1 a.cite").first.click()
    page.wait_for_function("document.querySelector('#src-1-1 details.full').open === true")
    assert page.locator("#src-1-1 details.full p.passage").is_visible()
    # the plain-text copy holds the references; the copy button puts it on the clipboard
    page.click("#copy-btn")
    page.wait_for_function("navigator.clipboard.readText().then(t => t.includes('References'))", timeout=10_000)
    copied = page.evaluate("navigator.clipboard.readText()")
    refs = copied.split("References", 1)[1].strip().splitlines()
    cited = [line for line in refs if line.startswith("[")]
    assert cited and all(re.search(r"https?://\S+", line) for line in cited), cited  # every reference has its URL
    shot("ask")


def test_follow_up_uses_the_previous_question(page) -> None:
    ask(page, WASHOUT, 1)
    ask(page, "And for isatuximab?", 2)
    turn2 = page.locator("#turn-2").inner_text()
    assert "Follow-up read as" in turn2 and "washout" in turn2
    assert page.locator("#srcs-2").get_attribute("open") is not None  # latest answer's sources open
    assert page.locator("#srcs-1").get_attribute("open") is None
    page.click("#new-btn")
    page.wait_for_selector("#convo .convo.empty")


def test_example_in_chinese_and_abstention(page) -> None:
    page.locator("#examples button", has_text="洗脱期").click()
    page.wait_for_selector("#turn-1", timeout=TIMEOUT)
    assert page.locator("#turn-1 a.cite").count() >= 1
    ask(page, "What is the best pizza topping?", 2)
    box = page.locator("#turn-2 .abstain")
    assert (
        box.is_visible() and "No answer from the corpus" in box.inner_text() and "renal impairment" in box.inner_text()
    )


def test_what_the_corpus_lacks_reads_as_one_column(page) -> None:
    """The covered topics sit in two columns; the sentence saying what is missing must not be split across them."""
    ask(page, "When can daratumumab be given after CAR-T infusion?", 1)
    lacks = page.locator("#turn-1 .abstain .missing-what ul")
    assert "timing (how long or how soon)" in lacks.inner_text()
    assert lacks.evaluate("el => getComputedStyle(el).columnCount") in ("1", "auto")


def test_patient_facts_in_a_question_show_the_report(page) -> None:
    ask(page, "72-year-old, lenalidomide-refractory, daratumumab 4 months ago: can I rechallenge?", 1)
    box = page.locator("#turn-1 .patient-box")
    assert "Rechallenge too early" in box.inner_text()
    assert box.locator("table.regimens tbody tr").count() == 6
    box.locator("details.assume summary").click()
    assert "Assumed" in box.locator("details.assume").inner_text()


def test_xss_question_renders_inert(page) -> None:
    payload = '<img src=x onerror="window.__xss=1;alert(1)"><script>window.__xss=2</script>'
    ask(page, payload, 1)
    q = page.locator("#turn-1 .q p")
    assert q.inner_text() == payload
    assert page.locator("#convo img").count() == 0 and page.locator("#convo script").count() == 0
    assert page.evaluate("window.__xss === undefined")


def fill_patient(page) -> None:
    page.fill("#f-age input", "72")
    page.fill("#f-prior_lines input", "2")
    page.locator("#f-exposure-lenalidomide").get_by_label("refractory").check()
    page.locator("#f-exposure-bortezomib").get_by_label("exposed").check()
    page.locator("#f-anti_cd38-status").get_by_label("never given").check()  # untouched, it would be unknown
    page.fill("#f-crcl_ml_min input", "55")


def test_patient_check_reads_the_verdict_table_and_opens_evidence(page, shot, tmp_path: Path) -> None:
    open_tab(page, "Patient check")
    fill_patient(page)
    page.press("#f-crcl_ml_min input", "Enter")  # Enter in a box checks, as the button does
    page.wait_for_selector("#report table.regimens", timeout=TIMEOUT)
    rows = page.locator("#report table.regimens tbody tr")
    assert rows.count() == 6
    verdicts = {
        rows.nth(i).locator("th .code").inner_text(): rows.nth(i).locator(".verdict").inner_text() for i in range(6)
    }
    assert list(verdicts) == ["DRd", "DVd", "DKd", "DPd", "IsaPd", "IsaKd"]
    assert verdicts["DRd"].endswith("Avoid")  # lenalidomide-refractory; the verdict is written, not only coloured
    assert all(v.split()[-1] in ("Option", "Caution", "Avoid") for v in verdicts.values())
    assert "Candidate" in page.locator("#report").inner_text()
    link = page.locator("#report table.regimens a.evlink").first
    target = link.get_attribute("data-open")
    link.click()
    page.wait_for_function(f"document.getElementById('{target}').open === true")
    assert page.locator(f"#{target} p.passage").is_visible()
    # exports
    with page.expect_download() as dl:
        page.click("#dl-json")
    saved = tmp_path / "report.json"
    dl.value.save_as(saved)
    assert json.loads(saved.read_text())["regimens"][0]["code"] == "DRd"
    with page.expect_download() as dl:
        page.click("#dl-md")
    dl.value.save_as(tmp_path / "report.md")
    md = (tmp_path / "report.md").read_text()
    assert "| DRd |" in md
    # the patient's inputs head the report, unknown fields said to be unknown
    assert "### Patient inputs" in md and "- **Age (years, 18-120):** 72" in md
    assert "- **Lenalidomide (R):** refractory" in md and "- **ECOG performance status:** unknown (not given)" in md
    shot("patient")


def test_invalid_profile_shows_messages_beside_the_fields(page, shot) -> None:
    open_tab(page, "Patient check")
    page.fill("#f-age input", "150")
    page.fill("#f-anc input", "low")
    page.click("#check-btn")
    page.wait_for_selector("#err-age .field-error", timeout=TIMEOUT)
    # messages name the field as the form labels it, never by its key
    assert page.locator("#err-age").inner_text() == "Age: must be between 18 and 120 (got 150)"
    assert page.locator("#err-prior_lines").is_hidden()  # left empty: unknown, not an error
    assert "ANC: must be a number" in page.locator("#err-anc").inner_text()
    assert page.locator("#err-crcl_ml_min").is_hidden()
    # beside the field: the message sits right under its input, within the same column
    field, err = page.locator("#f-age").bounding_box(), page.locator("#err-age").bounding_box()
    assert abs(err["x"] - field["x"]) < 40 and 0 <= err["y"] - (field["y"] + field["height"]) < 60
    assert "Please correct" in page.locator("#form-summary").inner_text()
    shot("patient-invalid")
    # fixing the fields clears the messages
    page.fill("#f-age input", "70")
    page.fill("#f-prior_lines input", "1")
    page.fill("#f-anc input", "")
    page.click("#check-btn")
    page.wait_for_selector("#report table.regimens", timeout=TIMEOUT)
    assert page.locator("#err-age").is_hidden()


def test_profile_loads_from_a_json_file(page, tmp_path: Path) -> None:
    path = tmp_path / "patient.json"
    path.write_text(json.dumps({"age": 81, "prior_lines": 3, "anti_cd38": {"status": "refractory"}}))
    open_tab(page, "Patient check")
    page.locator("#upload-btn input[type=file], input[type=file]").first.set_input_files(str(path))
    page.wait_for_selector("#report table.regimens", timeout=TIMEOUT)
    assert page.locator("#f-age input").input_value() == "81"
    assert "Needs the date of the last anti-CD38 dose" in page.locator("#report").inner_text()
    bad = tmp_path / "bad.json"
    bad.write_text('{"age": 81, "prior_lines": 3, "ecog": 9}')
    page.locator("input[type=file]").first.set_input_files(str(bad))
    page.wait_for_selector("#err-ecog .field-error", timeout=TIMEOUT)
    assert "ECOG: must be between 0 and 4" in page.locator("#err-ecog").inner_text()


def test_switch_to_chinese_relabels_the_page(page, shot) -> None:
    ask(page, WASHOUT, 1)
    page.locator("#lang-radio").get_by_label("中文").check()
    page.wait_for_selector("role=tab[name='提问']")
    for name in ("提问", "患者评估", "患者教育", "评估报告", "关于"):
        # Labels update in one event, but the browser repaints them one by one: wait for each.
        expect(page.get_by_role("tab", name=name)).to_have_count(1, timeout=TIMEOUT)
    expect(page.get_by_label("问题").first).to_be_attached(timeout=TIMEOUT)
    expect(page.locator("#turn-1")).to_contain_text("问题 1", timeout=TIMEOUT)  # the conversation is re-rendered
    expect(page.locator("#sources")).to_contain_text("相关度", timeout=TIMEOUT)
    open_tab(page, "患者评估")
    page.wait_for_selector("text=年龄（岁，18-120）")
    page.click("#example-btn")
    page.wait_for_selector("#report table.regimens", timeout=TIMEOUT)
    expect(page.locator("#report")).to_contain_text("适用性报告", timeout=TIMEOUT)
    shot("patient-zh")
    page.locator("#lang-radio").get_by_label("English").check()
    page.wait_for_selector("role=tab[name='Ask']")


def test_keyboard_tab_order_reaches_ask(page) -> None:
    page.focus("#question textarea")
    page.keyboard.type("What is daratumumab interference with blood bank testing?")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "ask-btn"
    page.keyboard.press("Enter")
    page.wait_for_selector("#turn-1", timeout=TIMEOUT)


def test_education_tab_makes_a_draft(page, shot) -> None:
    open_tab(page, "Patient education")
    if page.locator("#e-make").count() == 0:
        pytest.skip("the patient-education module is not installed")
    page.click("#e-make")
    page.wait_for_selector("#e-preview article", timeout=TIMEOUT)
    assert page.locator("#e-preview h1").inner_text()
    with page.expect_download() as dl:
        page.click("#e-dl-html")
    assert dl.value.suggested_filename.endswith(".html")
    shot("education")


def test_evaluation_tab(page, shot) -> None:
    open_tab(page, "Evaluation")
    from cd38_guide.ui.pages import default_reports_dir

    reports = default_reports_dir()
    if (reports / "report.json").is_file():
        assert "What it gets right" in page.locator("#ev-summary").inner_text()  # plain words first
    assert page.locator("#ev-report").is_hidden()  # the technical tables are folded below the summary
    page.get_by_text("Technical report: retrieval and answer metrics").click()
    page.get_by_text("Technical report: speed and memory").click()
    expect(page.locator("#ev-report")).to_be_visible(timeout=TIMEOUT)
    text = page.locator("#ev-report").inner_text() + page.locator("#ev-bench").inner_text()
    assert text.strip()  # the report, or a clear note that it is missing
    if not (reports / "report.md").is_file():
        assert "No report found at" in text
    page.get_by_text("Technical report: figures").click()
    for elem, name in (("#ev-recall", "recall_at_k.png"), ("#ev-latency", "latency_by_stage.png")):
        if (reports / name).is_file():  # the committed figure is shown (scrolled to, as images load lazily)
            page.locator(elem).scroll_into_view_if_needed()
            loaded = f"(() => {{ const i = document.querySelector('{elem} img'); return i && i.naturalWidth > 0; }})()"
            page.wait_for_function(loaded, timeout=TIMEOUT)
    shot("evaluation")


def test_no_outside_requests_on_any_tab(page) -> None:
    ask(page, WASHOUT, 1)
    for name in ("Patient check", "Patient education", "Evaluation", "About", "Ask"):
        open_tab(page, name)
        page.wait_for_timeout(300)
    assert len(page.requests.urls) > 5
    assert page.requests.outside() == []  # (the fixture checks this after every test as well)


def test_about_tab_counts_the_corpus(page, shot) -> None:
    from cd38_guide.corpus import load_corpus

    corpus = load_corpus([Path(__file__).resolve().parents[2] / "corpus"])
    open_tab(page, "About")
    assert page.locator("#n-docs").inner_text() == str(len(corpus.documents))
    assert page.locator("#n-passages").inner_text() == str(len(corpus.passages))
    about = page.locator("#about").inner_text()
    assert "full text of the 2025 Pan-Pacific consensus" in about and "not in the corpus" in about
    assert "not a prescriber" in page.locator("#statement").inner_text()
    shot("about")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_meets_wcag_aa(page, scheme: str) -> None:
    """Every visible text on the Ask, Patient check and About tabs has AA contrast against its background."""
    check = (Path(__file__).parent / "contrast.js").read_text()
    page.emulate_media(color_scheme=scheme)
    page.reload()
    page.wait_for_selector("#question textarea")
    ask(page, "72-year-old, lenalidomide-refractory, daratumumab 4 months ago: can I rechallenge?", 1)
    ask(page, "What is the best pizza topping?", 2)
    page.locator("#turn-1 a.cite").first.click() if page.locator("#turn-1 a.cite").count() else None
    failures = page.evaluate(check)
    open_tab(page, "Patient check")
    page.click("#example-btn")
    page.wait_for_selector("#report table.regimens", timeout=TIMEOUT)
    page.locator("#report details.evidence > summary").click()
    failures += page.evaluate(check)
    page.fill("#f-age input", "150")
    page.click("#check-btn")
    page.wait_for_selector("#err-age .field-error", timeout=TIMEOUT)
    failures += page.evaluate(check)
    open_tab(page, "About")
    failures += page.evaluate(check)
    assert failures == [], failures[:10]


def test_empty_or_overlong_question_shows_the_message(page) -> None:
    page.fill("#question textarea", "   ")
    page.click("#ask-btn")
    toast = page.get_by_text("the question is empty")
    toast.wait_for(timeout=TIMEOUT)
    page.fill("#question textarea", "washout " * 400)
    page.click("#ask-btn")
    page.get_by_text("the limit is 2,000").wait_for(timeout=TIMEOUT)
    assert page.locator("#convo .turn").count() == 0
