from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentState(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class RatingLevel(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    FAIRLY_SATISFIED = "fairly_satisfied", _("Fairly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class SuggestionState(models.TextChoices):
    RECEIVED = "received", _("Received")
    UNDER_STUDY = "under_study", _("Under study")
    ADOPTED = "adopted", _("Adopted into the plan")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


# States in which the coordinating office has answered a proposal for everyone to read.
ANSWERED_SUGGESTION_STATES = (
    SuggestionState.UNDER_STUDY,
    SuggestionState.ADOPTED,
    SuggestionState.NOT_ADOPTED,
)
