from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def project_page_feedback(project) -> dict:
    """Residents' satisfaction and newest comments, for the project's public page."""
    from .selectors import project_page_comments, project_satisfaction

    comments, more_comments = project_page_comments(project.pk)
    return {
        "satisfaction": project_satisfaction(project.pk),
        "comments": comments,
        "more_comments": more_comments,
    }


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Public feedback")

    def ready(self):
        from minsheng import public_pages
        from projects import page_sections

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
        page_sections.register(project_page_feedback)
