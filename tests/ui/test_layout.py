"""Every tab at a ward-PC size (1366×900) and a phone size (390×844), in English and in Chinese, in a real chromium
against a real server: nothing wider than the screen, no overlapping boxes in the report table, the newest chat
answer in view after each question, every tab reachable without an overflow menu, and no code or untranslated
English reason shown in Chinese mode. Each tab's screenshot is written to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "screenshots"
TIMEOUT = 60_000
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
TABS = {
    "en": {
        "ask": "Ask",
        "patient": "Patient check",
        "education": "Patient education",
        "eval": "Evaluation",
        "about": "About",
    },
    "zh": {"ask": "提问", "patient": "患者评估", "education": "患者教育", "eval": "评估报告", "about": "关于"},
}
QUESTIONS = {
    "en": [
        "How long a washout is needed before rechallenging with an anti-CD38 antibody?",
        "72-year-old, lenalidomide-refractory, daratumumab 4 months ago: can I rechallenge?",
        "What is the best pizza topping?",
    ],
    "zh": [
        "抗CD38单抗再次治疗前需要多长的洗脱期？",
        "72岁，来那度胺难治，4个月前使用达雷妥尤单抗，可以再次使用吗？",
        "达雷妥尤单抗会干扰输血前的血型检测吗？",
    ],
}
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# English words that only a rule reason or flag message would show; in Chinese mode they must not be visible
REASON_WORDS = re.compile(r"\b(refractory disease|relies on|rechallenge|dose|patients?|consider)\b", re.I)


def overflow(page) -> dict:
    """scrollWidth vs innerWidth, and the widest elements sticking out (for the failure message)."""
    return page.evaluate(
        """() => {
      const w = window.innerWidth, sw = document.scrollingElement.scrollWidth;
      const wide = [];
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== 'fixed') {
          wide.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + el.className).slice(0, 60) + ' ' +
                    Math.round(r.right));
        }
      }
      return {inner: w, scroll: sw, wide: wide.slice(0, 8)};
    }"""
    )


def assert_fits(page, where: str) -> None:
    o = overflow(page)
    assert o["scroll"] <= o["inner"], f"{where}: page is {o['scroll']} px wide on a {o['inner']} px screen: {o['wide']}"


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


def assert_no_codes(page, where: str) -> None:
    text = visible_text(page)
    codes = sorted(set(CODE.findall(text)))
    assert codes == [], f"{where}: snake_case codes visible in Chinese mode: {codes}"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def open_tab(page, lang: str, key: str) -> None:
    tab = page.get_by_role("tab", name=TABS[lang][key])
    expect(tab).to_be_visible(timeout=TIMEOUT)  # reachable: on the page, not behind an overflow menu
    tab.click()
    page.wait_for_timeout(300)


def last_turn_in_view(page) -> bool:
    return page.evaluate(
        """() => {
      const turns = document.querySelectorAll('#convo .turn');
      const last = turns[turns.length - 1];
      if (!last) return false;
      const r = last.getBoundingClientRect();
      let box = last.parentElement;  // the scrolling conversation box, if any
      while (box && !(box.scrollHeight > box.clientHeight + 2 &&
                      /(auto|scroll)/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
      const top = box ? Math.max(0, box.getBoundingClientRect().top) : 0;
      const bottom = box ? Math.min(window.innerHeight, box.getBoundingClientRect().bottom) : window.innerHeight;
      return r.top >= top - 2 && r.top < bottom - 20;
    }"""
    )


def report_boxes_overlap(page, selector: str) -> list[str]:
    """Pairs of boxes (verdict badge, regimen name, reasons, evidence links) in one report row that overlap."""
    return page.evaluate(
        """(sel) => {
      const bad = [];
      for (const row of document.querySelectorAll(sel + ' table.regimens tbody tr')) {
        const parts = [...row.querySelectorAll('.code, .rname, .verdict, td.rcell li, a.evlink')]
          .map(el => [el, el.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && r.height > 0);
        for (let i = 0; i < parts.length; i++) for (let j = i + 1; j < parts.length; j++) {
          const [a, ra] = parts[i], [b, rb] = parts[j];
          if (a.contains(b) || b.contains(a)) continue;
          const x = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
          const y = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
          if (x > 1 && y > 1) bad.push(a.className + ' / ' + b.className + ' in ' + row.innerText.slice(0, 8));
        }
        for (const a of row.querySelectorAll('a.evlink')) {  // an evidence id must not wrap letter by letter
          const r = a.getBoundingClientRect();
          if (r.width > 0 && r.width < 40 && r.height > 40) bad.push('evidence id squeezed: ' + a.textContent);
        }
      }
      return bad;
    }""",
        selector,
    )


@pytest.fixture(params=[(size, lang) for size in SIZES for lang in ("en", "zh")], ids=lambda p: f"{p[0]}-{p[1]}")
def sized(request, browser, server: dict):
    size, lang = request.param
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    page = context.new_page()
    page.goto(server["url"])
    page.wait_for_selector("#question textarea", timeout=TIMEOUT)
    if lang == "zh":
        page.locator("#lang-radio").get_by_label("中文").check()
        for name in TABS["zh"].values():
            expect(page.get_by_role("tab", name=name)).to_have_count(1, timeout=TIMEOUT)
    yield page, size, lang
    context.close()


def test_every_tab_fits_reads_and_is_reachable(sized) -> None:
    page, size, lang = sized
    name = f"{size}-{lang}"
    # Ask: several questions; after each, the newest answer is in view
    for i, q in enumerate(QUESTIONS[lang], start=1):
        page.fill("#question textarea", q)
        page.press("#question textarea", "Enter")
        page.wait_for_selector(f"#turn-{i}", timeout=TIMEOUT)
        page.wait_for_timeout(500)  # the page script scrolls on the next frame
        assert last_turn_in_view(page), f"{name}: answer {i} is not in view after it was asked"
    assert_fits(page, f"{name} ask")
    if page.locator("#turn-2 .patient-box").count():
        page.locator("#turn-2 details.assume summary").click()  # what was read and assumed, opened
        assert report_boxes_overlap(page, "#turn-2") == []
    if lang == "zh":
        assert_no_codes(page, f"{name} ask")
    shot(page, f"{name}-ask")
    # Patient check: the example patient, the report table without overlaps
    open_tab(page, lang, "patient")
    page.click("#example-btn")
    page.wait_for_selector("#report table.regimens", timeout=TIMEOUT)
    page.wait_for_timeout(300)
    assert_fits(page, f"{name} patient")
    assert report_boxes_overlap(page, "#report") == []
    if lang == "zh":
        assert_no_codes(page, f"{name} patient")
    shot(page, f"{name}-patient")
    # Education: a draft
    open_tab(page, lang, "education")
    page.click("#e-make")
    page.wait_for_selector("#e-preview article", timeout=TIMEOUT)
    assert_fits(page, f"{name} education")
    if lang == "zh":
        assert_no_codes(page, f"{name} education")
    shot(page, f"{name}-education")
    # Evaluation: the plain-language summary first
    open_tab(page, lang, "eval")
    summary = page.locator("#ev-summary")
    expect(summary).to_be_visible(timeout=TIMEOUT)
    heads = ("What it gets right", "Where it falls short", "How it was measured")
    if lang == "zh":
        heads = ("做得好的地方", "不足之处", "如何测量")
    for head in heads:
        assert head in summary.inner_text()
    assert_fits(page, f"{name} evaluation")
    if lang == "zh":
        assert_no_codes(page, f"{name} evaluation")
    shot(page, f"{name}-evaluation")
    # About
    open_tab(page, lang, "about")
    expect(page.locator("#statement")).to_be_visible(timeout=TIMEOUT)
    assert_fits(page, f"{name} about")
    if lang == "zh":
        assert_no_codes(page, f"{name} about")
        assert "passages" not in page.locator("#about").inner_text()
    shot(page, f"{name}-about")


def test_chinese_report_has_no_untranslated_reasons(browser, server: dict) -> None:
    """The patient report in Chinese mode: labels, flags, field names and the rules core's reasons in Chinese."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(server["url"])
    page.wait_for_selector("#question textarea", timeout=TIMEOUT)
    page.locator("#lang-radio").get_by_label("中文").check()
    expect(page.get_by_role("tab", name="患者评估")).to_have_count(1, timeout=TIMEOUT)
    page.get_by_role("tab", name="患者评估").click()
    page.click("#example-btn")
    page.wait_for_selector("#report table.regimens", timeout=TIMEOUT)
    expect(page.locator("#report")).to_contain_text("适用性报告", timeout=TIMEOUT)
    flags = page.locator("#report .flags li .flag-label").all_inner_texts()
    assert flags and all(re.search(r"[\u4e00-\u9fff]", f) for f in flags), flags
    text = page.locator("#report").inner_text()
    assert CODE.findall(text) == []
    assert "x10^9" not in text
    reasons = page.locator("#report td.rcell li").all_inner_texts()
    assert len(reasons) >= 6
    english = [r for r in reasons if REASON_WORDS.search(r)]
    page.fill("#f-age input", "150")  # a validation message names the field in Chinese
    page.click("#check-btn")
    expect(page.locator("#err-age")).to_have_text("年龄：应在 18 到 120 之间（当前为 150）", timeout=TIMEOUT)
    context.close()
    assert english == [], f"rule reasons shown in English in Chinese mode: {english[:3]}"


def test_server_says_where_it_serves_and_offers_no_public_link(server: dict) -> None:
    if server["log"] is None:
        pytest.skip("an already running server (CD38_GUIDE_TEST_URL): its output is not ours to read")
    log = Path(server["log"]).read_text(encoding="utf-8", errors="replace")
    assert "cd38-guide: ready at http://127.0.0.1:" in log
    assert "share=True" not in log and "public link" not in log
