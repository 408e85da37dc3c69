from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("projects/<int:pk>/comments/", views.project_comments, name="comments"),
    path("projects/<int:pk>/comments/sent/", views.comment_sent, name="comment-sent"),
    path("projects/<int:pk>/rating/", views.project_rating, name="rating"),
    path("projects/<int:pk>/rating/sent/", views.rating_sent, name="rating-sent"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/sent/", views.suggestion_sent, name="suggestion-sent"),
]
