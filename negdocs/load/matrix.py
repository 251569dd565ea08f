"""The approval matrix (``approvals:`` in ``negdocs.yaml``) and the checks of a deal against it.

Numbers of the matrix are exact decimals taken from their YAML text (``1.08`` is 1.08, not
the nearest binary fraction), so every comparison the matrix makes is exact. A deal is
checked against the matrix for what makes it unusable (rule ``reference``: a sign-off for a
role no rule names, a currency without a rate when a ``value_over`` rule needs one) and for
two sign-offs of one role (``duplicate-id``); whether sign-offs are due is
:mod:`negdocs.analyse.approvals`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from negdocs.errors import Problem
from negdocs.load.model import CONTEXTS, MAX_NUMBER, Currency, Deal, Level, Slug
from negdocs.money import exact

ContextName = Literal["sales", "partnership", "procurement", "hiring"]


def shown(value) -> str:
    return str(value) if isinstance(value, Decimal) else repr(value)


def _number(value, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(f"{value!r} is not a number; write {what}")
    number = exact(value)
    if not number.is_finite():
        raise ValueError(f"{shown(value)} is not a finite number")
    if number > MAX_NUMBER:
        raise ValueError(f"{shown(value)} is too large; numbers stay below {MAX_NUMBER:,}")
    return number


def _threshold(value) -> Decimal:
    number = _number(value, "digits only, such as 10 or 500000")
    if number < 0:
        raise ValueError(f"{shown(value)} is negative; a threshold is 0 or more (a percent for depth_over, an amount in "
                         "base_currency for value_over)")
    return number


def _rate(value) -> Decimal:
    number = _number(value, "the value of one unit of that currency in base_currency, such as 1.08")
    if number <= 0:
        raise ValueError(f"{shown(value)} is not a positive number; a rate is the value of one unit of that currency in "
                         "base_currency, such as 1.08")
    return number


def _listify(value):
    return [value] if isinstance(value, str) else value


Threshold = Annotated[Decimal, BeforeValidator(_threshold), WithJsonSchema({"type": "number", "minimum": 0})]
Rate = Annotated[Decimal, BeforeValidator(_rate), WithJsonSchema({"type": "number", "exclusiveMinimum": 0})]
Contexts = Annotated[list[ContextName], BeforeValidator(_listify), WithJsonSchema(
    {"anyOf": [{"enum": list(CONTEXTS)}, {"type": "array", "items": {"enum": list(CONTEXTS)}}]})]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Conditions(_Strict):
    """When a rule applies: all of its conditions hold (none given: every deal)."""

    context: Contexts | None = Field(None, description="A context or a list of contexts; the deal's `context` is one of them.")
    depth_over: Threshold | None = Field(None, description="Some money issue with `open` (not 0) and `walk_away` has a "
                                         "concession depth |open - walk_away| / |open| above this many percent.")
    value_over: Threshold | None = Field(None, description="The deal's value (the sum of the money issues' `target`, "
                                         "else `open`) converted to `base_currency` is above this amount.")
    strategy: Slug | None = Field(None, description="The deal's strategy (default power-based) is this one.")
    stakes: Level | None = Field(None, description="The deal's `stakes` is this one.")
    relationship: Literal["one-off", "repeated"] | None = Field(None, description="`counterparty.relationship` is this one.")


class ApprovalRule(_Strict):
    role: Slug = Field(description="Who must sign off when the rule applies, such as cfo or sales-manager.")
    when: Conditions = Field(default_factory=Conditions, description="The conditions; all must hold. "
                             "Keys: context, depth_over, value_over, strategy, stakes, relationship.")


class Matrix(_Strict):
    """Who must sign off which deals, and how deal values convert to one currency."""

    base_currency: Currency = Field("USD", description="The currency of every `value_over` threshold (default USD).")
    rates: dict[Currency, Rate] = Field(default_factory=dict, description="Currency code -> the value of one unit of "
                                        "that currency in base_currency, such as EUR: 1.08.",
                                        json_schema_extra={"propertyNames": {"pattern": "^[A-Z]{3}$"}})
    rules: list[ApprovalRule] = Field(description="The approval rules; a deal needs a sign-off from the role of every rule that applies.")

    @property
    def roles(self) -> list[str]:
        return list(dict.fromkeys(r.role for r in self.rules))

    def needs_rate(self) -> bool:
        return any(r.when.value_over is not None for r in self.rules)

    def rate(self, currency: str) -> Decimal | None:
        return Decimal(1) if currency == self.base_currency else self.rates.get(currency)


def exact_numbers(data, numbers: dict, path: tuple = ()):
    """``data`` with every float replaced by the exact Decimal of its YAML text."""
    if isinstance(data, dict):
        return {k: exact_numbers(v, numbers, path + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [exact_numbers(v, numbers, path + (n,)) for n, v in enumerate(data)]
    if isinstance(data, float):
        return exact(data, numbers.get(path)) if data == data and abs(data) != float("inf") else data
    return data


def check_matrix(matrix: Matrix, strategies, line, display: str) -> list[Problem]:
    """What the model cannot see: a rate for the base currency, a strategy no pack has."""
    from negdocs.load.validate import suggest

    problems = []
    if matrix.base_currency in matrix.rates:
        loc = ("approvals", "rates", matrix.base_currency)
        problems.append(Problem(display, line(loc), f"approvals.rates.{matrix.base_currency}: the base currency needs no "
                                "rate (it is 1); remove it", "schema"))
    for n, rule in enumerate(matrix.rules):
        if rule.when.strategy is not None and rule.when.strategy not in strategies:
            loc = ("approvals", "rules", n, "when", "strategy")
            problems.append(Problem(display, line(loc), f"approvals.rules[{n}].when.strategy: unknown strategy "
                                    f"{rule.when.strategy!r}{suggest(rule.when.strategy, strategies)}; available: "
                                    f"{', '.join(sorted(strategies))}", "schema"))
    return problems


def check_deal(source, deal: Deal, matrix: Matrix | None) -> list[Problem]:
    """Errors of one valid deal against the matrix: sign-offs of unknown or repeated roles,
    a currency without a rate when a ``value_over`` rule needs one."""
    from negdocs.analyse.fingerprint import is_guide
    from negdocs.load.validate import Collector, suggest

    out = Collector(source)
    roles = matrix.roles if matrix else []
    seen: dict[str, int] = {}
    for n, approval in enumerate(deal.approvals):
        loc = ("approvals", n, "role")
        if approval.role in seen:
            first = source.line(("approvals", seen[approval.role]))
            out.add(loc, f"{approval.role!r} has a sign-off already (line {first}); keep one per role", "duplicate-id")
        elif approval.role not in roles:
            if matrix is None:
                out.add(loc, f"no rule names {approval.role!r}: negdocs.yaml has no approval matrix (`approvals:`); add a "
                        "rule for this role there, or remove this sign-off", "reference")
            else:
                out.add(loc, f"no rule of the approval matrix in negdocs.yaml names {approval.role!r}"
                        f"{suggest(approval.role, roles)}; roles: {', '.join(roles)}", "reference")
        seen.setdefault(approval.role, n)
    if matrix is not None and matrix.needs_rate() and not is_guide(deal) and matrix.rate(deal.currency) is None:
        base = matrix.base_currency
        if "currency" in source.data:
            out.add(("currency",), f"no rate for {deal.currency} in negdocs.yaml (approvals.rates, base currency {base}), "
                    f"which a value_over rule needs: add `{deal.currency}: <{base} for one {deal.currency}>` under "
                    "approvals.rates", "reference")
        else:
            out.add((), f"currency: the deal's currency defaults to {deal.currency}, which has no rate in negdocs.yaml "
                    f"(approvals.rates, base currency {base}) and a value_over rule needs one: add `{deal.currency}: "
                    f"<{base} for one {deal.currency}>` under approvals.rates, or set `currency:` in this file", "reference")
    return out.problems
