"""Rules about sign-offs (the approval matrix of negdocs.yaml); only the project can silence them."""

from negdocs.analyse.checks import rule


@rule("approval-missing", "a rule of the approval matrix applies and no sign-off of its role carries the current "
      "fingerprint", project_only=True)
def approval_missing(deal, analysis):
    verdict = analysis.approvals
    if verdict is None:
        return
    for req in verdict.requirements:
        if req.state == "approved":
            continue
        stale = f"; its sign-off (approvals[{req.record}]) is for earlier terms" if req.state == "stale" else ""
        yield req.trigger, (f"needs a sign-off from {req.role} ({req.why}){stale}; once they agree, run "
                            f"`negdocs approve {verdict.path} --role {req.role} --by NAME`")


@rule("approval-stale", "a sign-off's fingerprint differs from the current one: the terms changed after it",
      project_only=True)
def approval_stale(deal, analysis):
    verdict = analysis.approvals
    if verdict is None:
        return
    for stale in verdict.stale:
        approval = deal.approvals[stale.record]
        if stale.changed is None:
            what = "what changed cannot be told (no committed version of the file carries the approved terms)"
        else:
            shown = list(stale.changed[:6]) + ([f"and {len(stale.changed) - 6} more"] if len(stale.changed) > 6 else [])
            what = f"changed since {stale.since}: {', '.join(shown) or 'no governed field'}"
        yield ("approvals", stale.record), (
            f"the sign-off of {approval.role} by {approval.by} ({approval.on.isoformat()}) is for other terms "
            f"(fingerprint {approval.fingerprint}, now {verdict.fingerprint}); {what}; review the change with "
            f"{approval.role}, then renew it with `negdocs approve {verdict.path} --role {approval.role} --by NAME`")
