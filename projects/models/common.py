"""Validators and field lists every model of a plan shares: the baseline fields, the
derived columns kept off the history, completion dates that may not lie ahead."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator

from minsheng import clock

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]

# Columns derived from other data: kept off the change history.
DERIVED_FIELDS = ["light", "light_reason", "expected_progress", "light_as_of", "updated_at"]

# The commitment frozen when the plan is published (原计划): for each model, the field a
# department works against and the column holding its baseline. A baselined project's
# fields named here change only through an approved change request, or by the office with a
# recorded reason (projects/commitments/).
BASELINE_FIELDS = {
    "project": {
        "planned_start": "baseline_start",
        "planned_end": "baseline_end",
        "planned_investment": "baseline_investment",
        "funding_source": "baseline_funding_source",
    },
    "milestone": {
        "title": "baseline_title",
        "planned_date": "baseline_planned_date",
        "weight": "baseline_weight",
    },
    "indicator": {
        "target_value": "baseline_target",
        "unit": "baseline_unit",
    },
}


def _not_in_future(value, message) -> None:
    """Completion dates are facts: a day still to come is refused everywhere."""
    from django.core.exceptions import ValidationError

    if value is not None and value > clock.today():
        raise ValidationError({"completed_on": message})
