"""Look and behaviour of the page: a system-font theme (no web fonts, no outside request), the CSS of the rendered
HTML, and one small script that opens a cited passage when its [n] marker or evidence id is clicked.

Colours are chosen for WCAG AA: body text and labels >= 4.5:1 on their backgrounds, verdict badges dark text on
light tints (>= 7:1), and every verdict is also written out, never shown by colour alone.
"""

from __future__ import annotations

from typing import Any

SYSTEM_FONTS = (
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Noto Sans",
    "Noto Sans CJK SC",
    "PingFang SC",
    "Microsoft YaHei",
    "Helvetica Neue",
    "Arial",
    "sans-serif",
)
MONO_FONTS = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace")


def make_theme() -> Any:
    """A Gradio theme with system fonts only and AA-contrast colours."""
    import gradio as gr

    theme = gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        secondary_hue=gr.themes.colors.slate,
        neutral_hue=gr.themes.colors.slate,
        font=[gr.themes.Font(f) for f in SYSTEM_FONTS],
        font_mono=[gr.themes.Font(f) for f in MONO_FONTS],
        radius_size=gr.themes.sizes.radius_sm,
    )
    return theme.set(
        color_accent="*primary_700",  # selected tab text and checked controls: 3.7:1 at primary_500, 6.7:1 here
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        button_primary_background_fill_dark="*primary_600",
        button_secondary_text_color="*neutral_800",
        block_label_text_color="*neutral_700",
        block_title_text_color="*neutral_800",
        block_info_text_color="*neutral_600",
        body_text_color_subdued="*neutral_600",
        input_placeholder_color="*neutral_500",
        link_text_color="*primary_700",
        link_text_color_visited="*primary_800",
        link_text_color_dark="*primary_300",
        link_text_color_visited_dark="*primary_300",
        link_text_color_hover_dark="*primary_200",
        checkbox_label_text_color="*neutral_800",
    )


CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#cd38-header h1 { margin: 0 0 .2em 0; font-size: 1.6rem; }
#cd38-header p { margin: 0; }
#lang-radio { max-width: 260px; }
.convo, .sources { font-size: 0.97rem; line-height: 1.5; }
.convo.empty, .sources.empty { color: var(--body-text-color); padding: .5em; }
.turn { border-bottom: 1px solid var(--border-color-primary); padding: .6em 0; }
.turn .q { background: var(--background-fill-secondary); border-radius: 6px; padding: .4em .7em; }
.turn .q p { margin: .1em 0; white-space: pre-wrap; word-break: break-word; }
.who { font-weight: 600; font-size: .85rem; }
.turn .a { padding: .3em .7em; }
.sent { margin: .35em 0; }
a.cite { font-weight: 600; text-decoration: none; padding: 0 1px; }
a.cite:hover, a.cite:focus { text-decoration: underline; }
.note { font-size: .9rem; font-style: normal; border-left: 3px solid #64748b; padding-left: .5em; }
.abstain { border: 2px solid #b45309; background: #fffbeb; color: #1f2937; border-radius: 6px; padding: .5em .8em; }
.abstain ul { columns: 2; margin: .3em 0; }
/* what the corpus lacks is one or two sentences: never split across columns */
.abstain .missing-what ul { columns: 1; }
.abstain a { color: #1d4ed8; }
/* light tinted boxes keep dark text in the dark theme too */
.abstain *, .verdict *, .sev *, .form-summary *, .field-error *, mark * { color: inherit !important; }
.abstain a { color: #1d4ed8 !important; }
.dark [role="tab"][aria-selected="true"] { color: #93c5fd !important; }
.dark a.cite, .dark .evlink, .dark .src a, .dark .about a, .dark details.ev a { color: #93c5fd; }
mark { background: #fde68a; color: #111827; padding: 0 1px; }
.src { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .5em .7em; margin: .5em 0;
       scroll-margin-top: 80px; }
.src h4 { margin: 0; font-size: 1rem; }
.src h4 a { text-decoration: none; }
.src .heading { margin: .1em 0; font-style: italic; }
.src .meta { margin: .2em 0; font-size: .88rem; }
.kind { font-variant: small-caps; font-weight: 600; }
.rel { display: flex; align-items: center; gap: .5em; font-size: .85rem; }
.rel .bar { display: inline-block; width: 90px; height: 8px; background: #e2e8f0; border-radius: 4px; overflow: hidden;
            border: 1px solid #94a3b8; }
.rel .bar span { display: block; height: 100%; background: #1d4ed8; }
blockquote.support { margin: .4em 0; padding: .2em .6em; border-left: 3px solid #ca8a04; }
.passage { white-space: pre-wrap; }
.cit, .secondary { font-size: .85rem; }
.flash { outline: 3px solid #1d4ed8; outline-offset: 2px; }
details > summary { cursor: pointer; }
details.turn-sources > summary { font-weight: 600; font-size: .92rem; margin: .3em 0; }
.patient-box { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .4em .7em;
               margin-top: .6em; }
.patient-box h4 { margin: .2em 0; }
.report table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em 0; font-size: .93rem; }
.report th, .report td { border: 1px solid var(--border-color-primary); padding: .35em .5em; vertical-align: top;
                         text-align: left; }
.report thead th { background: var(--background-fill-secondary); }
.report table.kv th { width: 14em; background: var(--background-fill-secondary); }
.report ul { margin: 0; padding-left: 1.1em; }
.report .code { font-weight: 700; }
.report .rname { font-weight: 400; font-size: .82rem; }
.report h3 { margin: .8em 0 .2em 0; }
.report h5 { margin: .5em 0 .2em 0; font-size: .95rem; }
.report.compact table { font-size: .87rem; }
.verdict { display: inline-block; white-space: nowrap; font-weight: 700; border-radius: 4px; padding: .1em .5em;
           border: 1px solid; }
.v-option { background: #dcfce7; color: #14532d; border-color: #15803d; }
.v-caution { background: #fef3c7; color: #78350f; border-color: #b45309; }
.v-avoid { background: #fee2e2; color: #7f1d1d; border-color: #b91c1c; }
tr.row-option > th { border-left: 5px solid #15803d !important; }
tr.row-caution > th { border-left: 5px solid #b45309 !important; }
tr.row-avoid > th { border-left: 5px solid #b91c1c !important; }
.sev { display: inline-block; font-weight: 700; border-radius: 4px; padding: 0 .45em; border: 1px solid; }
.sev-critical .sev, span.sev-critical { background: #fee2e2; color: #7f1d1d; border-color: #b91c1c; }
.sev-warning .sev, span.sev-warning { background: #fef3c7; color: #78350f; border-color: #b45309; }
.sev-info .sev, span.sev-info { background: #e0f2fe; color: #0c4a6e; border-color: #0369a1; }
.flags { margin: .3em 0 .6em 0; }
.flags .sev-head { margin: .2em 0; }
.evlink { font-family: var(--font-mono); font-size: .82rem; display: inline-block; }
.report-title { font-size: 1.3rem; margin: .3em 0; }
.report table.regimens { table-layout: fixed; }
.report col.c-reg { width: 14%; } .report col.c-verdict { width: 10%; }
.report col.c-reasons { width: 52%; } .report col.c-ev { width: 24%; }
.report.compact col.c-reg { width: 16%; } .report.compact col.c-verdict { width: 13%; }
.report.compact col.c-reasons { width: 46%; } .report.compact col.c-ev { width: 25%; }
.evcell { overflow-wrap: break-word; }
details.ev { border-left: 3px solid #94a3b8; padding-left: .5em; margin: .3em 0; scroll-margin-top: 80px; }
.ruleset { font-size: .85rem; }
.field-error:empty { display: none; }
.field-error { color: #991b1b; background: #fef2f2; border: 1px solid #b91c1c; border-radius: 4px;
               padding: .2em .5em; font-size: .88rem; margin-top: -4px; }
.form-summary:empty { display: none; }
.form-summary { color: #7f1d1d; background: #fef2f2; border: 2px solid #b91c1c; border-radius: 6px;
                padding: .4em .8em; }
.about-stats { display: flex; gap: 2em; flex-wrap: wrap; font-size: 1.05rem; }
.about-stats b { font-size: 1.5rem; }
.statement { border: 2px solid #1d4ed8; border-radius: 6px; padding: .5em .8em; }
.doc-table { border-collapse: collapse; width: 100%; font-size: .88rem; }
.doc-table th, .doc-table td { border: 1px solid var(--border-color-primary); padding: .25em .4em; text-align: left;
                               vertical-align: top; }
.bench-table { border-collapse: collapse; font-size: .9rem; }
.bench-table th, .bench-table td { border: 1px solid var(--border-color-primary); padding: .2em .5em;
                                   text-align: left; }
#examples button.example { justify-content: flex-start; text-align: left; font-weight: 400; }
.edu-preview { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .5em 1em; }
#ev-report ol { padding-left: 2.4em; }
.missing { border: 2px dashed #b45309; border-radius: 6px; padding: .5em .8em; }
/* the answer leads with what was asked: direct answer, comparison table, then the quotes */
.direct { border-left: 5px solid #1d4ed8; background: var(--background-fill-secondary); border-radius: 6px;
          padding: .4em .8em; margin: .4em 0; }
.direct p { font-size: 1.08rem; font-weight: 600; margin: .1em 0; }
.direct-label, .quotes-head { font-size: .8rem; font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
.quotes-head { margin: .6em 0 .1em 0; }
table.cmp { border-collapse: collapse; font-size: .9rem; margin: .3em 0; }
table.cmp th, table.cmp td { border: 1px solid var(--border-color-primary); padding: .25em .5em; text-align: left;
                             vertical-align: top; }
.sure { font-size: .9rem; margin: .3em 0 .4em 0; }
.user-added { display: inline-block; font-weight: 700; font-size: .85rem; color: #7c2d12; background: #ffedd5;
              border: 1px solid #c2410c; border-radius: 4px; padding: 0 .4em; margin: .1em 0; }
.src-user { border: 2px dashed #c2410c; }
.missing-what { margin: .3em 0; }
.flag-label { font-weight: 700; }
.depends { font-size: .85rem; font-style: italic; margin: .2em 0 0 0; }
.ev-summary h3 { margin: .7em 0 .2em 0; }
.ev-summary ul { margin: .2em 0; }
.ev-when { font-size: .9rem; }
#ev-report table, .bench-table { display: block; overflow-x: auto; max-width: 100%; }
/* width 0 + min-width 100%: the box takes the column's width and never widens the page by its table's width */
.table-scroll, .cmp-wrap { overflow-x: auto; width: 0; min-width: 100%; }
#e-topic input, #e-regimen input { text-overflow: ellipsis; padding-right: 2.2em; }
.edu-preview, .about, .report, .convo, .sources { overflow-wrap: break-word; }
.edu-preview, .edu-preview *, .about a, .passage, .cit { overflow-wrap: anywhere; }
/* a phone (390 px): one column, the regimen table as one card per regimen, nothing wider than the screen */
@media (max-width: 640px) {
  #cd38-header h1 { font-size: 1.3rem; }
  #lang-radio { max-width: none; }
  .report table.regimens, .report table.regimens tbody, .report table.regimens tr,
  .report table.regimens th, .report table.regimens td { display: block; width: auto; }
  .report table.regimens colgroup, .report table.regimens thead { display: none; }
  .report table.regimens tr { border: 1px solid var(--border-color-primary); border-radius: 6px; margin: .5em 0; }
  .report table.regimens th, .report table.regimens td { border: none; border-bottom: 1px solid
                                                           var(--border-color-primary); }
  .report table.regimens td::before { content: attr(data-label); display: block; font-size: .78rem;
                                      font-weight: 700; }
  .report table.regimens td.vcell::before { display: none; }
  .report table.kv th { width: 7em; }
  .abstain ul { columns: 1; }
  .edu-preview { border: none; padding: 0; }
  .rel .bar { width: 60px; }
  /* the About document list as one card per document: title, then kind, year and passages, then the reference */
  .doc-table thead { display: none; }
  .doc-table, .doc-table tbody, .doc-table tr { display: block; }
  .doc-table tr { border: 1px solid var(--border-color-primary); border-radius: 6px; margin: .4em 0;
                  padding: .3em .5em; }
  .doc-table td { display: block; border: none; padding: .1em 0; }
  .doc-table td:nth-child(1) { font-weight: 700; }
  .doc-table td:nth-child(2), .doc-table td:nth-child(3), .doc-table td:nth-child(4) { display: inline-block;
                                                                                      margin-right: 1em; }
  .doc-table td:nth-child(4)::before { content: attr(data-label) " "; }
  /* evidence ids one per line, whole, without the separating commas */
  .report td.evcell, .report .evs { font-size: 0; }
  .report td.evcell a.evlink, .report .evs a.evlink { display: block; font-size: .82rem; margin: .1em 0;
                                                      text-align: left; }
  .report td.evcell::before { font-size: .78rem; }
}
.edu-preview dt { font-weight: 700; margin-top: .4em; }
.edu-preview dd { margin: 0 0 .2em 1.2em; }
"""

# Opens a cited passage: [n] markers, source titles and evidence ids carry data-open="<element id>".
HEAD = """
<style>
/* Gradio scopes the app's CSS inside its content area; the page gutter on a phone has to be set from here */
@media (max-width: 640px) { .gradio-container .main.fillable { padding-left: 8px !important;
                                                               padding-right: 8px !important; } }
</style>
<script>
(function () {
  function openTarget(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    for (var p = el; p; p = p.parentElement) { if (p.tagName === 'DETAILS') p.open = true; }
    var inner = el.querySelector('details'); if (inner) inner.open = true;
    el.scrollIntoView({block: 'nearest'});
    el.classList.add('flash');
    setTimeout(function () { el.classList.remove('flash'); }, 1500);
    if (el.focus) el.focus({preventScroll: true});
    return true;
  }
  // The chat shows the newest answer: when the conversation gains a turn, bring that turn's top into view.
  var turns = 0;
  new MutationObserver(function () {
    var all = document.querySelectorAll('#convo .turn');
    if (all.length > turns) {
      var last = all[all.length - 1];
      requestAnimationFrame(function () { last.scrollIntoView({block: 'start'}); });
    }
    turns = all.length;
  }).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a[data-open]');
    if (!a) return;
    if (openTarget(a.getAttribute('data-open'))) ev.preventDefault();
  }, true);
})();
</script>
"""

# Copies the plain-text answer; falls back to a hidden textarea where the Clipboard API is unavailable (plain HTTP
# on a non-local address). The visible textbox under the button is the last resort.
COPY_JS = """
(text, lang) => {
  if (!text) return [];
  const done = () => {
    const b = document.querySelector('#copy-btn');
    if (!b) return;
    const old = b.textContent;
    b.textContent = lang === 'zh' ? '已复制 ✓' : 'Copied ✓';
    setTimeout(() => { b.textContent = old; }, 1500);
  };
  const fallback = () => {
    const ta = document.createElement('textarea');
    ta.value = text; ta.setAttribute('readonly', ''); ta.style.position = 'fixed'; ta.style.opacity = '0';
    document.body.appendChild(ta); ta.select();
    try { document.execCommand('copy'); done(); } catch (e) {}
    document.body.removeChild(ta);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, fallback);
  } else { fallback(); }
  return [];
}
"""
