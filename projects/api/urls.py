from rest_framework.routers import SimpleRouter

from . import views

app_name = "projects-api"

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("beneficiary-groups", views.BeneficiaryGroupViewSet, basename="beneficiary-group")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("reports", views.ReportViewSet, basename="report")
router.register("milestones", views.MilestoneViewSet, basename="milestone")
router.register("indicators", views.IndicatorViewSet, basename="indicator")

urlpatterns = router.urls
