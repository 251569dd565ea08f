"""Rules about the numbers: zone of agreement, MESO options and the BATNA."""

from negdocs.analyse.analysis import at_least_as_good, numeric
from negdocs.analyse.checks import rule
from negdocs.money import format_value


@rule("no-zopa", "an issue's `walk_away` and `their_walk_away` leave no overlap")
def no_zopa(deal, analysis):
    for n, issue in enumerate(deal.issues):
        zone = analysis.zones.get(issue.id)
        if zone is not None and not zone.exists:
            ours = format_value(issue.walk_away, issue.kind, deal.currency)
            theirs = format_value(issue.their_walk_away, issue.kind, deal.currency)
            yield ("issues", n, "walk_away"), (f"no zone of agreement on {issue.name!r}: our walk-away {ours} and their "
                                               f"estimated {theirs} do not overlap; rethink the estimate or strengthen the BATNA")


@rule("meso-breaks-walk-away", "a MESO option sets an issue worse than its `walk_away`")
def meso_breaks_walk_away(deal, analysis):
    issues = {issue.id: issue for issue in deal.issues}
    for n, option in enumerate(deal.meso):
        for key, term in option.terms.items():
            issue = issues.get(key)
            if issue is None or not numeric(issue) or issue.walk_away is None or isinstance(term, str):
                continue
            if not at_least_as_good(term, issue.walk_away, issue.better):
                shown = format_value(term, issue.kind, deal.currency)
                limit = format_value(issue.walk_away, issue.kind, deal.currency)
                yield ("meso", n, "terms", key), f"option {option.name!r} offers {shown}, worse than the walk-away {limit}"


@rule("meso-unbalanced", "MESO options' values to us differ by more than 10 points")
def meso_unbalanced(deal, analysis):
    spread = analysis.meso_spread
    if spread is not None and spread > 10:
        values = ", ".join(f"{m.name} {m.value:.0f}" for m in analysis.meso if m.value is not None)
        yield ("meso",), f"options are worth {values} to us ({spread:.0f} points apart, limit 10); make them equivalent"


@rule("walk-away-below-batna", "the money issues' walk-aways together are worse for us than `batna.value`")
def walk_away_below_batna(deal, analysis):
    check = analysis.batna
    if check is not None and check.worse_than_batna:
        total = format_value(check.total, "money", deal.currency)
        batna = format_value(check.batna, "money", deal.currency)
        word = "below" if check.better == "higher" else "above"
        yield ("batna", "value"), f"the money walk-aways add up to {total}, {word} the BATNA's {batna}: the deal could end worse than walking away"
