"""Rules about preparation: evidence behind anchors, BATNA and deadlines; non-price issues."""

from negdocs.analyse.checks import rule
from negdocs.i18n import current


@rule("anchor-without-basis", "an issue has `open` or `floor` but no `basis` of evidence")
def anchor_without_basis(deal, analysis):
    for n, issue in enumerate(deal.issues):
        if (issue.open is not None or issue.floor is not None) and not issue.basis:
            field = "open" if issue.open is not None else "floor"
            yield ("issues", n, field), current()._("{issue} has an anchor but no `basis`; add the evidence ids that make "
                                                    "it credible", issue=repr(issue.name))


@rule("batna-without-evidence", "a `batna` has no `evidence` (bluffing risk)")
def batna_without_evidence(deal, analysis):
    if deal.batna is not None and not deal.batna.evidence:
        yield ("batna",), current()._("no `evidence` backs the BATNA; an alternative you cannot show is a bluff that can "
                                      "be called")


@rule("deadline-without-evidence", "a deadline has no `evidence`")
def deadline_without_evidence(deal, analysis):
    for n, deadline in enumerate(deal.deadlines):
        if not deadline.evidence:
            yield ("deadlines", n), current()._("the deadline {what} has no `evidence`; link what makes it real, or drop it",
                                                what=repr(deadline.what))


@rule("price-only", "issues exist and none is of a kind other than `money`")
def price_only(deal, analysis):
    if deal.issues and all(issue.kind == "money" for issue in deal.issues):
        yield ("issues",), current()._("every issue is money; add non-price issues (terms, scope, timing, service) to trade")
