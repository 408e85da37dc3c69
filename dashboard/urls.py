from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("projects/", views.projects, name="projects"),
    path("briefing/", views.briefing_index, name="briefing-index"),
    path("briefing/<str:month>/", views.briefing, name="briefing"),
    path("briefing/<str:month>/briefing.xlsx", views.briefing_xlsx, name="briefing-xlsx"),
    path("briefing/<str:month>/briefing.pdf", views.briefing_pdf, name="briefing-pdf"),
    path("briefing/<str:month>/send/", views.briefing_send, name="briefing-send"),
]
