"""The Patient check tab: the profile form with messages beside the fields, the report, exports and JSON upload."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from cd38_guide import audit
from cd38_guide.errors import InputError
from cd38_guide.private_files import write_private
from cd38_guide.ui.i18n import t
from cd38_guide.ui.labels import Labels
from cd38_guide.ui.patient_form import (
    EXAMPLE_PROFILE,
    FIELDS,
    FieldSpec,
    choices_for,
    default_values,
    profile_to_values,
    route_problems,
    values_to_profile,
)
from cd38_guide.ui.render import esc
from cd38_guide.ui.report_html import render_report
from cd38_guide.ui.vocab import field_message

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("p_basics", ("age", "prior_lines", "ecog", "charlson", "adl", "iadl")),
    (
        "p_drugs",
        (
            "exposure.lenalidomide",
            "exposure.pomalidomide",
            "exposure.bortezomib",
            "exposure.carfilzomib",
            "anti_cd38.status",
            "anti_cd38.agent",
            "anti_cd38.months_since_last_dose",
            "cytogenetics",
        ),
    ),
    (
        "p_organs",
        ("crcl_ml_min", "heart_failure_nyha", "lvef_percent", "uncontrolled_hypertension", "neuropathy_grade"),
    ),
    ("p_labs", ("anc", "platelets", "hbv", "igg_mg_dl", "recurrent_infections")),
)
MAX_UPLOAD = 1_000_000
PER_ROW = 4


@dataclass
class PatientTab:
    """Components the rest of the app needs: the last report/profile (for re-rendering and education)."""

    report_state: Any
    profile_state: Any
    report_html: Any


def _info(spec: FieldSpec, lang: str) -> str | None:
    # only fields whose empty value means unknown say so (not those with a default such as neuropathy grade 0)
    return (
        None
        if spec.required or spec.default is not None or spec.kind in ("radio", "multi", "bool")
        else t("empty_unknown", lang)
    )


def _choices(spec: FieldSpec, lang: str) -> list[tuple[str, Any]]:
    return choices_for(spec, lang)


def _heading(key: str, lang: str) -> str:
    return f"#### {t(key, lang)}"


def _widget(gr: Any, spec: FieldSpec, labels: Labels) -> Any:
    eid = "f-" + spec.path.replace(".", "-")
    label, info = t(spec.label, "en"), _info(spec, "en")
    if spec.kind in ("int", "float"):
        # A textbox, not gr.Number: an untouched Number comes back as 0, and here empty must mean unknown.
        comp = gr.Textbox(label=label, info=info, value="", max_lines=1, elem_id=eid, min_width=180)
        return labels.add(comp, label=spec.label, info=partial(_info, spec))
    if spec.kind in ("choice", "choice_int"):
        value = "" if spec.default is None else str(spec.default) if spec.kind == "choice_int" else spec.default
        comp = gr.Dropdown(
            choices=choices_for(spec, "en"), value=value, label=label, info=info, elem_id=eid, min_width=180
        )
        return labels.add(
            comp,
            label=spec.label,
            info=partial(_info, spec),
            choices=partial(_choices, spec),
        )
    if spec.kind == "radio":
        comp = gr.Radio(choices=choices_for(spec, "en"), value=spec.default, label=label, elem_id=eid, min_width=180)
        return labels.add(comp, label=spec.label, choices=partial(_choices, spec))
    if spec.kind == "multi":
        comp = gr.CheckboxGroup(choices=list(spec.choices), value=[], label=label, elem_id=eid, min_width=180)
        return labels.add(comp, label=spec.label)
    # yes / no / unknown: a checkbox cannot say "not asked", and the rules core treats that as unknown
    comp = gr.Radio(choices=choices_for(spec, "en"), value=spec.default, label=label, elem_id=eid, min_width=180)
    return labels.add(comp, label=spec.label, choices=partial(_choices, spec))


def field_errors(problems: Sequence[str], lang: str) -> tuple[list[str], str]:
    """HTML for each field's error slot (FIELDS order) and the summary above the form."""
    by_field, _ = route_problems(problems)  # lines for no single field still reach the summary below
    slots = [
        "".join(
            f'<p class="field-error" role="alert">{esc(field_message(line, lang))}</p>'
            for line in by_field.get(spec.path, [])
        )
        for spec in FIELDS
    ]
    if not problems:
        return slots, ""
    order = {spec.path: i for i, spec in enumerate(FIELDS)}
    ranked = sorted(
        problems, key=lambda line: order.get(next((p for p, ls in by_field.items() if line in ls), ""), len(order))
    )
    items = "".join(f"<li>{esc(field_message(line, lang))}</li>" for line in ranked)
    summary = (
        f'<div class="form-summary" role="alert"><strong>{esc(t("fix_fields", lang))}</strong><ul>{items}</ul></div>'
    )
    return slots, summary


