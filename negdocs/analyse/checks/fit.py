"""The three "do not use" conditions of power-based negotiation (power-based deals only)."""

from negdocs.analyse.checks import rule

ADVICE = "; consider `strategy: principled`"


@rule("relationship-over-gain", "relationship `repeated`, `reputation_sensitive: true` and `stakes: low`")
def relationship_over_gain(deal, analysis):
    if "relationship-over-gain" in analysis.do_not_use:
        yield ("stakes",), analysis.do_not_use["relationship-over-gain"] + ADVICE


@rule("perceived-power", "`power` is non-empty and no source is `real`")
def perceived_power(deal, analysis):
    if "perceived-power" in analysis.do_not_use:
        yield ("power",), analysis.do_not_use["perceived-power"] + ADVICE


@rule("face-culture", "culture `indirect` or `high-power-distance` and no `escalation` step with `private: true`")
def face_culture(deal, analysis):
    if "face-culture" in analysis.do_not_use:
        yield ("counterparty", "culture"), analysis.do_not_use["face-culture"] + "; add a private escalation step or" + ADVICE[1:]
