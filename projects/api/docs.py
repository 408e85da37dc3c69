"""What the API's schema (``/api/schema/``, ``/api/docs/``) says of the plan and project
endpoints: tags, parameters, summaries and descriptions in Chinese and English.

Kept apart from ``projects.api.views`` so that the views read as what they do; each view
takes its description with ``@docs.NAME``.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)

from minsheng.api.schema import ID, YEARS
from minsheng.api.serializers import EmptySerializer
from projects.choices import Light, ProjectStatus
from projects.filters import BEHIND, CHANGED, SORT_ORDER

from . import downloads
from .serializers import (
    IndicatorSerializer,
    IndicatorUpdateSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
    PlanStatisticsSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ReportCreateSerializer,
    ReportReturnSerializer,
    ReportSerializer,
)

PLAN_TAG = "年度方案 / Plans"
CATEGORY_TAG = "领域与受益群体 / Categories and beneficiary groups"
PROJECT_TAG = "民生实事项目 / Projects"
REPORT_TAG = "进度报告 / Progress reports"
MILESTONE_TAG = "节点与指标 / Milestones and indicators"


# ProjectFilter's parameters, described for the API (the page's labels are for the form).
PROJECT_FILTER_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description="搜索（最多 100 字）：序号（如 12、第12项）或标题、简介中的词 / "
        "Search (100 characters at most): a number (12, 第12项) or words of the title or summary.",
    ),
    OpenApiParameter(
        "year",
        YEARS,
        description="年度方案，默认最新发布的方案；未发布的年度返回 400 / "
        "Year of the plan, the newest published one unless given; 400 for a year not published.",
    ),
    OpenApiParameter("category", ID, description="领域编号 / Category id."),
    OpenApiParameter(
        "status",
        str,
        enum=ProjectStatus.values,
        description="状态：not_started 未开工、in_progress 推进中、completed 已完成（销号）、suspended 暂缓、"
        "terminated 终止 / Status: not started, in progress, completed (closed), suspended, "
        "terminated.",
    ),
    OpenApiParameter(
        "light",
        str,
        enum=[BEHIND, *Light.values],
        description="灯号：behind 为滞后和严重滞后；green 正常、yellow 滞后、red 严重滞后、completed 已完成、"
        "not_started 未开工、suspended 暂缓、terminated 终止 / Light: behind means yellow or red.",
    ),
    OpenApiParameter(
        "changed",
        str,
        enum=[CHANGED],
        description="1：只列计划经批准调整过的项目（原计划有变更）/ 1: only projects whose plan "
        "(baseline) was changed by an approved change.",
    ),
    OpenApiParameter(
        "department",
        ID,
        description="牵头单位编号（须牵头已公开的项目）/ Lead department id (one leading a public project).",
    ),
    OpenApiParameter("area", ID, description="覆盖区域编号 / Area id."),
    OpenApiParameter("group", ID, description="受益群体编号 / Beneficiary group id."),
    OpenApiParameter(
        "sort",
        str,
        enum=list(SORT_ORDER),
        description="排序：number 序号；-progress / progress 进度由高到低 / 由低到高；planned_end / "
        "-planned_end 计划完成日期由早到晚 / 由晚到早 / Sort order: number, progress (- for "
        "highest first), planned end (- for latest first).",
    ),
]

REPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="报告编号 / Report id.")
MILESTONE_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="节点编号 / Milestone id."
)
INDICATOR_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="指标编号 / Indicator id."
)


PLAN_VIEWS = extend_schema_view(
    list=extend_schema(
        tags=[PLAN_TAG],
        summary="年度方案列表 / Annual plans",
        description="已发布的年度方案，最新在前 / Published plans, newest first.",
    ),
    retrieve=extend_schema(
        tags=[PLAN_TAG],
        summary="年度方案 / One plan",
        parameters=[
            OpenApiParameter("year", int, OpenApiParameter.PATH, description="年度 / Year.")
        ],
    ),
)

PLAN_STATISTICS = extend_schema(
    tags=[PLAN_TAG],
    summary="方案核心指标 / A plan's headline figures",
    description="首页的核心指标：项目数、各状态和灯号的数量、总体进度、投资与拨付、各领域情况、满意度 / "
    "The home page's figures: projects by status and light, overall progress, investment "
    "and funds, each category, residents' satisfaction.",
    parameters=[OpenApiParameter("year", int, OpenApiParameter.PATH, description="年度 / Year.")],
    responses=PlanStatisticsSerializer,
)

CATEGORY_VIEWS = extend_schema_view(
    list=extend_schema(
        tags=[CATEGORY_TAG],
        summary="领域列表 / Categories",
        description="方案的工作领域，如教育、医疗 / The plans' areas of work, such as education.",
    ),
    retrieve=extend_schema(tags=[CATEGORY_TAG], summary="领域 / One category"),
)

BENEFICIARY_GROUP_VIEWS = extend_schema_view(
    list=extend_schema(
        tags=[CATEGORY_TAG],
        summary="受益群体列表 / Beneficiary groups",
        description="项目服务的人群，如老年人、儿童 / Groups of residents projects serve.",
    ),
    retrieve=extend_schema(tags=[CATEGORY_TAG], summary="受益群体 / One beneficiary group"),
)

PROJECT_VIEWS = extend_schema_view(
    list=extend_schema(
        tags=[PROJECT_TAG],
        summary="项目列表 / Project list",
        description="已发布方案中公开的项目，含灯号、进度和资金；筛选条件与公开的项目列表页相同，分页返回 / "
        "Public projects of a published plan with their light, progress and funds; the same "
        "filters as the public list page; paginated.",
        parameters=PROJECT_FILTER_PARAMETERS,
    ),
    retrieve=extend_schema(
        tags=[PROJECT_TAG],
        summary="项目详情 / One project",
        description="一个公开项目：承诺内容、灯号及原因、节点、指标、已审核通过的进度报告、照片和文件 / "
        "A public project: what was promised, its light and why, milestones, indicators, "
        "approved progress reports, photos and documents.",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="项目编号 / Project id.")
        ],
        responses=ProjectDetailSerializer,
    ),
)

PROJECT_PARTIAL_UPDATE = extend_schema(
    tags=[PROJECT_TAG],
    summary="修改项目 / Change a project",
    description="责任单位可改本单位牵头项目的简介，以及把状态由未开工改为推进中；原计划字段"
    "（计划日期、计划投资、资金来源）须提交调整申请，销号、暂缓、终止须申请并经民生工程股审核，"
    "直接修改返回 400 并指明字段。民生工程股可直接修改，原计划字段和状态须填写调整理由（reason），"
    "暂缓、终止须填文号 / A department changes the summary of a project it leads and moves "
    "it from not started to in progress; baseline fields (planned dates, investment, "
    "funding source) need a change request and closing, suspending, terminating a request "
    "the office approves: sent here they answer 400 naming the field. The coordinating "
    "office changes them directly, giving a reason (and the decision number to suspend or "
    "terminate).",
    parameters=[
        OpenApiParameter("id", int, OpenApiParameter.PATH, description="项目编号 / Project id.")
    ],
    request=ProjectUpdateSerializer,
    responses=ProjectSerializer,
)

PROJECT_DOWNLOAD_CSV = extend_schema(
    tags=[PROJECT_TAG],
    summary="下载项目清单（CSV）/ Download the project list (CSV)",
    description="与项目列表相同的筛选，全部结果不分页；中文列名，UTF-8 带 BOM，可直接用 Excel 打开 / "
    "The same filters as the list, every row at once; Chinese column titles, UTF-8 with "
    "a byte-order mark so that Excel opens it.",
    parameters=PROJECT_FILTER_PARAMETERS,
    responses={
        (200, downloads.CSV_TYPE): OpenApiResponse(
            OpenApiTypes.BINARY, description="CSV 文件 / The CSV file."
        )
    },
)

PROJECT_DOWNLOAD_XLSX = extend_schema(
    tags=[PROJECT_TAG],
    summary="下载项目清单（Excel）/ Download the project list (Excel)",
    description="与项目列表相同的筛选，全部结果不分页；中文列名的 .xlsx 文件 / "
    "The same filters as the list, every row at once; an .xlsx file with Chinese "
    "column titles.",
    parameters=PROJECT_FILTER_PARAMETERS,
    responses={
        (200, downloads.XLSX_TYPE): OpenApiResponse(
            OpenApiTypes.BINARY, description="Excel 文件 / The Excel file."
        )
    },
)

REPORT_VIEWS = extend_schema_view(
    list=extend_schema(
        tags=[REPORT_TAG],
        summary="进度报告列表 / Progress reports",
        description="匿名访问只返回公开项目已审核通过的报告；工作人员还能看到本单位牵头或配合项目的全部报告 / "
        "Anonymous clients get the approved reports of public projects; staff also every "
        "report of the projects their department leads or helps on.",
    ),
    retrieve=extend_schema(
        tags=[REPORT_TAG], summary="进度报告 / One progress report", parameters=[REPORT_ID]
    ),
)

REPORT_CREATE = extend_schema(
    tags=[REPORT_TAG],
    summary="新建进度报告（草稿）/ Create a progress report (draft)",
    description="本单位牵头项目的月度报告，保存为草稿；每个项目每月一份，不能填报未来月份。"
    "项目不可见时返回 404，可见但非本单位牵头时返回 403 / "
    "A month's report on a project your department leads, saved as a draft; one per "
    "project and month, never a month still to come. 404 when the project is not yours "
    "to see, 403 when you see it but another department leads it.",
    request=ReportCreateSerializer,
    responses={201: ReportSerializer},
)

REPORT_SUBMIT = extend_schema(
    tags=[REPORT_TAG],
    summary="提交报告 / Submit a report",
    description="把草稿或退回的报告提交民生工程股审核（本单位牵头项目）；请求体为空 / "
    "Send a draft or returned report to the coordinating office for review (projects "
    "your department leads); no body.",
    parameters=[REPORT_ID],
    request=EmptySerializer,
    responses=ReportSerializer,
)

REPORT_APPROVE = extend_schema(
    tags=[REPORT_TAG],
    summary="审核通过 / Approve a report",
    description="民生工程股审核通过已提交的报告，项目进度和资金随之更新；请求体为空 / "
    "The coordinating office approves a submitted report, which updates the project's "
    "progress and funds; no body.",
    parameters=[REPORT_ID],
    request=EmptySerializer,
    responses=ReportSerializer,
)

REPORT_RETURN_REPORT = extend_schema(
    tags=[REPORT_TAG],
    summary="退回报告 / Return a report",
    description="民生工程股把已提交的报告退回责任单位，须说明原因 / "
    "The coordinating office sends a submitted report back, saying why.",
    parameters=[REPORT_ID],
    request=ReportReturnSerializer,
    responses=ReportSerializer,
)

MILESTONE_VIEWS = extend_schema_view(
    list=extend_schema(
        tags=[MILESTONE_TAG],
        summary="节点列表 / Milestones",
        description="公开项目的节点；工作人员还能看到本单位项目的节点 / "
        "Milestones of public projects; staff also those of their department's projects.",
    ),
    retrieve=extend_schema(
        tags=[MILESTONE_TAG], summary="节点 / One milestone", parameters=[MILESTONE_ID]
    ),
)

MILESTONE_PARTIAL_UPDATE = extend_schema(
    tags=[MILESTONE_TAG],
    summary="修改节点 / Change a milestone",
    description="本单位牵头项目的节点：填写实际完成日期（不晚于今天），或以 null 清除；灯号随之重算。"
    "方案印发后，节点名称、计划日期和权重属原计划，责任单位须提交调整申请（返回 400 并指明字段）/ "
    "A milestone of a project your department leads: the day it was completed (not "
    "after today), or null to clear it; the project's light is worked out again. Once the "
    "plan is published its title, planned date and weight are the baseline: a department "
    "files a change request (400 naming the field).",
    parameters=[MILESTONE_ID],
    request=MilestoneUpdateSerializer,
    responses=MilestoneSerializer,
)

INDICATOR_VIEWS = extend_schema_view(
    list=extend_schema(
        tags=[MILESTONE_TAG],
        summary="指标列表 / Indicators",
        description="公开项目的指标；工作人员还能看到本单位项目的指标 / "
        "Indicators of public projects; staff also those of their department's projects.",
    ),
    retrieve=extend_schema(
        tags=[MILESTONE_TAG], summary="指标 / One indicator", parameters=[INDICATOR_ID]
    ),
)

INDICATOR_PARTIAL_UPDATE = extend_schema(
    tags=[MILESTONE_TAG],
    summary="修改指标 / Change an indicator",
    description="本单位牵头项目的指标：填写实际值。方案印发后，目标值和单位属原计划，责任单位须提交"
    "调整申请（返回 400 并指明字段）/ An indicator of a project your department leads: its "
    "actual value. Once the plan is published its target and unit are the baseline: a "
    "department files a change request (400 naming the field).",
    parameters=[INDICATOR_ID],
    request=IndicatorUpdateSerializer,
    responses=IndicatorSerializer,
)
