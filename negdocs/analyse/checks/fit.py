"""The three "do not use" conditions of power-based negotiation (power-based deals only)."""

from negdocs.analyse.checks import rule
from negdocs.i18n import current


def _advice() -> str:
    return current()._("; consider `strategy: principled`")


@rule("relationship-over-gain", "relationship `repeated`, `reputation_sensitive: true` and `stakes: low`")
def relationship_over_gain(deal, analysis):
    if "relationship-over-gain" in analysis.do_not_use:
        yield ("stakes",), analysis.do_not_use["relationship-over-gain"] + _advice()


@rule("perceived-power", "`power` is non-empty and no source is `real`")
def perceived_power(deal, analysis):
    if "perceived-power" in analysis.do_not_use:
        yield ("power",), analysis.do_not_use["perceived-power"] + _advice()


@rule("face-culture", "culture `indirect` or `high-power-distance` and no `escalation` step with `private: true`")
def face_culture(deal, analysis):
    if "face-culture" in analysis.do_not_use:
        yield ("counterparty", "culture"), analysis.do_not_use["face-culture"] + current()._(
            "; add a private escalation step or consider `strategy: principled`")
