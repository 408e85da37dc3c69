from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Public feedback")

    def ready(self):
        from minsheng import public_pages

        from .choices import ANSWERED_SUGGESTION_STATES, CommentState
        from .models import Comment, Rating, Reply, Suggestion

        # Residents' comments and proposals reach the public pages only once the office has
        # published or answered them: one waiting for review changes nothing public.
        public_pages.register(
            Comment, shown=lambda comment: comment.state == CommentState.PUBLISHED, fields=["state"]
        )
        public_pages.register(
            Suggestion,
            shown=lambda suggestion: (
                suggestion.state in ANSWERED_SUGGESTION_STATES and bool(suggestion.answer)
            ),
            fields=["state", "answer"],
        )
        # Every rating counts in the satisfaction the project page shows.
        public_pages.register(Rating)
        # A reply shows under its comment; whether that is published is another row's.
        public_pages.register(Reply)
