"""Departments and areas: reference data for everyone, contact details never included."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions
from rest_framework.response import Response

from departments.api.serializers import (
    AreaSerializer,
    DepartmentDetailSerializer,
    DepartmentSerializer,
)
from departments.models import Area, Department
from minsheng.api.schema import YEARS
from minsheng.api.viewsets import ReadViewSet
from projects import department_selectors as selectors
from projects.selectors import NoSuchPlan, plan_for, public_plans
from projects.services import lights_ensure_current

DEPARTMENT_TAG = "责任单位 / Departments"
AREA_TAG = "区域 / Areas"

YEAR_PARAMETER = OpenApiParameter(
    "year",
    YEARS,
    description="统计哪一年度的方案，默认最新发布的方案；没有该年度的已发布方案时返回 400 / "
    "Year of the plan to count, the newest published one unless given; "
    "400 when no plan of that year is published.",
)


@extend_schema_view(
    list=extend_schema(
        tags=[DEPARTMENT_TAG],
        summary="责任单位列表 / Departments",
        description="在用的责任单位，不含联系人、电话和邮箱 / "
        "Active departments, without contact person, phone or e-mail.",
    ),
    retrieve=extend_schema(
        tags=[DEPARTMENT_TAG],
        summary="责任单位详情 / One department",
        description="一个责任单位及其在年度方案中牵头、配合项目的情况 / "
        "A department and how the projects it leads and helps on stand in a plan.",
        parameters=[YEAR_PARAMETER],
        responses={200: DepartmentDetailSerializer},
    ),
)
class DepartmentViewSet(ReadViewSet):
    queryset = Department.objects.active().only(*selectors.PUBLIC_FIELDS).order_by("kind", "name")
    serializer_class = DepartmentSerializer
    pagination_class = None
    filters_reads = True  # the detail takes ?year=

    def retrieve(self, request, *args, **kwargs):
        lights_ensure_current()
        plan = self._plan()
        department = self.get_object()
        department.figures = (
            selectors.plan_figures(plan, department.pk).get(department.pk, selectors.Figures())
            if plan is not None
            else None
        )
        serializer = DepartmentDetailSerializer(
            department, context={**self.get_serializer_context(), "plan": plan}
        )
        return Response(serializer.data)

    def _plan(self):
        try:
            return plan_for(public_plans(), self.request.query_params.get("year"))
        except NoSuchPlan:
            raise exceptions.ValidationError(
                {"year": [_("No plan of this year is published.")]}
            ) from None


@extend_schema_view(
    list=extend_schema(
        tags=[AREA_TAG],
        summary="区域列表 / Areas",
        description="项目覆盖的乡镇、社区、风景区和全区 / "
        "The townships, communities, scenic area and whole district projects cover.",
    ),
    retrieve=extend_schema(tags=[AREA_TAG], summary="区域详情 / One area"),
)
class AreaViewSet(ReadViewSet):
    queryset = Area.objects.order_by("order", "name")
    serializer_class = AreaSerializer
    pagination_class = None
