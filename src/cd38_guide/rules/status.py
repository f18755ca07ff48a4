"""Anti-CD38 history: candidate, or rechallenge after the consensus washout of typically 6 to 12 months.

Evidence: ``consensus-scope`` (who the consensus covers), ``anti-cd38-exposed-definition`` and
``imwg-refractory-definition`` (exposed vs refractory), ``mammoth-refractory-definition`` and
``consensus-rechallenge-washout`` ("rechallenge following a substantial washout period (typically 6 to 12
months)"). The window is read as the consensus states it: below 6 months too early, 6-12 months within the usual
window, above 12 months beyond it; no firmer single cut-off is invented.
"""

from __future__ import annotations

from collections.abc import Iterator

from cd38_guide.rules import evidence as ev
from cd38_guide.rules.base import Context, Finding, each, say
from cd38_guide.rules.messages import text
from cd38_guide.rules.models import REGIMEN_CODES, AntiCD38Assessment, MessageRef

WASHOUT_MIN_MONTHS = 6.0  # consensus-rechallenge-washout: "typically 6 to 12 months" -> below 6 is too early
WASHOUT_MAX_MONTHS = 12.0  # ... and above 12 is beyond the usual window (still feasible)


def _assessment(status: str, ref: MessageRef, evidence: tuple[str, ...]) -> AntiCD38Assessment:
    return AntiCD38Assessment(
        status=status,  # type: ignore[arg-type]
        reasons=(text(ref),),
        reason_refs=(ref,),
        evidence=evidence,
    )


def rule_anti_cd38_status(ctx: Context) -> Iterator[Finding]:
    """Unknown, naive or exposed -> candidate; refractory -> rechallenge only after the 6-12 month washout."""
    h = ctx.profile.anti_cd38
    if h.status == "unknown":
        yield _assessment("candidate", say("cd38_unknown"), ev.CD38_NAIVE + ev.CD38_WASHOUT)
        return
    if h.status == "naive":
        yield _assessment("candidate", say("cd38_naive"), ev.CD38_NAIVE)
        return
    if h.status == "exposed":
        yield _assessment("candidate", say("cd38_exposed", agent=h.agent or "an anti-CD38 antibody"), ev.CD38_EXPOSED)
        return
    agent = h.agent or "anti-CD38"
    months = h.months_since_last_dose
    if months is None:
        yield _assessment("needs_last_dose_date", say("cd38_refractory_no_date", agent=agent), ev.CD38_REFRACTORY)
        yield from each(REGIMEN_CODES, "caution", say("washout_date_unknown"), ev.CD38_WASHOUT)
    elif months < WASHOUT_MIN_MONTHS:
        yield _assessment(
            "rechallenge_too_early", say("cd38_too_early", agent=agent, months=months), ev.CD38_REFRACTORY
        )
        yield from each(REGIMEN_CODES, "avoid", say("washout_too_early", months=months), ev.CD38_WASHOUT)
    else:
        code = "cd38_within_window" if months <= WASHOUT_MAX_MONTHS else "cd38_beyond_window"
        yield _assessment("rechallenge_feasible", say(code, agent=agent, months=months), ev.CD38_REFRACTORY)
        yield from each(REGIMEN_CODES, "caution", say("washout_rechallenge"), ev.CD38_WASHOUT)
