"""Rules about what we send: a proposal that is no longer valid."""

from negdocs.analyse.checks import rule
from negdocs import dates
from negdocs.i18n import current


@rule("proposal-expired", "`proposal.valid_until` is before today and `status` is not `closed`")
def proposal_expired(deal, analysis):
    valid_until = deal.proposal.valid_until if deal.proposal else None
    now = dates.today()
    if valid_until is not None and valid_until < now and deal.status != "closed":
        t = current()
        yield ("proposal", "valid_until"), t._("the proposal was valid until {date} and today is {today}; set a new date "
                                               "before it goes out again, or close the deal", date=t.date(valid_until),
                                               today=t.date(now))
