"""Drugs and regimens in a patient description: which were given, which the disease is refractory to, which were
never given, and when each anti-CD38 antibody was last given.

The text is cut into sentences and clauses; a drug list inside a clause ("lenalidomide and bortezomib") shares the
cue before it ("refractory to ...") or after it ("... -refractory", "均难治"). A clause with no drug ("progressed
on it", "last dose 7 months ago", "非难治") refers back to the latest drug of its sentence. A drug named only as a
plan ("is DPd an option?", "计划使用DPd") is not history. Each anti-CD38 agent keeps its own time.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from cd38_guide.question.patient.lexicon import Lexicon
from cd38_guide.question.patient.model import AGENTS
from cd38_guide.question.patient.numbers import DURATION, Refused, duration_months

RANK = {"naive": 0, "exposed": 1, "refractory": 2}
_SENTENCE = re.compile(
    r"(?<!\d)(?<!incl)(?<!approx)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\by)(?<!\by\.o)\.(?!\d)|[?!。？！]"
)
"""Sentence ends; not the points of "incl.", "vs.", "e.g.", "y.o.", or a decimal."""
_CLAUSE = re.compile(r"[,;:，；、]|\s-\s")
_CONNECTOR = re.compile(r"^[\s,/&+()、-]*(?:and|or|nor|then|plus|with|和|及|与|以及|或|联合)?[\s,/&+()、-]*$")
_BARE_REFRACTORY = re.compile(
    r"progress(?:ed|ion)\s+(?:on|during|while\s+on)\s+(?:it|this|that|them|therapy|treatment)\b"
    r"|^\s*(?:and\s+|but\s+|now\s+)?(?:disease\s+)?(?:was\s+|is\s+)?(?:refractory|resistant)\s*(?:to\s+(?:it|both))?\s*$"
    r"|(?:relapsed|progressed)\s+(?:on|during)\s+maintenance"
    r"|^[^,;]{0,30}?(?:because\s+of|due\s+to|for)\s+(?:disease\s+)?progression"
    r"|(?:stopped|discontinued|停药)[^,;]*?(?:for|due\s+to|because\s+of|因)\s*(?:progression|pd\b|disease\s+progression|进展)"
    r"|(?:疾病)?在(?:该药|此药)?治疗中进展|对其(?:难治|耐药)|^\s*(?:难治|耐药|抵抗性|不応|難治性)\s*$"
)
_SINCE_BEFORE = re.compile(
    r"(?:since|off\s+(?:\S+\s+)?for|停药后?|停用后?|治疗后|距离?(?:末次|最后一次)?(?:给药|用药)?|末次\S{0,12}(?:给药|用药)已?"
    r"|距离?末次\S{0,12}|距今"
    r"|最終投与から|最终给药后)\s*$"
)
_TIME_FIRST = re.compile(rf"^[\s-]*(?:{DURATION.pattern})\s*(?:ago|before|前)?")
_LAST_PERIOD = re.compile(r"\blast\s+(?:month|week)\b|上个月|上周")
_SINCE_AFTER = re.compile(
    r"^\s*(?:ago|before|earlier|previously|前|まえ)|^\s*(?:since|after)\s+(?:the\s+)?(?:last|final)"
    r"|^\s*after\s+(?:stopping|discontinuing|the\s+end\s+of)"
)


@dataclass
class Mention:
    start: int
    end: int
    drugs: tuple[str, ...]
    history: bool
    months: list[float] = field(default_factory=list)


@dataclass
class DrugReading:
    """Per drug: the strongest status stated, times since the last dose (anti-CD38), and what was refused."""

    status: dict[str, str] = field(default_factory=dict)
    months: dict[str, float] = field(default_factory=dict)
    not_refractory: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sources: int = 0  # facts from drug groups: "DRd" is one fact about the patient, not two

    def put(self, drugs: tuple[str, ...], status: str) -> None:
        for d in drugs:
            if RANK[status] > RANK.get(self.status.get(d, ""), -1):
                self.status[d] = status


def _mentions(text: str, lex: Lexicon) -> list[Mention]:
    out = []
    for m in lex.name_rx.finditer(text):
        name = lex.names[m.group(0)]
        out.append(Mention(m.start(), m.end(), name.drugs, name.history))
    return out


def _spans(text: str, rx: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start] + [m.end() for m in rx.finditer(text, start, end)] + [end]
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _clauses(text: str, mentions: list[Mention]) -> list[list[tuple[int, int]]]:
    """Sentences as lists of clauses; a clause holding only a drug list joins its neighbour."""
    out = []
    for s, e in _spans(text, _SENTENCE, 0, len(text)):
        chunks = _spans(text, _CLAUSE, s, e)
        merged: list[tuple[int, int]] = []
        pending: tuple[int, int] | None = None
        for a, b in chunks:
            if pending:
                a, pending = pending[0], None
            inside = [m for m in mentions if a <= m.start < b]
            rest = text[a:b]
            for m in sorted(inside, key=lambda m: -m.start):
                rest = rest[: m.start - a] + " " + rest[m.end - a :]
            pure = bool(inside) and _CONNECTOR.match(rest) is not None
            if pure and merged:
                pa, pb = merged[-1]
                before = [m for m in mentions if pa <= m.start < pb]
                if before and not text[before[-1].end : pb].strip(" ,;:，；、"):
                    merged[-1] = (pa, b)
                    continue
            if pure:
                pending = (a, b)
                continue
            merged.append((a, b))
        if pending:
            merged.append(pending)
        out.append(merged)
    return out


def _groups(text: str, inside: list[Mention]) -> list[list[Mention]]:
    groups: list[list[Mention]] = []
    for m in inside:
        if groups and _CONNECTOR.match(text[groups[-1][-1].end : m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


# "来那度胺维持2年后进展" (on it); not "维持(治疗)后复发" (after it ended)
_PROGRESSED_ON = re.compile(
    r"^(?!\s*(?:治疗|therapy|treatment)?\s*(?:后|after))[^,;]{0,12}?(?:进展|复发|progress|relaps)"
)
_ON_NOW = re.compile(r"\s*(?:(?:currently|now|still)\s+)?on\s*", re.IGNORECASE)
"""A clause that opens with the regimen the patient is on now: "72F, BP poorly controlled, on IsaKd"."""
_NEGATION_BEFORE = re.compile(r"(?:\bnot|\bnon|\bnever|非|不是)[\s-]*$")


def _status(prefix: str, suffix: str, lex: Lexicon, history: bool) -> tuple[str | None, bool]:
    """(status, explicitly not refractory) for a drug group between ``prefix`` and ``suffix``."""
    c = lex.cues
    head = suffix[:40]
    if c["naive_before"].search(prefix[-30:]) or c["naive_after"].match(head):
        return "naive", False
    if c["not_ref"].search(prefix[-25:]) or c["not_ref"].search(head):
        return "exposed", True
    if _NEGATION_BEFORE.search(prefix[-10:]) and c["ref_after"].match(head):
        return "exposed", True  # "not len-refractory", "non-dara-refractory"
    # "9个月前难治", "6 months ago, refractory": the cue may follow the time since the last dose.
    after_time = _TIME_FIRST.sub(" ", head, count=1)
    # "relapsed 18 months after ASCT on lenalidomide": a time or "after" between the verb and "on"; never
    # "progression-free survival on" or "a relapsed pt on" (a patient currently on a regimen).
    relapsed_on = re.search(r"(?:relapsed|progressed)\s[^,;]*?(?:\d\s*\w+|after)[^,;]*?\bon\s*$", prefix[-50:])
    if (
        relapsed_on is not None
        or c["ref_before"].search(prefix[-40:])
        or c["ref_after"].match(head)
        or c["ref_after"].match(after_time)
    ):
        return "refractory", False
    if re.match(r"^\s*(?:x|×)\s*\d+\s*(?:cycles?|courses?)", head):  # "DVd x 8 cycles"
        return "exposed", False
    if history and _PROGRESSED_ON.match(head):
        return "refractory", False
    if c["future"].search(prefix[-25:]):
        return None, False
    if re.search(r"(?:lines?\W{0,3}\d*|^\s*\d+|线治疗|线)\s*\(\s*$", prefix):  # "prior lines: 3 (VMP, Rd, PVd)"
        return "exposed", False
    if re.match(r"^\s*before\s*[,;:，；、]?\s*$", suffix):  # "Velcade and Revlimid before"; not "DPd before cilta-cel"
        return "exposed", False
    if history or c["exp_before"].search(prefix[-30:]) or c["exp_after"].match(head):
        return "exposed", False
    if _ON_NOW.fullmatch(prefix):
        return "exposed", False
    return None, False


def _target(t: re.Match[str], inside: list[Mention], last: Mention | None) -> Mention | None:
    """The anti-CD38 mention a time belongs to: the drug just before it, else just after it (Chinese "4个月前使用
    X"), else, in a clause naming no drug ("last dose 7 months ago"), the latest drug of the sentence."""
    preceding = [m for m in inside if m.end <= t.start()]
    following = [m for m in inside if m.start >= t.end()]
    target = preceding[-1] if preceding else following[0] if following else last if not inside else None
    return target if target is not None and set(target.drugs) & set(AGENTS) else None


def _bind_times(text: str, a: int, b: int, inside: list[Mention], last: Mention | None, out: DrugReading) -> None:
    """Attach each "time since the last dose" in the clause to the anti-CD38 mention it belongs to."""
    for t in _LAST_PERIOD.finditer(text, a, b):  # "progressed on DRd last month", "上个月"
        if (target := _target(t, inside, last)) is not None and not re.search(
            r"(?:for|over|in)\s+the\s*$", text[a : t.start()]
        ):
            target.months.append(1.0 if t.group(0) in ("last month", "上个月") else 0.2)
            out.put(target.drugs, "exposed")
    for t in DURATION.finditer(text, a, b):
        before, after = text[max(a, t.start() - 30) : t.start()], text[t.end() : t.end() + 25]
        if not (_SINCE_AFTER.match(after) or _SINCE_BEFORE.search(before)):
            continue
        target = _target(t, inside, last)
        if target is None:
            continue
        try:
            months = duration_months(t)
        except Refused as err:
            for d in target.drugs:
                if d in AGENTS:
                    out.refused.append(f"{d}_months")
                    out.notes.append(f"Time since the last {d.replace('_', '-')} dose not used: {err}.")
            out.put(target.drugs, "exposed")
            continue
        if months > 600:
            out.notes.append(f"'{t.group(0)}' is not a plausible time since a dose; not used.")
            continue
        target.months.append(months)
        out.put(target.drugs, "exposed")


def read_drugs(text: str, lex: Lexicon) -> DrugReading:
    """Statuses and anti-CD38 timings stated in normalised ``text``."""
    out = DrugReading()
    mentions = _mentions(text, lex)
    for sentence in _clauses(text, mentions):
        last: Mention | None = None
        last_group: list[Mention] = []
        for a, b in sentence:
            inside = [m for m in mentions if a <= m.start < b]
            clause = text[a:b]
            if not inside:
                if last_group and lex.cues["not_ref"].search(clause):
                    out.not_refractory.update(d for m in last_group for d in m.drugs)
                elif last_group and _BARE_REFRACTORY.search(clause):
                    for m in last_group:
                        out.put(m.drugs, "refractory")
            _bind_times(text, a, b, inside, last, out)
            groups = _groups(text, inside)
            for i, group in enumerate(groups):
                start = groups[i - 1][-1].end if i else a
                end = groups[i + 1][0].start if i + 1 < len(groups) else b
                prefix, suffix = text[start : group[0].start], text[group[-1].end : end]
                said = False
                for m in group:
                    status, not_ref = _status(prefix, suffix, lex, m.history)
                    if status:
                        out.put(m.drugs, status)
                        said = True
                    if not_ref:
                        out.not_refractory.update(m.drugs)
                    elif _BARE_REFRACTORY.search(suffix):  # "len maint (progressed on it)"
                        out.put(m.drugs, "refractory")
                        said = True
                # a status is one fact about the patient; a time since the last dose is another
                out.sources += said + any(m.months for m in group)
            if inside:
                # a later clause's time belongs to the antibody of the latest group ("X联合Y治疗中进展，3个月前停药")
                agents = [m for m in groups[-1] if set(m.drugs) & set(AGENTS)]
                last, last_group = (agents[-1] if agents else inside[-1]), groups[-1]
    for m in mentions:
        for d in m.drugs:
            if d in AGENTS and m.months:
                out.months[d] = min([*m.months, out.months.get(d, 1e9)])
    return out
