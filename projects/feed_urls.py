from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("plans/<int:year>/", feeds.PlanUpdatesFeed(), name="plan"),
    path("projects/<int:pk>/", feeds.ProjectUpdatesFeed(), name="project"),
]