def write_exports(
    report: Mapping[str, Any], out_dir: Path, profile: Mapping[str, Any] | None = None, lang: str = "en"
) -> tuple[str, str]:
    """The report as JSON and Markdown files, each named by the hash of its content (same content, same file).

    The Markdown starts with the patient's inputs, so the file says what its verdicts rest on."""
    from cd38_guide.rules import Report, report_to_markdown
    from cd38_guide.ui.patient_form import inputs_markdown

    text = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    md = report_to_markdown(Report.model_validate(report))
    if profile is not None:
        md = inputs_markdown(profile, lang) + "\n" + md
    paths = []
    for suffix, body in (("json", text), ("md", md)):
        digest = hashlib.sha256(body.encode()).hexdigest()[:12]
        path = out_dir / f"cd38-report-{digest}.{suffix}"
        if not path.exists():
            write_private(path, body)  # 0600: the report holds a patient's facts
        paths.append(str(path))
    return paths[0], paths[1]


def build_patient_tab(passages: Mapping[str, Any], labels: Labels, lang_radio: Any, out_dir: Path) -> PatientTab:
    """Lay out the Patient check tab inside the current gr.Tab and wire its events."""
    import gradio as gr

    from cd38_guide.rules import check_patient, validate_profile

    by_path = {s.path: s for s in FIELDS}
    widgets: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    labels.add(gr.Markdown(t("p_intro", "en")), value="p_intro")
    with gr.Row():
        check_btn = labels.add(gr.Button(t("check", "en"), variant="primary", elem_id="check-btn"), value="check")
        example_btn = labels.add(gr.Button(t("example_patient", "en"), elem_id="example-btn"), value="example_patient")
        reset_btn = labels.add(gr.Button(t("reset", "en"), elem_id="reset-btn"), value="reset")
        upload_btn = labels.add(
            gr.UploadButton(t("upload", "en"), file_types=[".json"], file_count="single", elem_id="upload-btn"),
            label="upload",
        )
    summary = gr.HTML("", elem_id="form-summary")
    for title_key, paths in SECTIONS:
        labels.add(gr.Markdown(f"#### {t(title_key, 'en')}"), value=partial(_heading, title_key))
        for i in range(0, len(paths), PER_ROW):
            row = paths[i : i + PER_ROW]
            with gr.Row(equal_height=False):
                for path in row:
                    with gr.Column(min_width=200):
                        widgets[path] = _widget(gr, by_path[path], labels)
                        # hidden until it has a message, so an error-free form stays compact
                        errors[path] = gr.HTML(
                            "", elem_id="err-" + path.replace(".", "-"), padding=False, visible=False
                        )
                for _ in range(PER_ROW - len(row)):  # keep the grid: a short last row does not stretch
                    gr.Column(min_width=200)
    inputs = [widgets[s.path] for s in FIELDS]
    error_slots = [errors[s.path] for s in FIELDS]
    with labels.add(gr.Accordion(t("profile_json", "en"), open=False), label="profile_json"):
        profile_code = gr.Code(value="{}", language="json", interactive=False, elem_id="profile-json")
    report_state = gr.State(None)
    profile_state = gr.State(None)
    with gr.Row():
        json_dl = labels.add(
            gr.DownloadButton(t("download_json", "en"), interactive=False, elem_id="dl-json"), label="download_json"
        )
        md_dl = labels.add(
            gr.DownloadButton(t("download_md", "en"), interactive=False, elem_id="dl-md"), label="download_md"
        )
    report_html = gr.HTML(f"<p>{esc(t('report_empty', 'en'))}</p>", elem_id="report")

    def shown_slots(slots: list[str]) -> list[Any]:
        return [gr.update(value=html, visible=bool(html)) for html in slots]

    result_outs = [summary, *error_slots, report_html, report_state, profile_state, json_dl, md_dl, profile_code]

    def no_report(problems: Sequence[str], lang: str, shown: str) -> list[Any]:
        """Result outputs with no report: field messages (if any), exports disabled."""
        slots, summ = field_errors(list(problems), lang)
        return [
            summ,
            *shown_slots(slots),
            f"<p>{esc(t('report_empty', lang))}</p>",
            None,
            None,
            gr.update(interactive=False, value=None),
            gr.update(interactive=False, value=None),
            shown,
        ]

    def run(data: object, lang: str, typed: Sequence[str] = ()) -> list[Any]:
        """Validate and check a profile dict; every outcome fills all result outputs.

        ``typed`` holds problems found before validation (text in a number box); they join the model's own."""
        shown = json.dumps(data, indent=2, ensure_ascii=False) if isinstance(data, dict) else "{}"
        try:
            profile = validate_profile(data, "patient profile")
            if typed:
                raise InputError("invalid patient profile", problems=list(typed))
        except InputError as err:
            typed_paths = {line.split(":", 1)[0] for line in typed}
            lines = [*typed, *(line for line in err.problems or err.lines if line.split(":", 1)[0] not in typed_paths)]
            return no_report(lines, lang, shown)
        t0 = time.perf_counter()
        checked = check_patient(profile)
        audit.record_check(profile, checked, (time.perf_counter() - t0) * 1000)  # only when CD38_GUIDE_AUDIT is set
        report = checked.model_dump(mode="json")
        json_path, md_path = write_exports(report, out_dir, profile.model_dump(mode="json"), lang)
        slots, summ = field_errors([], lang)
        return [
            summ,
            *shown_slots(slots),
            render_report(report, passages, lang),
            report,
            profile.model_dump(mode="json"),
            gr.update(value=json_path, interactive=True),
            gr.update(value=md_path, interactive=True),
            shown,
        ]

    def on_check(lang: str, *values: Any) -> list[Any]:
        data, problems = values_to_profile(values)
        return run(data, lang, problems)

    def on_example(lang: str) -> list[Any]:
        return [*profile_to_values(EXAMPLE_PROFILE), *run(EXAMPLE_PROFILE, lang)]

    def on_reset(lang: str) -> list[Any]:
        return [*default_values(), *no_report([], lang, "{}")]

    def on_upload(file: Any, lang: str) -> list[Any]:
        from cd38_guide.rules import load_profile

        path = Path(file if isinstance(file, str) else getattr(file, "name", ""))
        raw = path.read_bytes()[: MAX_UPLOAD + 1] if path.is_file() else b""
        try:
            profile = load_profile(raw)
        except InputError as err:
            try:
                data = json.loads(raw.decode("utf-8-sig")) if len(raw) <= MAX_UPLOAD else None
            except (UnicodeDecodeError, ValueError):
                data = None
            if not isinstance(data, dict):  # broken file: nothing to put in the form, say why above it
                lines = [line.replace("input: ", f"{path.name}: ", 1) for line in err.lines]
                slots, summ = field_errors(lines, lang)
                return [
                    *(gr.update() for _ in FIELDS),
                    summ,
                    *shown_slots(slots),
                    gr.update(),
                    None,
                    None,
                    gr.update(interactive=False, value=None),
                    gr.update(interactive=False, value=None),
                    "{}",
                ]
            return [*profile_to_values(data), *run(data, lang)]
        data = profile.model_dump(mode="json")
        return [*profile_to_values(data), *run(data, lang)]

    check_btn.click(on_check, [lang_radio, *inputs], result_outs, api_visibility="private", scroll_to_output=True)
    for spec in FIELDS:  # Enter in a number box checks the patient, as the button does
        if spec.kind in ("int", "float"):
            widgets[spec.path].submit(on_check, [lang_radio, *inputs], result_outs, api_visibility="private")
    example_btn.click(on_example, [lang_radio], [*inputs, *result_outs], api_visibility="private")
    reset_btn.click(on_reset, [lang_radio], [*inputs, *result_outs], api_visibility="private")
    upload_btn.upload(on_upload, [upload_btn, lang_radio], [*inputs, *result_outs], api_visibility="private")
    return PatientTab(report_state=report_state, profile_state=profile_state, report_html=report_html)
