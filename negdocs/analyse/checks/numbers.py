"""Rules about the numbers: zone of agreement, MESO options and the BATNA."""

from negdocs.analyse.analysis import at_least_as_good, numeric
from negdocs.analyse.checks import rule
from negdocs.i18n import current


@rule("no-zopa", "an issue's `walk_away` and `their_walk_away` leave no overlap")
def no_zopa(deal, analysis):
    for n, issue in enumerate(deal.issues):
        zone = analysis.zones.get(issue.id)
        if zone is not None and not zone.exists:
            t = current()
            yield ("issues", n, "walk_away"), t._(
                "no zone of agreement on {issue}: our walk-away {ours} and their estimated {theirs} do not overlap; "
                "rethink the estimate or strengthen the BATNA", issue=repr(issue.name),
                ours=t.value(issue.walk_away, issue.kind, deal.currency),
                theirs=t.value(issue.their_walk_away, issue.kind, deal.currency))


@rule("meso-breaks-walk-away", "a MESO option sets an issue worse than its `walk_away`")
def meso_breaks_walk_away(deal, analysis):
    issues = {issue.id: issue for issue in deal.issues}
    for n, option in enumerate(deal.meso):
        for key, term in option.terms.items():
            issue = issues.get(key)
            if issue is None or not numeric(issue) or issue.walk_away is None or isinstance(term, str):
                continue
            if not at_least_as_good(term, issue.walk_away, issue.better):
                t = current()
                yield ("meso", n, "terms", key), t._("option {option} offers {value}, worse than the walk-away {limit}",
                                                     option=repr(option.name), value=t.value(term, issue.kind, deal.currency),
                                                     limit=t.value(issue.walk_away, issue.kind, deal.currency))


@rule("meso-unbalanced", "MESO options' values to us differ by more than 10 points")
def meso_unbalanced(deal, analysis):
    spread = analysis.meso_spread
    if spread is not None and spread > 10:
        values = ", ".join(f"{m.name} {m.value:.0f}" for m in analysis.meso if m.value is not None)
        yield ("meso",), current()._("options are worth {values} to us ({spread} points apart, limit 10); make them "
                                     "equivalent", values=values, spread="%.0f" % spread)


@rule("walk-away-below-batna", "the money issues' walk-aways together are worse for us than `batna.value`")
def walk_away_below_batna(deal, analysis):
    check = analysis.batna
    if check is not None and check.worse_than_batna:
        t = current()
        total, batna = t.value(check.total, "money", deal.currency), t.value(check.batna, "money", deal.currency)
        if check.better == "higher":
            yield ("batna", "value"), t._("the money walk-aways add up to {total}, below the BATNA's {batna}: the deal could "
                                          "end worse than walking away", total=total, batna=batna)
        else:
            yield ("batna", "value"), t._("the money walk-aways add up to {total}, above the BATNA's {batna}: the deal could "
                                          "end worse than walking away", total=total, batna=batna)
