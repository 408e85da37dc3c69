from rest_framework.routers import SimpleRouter

from . import department_views as views

app_name = "departments-api"

router = SimpleRouter()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("areas", views.AreaViewSet, basename="area")

urlpatterns = router.urls
