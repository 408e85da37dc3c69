"""Demo data of the 2024 plan and the function that loads it (``manage.py loaddemo``).

The plan, its six categories, the areas of Yuhui and the department names follow the
official interpretation of 《2024年50项民生实事实施方案》; the 50 projects, contact people,
phone numbers, amounts and progress are sample data written for demonstration, and the
plan's summary says so.

The data is spread so that, judged on ``DEMO_DATE`` (2024-09-30), every light appears:
25 green, 8 yellow, 6 red, 8 completed, 2 not started and 1 suspended. Each project states
the light it is written to show (``light_on_demo_date``) and a comment says why.

Loading is idempotent: every row is found by its natural key (plan year, project number,
milestone title, indicator name, report month, department and area names, usernames) and
saved only when a value differs, so a second run writes nothing and adds no history.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db import transaction

from departments.choices import AreaKind, DepartmentKind, MembershipRole
from departments.models import Area, Department, Membership
from departments.roles import COORDINATOR_GROUP, HEAD_GROUP, LEADERSHIP_GROUP, REPORTER_GROUP
from feedback.demo import load_feedback_demo

from . import commitments
from .choices import ChangeKind, ChangeState, FundingSource, Light, ProjectStatus, ReportState
from .commitments import plan_publish
from .models import (
    BeneficiaryGroup,
    Category,
    ChangeRequest,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)
from .services import lights_refresh

DEMO_DATE = datetime.date(2024, 9, 30)
DEFAULT_PASSWORD = "minsheng2024"
CHANGE_REASON = "演示数据"
LOCAL_TIME = ZoneInfo("Asia/Shanghai")

# Short names for the states and statuses, so the project list below stays readable.
APPROVED = ReportState.APPROVED
SUBMITTED = ReportState.SUBMITTED
RETURNED = ReportState.RETURNED
DRAFT = ReportState.DRAFT
COMPLETED = ProjectStatus.COMPLETED
NOT_STARTED = ProjectStatus.NOT_STARTED
SUSPENDED = ProjectStatus.SUSPENDED
DISTRICT = FundingSource.DISTRICT
HIGHER_LEVEL = FundingSource.HIGHER_LEVEL
SPECIAL_BOND = FundingSource.SPECIAL_BOND
SOCIAL_CAPITAL = FundingSource.SOCIAL_CAPITAL

# --------------------------------------------------------------------------------------
# The plan and its reference data
# --------------------------------------------------------------------------------------

PLAN = {
    "year": 2024,
    "title": "2024年50项民生实事实施方案",
    "issued_on": datetime.date(2024, 4, 1),
    "issuing_body": "中共禹会区委 禹会区人民政府",
    "published": True,
    "summary": (
        "《2024年50项民生实事实施方案》经区长办公会审议通过，于2024年4月1日以中共禹会区委、"
        "禹会区人民政府名义印发。方案坚持以人民为中心的发展思想，以民之所望为施政所向，聚焦"
        "教育公平与质量提升、医疗健康保障、居住条件改善、便捷出行与交通网络、就业与技能培训、"
        "生态保护与绿色发展六大领域，着力解决群众急难愁盼问题，让改革发展成果更多更公平惠及"
        "全区人民。\n\n"
        "特别说明：本平台展示的50个项目均为示例数据，系依据方案六大领域为演示平台功能而编写，"
        "并非禹会区正式公布的项目清单；项目名称、责任单位联系人及电话、投资金额和进度均为虚构。"
    ),
}

CATEGORIES = [
    {"code": "education", "name": "教育公平与质量提升", "order": 1, "icon": "学", "colour": "#1a5fb4"},
    {"code": "health", "name": "医疗健康保障", "order": 2, "icon": "医", "colour": "#c01c28"},
    {"code": "housing", "name": "居住条件改善", "order": 3, "icon": "居", "colour": "#986a44"},
    {"code": "transport", "name": "便捷出行与交通网络", "order": 4, "icon": "行", "colour": "#26758a"},
    {"code": "employment", "name": "就业与技能培训", "order": 5, "icon": "业", "colour": "#813d9c"},
    {"code": "ecology", "name": "生态保护与绿色发展", "order": 6, "icon": "绿", "colour": "#26813c"},
]  # fmt: skip

BENEFICIARY_GROUPS = [
    "全体居民",
    "老年人",
    "儿童",
    "学生",
    "残疾人",
    "困难群众",
    "就业困难人员",
    "高校毕业生",
    "退役军人",
    "农村居民",
    "新市民",
]

WHOLE_DISTRICT = "禹会区全域"
AREAS = [
    {"name": WHOLE_DISTRICT, "kind": AreaKind.DISTRICT},
    {"name": "朝阳社区", "kind": AreaKind.COMMUNITY},
    {"name": "秀水社区", "kind": AreaKind.COMMUNITY},
    {"name": "迎淮社区", "kind": AreaKind.COMMUNITY},
    {"name": "张公山社区", "kind": AreaKind.COMMUNITY},
    {"name": "金域社区", "kind": AreaKind.COMMUNITY},
    {"name": "大庆社区", "kind": AreaKind.COMMUNITY},
    {"name": "锦绣社区", "kind": AreaKind.COMMUNITY},
    {"name": "钓鱼台社区", "kind": AreaKind.COMMUNITY},
    {"name": "喜迎门社区", "kind": AreaKind.COMMUNITY},
    {"name": "长青乡", "kind": AreaKind.TOWNSHIP},
    {"name": "马城镇", "kind": AreaKind.TOWNSHIP},
    {"name": "涂山风景区", "kind": AreaKind.SCENIC},
]
COMMUNITIES = [a["name"] for a in AREAS if a["kind"] == AreaKind.COMMUNITY]

BUREAU = DepartmentKind.BUREAU
TOWNSHIP = DepartmentKind.TOWNSHIP
COMMUNITY = DepartmentKind.COMMUNITY
OTHER = DepartmentKind.OTHER

# Contact people, phones and e-mail addresses are fictional.
DEPARTMENTS = [
    {"name": "区发展和改革委员会", "short_name": "区发改委", "kind": BUREAU, "contact_person": "周立新", "phone": "0552-4010101", "email": "fgw@example.gov.cn"},
    {"name": "区教育体育局", "short_name": "区教体局", "kind": BUREAU, "contact_person": "王海燕", "phone": "0552-4010102", "email": "jty@example.gov.cn"},
    {"name": "区卫生健康委员会", "short_name": "区卫健委", "kind": BUREAU, "contact_person": "陈静", "phone": "0552-4010103", "email": "wjw@example.gov.cn"},
    {"name": "区住房和城乡建设局", "short_name": "区住建局", "kind": BUREAU, "contact_person": "刘建国", "phone": "0552-4010104", "email": "zjj@example.gov.cn"},
    {"name": "区交通运输局", "short_name": "区交通局", "kind": BUREAU, "contact_person": "孙丽", "phone": "0552-4010105", "email": "jtj@example.gov.cn"},
    {"name": "区人力资源和社会保障局", "short_name": "区人社局", "kind": BUREAU, "contact_person": "杨帆", "phone": "0552-4010106", "email": "rsj@example.gov.cn"},
    {"name": "区民政局", "short_name": "区民政局", "kind": BUREAU, "contact_person": "赵志强", "phone": "0552-4010107", "email": "mzj@example.gov.cn"},
    {"name": "区财政局", "short_name": "区财政局", "kind": BUREAU, "contact_person": "吴敏", "phone": "0552-4010108", "email": "czj@example.gov.cn"},
    {"name": "区城市管理局", "short_name": "区城管局", "kind": BUREAU, "contact_person": "郑华", "phone": "0552-4010109", "email": "cgj@example.gov.cn"},
    {"name": "区市场监督管理局", "short_name": "区市场监管局", "kind": BUREAU, "contact_person": "何亮", "phone": "0552-4010110", "email": "scjg@example.gov.cn"},
    {"name": "区农业农村水利局", "short_name": "区农水局", "kind": BUREAU, "contact_person": "黄蕾", "phone": "0552-4010111", "email": "nsj@example.gov.cn"},
    {"name": "市生态环境局禹会分局", "short_name": "禹会生态环境分局", "kind": BUREAU, "contact_person": "马骏", "phone": "0552-4010112", "email": "sthj@example.gov.cn"},
    {"name": "区医疗保障局", "short_name": "区医保局", "kind": BUREAU, "contact_person": "朱琳", "phone": "0552-4010113", "email": "ybj@example.gov.cn"},
    {"name": "区退役军人事务局", "short_name": "区退役军人局", "kind": BUREAU, "contact_person": "高峰", "phone": "0552-4010114", "email": "tyjr@example.gov.cn"},
    {"name": "区文化旅游体育局", "short_name": "区文旅体局", "kind": BUREAU, "contact_person": "林涛", "phone": "0552-4010115", "email": "wlt@example.gov.cn"},
    {"name": "区数据资源管理局", "short_name": "区数据局", "kind": BUREAU, "contact_person": "徐婷", "phone": "0552-4010116", "email": "sjj@example.gov.cn"},
    {"name": "市自然资源和规划局禹会分局", "short_name": "禹会自然资源分局", "kind": BUREAU, "contact_person": "宋伟", "phone": "0552-4010117", "email": "zrzy@example.gov.cn"},
    {"name": "区残疾人联合会", "short_name": "区残联", "kind": OTHER, "contact_person": "韩雪", "phone": "0552-4010118", "email": "cl@example.gov.cn"},
    {"name": "长青乡人民政府", "short_name": "长青乡", "kind": TOWNSHIP, "contact_person": "冯磊", "phone": "0552-4010119", "email": "cqx@example.gov.cn"},
    {"name": "马城镇人民政府", "short_name": "马城镇", "kind": TOWNSHIP, "contact_person": "许斌", "phone": "0552-4010120", "email": "mcz@example.gov.cn"},
    {"name": "朝阳街道办事处", "short_name": "朝阳街道", "kind": COMMUNITY, "contact_person": "唐晓梅", "phone": "0552-4010121", "email": "cyjd@example.gov.cn"},
    {"name": "张公山街道办事处", "short_name": "张公山街道", "kind": COMMUNITY, "contact_person": "梁志远", "phone": "0552-4010122", "email": "zgsjd@example.gov.cn"},
]  # fmt: skip

# Demo accounts. Reporters and heads belong to a department through a Membership.
USERS = [
    {"username": "admin", "last_name": "", "first_name": "系统管理员", "email": "admin@example.gov.cn", "superuser": True, "groups": [], "department": None, "role": None},
    {"username": "coordinator", "last_name": "袁", "first_name": "芳", "email": "coordinator@example.gov.cn", "superuser": False, "groups": [COORDINATOR_GROUP], "department": None, "role": None},
    {"username": "leader", "last_name": "蒋", "first_name": "涛", "email": "leader@example.gov.cn", "superuser": False, "groups": [LEADERSHIP_GROUP], "department": None, "role": None},
    {"username": "jiaoyu", "last_name": "李", "first_name": "娜", "email": "jiaoyu@example.gov.cn", "superuser": False, "groups": [REPORTER_GROUP], "department": "区教育体育局", "role": MembershipRole.REPORTER},
    {"username": "weijian", "last_name": "方", "first_name": "晨", "email": "weijian@example.gov.cn", "superuser": False, "groups": [REPORTER_GROUP], "department": "区卫生健康委员会", "role": MembershipRole.REPORTER},
    {"username": "zhujian", "last_name": "刘", "first_name": "建国", "email": "zhujian@example.gov.cn", "superuser": False, "groups": [HEAD_GROUP], "department": "区住房和城乡建设局", "role": MembershipRole.HEAD},
]  # fmt: skip
REVIEWER = "coordinator"


# --------------------------------------------------------------------------------------
# How a project's parts are written down
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneData:
    title: str
    planned: str
    weight: int
    done: str | None = None
    note: str = ""


@dataclass(frozen=True)
class IndicatorData:
    name: str
    unit: str
    target: str
    actual: str


@dataclass(frozen=True)
class ReportData:
    period: str  # "2024-06"
    progress: str
    funds: str
    work_done: str
    state: str = APPROVED
    problems: str = ""
    next_steps: str = ""
    return_reason: str = ""


def milestone(title, planned, weight, done=None, note=""):
    return MilestoneData(title, planned, weight, done, note)


def indicator(name, unit, target, actual):
    return IndicatorData(name, unit, str(target), str(actual))


def report(period, progress, funds, work_done, state=APPROVED, **more):
    return ReportData(period, str(progress), str(funds), work_done, state, **more)


# --------------------------------------------------------------------------------------
# The 50 projects (sample data)
# --------------------------------------------------------------------------------------
# Dates are in 2024; money in 万元. A project's progress and funds disbursed are those of
# its latest approved report; its status is in progress unless "status" says otherwise.

PROJECTS = [
    # ---------------------------------------------------------------- 教育公平与质量提升
    {
        "number": 1,
        "category": "education",
        "title": "新建改扩建中小学校，新增义务教育学位1000个",
        "summary": "针对朝阳、金域片区学位紧张问题，新建九年一贯制学校1所，改扩建中小学2所，秋季学期投入使用。",
        "commitment": "新建禹会区第二实验学校（暂名）1所，改扩建张公山片区中小学2所，新增校舍面积3.2万平方米，新增义务教育学位1000个，2024年秋季学期开学前投入使用。",
        "lead": "区教育体育局",
        "cooperating": ["区住房和城乡建设局", "区财政局", "市自然资源和规划局禹会分局"],
        "areas": ["朝阳社区", "金域社区", "张公山社区"],
        "groups": ["学生", "儿童"],
        "start": "2024-01-15",
        "end": "2024-08-31",
        "investment": "6800",
        "funding": SPECIAL_BOND,
        "status": COMPLETED,
        "completed_on": "2024-08-26",
        "milestones": [
            milestone("完成施工图设计及施工招标", "2024-03-31", 15, done="2024-03-28"),
            milestone("主体结构封顶", "2024-05-31", 35, done="2024-05-29"),
            milestone("室内装修及设备安装", "2024-07-31", 30, done="2024-07-30"),
            milestone("竣工验收并交付使用", "2024-08-25", 20, done="2024-08-23"),
        ],
        "indicators": [
            indicator("新增义务教育学位", "个", 1000, 1000),
            indicator("新增校舍面积", "平方米", 32000, 32400),
        ],
        "reports": [
            report(
                "2024-05", 55, 3650, "新建学校及两所改扩建学校主体结构全部封顶，同步开展水电安装。"
            ),
            report(
                "2024-07", 85, 5400, "完成室内装修、课桌椅及多媒体设备安装，运动场面层施工完成。"
            ),
            report(
                "2024-08",
                100,
                6420,
                "8月23日通过竣工验收，已完成招生分班，9月1日正式开学，新增学位1000个。",
                next_steps="配合开展工程结算审计。",
            ),
        ],
        "light_on_demo_date": Light.COMPLETED,
    },
    {
        "number": 2,
        "category": "education",
        "title": "新建公办幼儿园3所，新增学前教育学位540个",
        "summary": "在金域、锦绣、喜迎门片区新建公办幼儿园3所，扩大普惠性学前教育资源。",
        "commitment": "新建18班规模公办幼儿园3所，新增学前教育学位540个，年底前完成竣工验收并办理办园许可，2025年春季学期招生。",
        "lead": "区教育体育局",
        "cooperating": ["区住房和城乡建设局", "区财政局"],
        "areas": ["金域社区", "锦绣社区", "喜迎门社区"],
        "groups": ["儿童"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "4500",
        "funding": DISTRICT,
        "milestones": [
            milestone("完成选址及方案设计", "2024-04-15", 10, done="2024-04-12"),
            milestone("三所幼儿园主体结构封顶", "2024-07-31", 40, done="2024-07-26"),
            milestone("室内装修及室外工程完工", "2024-10-31", 30),
            milestone("竣工验收并办理办园许可", "2024-12-20", 20),
        ],
        "indicators": [
            indicator("新增学前教育学位", "个", 540, 0),
            indicator("主体完工幼儿园", "所", 3, 3),
        ],
        # green: 58% against 50% expected, September report approved.
        "reports": [
            report("2024-06", 32, 1200, "三所幼儿园基础及一层主体施工完成。"),
            report("2024-08", 50, 2100, "三所幼儿园主体结构于7月底全部封顶，开始砌体及屋面工程。"),
            report(
                "2024-09",
                58,
                2600,
                "完成砌体工程，室内装修进场施工，同步开展室外管网施工。",
                next_steps="10月完成室内装修，启动玩教具采购。",
            ),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 3,
        "category": "education",
        "title": "中小学校食堂“明厨亮灶”改造28所",
        "summary": "对全区中小学校食堂实施“明厨亮灶”改造并接入智慧监管平台，守护校园餐桌安全。",
        "commitment": "完成28所中小学校食堂后厨视频监控、透明化改造，全部接入市场监管智慧监管平台，实现家长可在线查看后厨操作。",
        "lead": "区教育体育局",
        "cooperating": ["区市场监督管理局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["学生"],
        "start": "2024-03-01",
        "end": "2024-07-31",
        "investment": "420",
        "funding": DISTRICT,
        "status": COMPLETED,
        "completed_on": "2024-07-25",
        "milestones": [
            milestone("完成食堂现状摸排及改造方案", "2024-03-31", 20, done="2024-03-29"),
            milestone("暑期前完成16所学校改造", "2024-06-30", 40, done="2024-06-28"),
            milestone("完成剩余12所并接入监管平台", "2024-07-31", 40, done="2024-07-25"),
        ],
        "indicators": [
            indicator("改造学校食堂", "所", 28, 28),
        ],
        "reports": [
            report("2024-04", 25, 60, "完成28所学校食堂摸排，确定改造清单，完成设备采购招标。"),
            report(
                "2024-06", 70, 250, "16所学校完成改造并接入监管平台，家长可通过手机查看后厨画面。"
            ),
            report(
                "2024-07",
                100,
                398,
                "利用暑期完成剩余12所学校改造，28所学校食堂全部接入智慧监管平台。",
            ),
        ],
        "light_on_demo_date": Light.COMPLETED,
    },
    {
        "number": 4,
        "category": "education",
        "title": "中小学教室照明改造，800间教室更换护眼灯",
        "summary": "按照国家教室照明卫生标准，对照度不达标的中小学教室实施照明改造，预防学生近视。",
        "commitment": "完成全区800间中小学教室照明改造，改造后教室课桌面平均照度不低于300勒克斯、黑板面平均照度不低于500勒克斯。",
        "lead": "区教育体育局",
        "cooperating": ["区财政局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["学生"],
        "start": "2024-04-01",
        "end": "2024-11-30",
        "investment": "640",
        "funding": DISTRICT,
        "milestones": [
            milestone("完成教室照度检测", "2024-04-30", 10, done="2024-04-26"),
            milestone("完成灯具采购招标", "2024-06-15", 20, done="2024-06-12"),
            milestone("暑期完成500间教室改造", "2024-08-31", 40, done="2024-08-28"),
            milestone("完成剩余300间并验收", "2024-11-30", 30),
        ],
        "indicators": [
            indicator("改造教室", "间", 800, 560),
        ],
        # green: 72% against 70% expected.
        "reports": [
            report("2024-06", 25, 80, "完成全区教室照度检测和灯具采购招标，确定改造教室清单。"),
            report("2024-08", 65, 360, "利用暑期完成500间教室灯具更换并通过照度检测。"),
            report(
                "2024-09",
                72,
                420,
                "周末及课余时间完成60间教室改造，累计完成560间。",
                next_steps="11月底前完成剩余240间教室改造并组织验收。",
            ),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 5,
        "category": "education",
        "title": "义务教育学校课后服务提质扩面",
        "summary": "推动课后服务全覆盖，引进优质资源开设科技、艺术、体育等特色课程，减轻家长接送负担。",
        "commitment": "全区38所义务教育学校课后服务全覆盖，开设特色课程200门以上，全年参与学生2.6万人次。",
        "lead": "区教育体育局",
        "cooperating": ["区文化旅游体育局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["学生", "儿童"],
        "start": "2024-02-20",
        "end": "2024-12-31",
        "investment": "380",
        "funding": DISTRICT,
        "milestones": [
            milestone("春季学期课后服务方案落地", "2024-03-15", 20, done="2024-03-12"),
            milestone("春季学期课后服务评估", "2024-06-30", 25, done="2024-06-28"),
            milestone("秋季学期特色课程开课", "2024-09-15", 25, done="2024-09-10"),
            milestone("全年课后服务总结评估", "2024-12-31", 30),
        ],
        "indicators": [
            indicator("覆盖学校", "所", 38, 38),
            indicator("开设特色课程", "门", 200, 176),
            indicator("参与学生", "人次", 26000, 21500),
        ],
        # green: 68% against 70% expected.
        "reports": [
            report("2024-05", 35, 120, "38所学校全部开展课后服务，春季学期开设特色课程152门。"),
            report("2024-07", 48, 190, "完成春季学期课后服务满意度调查，家长满意率96.2%。"),
            report(
                "2024-09", 68, 270, "秋季学期特色课程开课，新增编程、围棋、非遗剪纸等课程24门。"
            ),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 6,
        "category": "education",
        "title": "改造提升5所学校运动场",
        "summary": "对5所中小学老化运动场进行塑胶化改造，改善学生体育锻炼条件，课余时间向社会开放。",
        "commitment": "改造5所学校运动场，铺设塑胶跑道及人造草坪1.8万平方米，10月底前全部完工。",
        "lead": "区教育体育局",
        "cooperating": ["区文化旅游体育局", "区住房和城乡建设局"],
        "areas": ["秀水社区", "大庆社区", "钓鱼台社区", "长青乡"],
        "groups": ["学生", "全体居民"],
        "start": "2024-04-15",
        "end": "2024-10-31",
        "investment": "900",
        "funding": DISTRICT,
        "milestones": [
            milestone("完成设计及施工招标", "2024-05-31", 15, done="2024-05-28"),
            milestone("暑期开工建设", "2024-07-10", 15, done="2024-07-15"),
            milestone(
                "首批3所学校运动场完工", "2024-09-10", 35, note="7、8月持续降雨，塑胶面层无法施工。"
            ),
            milestone("全部完工并验收", "2024-10-31", 35),
        ],
        "indicators": [
            indicator("改造运动场", "所", 5, 2),
            indicator("塑胶跑道及人造草坪", "平方米", 18000, 8600),
        ],
        # yellow: 48% against 65% expected, and the first three schools are 20 days late.
        "reports": [
            report("2024-06", 12, 120, "完成施工招标，施工单位进场准备。"),
            report(
                "2024-08",
                35,
                300,
                "5所学校基层施工完成，2所学校完成塑胶面层铺设。",
                problems="7月中旬至8月持续降雨，塑胶面层施工受影响。",
            ),
            report(
                "2024-09",
                48,
                420,
                "秀水、大庆片区两所学校运动场已投入使用，其余3所学校进行面层施工。",
                problems="雨天停工累计22天，首批3所学校未能按期完工。",
                next_steps="增加施工班组，10月底前全部完工。",
            ),
        ],
        "light_on_demo_date": Light.YELLOW,
    },
    {
        "number": 7,
        "category": "education",
        "title": "家庭经济困难学生资助3500人次",
        "summary": "落实学生资助政策，确保家庭经济困难学生不因贫失学。",
        "commitment": "全年资助家庭经济困难学生3500人次，资助资金按时足额发放到位，资助对象认定精准率100%。",
        "lead": "区教育体育局",
        "cooperating": ["区民政局", "区财政局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["学生", "困难群众"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "520",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("春季学期资助对象认定", "2024-03-31", 25, done="2024-03-27"),
            milestone("春季学期资助资金发放", "2024-05-31", 25, done="2024-05-24"),
            milestone("秋季学期资助对象认定", "2024-09-30", 20, done="2024-09-26"),
            milestone("秋季学期资助资金发放", "2024-12-15", 30),
        ],
        "indicators": [
            indicator("资助学生", "人次", 3500, 2380),
        ],
        # green: 70% against 70% expected.
        "reports": [
            report("2024-05", 50, 240, "春季学期资助1720人次，资金全部发放到位。"),
            report(
                "2024-09",
                70,
                265,
                "完成秋季学期资助对象认定660人，发放新生入学资助。",
                next_steps="11月底前发放秋季学期资助资金。",
            ),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 8,
        "category": "education",
        "title": "招聘新教师120名，开展教师培训2000人次",
        "summary": "补充中小学及幼儿园教师，实施教师能力提升培训，强化师资队伍建设。",
        "commitment": "公开招聘中小学及幼儿园新教师120名，秋季学期前全部到岗；全年开展教师培训2000人次。",
        "lead": "区教育体育局",
        "cooperating": ["区人力资源和社会保障局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["学生"],
        "start": "2024-03-01",
        "end": "2024-12-15",
        "investment": "300",
        "funding": DISTRICT,
        "milestones": [
            milestone("发布招聘公告", "2024-04-30", 20, done="2024-04-25"),
            milestone("完成笔试面试", "2024-07-15", 30, done="2024-07-12"),
            milestone("新教师入职及岗前培训", "2024-08-31", 20, done="2024-08-28"),
            milestone("完成全员培训2000人次", "2024-12-10", 30),
        ],
        "indicators": [
            indicator("招聘新教师", "名", 120, 118),
            indicator("教师培训", "人次", 2000, 1460),
        ],
        # green: 74% against 70% expected.
        "reports": [
            report("2024-06", 35, 60, "发布新教师招聘公告，报名1260人，完成资格审查。"),
            report("2024-08", 66, 150, "完成笔试、面试和体检，118名新教师入职并参加岗前培训。"),
            report("2024-09", 74, 185, "开展新课标、班主任能力等专题培训6期，累计培训1460人次。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 9,
        "category": "education",
        "title": "改善乡村学校办学条件，改造6所学校",
        "summary": "对长青乡、马城镇6所乡村学校校舍进行维修改造并配置教学设备，缩小城乡办学差距。",
        "commitment": "完成6所乡村学校校舍维修改造，配置录播教室、实验室设备180套，年底前整体验收。",
        "lead": "区教育体育局",
        "cooperating": ["长青乡人民政府", "马城镇人民政府"],
        "areas": ["长青乡", "马城镇"],
        "groups": ["学生", "儿童", "农村居民"],
        "start": "2024-03-15",
        "end": "2024-12-31",
        "investment": "1200",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("完成改造设计", "2024-04-30", 10, done="2024-04-28"),
            milestone("校舍维修工程完工", "2024-08-20", 30, done="2024-08-18"),
            milestone(
                "教学设备采购安装",
                "2024-08-25",
                30,
                note="设备采购两次流标，已调整采购需求重新挂网。",
            ),
            milestone("整体验收", "2024-12-20", 30),
        ],
        "indicators": [
            indicator("校舍维修完成", "所", 6, 6),
            indicator("配置教学设备", "套", 180, 0),
        ],
        # red: the equipment milestone is 36 days overdue.
        "reports": [
            report("2024-06", 25, 300, "6所学校校舍维修工程开工，完成屋面防水和门窗更换。"),
            report(
                "2024-08",
                40,
                520,
                "6所学校校舍维修工程全部完工，秋季学期正常开学。",
                problems="教学设备采购第一次流标。",
            ),
            report(
                "2024-09",
                45,
                560,
                "完成校舍维修工程结算，教学设备采购重新挂网。",
                problems="教学设备采购两次流标，设备安装严重滞后。",
                next_steps="10月中旬完成采购，11月底前安装调试。",
            ),
        ],
        "light_on_demo_date": Light.RED,
    },
    # ---------------------------------------------------------------- 医疗健康保障
    {
        "number": 10,
        "category": "health",
        "title": "社区卫生服务中心标准化建设，提升改造4个中心",
        "summary": "改造提升朝阳、大庆、锦绣、钓鱼台4个社区卫生服务中心，完善基层医疗服务功能。",
        "commitment": "完成4个社区卫生服务中心业务用房改造，新增业务用房3200平方米，配置DR、彩超等设备，达到国家社区医院服务能力标准。",
        "lead": "区卫生健康委员会",
        "cooperating": ["区住房和城乡建设局", "区财政局"],
        "areas": ["朝阳社区", "大庆社区", "锦绣社区", "钓鱼台社区"],
        "groups": ["全体居民", "老年人"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "1600",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("改造方案评审", "2024-03-31", 10, done="2024-03-28"),
            milestone("朝阳、大庆中心完成改造", "2024-07-31", 35, done="2024-07-29"),
            milestone("锦绣、钓鱼台中心完成改造", "2024-10-31", 35),
            milestone("设备配置及验收", "2024-12-15", 20),
        ],
        "indicators": [
            indicator("改造社区卫生服务中心", "个", 4, 2),
            indicator("新增业务用房", "平方米", 3200, 1500),
        ],
        # green: 50% against 45% expected.
        "reports": [
            report(
                "2024-06", 30, 500, "朝阳、大庆中心改造进入装修阶段，改造期间设临时诊室不停诊。"
            ),
            report("2024-08", 45, 760, "朝阳、大庆中心改造完成并恢复全部诊疗服务。"),
            report("2024-09", 50, 820, "锦绣、钓鱼台中心改造开工，完成DR设备采购招标。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 11,
        "category": "health",
        "title": "65岁及以上老年人免费健康体检3.2万人",
        "summary": "为辖区65岁及以上常住老年人提供免费健康体检，建立完善健康档案。",
        "commitment": "完成65岁及以上老年人免费健康体检3.2万人，体检项目包括血常规、尿常规、肝肾功能、心电图、B超等，体检结果一对一反馈。",
        "lead": "区卫生健康委员会",
        "cooperating": ["长青乡人民政府", "马城镇人民政府"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["老年人"],
        "start": "2024-03-01",
        "end": "2024-11-30",
        "investment": "480",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("制定体检工作方案", "2024-03-20", 10, done="2024-03-18"),
            milestone("完成体检1.2万人", "2024-06-30", 30, done="2024-06-27"),
            milestone("完成体检2.4万人", "2024-09-20", 30, done="2024-09-19"),
            milestone("完成全部体检并更新健康档案", "2024-11-30", 30),
        ],
        "indicators": [
            indicator("完成健康体检", "人", 32000, 24600),
        ],
        # green: 73% against 70% expected.
        "reports": [
            report(
                "2024-06", 38, 170, "各社区卫生服务中心、乡镇卫生院集中开展体检，累计完成1.26万人。"
            ),
            report("2024-08", 60, 280, "开展进村入户上门体检，累计完成1.98万人。"),
            report(
                "2024-09", 73, 340, "累计完成体检2.46万人，发现并转诊高血压、糖尿病新发病例312人。"
            ),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 12,
        "category": "health",
        "title": "适龄女生HPV疫苗免费接种",
        "summary": "为全区13周岁在校女生免费接种HPV疫苗，预防宫颈癌。",
        "commitment": "为全区约2200名13周岁在校女生免费接种两剂次HPV疫苗，知情同意后接种率达90%以上。",
        "lead": "区卫生健康委员会",
        "cooperating": ["区教育体育局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["学生", "儿童"],
        "start": "2024-04-01",
        "end": "2024-12-31",
        "investment": "180",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("摸底登记及知情同意", "2024-04-30", 15, done="2024-04-26"),
            milestone("完成第一剂接种", "2024-06-30", 40, done="2024-06-28"),
            milestone("完成第二剂接种", "2024-12-20", 45),
        ],
        "indicators": [
            indicator("完成第一剂接种", "人", 2200, 1985),
            indicator("完成第二剂接种", "人", 2200, 0),
        ],
        # green: 58% against 55% expected.
        "reports": [
            report("2024-06", 55, 85, "完成第一剂接种1960人，接种后未发生严重不良反应。"),
            report("2024-08", 56, 88, "对暑期返校学生补种第一剂25人。"),
            report(
                "2024-09",
                58,
                92,
                "完成第二剂疫苗到货验收，制定第二剂接种排期。",
                next_steps="12月上旬集中开展第二剂接种。",
            ),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 13,
        "category": "health",
        "title": "建设基层远程诊疗系统，覆盖2个乡镇卫生院和12个村卫生室",
        "summary": "依托区级医院建设远程会诊、远程心电和影像诊断系统，让农村群众在家门口看上专家。",
        "commitment": "远程诊疗系统覆盖长青乡、马城镇2个卫生院和12个村卫生室，全年开展远程会诊1500人次。",
        "lead": "区卫生健康委员会",
        "cooperating": ["区数据资源管理局"],
        "areas": ["长青乡", "马城镇"],
        "groups": ["农村居民", "老年人"],
        "start": "2024-04-01",
        "end": "2024-11-30",
        "investment": "360",
        "funding": DISTRICT,
        "milestones": [
            milestone("编制系统建设方案", "2024-04-30", 15, done="2024-04-29"),
            milestone("完成系统采购招标", "2024-06-15", 15, done="2024-06-14"),
            milestone("乡镇卫生院接入", "2024-08-31", 30, done="2024-08-29"),
            milestone("村卫生室全部接入并完成培训", "2024-11-30", 40),
        ],
        "indicators": [
            indicator("接入乡镇卫生院", "个", 2, 2),
            indicator("接入村卫生室", "个", 12, 4),
            indicator("开展远程会诊", "人次", 1500, 420),
        ],
        # yellow: on track, but the September report is still waiting for review.
        "reports": [
            report("2024-06", 28, 110, "完成系统采购招标，区人民医院远程诊疗中心开始建设。"),
            report("2024-08", 55, 190, "长青乡、马城镇卫生院接入系统，开展远程心电诊断。"),
            report(
                "2024-09",
                64,
                230,
                "4个村卫生室接入系统，累计开展远程会诊420人次。",
                state=SUBMITTED,
                next_steps="11月底前完成其余8个村卫生室接入。",
            ),
        ],
        "light_on_demo_date": Light.YELLOW,
    },
    {
        "number": 14,
        "category": "health",
        "title": "城乡居民医保参保扩面，资助困难群众参保8600人",
        "summary": "做好城乡居民医保集中参保工作，对特困、低保等困难群众参保给予资助。",
        "commitment": "城乡居民医保参保率稳定在95%以上；资助特困人员、低保对象等困难群众参保约8600人，做到应保尽保。",
        "lead": "区医疗保障局",
        "cooperating": ["区民政局", "长青乡人民政府", "马城镇人民政府"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["全体居民", "困难群众"],
        "start": "2024-01-01",
        "end": "2024-06-30",
        "investment": "650",
        "funding": DISTRICT,
        "status": COMPLETED,
        "completed_on": "2024-06-20",
        "milestones": [
            milestone("集中参保动员", "2024-02-29", 30, done="2024-02-27"),
            milestone("困难群众参保资助到位", "2024-04-30", 40, done="2024-04-25"),
            milestone("参保数据核查比对", "2024-06-30", 30, done="2024-06-20"),
        ],
        "indicators": [
            indicator("资助困难群众参保", "人", 8600, 8712),
            indicator("城乡居民医保参保率", "%", 95, "96.3"),
        ],
        "reports": [
            report("2024-03", 40, 240, "完成集中参保动员，各社区、村开展上门宣传。"),
            report("2024-04", 75, 600, "完成困难群众参保资助8712人，资助资金拨付到位。"),
            report("2024-06", 100, 648, "完成参保数据与民政、公安数据比对核查，参保率96.3%。"),
        ],
        "light_on_demo_date": Light.COMPLETED,
    },
    {
        "number": 15,
        "category": "health",
        "title": "家庭医生签约服务提质，重点人群签约率达75%",
        "summary": "组建家庭医生团队，为老年人、慢病患者、残疾人等重点人群提供签约服务和上门随访。",
        "commitment": "组建家庭医生团队60个，重点人群家庭医生签约率达75%以上，签约老年人每年至少4次随访。",
        "lead": "区卫生健康委员会",
        "cooperating": ["区残疾人联合会"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["老年人", "残疾人", "儿童"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "260",
        "funding": DISTRICT,
        "milestones": [
            milestone("组建家庭医生团队", "2024-03-31", 20, done="2024-03-29"),
            milestone("重点人群签约率达60%", "2024-06-30", 30, done="2024-06-28"),
            milestone("重点人群签约率达70%", "2024-09-30", 20, done="2024-09-27"),
            milestone("年度履约考核", "2024-12-31", 30),
        ],
        "indicators": [
            indicator("家庭医生团队", "个", 60, 60),
            indicator("重点人群签约率", "%", 75, "71.5"),
        ],
        # green: 70% against 70% expected.
        "reports": [
            report("2024-05", 40, 80, "组建家庭医生团队60个，开展签约进社区活动32场。"),
            report("2024-07", 55, 130, "重点人群签约率达61.2%，为失能老人提供上门服务。"),
            report("2024-09", 70, 170, "重点人群签约率达71.5%，完成第三季度随访。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 16,
        "category": "health",
        "title": "儿童青少年近视和脊柱侧弯免费筛查4万人次",
        "summary": "对全区中小学生开展视力和脊柱侧弯筛查，建立屈光发育档案，早发现早干预。",
        "commitment": "春秋两季开展免费筛查4万人次，为中小学生建立屈光发育档案2万份，筛查结果100%反馈家长。",
        "lead": "区卫生健康委员会",
        "cooperating": ["区教育体育局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["学生", "儿童"],
        "start": "2024-03-01",
        "end": "2024-12-15",
        "investment": "160",
        "funding": DISTRICT,
        "milestones": [
            milestone("春季学期筛查2万人次", "2024-06-30", 45, done="2024-06-25"),
            milestone("建立屈光发育档案并反馈家长", "2024-07-31", 15, done="2024-07-30"),
            milestone("秋季学期筛查2万人次", "2024-12-10", 40),
        ],
        "indicators": [
            indicator("完成筛查", "人次", 40000, 25600),
            indicator("建立屈光发育档案", "份", 20000, 20400),
        ],
        # green: 64% against 60% expected.
        "reports": [
            report(
                "2024-06", 45, 70, "春季学期完成筛查2.04万人次，近视检出率较上年下降1.3个百分点。"
            ),
            report("2024-08", 60, 95, "建立屈光发育档案2.04万份，筛查结果全部反馈家长。"),
            report("2024-09", 64, 102, "秋季学期筛查启动，已完成5200人次。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 17,
        "category": "health",
        "title": "在公共场所配置自动体外除颤器（AED）60台",
        "summary": "在学校、车站、景区、体育场馆等人员密集场所配置AED，开展群众急救培训。",
        "commitment": "在人员密集公共场所配置AED 60台，并在地图App上标注点位；培训急救员1200人次。",
        "lead": "区卫生健康委员会",
        "cooperating": ["区文化旅游体育局", "区交通运输局", "区教育体育局"],
        "areas": [WHOLE_DISTRICT, "涂山风景区"],
        "groups": ["全体居民"],
        "start": "2024-04-01",
        "end": "2024-10-31",
        "investment": "120",
        "funding": DISTRICT,
        "milestones": [
            milestone("确定配置点位", "2024-04-30", 10, done="2024-04-28"),
            milestone(
                "完成设备采购",
                "2024-06-30",
                30,
                done="2024-08-20",
                note="因采购需求调整重新招标，推迟近两个月。",
            ),
            milestone("首批30台安装到位", "2024-08-31", 30),
            milestone("全部安装并完成急救培训", "2024-10-31", 30),
        ],
        "indicators": [
            indicator("配置AED", "台", 60, 18),
            indicator("培训急救员", "人次", 1200, 300),
        ],
        # red: 30% against 70% expected; the September report was returned.
        "reports": [
            report(
                "2024-06",
                10,
                0,
                "完成60个配置点位现场勘察，编制采购需求。",
                problems="采购需求调整，需重新招标。",
            ),
            report("2024-08", 30, 36, "完成设备采购，首批设备到货。"),
            report(
                "2024-09",
                45,
                54,
                "安装AED 18台，举办急救培训6场300人次。",
                state=RETURNED,
                return_reason="报送安装数量与点位清单不符，请附安装点位照片后重新报送。",
            ),
        ],
        "light_on_demo_date": Light.RED,
    },
    # ---------------------------------------------------------------- 居住条件改善
    {
        "number": 18,
        "category": "housing",
        "title": "改造老旧小区12个，惠及居民3400户",
        "summary": "对2000年以前建成的12个老旧小区实施基础设施改造和环境整治，同步完善养老、托育等配套。",
        "commitment": "改造老旧小区12个、惠及居民3400户，改造雨污管网9.5公里，同步实施屋面防水、外墙保温、道路硬化和绿化提升。",
        "lead": "区住房和城乡建设局",
        "cooperating": ["区财政局", "区城市管理局", "朝阳街道办事处"],
        "areas": ["朝阳社区", "秀水社区", "迎淮社区", "大庆社区"],
        "groups": ["全体居民", "老年人"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "8600",
        "funding": SPECIAL_BOND,
        "milestones": [
            milestone("完成设计及居民意见征集", "2024-03-31", 10, done="2024-03-29"),
            milestone("完成施工招标", "2024-05-15", 10, done="2024-05-13"),
            milestone("首批6个小区完工", "2024-08-31", 40, done="2024-08-30"),
            milestone("12个小区全部完工", "2024-11-30", 25),
            milestone("竣工验收", "2024-12-25", 15),
        ],
        "indicators": [
            indicator("改造老旧小区", "个", 12, 6),
            indicator("惠及居民", "户", 3400, 1760),
            indicator("改造雨污管网", "公里", "9.5", "5.2"),
        ],
        # green: 62% against 60% expected.
        "reports": [
            report("2024-06", 30, 2400, "12个小区全部开工，首批6个小区完成雨污管网改造。"),
            report(
                "2024-08", 52, 4300, "首批6个小区完成屋面防水、外墙保温及道路硬化，通过居民评议。"
            ),
            report("2024-09", 62, 5100, "第二批6个小区完成管网改造，开始外墙施工。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 19,
        "category": "housing",
        "title": "既有住宅加装电梯30部",
        "summary": "支持具备条件的既有多层住宅加装电梯，每部给予财政奖补，破解老年人“上下楼难”。",
        "commitment": "全年完成既有住宅加装电梯30部，受益住户360户，每部电梯给予奖补30万元。",
        "lead": "区住房和城乡建设局",
        "cooperating": ["区市场监督管理局", "张公山街道办事处"],
        "areas": ["张公山社区", "迎淮社区", "秀水社区"],
        "groups": ["老年人", "残疾人"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "900",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("征集加装意愿并公示", "2024-04-30", 15, done="2024-04-28"),
            milestone("首批10部开工", "2024-06-30", 20, done="2024-06-26"),
            milestone(
                "首批10部竣工验收", "2024-09-15", 25, note="3个单元低楼层住户有异议，社区正在协调。"
            ),
            milestone("30部全部完成", "2024-12-20", 40),
        ],
        "indicators": [
            indicator("加装电梯", "部", 30, 7),
            indicator("受益住户", "户", 360, 84),
        ],
        # yellow: "首批10部竣工验收" is 15 days overdue.
        "reports": [
            report("2024-06", 25, 150, "确定首批加装单元10个，全部开工。"),
            report("2024-08", 42, 260, "首批10部电梯井道施工完成，7部完成设备安装。"),
            report(
                "2024-09",
                52,
                300,
                "7部电梯通过特种设备监督检验并投入使用。",
                problems="3个单元低楼层住户对采光有异议，验收推迟。",
                next_steps="社区组织协商，10月中旬完成剩余3部验收。",
            ),
        ],
        "light_on_demo_date": Light.YELLOW,
    },
    {
        "number": 20,
        "category": "housing",
        "title": "城镇燃气老旧管网更新改造18公里",
        "summary": "对使用年限长、存在安全隐患的燃气管道和户内设施进行更新改造，消除安全隐患。",
        "commitment": "更新改造燃气老旧管网18公里，改造户内燃气设施5000户，年底前全部通气运行。",
        "lead": "区住房和城乡建设局",
        "cooperating": ["区城市管理局", "区市场监督管理局"],
        "areas": ["朝阳社区", "大庆社区", "钓鱼台社区", "锦绣社区"],
        "groups": ["全体居民"],
        "start": "2024-04-01",
        "end": "2024-12-15",
        "investment": "2400",
        "funding": SPECIAL_BOND,
        "milestones": [
            milestone("管网排查评估", "2024-04-30", 10, done="2024-04-25"),
            milestone("完成施工招标", "2024-05-31", 10, done="2024-05-28"),
            milestone("完成改造10公里", "2024-08-31", 40, done="2024-08-29"),
            milestone("完成改造18公里并通气", "2024-11-30", 30),
            milestone("竣工验收", "2024-12-15", 10),
        ],
        "indicators": [
            indicator("改造燃气管网", "公里", 18, "11.2"),
            indicator("改造户内燃气设施", "户", 5000, 3100),
        ],
        # green: 63% against 60% expected.
        "reports": [
            report("2024-06", 25, 500, "完成管网排查和施工招标，改造管网3.5公里。"),
            report("2024-08", 55, 1300, "累计改造管网10.3公里，户内设施改造2600户。"),
            report("2024-09", 63, 1500, "累计改造管网11.2公里，户内设施改造3100户，均已安全通气。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 21,
        "category": "housing",
        "title": "筹集保障性租赁住房500套",
        "summary": "通过改建闲置房屋、利用存量用地等方式筹集保障性租赁住房，缓解新市民、青年人住房困难。",
        "commitment": "筹集保障性租赁住房500套，租金低于同地段市场租金的90%，年底前完成配租。",
        "lead": "区住房和城乡建设局",
        "cooperating": ["区财政局", "市自然资源和规划局禹会分局"],
        "areas": ["金域社区", "喜迎门社区"],
        "groups": ["新市民", "高校毕业生"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "3000",
        "funding": SOCIAL_CAPITAL,
        "milestones": [
            milestone("确定房源及实施主体", "2024-04-30", 20, done="2024-04-26"),
            milestone("完成改建300套", "2024-08-31", 40, done="2024-08-30"),
            milestone("完成全部500套并配租", "2024-12-20", 40),
        ],
        "indicators": [
            indicator("筹集保障性租赁住房", "套", 500, 320),
        ],
        # green: 65% against 60% expected.
        "reports": [
            report("2024-06", 30, 800, "确定改建房源2处，实施主体完成备案，开工改建。"),
            report("2024-08", 58, 1700, "完成改建300套，开始受理配租申请。"),
            report("2024-09", 65, 1900, "累计筹集320套，首批186户新市民、青年人入住。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 22,
        "category": "housing",
        "title": "为300户困难老年人家庭实施适老化改造",
        "summary": "为特殊困难老年人家庭实施地面防滑、加装扶手、配置助行器具等适老化改造。",
        "commitment": "完成300户特殊困难老年人家庭适老化改造，每户一案，改造后老年人满意度达95%以上。",
        "lead": "区民政局",
        "cooperating": ["区残疾人联合会"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["老年人", "困难群众", "残疾人"],
        "start": "2024-03-15",
        "end": "2024-10-31",
        "investment": "150",
        "funding": HIGHER_LEVEL,
        "status": COMPLETED,
        "completed_on": "2024-09-20",
        "milestones": [
            milestone("入户评估", "2024-04-30", 20, done="2024-04-28"),
            milestone("完成改造150户", "2024-06-30", 40, done="2024-06-25"),
            milestone("完成改造300户并验收", "2024-09-30", 40, done="2024-09-20"),
        ],
        "indicators": [
            indicator("完成适老化改造", "户", 300, 306),
        ],
        "reports": [
            report("2024-06", 55, 72, "完成入户评估312户，已完成改造162户。"),
            report("2024-08", 85, 118, "累计完成改造258户。"),
            report("2024-09", 100, 146, "累计完成改造306户，全部通过验收，回访满意度98.7%。"),
        ],
        "light_on_demo_date": Light.COMPLETED,
    },
    {
        "number": 23,
        "category": "housing",
        "title": "实施农村低收入群体危房改造40户",
        "summary": "对长青乡、马城镇农村低收入群体存量危房实施改造，保障住房安全。",
        "commitment": "完成农村低收入群体危房改造40户，确保8月底前全部竣工入住。",
        "lead": "区住房和城乡建设局",
        "cooperating": ["长青乡人民政府", "马城镇人民政府", "区民政局"],
        "areas": ["长青乡", "马城镇"],
        "groups": ["困难群众", "农村居民"],
        "start": "2024-03-01",
        "end": "2024-08-31",
        "investment": "160",
        "funding": HIGHER_LEVEL,
        "status": COMPLETED,
        "completed_on": "2024-07-28",
        "milestones": [
            milestone("危房鉴定及改造对象认定", "2024-03-31", 20, done="2024-03-26"),
            milestone("全部开工建设", "2024-04-30", 20, done="2024-04-22"),
            milestone("全部竣工并验收入住", "2024-07-31", 60, done="2024-07-28"),
        ],
        "indicators": [
            indicator("改造危房", "户", 40, 40),
        ],
        "reports": [
            report("2024-04", 35, 40, "完成40户危房鉴定和对象认定公示，全部开工。"),
            report("2024-06", 80, 120, "32户主体完工。"),
            report("2024-07", 100, 158, "40户全部竣工，通过验收并入住。"),
        ],
        "light_on_demo_date": Light.COMPLETED,
    },
    {
        "number": 24,
        "category": "housing",
        "title": "居民小区新建电动自行车集中充电端口2000个",
        "summary": "在居民小区建设电动自行车集中停放充电设施，治理“飞线充电”和楼道停车隐患。",
        "commitment": "在80个居民小区新建电动自行车集中充电端口2000个，实现有条件小区全覆盖。",
        "lead": "区住房和城乡建设局",
        "cooperating": ["朝阳街道办事处", "张公山街道办事处"],
        "areas": COMMUNITIES,
        "groups": ["全体居民"],
        "start": "2024-04-01",
        "end": "2024-12-31",
        "investment": "260",
        "funding": SOCIAL_CAPITAL,
        "milestones": [
            milestone("确定小区及点位", "2024-05-15", 15, done="2024-05-10"),
            milestone("建成充电端口1000个", "2024-08-15", 35, done="2024-08-13"),
            milestone("建成充电端口2000个", "2024-11-30", 35),
            milestone("消防验收", "2024-12-20", 15),
        ],
        "indicators": [
            indicator("新建充电端口", "个", 2000, 1150),
            indicator("覆盖小区", "个", 80, 46),
        ],
        # green: 55% against 50% expected.
        "reports": [
            report("2024-06", 20, 50, "确定80个小区建设点位，签约运营企业2家。"),
            report("2024-08", 48, 120, "建成充电端口1020个，覆盖小区41个。"),
            report("2024-09", 55, 145, "累计建成充电端口1150个，覆盖小区46个。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 25,
        "category": "housing",
        "title": "老旧小区二次供水设施改造15个",
        "summary": "对老旧小区二次供水泵房、水箱和管道实施改造，解决高层住户水压不足、水质不稳定问题。",
        "commitment": "完成15个老旧小区二次供水设施改造，惠及居民4200户，9月中旬前全部完工。",
        "lead": "区住房和城乡建设局",
        "cooperating": ["区城市管理局"],
        "areas": ["秀水社区", "迎淮社区", "锦绣社区"],
        "groups": ["全体居民"],
        "start": "2024-03-01",
        "end": "2024-09-15",
        "investment": "1100",
        "funding": DISTRICT,
        "milestones": [
            milestone("完成改造方案设计", "2024-03-31", 15, done="2024-03-29"),
            milestone("首批8个小区完成改造", "2024-06-30", 35, done="2024-06-28"),
            milestone("15个小区全部完成并验收", "2024-09-15", 50),
        ],
        "indicators": [
            indicator("改造小区", "个", 15, 12),
            indicator("惠及居民", "户", 4200, 3350),
        ],
        # red: 15 days past the planned end and not completed.
        "reports": [
            report("2024-06", 50, 500, "首批8个小区完成泵房和水箱改造并通水。"),
            report("2024-08", 78, 820, "累计完成11个小区改造。"),
            report(
                "2024-09",
                86,
                930,
                "累计完成12个小区改造。",
                problems="3个小区管网迁改需停水，居民协调后安排在10月施工。",
                next_steps="分时段停水施工，10月底前完成。",
            ),
        ],
        "light_on_demo_date": Light.RED,
    },
    {
        "number": 26,
        "category": "housing",
        "title": "新建社区嵌入式养老服务站6个",
        "summary": "在社区新建嵌入式养老服务站，提供助餐、日间照料、康复护理等服务。",
        "commitment": "新建社区嵌入式养老服务站6个，每站提供助餐、日间照料服务，全年助餐服务2万人次。",
        "lead": "区民政局",
        "cooperating": ["区住房和城乡建设局", "区卫生健康委员会"],
        "areas": ["秀水社区", "金域社区", "锦绣社区", "喜迎门社区", "钓鱼台社区", "张公山社区"],
        "groups": ["老年人"],
        "start": "2024-03-15",
        "end": "2024-12-31",
        "investment": "600",
        "funding": DISTRICT,
        "milestones": [
            milestone("选址及用房落实", "2024-04-30", 15, done="2024-04-26"),
            milestone("首批3个站点建成运营", "2024-08-31", 40, done="2024-08-28"),
            milestone("6个站点全部运营", "2024-12-15", 45),
        ],
        "indicators": [
            indicator("建成养老服务站", "个", 6, 3),
            indicator("提供助餐服务", "人次", 20000, 9800),
        ],
        # green: 58% against 55% expected.
        "reports": [
            report("2024-06", 25, 150, "6个站点用房全部落实，首批3个站点开始装修。"),
            report("2024-08", 50, 300, "秀水、金域、锦绣3个站点建成运营，开展老年助餐服务。"),
            report("2024-09", 58, 340, "3个站点累计提供助餐服务9800人次，其余3个站点装修施工中。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    # ---------------------------------------------------------------- 便捷出行与交通网络
    {
        "number": 27,
        "category": "transport",
        "title": "打通城区断头路5条",
        "summary": "打通金域、锦绣、喜迎门片区5条断头路，完善城区路网微循环。",
        "commitment": "新建道路4.8公里，打通断头路5条，同步建设雨污管网、路灯和绿化，年底前全部通车。",
        "lead": "区住房和城乡建设局",
        "cooperating": ["市自然资源和规划局禹会分局", "区城市管理局"],
        "areas": ["金域社区", "锦绣社区", "喜迎门社区"],
        "groups": ["全体居民"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "5600",
        "funding": SPECIAL_BOND,
        "milestones": [
            milestone("完成征迁", "2024-05-31", 20, done="2024-06-20"),
            milestone("首批2条道路通车", "2024-08-31", 30, done="2024-09-05"),
            milestone("5条道路全部通车", "2024-12-20", 50),
        ],
        "indicators": [
            indicator("打通断头路", "条", 5, 2),
            indicator("新建道路", "公里", "4.8", "1.9"),
        ],
        # yellow: 35% against 50% expected.
        "reports": [
            report(
                "2024-06",
                15,
                1200,
                "完成征迁协议签订，3条道路开工建设。",
                problems="个别地块征迁协商时间较长。",
            ),
            report("2024-08", 28, 2100, "5条道路全部开工，首批2条道路完成路面施工。"),
            report(
                "2024-09",
                35,
                2500,
                "首批2条道路于9月5日通车，其余3条进行管网施工。",
                problems="征迁滞后20天，整体进度落后计划。",
                next_steps="实行两班倒施工，确保年底前全部通车。",
            ),
        ],
        "light_on_demo_date": Light.YELLOW,
    },
    {
        "number": 28,
        "category": "transport",
        "title": "新开公交线路3条，优化公交线路8条",
        "summary": "新开通往长青乡、马城镇和涂山风景区的公交线路，优化城区线路，方便群众出行。",
        "commitment": "新开公交线路3条、优化调整线路8条，实现乡镇、景区公交直达，城区公交站点500米覆盖率达100%。",
        "lead": "区交通运输局",
        "cooperating": ["长青乡人民政府", "马城镇人民政府"],
        "areas": [WHOLE_DISTRICT, "长青乡", "马城镇", "涂山风景区"],
        "groups": ["全体居民", "农村居民"],
        "start": "2024-03-01",
        "end": "2024-09-30",
        "investment": "300",
        "funding": DISTRICT,
        "status": COMPLETED,
        "completed_on": "2024-08-20",
        "milestones": [
            milestone("线网调查及方案征求意见", "2024-04-15", 20, done="2024-04-12"),
            milestone("新开2条线路", "2024-06-30", 40, done="2024-06-28"),
            milestone("新开第3条线路并优化8条线路", "2024-08-31", 40, done="2024-08-20"),
        ],
        "indicators": [
            indicator("新开公交线路", "条", 3, 3),
            indicator("优化公交线路", "条", 8, 8),
        ],
        "reports": [
            report("2024-05", 30, 60, "完成公交线网调查和方案公开征求意见。"),
            report("2024-07", 70, 180, "开通城区至长青乡、马城镇公交线路2条。"),
            report("2024-08", 100, 290, "开通城区至涂山风景区旅游公交线路，完成8条线路优化调整。"),
        ],
        "light_on_demo_date": Light.COMPLETED,
    },
    {
        "number": 29,
        "category": "transport",
        "title": "农村公路提质改造25公里",
        "summary": "对长青乡、马城镇通村道路实施提质改造和安全生命防护工程，改善农村群众出行条件。",
        "commitment": "完成农村公路提质改造25公里，受益自然村36个，同步完善交通安全设施。",
        "lead": "区交通运输局",
        "cooperating": ["长青乡人民政府", "马城镇人民政府", "区农业农村水利局"],
        "areas": ["长青乡", "马城镇"],
        "groups": ["农村居民"],
        "start": "2024-03-15",
        "end": "2024-11-30",
        "investment": "2500",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("完成设计及施工招标", "2024-04-30", 15, done="2024-04-28"),
            milestone("完成改造12公里", "2024-07-31", 35, done="2024-07-30"),
            milestone("完成改造20公里", "2024-09-30", 25, done="2024-09-26"),
            milestone("完成改造25公里并交工验收", "2024-11-30", 25),
        ],
        "indicators": [
            indicator("提质改造农村公路", "公里", 25, "20.6"),
            indicator("受益自然村", "个", 36, 30),
        ],
        # green: 78% against 75% expected.
        "reports": [
            report("2024-06", 35, 800, "完成招标，改造农村公路7.5公里。"),
            report("2024-08", 60, 1500, "累计完成改造14.2公里。"),
            report("2024-09", 78, 1900, "累计完成改造20.6公里，同步完成波形护栏安装3.2公里。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 30,
        "category": "transport",
        "title": "新增公共停车泊位1500个",
        "summary": "利用闲置地块、边角地和道路资源挖潜增设公共停车泊位，缓解停车难。",
        "commitment": "新增公共停车泊位1500个，全部接入城市智慧停车平台，实现“一键找位”。",
        "lead": "区城市管理局",
        "cooperating": ["区交通运输局", "区住房和城乡建设局"],
        "areas": ["朝阳社区", "张公山社区", "大庆社区", "涂山风景区"],
        "groups": ["全体居民"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "1800",
        "funding": SOCIAL_CAPITAL,
        "milestones": [
            milestone("挖潜确定停车点位", "2024-03-31", 10, done="2024-03-28"),
            milestone("新增泊位600个", "2024-06-30", 30, done="2024-06-29"),
            milestone("新增泊位1100个", "2024-09-30", 30, done="2024-09-24"),
            milestone("新增泊位1500个", "2024-12-20", 30),
        ],
        "indicators": [
            indicator("新增公共停车泊位", "个", 1500, 1130),
            indicator("接入智慧停车平台", "个", 1500, 800),
        ],
        # green: 72% against 70% expected.
        "reports": [
            report("2024-06", 40, 600, "建成停车场4处，新增泊位620个。"),
            report("2024-08", 58, 950, "累计新增泊位890个，其中涂山风景区停车场新增260个。"),
            report("2024-09", 72, 1250, "累计新增泊位1130个，800个接入智慧停车平台。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 31,
        "category": "transport",
        "title": "改造人行道及慢行系统12公里",
        "summary": "改造破损人行道，完善盲道和无障碍坡道，打造安全连续的慢行系统。",
        "commitment": "改造人行道12公里，新建改造无障碍坡道150处，消除人行道断点、堵点。",
        "lead": "区城市管理局",
        "cooperating": ["区住房和城乡建设局", "区残疾人联合会"],
        "areas": ["朝阳社区", "迎淮社区", "锦绣社区", "喜迎门社区"],
        "groups": ["全体居民", "残疾人", "老年人"],
        "start": "2024-04-01",
        "end": "2024-12-15",
        "investment": "1200",
        "funding": DISTRICT,
        "milestones": [
            milestone("完成改造设计", "2024-04-30", 10, done="2024-04-29"),
            milestone("完成改造5公里", "2024-07-15", 30, done="2024-07-12"),
            milestone(
                "完成改造8公里",
                "2024-09-14",
                20,
                note="涉及燃气管网迁改，需与燃气改造工程同步施工。",
            ),
            milestone("完成改造12公里", "2024-12-10", 40),
        ],
        "indicators": [
            indicator("改造人行道", "公里", 12, "7.1"),
            indicator("无障碍坡道", "处", 150, 92),
        ],
        # yellow: "完成改造8公里" is 16 days overdue.
        "reports": [
            report("2024-06", 25, 300, "完成设计，改造人行道2.8公里。"),
            report("2024-08", 48, 560, "累计改造人行道6.2公里，新建无障碍坡道78处。"),
            report(
                "2024-09",
                54,
                640,
                "累计改造人行道7.1公里。",
                problems="部分路段需待燃气管网迁改完成后施工。",
            ),
        ],
        "light_on_demo_date": Light.YELLOW,
    },
    {
        "number": 32,
        "category": "transport",
        "title": "主要路口智能交通信号灯改造30处",
        "summary": "对城区主要路口信号灯进行智能化改造，实现区域协调控制，缓解高峰拥堵。",
        "commitment": "完成30处路口信号灯智能化改造并联网运行，主干道高峰期平均通行时间缩短10%。",
        "lead": "区交通运输局",
        "cooperating": ["区数据资源管理局", "区城市管理局"],
        "areas": ["朝阳社区", "张公山社区", "大庆社区", "钓鱼台社区"],
        "groups": ["全体居民"],
        "start": "2024-04-01",
        "end": "2024-11-30",
        "investment": "750",
        "funding": DISTRICT,
        "milestones": [
            milestone("路口交通流量调查", "2024-04-30", 15, done="2024-04-28"),
            milestone("首批15处设备安装", "2024-07-31", 35, done="2024-08-05"),
            milestone(
                "首批15处系统联调上线", "2024-08-20", 20, note="信号控制平台与市级平台接口未打通。"
            ),
            milestone("全部30处联网运行", "2024-11-30", 30),
        ],
        "indicators": [
            indicator("改造路口", "处", 30, 15),
            indicator("联网运行信号机", "台", 30, 0),
        ],
        # red: the system test is 41 days overdue; the September report awaits review.
        "reports": [
            report("2024-06", 20, 120, "完成30处路口流量调查和配时方案设计。"),
            report(
                "2024-08",
                42,
                300,
                "首批15处路口完成信号机和检测器安装。",
                problems="与市级交通信号控制平台接口尚未打通。",
            ),
            report(
                "2024-09",
                55,
                380,
                "完成第二批8处路口设备安装，接口联调推进中。",
                state=SUBMITTED,
                problems="平台接口联调仍未完成。",
            ),
        ],
        "light_on_demo_date": Light.RED,
    },
    {
        "number": 33,
        "category": "transport",
        "title": "农村危桥改造4座",
        "summary": "对长青乡、马城镇4座四类、五类危桥实施拆除重建，利用秋冬枯水期施工。",
        "commitment": "完成农村危桥改造4座，年底前全部通车，消除群众出行安全隐患。",
        "lead": "区交通运输局",
        "cooperating": ["长青乡人民政府", "马城镇人民政府", "区农业农村水利局"],
        "areas": ["长青乡", "马城镇"],
        "groups": ["农村居民"],
        "start": "2024-10-15",
        "end": "2024-12-31",
        "investment": "1600",
        "funding": HIGHER_LEVEL,
        "status": NOT_STARTED,
        "milestones": [
            milestone("枯水期开工", "2024-10-15", 10),
            milestone("完成2座危桥改造", "2024-11-30", 40),
            milestone("4座危桥全部通车", "2024-12-28", 50),
        ],
        "indicators": [
            indicator("改造危桥", "座", 4, 0),
        ],
        # not started: work begins in the dry season; the department is drafting its first report.
        "reports": [
            report(
                "2024-09",
                0,
                0,
                "完成4座危桥检测评定和施工图设计，施工招标已挂网。",
                state=DRAFT,
                next_steps="10月中旬进场施工，同步设置临时便道。",
            ),
        ],
        "light_on_demo_date": Light.NOT_STARTED,
    },
    {
        "number": 34,
        "category": "transport",
        "title": "新建改造公交候车亭60座",
        "summary": "新建和改造城区及乡镇公交候车亭，配置电子站牌，改善候车环境。",
        "commitment": "新建改造公交候车亭60座，其中配置实时到站电子站牌20座。",
        "lead": "区交通运输局",
        "cooperating": ["区城市管理局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["全体居民"],
        "start": "2024-04-15",
        "end": "2024-11-30",
        "investment": "360",
        "funding": DISTRICT,
        "milestones": [
            milestone("候车亭选址", "2024-05-15", 10, done="2024-05-14"),
            milestone("完成30座", "2024-08-15", 40, done="2024-08-12"),
            milestone("完成60座", "2024-11-15", 40),
            milestone("验收", "2024-11-30", 10),
        ],
        "indicators": [
            indicator("新建改造候车亭", "座", 60, 36),
        ],
        # green: 56% against 50% expected.
        "reports": [
            report("2024-06", 18, 60, "完成60座候车亭选址和设计，开工12座。"),
            report("2024-08", 48, 170, "完成候车亭31座，其中电子站牌8座。"),
            report("2024-09", 56, 200, "累计完成候车亭36座。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    # ---------------------------------------------------------------- 就业与技能培训
    {
        "number": 35,
        "category": "employment",
        "title": "新增城镇就业4500人",
        "summary": "落实稳就业政策，开展“春风行动”“百日千万招聘”等专项活动，促进城镇就业。",
        "commitment": "全年新增城镇就业4500人，失业人员再就业800人，城镇调查失业率控制在5.5%以内。",
        "lead": "区人力资源和社会保障局",
        "cooperating": ["区发展和改革委员会", "区财政局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["全体居民", "就业困难人员", "高校毕业生"],
        "start": "2024-01-01",
        "end": "2024-12-31",
        "investment": "200",
        "funding": DISTRICT,
        "milestones": [
            milestone("一季度新增就业1100人", "2024-03-31", 25, done="2024-03-31"),
            milestone("上半年累计新增就业2300人", "2024-06-30", 25, done="2024-06-30"),
            milestone("前三季度累计新增就业3400人", "2024-09-30", 25, done="2024-09-30"),
            milestone("全年新增就业4500人", "2024-12-31", 25),
        ],
        "indicators": [
            indicator("新增城镇就业", "人", 4500, 3510),
            indicator("失业人员再就业", "人", 800, 640),
        ],
        # green: 78% against 75% expected.
        "reports": [
            report("2024-06", 52, 60, "举办招聘会26场，上半年新增城镇就业2360人。"),
            report("2024-08", 68, 105, "开展“百日千万招聘”专项行动，累计新增城镇就业3050人。"),
            report("2024-09", 78, 130, "累计新增城镇就业3510人，失业人员再就业640人。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 36,
        "category": "employment",
        "title": "开展职业技能培训3000人次",
        "summary": "围绕养老护理、电工、电商直播等紧缺工种开展职业技能培训，提升劳动者就业能力。",
        "commitment": "全年开展职业技能培训3000人次，取得职业技能等级证书1500人。",
        "lead": "区人力资源和社会保障局",
        "cooperating": ["区农业农村水利局", "区民政局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["就业困难人员", "农村居民", "全体居民"],
        "start": "2024-03-01",
        "end": "2024-12-15",
        "investment": "450",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("确定培训机构和工种目录", "2024-03-31", 10, done="2024-03-26"),
            milestone("培训1200人次", "2024-06-30", 30, done="2024-06-28"),
            milestone("培训2200人次", "2024-09-30", 30, done="2024-09-27"),
            milestone("培训3000人次", "2024-12-10", 30),
        ],
        "indicators": [
            indicator("职业技能培训", "人次", 3000, 2260),
            indicator("取得职业技能等级证书", "人", 1500, 1080),
        ],
        # green: 74% against 70% expected.
        "reports": [
            report(
                "2024-06", 40, 170, "开设养老护理员、电工、电商直播等培训班38期，培训1260人次。"
            ),
            report("2024-08", 60, 260, "累计培训1820人次，取得证书860人。"),
            report("2024-09", 74, 320, "累计培训2260人次，取得证书1080人。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 37,
        "category": "employment",
        "title": "开发高校毕业生就业见习岗位300个",
        "summary": "组织企事业单位开发见习岗位，帮助离校未就业高校毕业生积累工作经验。",
        "commitment": "开发就业见习岗位300个，组织250名高校毕业生参加见习，按规定发放见习补贴。",
        "lead": "区人力资源和社会保障局",
        "cooperating": ["区财政局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["高校毕业生"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "240",
        "funding": DISTRICT,
        "milestones": [
            milestone("征集见习单位", "2024-04-15", 20, done="2024-04-12"),
            milestone("开发见习岗位300个", "2024-06-30", 30, done="2024-06-26"),
            milestone("见习人员上岗200人", "2024-09-15", 25, done="2024-09-12"),
            milestone("发放见习补贴", "2024-12-31", 25),
        ],
        "indicators": [
            indicator("开发见习岗位", "个", 300, 312),
            indicator("参加见习", "人", 250, 206),
        ],
        # green: 72% against 75% expected.
        "reports": [
            report("2024-06", 45, 40, "认定见习单位46家，开发见习岗位312个。"),
            report("2024-08", 62, 90, "组织见习双选会2场，上岗148人。"),
            report("2024-09", 72, 120, "累计上岗见习206人，发放见习补贴120万元。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 38,
        "category": "employment",
        "title": "建设零工市场1个、零工驿站5个",
        "summary": "建设规范化零工市场和社区、乡镇零工驿站，为灵活就业人员提供求职登记、岗位匹配服务。",
        "commitment": "建成区级零工市场1个、零工驿站5个，全年撮合零工就业3000人次。",
        "lead": "区人力资源和社会保障局",
        "cooperating": ["朝阳街道办事处", "长青乡人民政府", "马城镇人民政府"],
        "areas": ["朝阳社区", "大庆社区", "喜迎门社区", "长青乡", "马城镇"],
        "groups": ["就业困难人员", "农村居民"],
        "start": "2024-04-01",
        "end": "2024-11-30",
        "investment": "280",
        "funding": DISTRICT,
        "milestones": [
            milestone("选址及装修设计", "2024-05-15", 15, done="2024-05-13"),
            milestone("零工市场建成运营", "2024-08-31", 40, done="2024-08-30"),
            milestone("5个零工驿站建成", "2024-11-20", 45),
        ],
        "indicators": [
            indicator("建成零工市场", "个", 1, 1),
            indicator("建成零工驿站", "个", 5, 2),
            indicator("撮合零工就业", "人次", 3000, 1260),
        ],
        # yellow: on track, but the September report was returned.
        "reports": [
            report("2024-06", 25, 60, "零工市场选址确定，完成装修设计。"),
            report("2024-08", 55, 160, "区零工市场建成运营，线上零工服务平台同步上线。"),
            report(
                "2024-09",
                62,
                190,
                "朝阳、长青乡2个零工驿站建成，累计撮合零工就业1260人次。",
                state=RETURNED,
                return_reason="本月资金支付额与财政国库支付记录不一致，请核对后重新报送，并补充零工市场运营数据。",
            ),
        ],
        "light_on_demo_date": Light.YELLOW,
    },
    {
        "number": 39,
        "category": "employment",
        "title": "发放创业担保贷款8000万元",
        "summary": "为创业者提供创业担保贷款及贴息，降低创业融资成本。",
        "commitment": "全年发放创业担保贷款8000万元，扶持创业400人，带动就业1200人，贴息资金及时足额拨付。",
        "lead": "区人力资源和社会保障局",
        "cooperating": ["区财政局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["高校毕业生", "就业困难人员", "退役军人"],
        "start": "2024-01-01",
        "end": "2024-12-31",
        "investment": "320",
        "funding": DISTRICT,
        "milestones": [
            milestone("与合作银行签订协议", "2024-02-29", 10, done="2024-02-27"),
            milestone(
                "上半年发放贷款3500万元",
                "2024-06-30",
                30,
                done="2024-07-20",
                note="7月20日累计发放达3500万元，较计划推迟20天。",
            ),
            milestone("前三季度发放贷款6000万元", "2024-09-30", 30),
            milestone("全年发放贷款8000万元", "2024-12-31", 30),
        ],
        "indicators": [
            indicator("发放创业担保贷款", "万元", 8000, 3200),
            indicator("扶持创业", "人", 400, 162),
        ],
        # red: 40% against 70% expected.
        "reports": [
            report("2024-06", 28, 90, "与3家合作银行签订协议，发放创业担保贷款2240万元。"),
            report(
                "2024-08",
                36,
                115,
                "累计发放创业担保贷款2880万元。",
                problems="合作银行审贷趋严，反担保要求较高。",
            ),
            report(
                "2024-09",
                40,
                128,
                "累计发放创业担保贷款3200万元，扶持创业162人。",
                problems="放贷进度明显落后，部分申请人因征信和反担保问题未获批。",
                next_steps="协调新增1家合作银行，推行“信用村”免反担保。",
            ),
        ],
        "light_on_demo_date": Light.RED,
    },
    {
        "number": 40,
        "category": "employment",
        "title": "开发公益性岗位安置就业困难人员200人",
        "summary": "开发保洁、保绿、治安巡逻等公益性岗位，兜底安置就业困难人员。",
        "commitment": "开发公益性岗位200个，6月底前安置就业困难人员200人上岗，按月发放岗位补贴。",
        "lead": "区人力资源和社会保障局",
        "cooperating": ["区民政局", "区残疾人联合会"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["就业困难人员", "困难群众", "残疾人"],
        "start": "2024-02-01",
        "end": "2024-06-30",
        "investment": "480",
        "funding": HIGHER_LEVEL,
        "status": COMPLETED,
        "completed_on": "2024-06-10",
        "milestones": [
            milestone("开发公益性岗位", "2024-03-15", 30, done="2024-03-12"),
            milestone("安置人员认定公示", "2024-04-30", 30, done="2024-04-26"),
            milestone("全部人员上岗", "2024-06-15", 40, done="2024-06-10"),
        ],
        "indicators": [
            indicator("安置就业困难人员", "人", 200, 206),
        ],
        "reports": [
            report("2024-04", 45, 120, "开发公益性岗位210个，完成安置人员资格认定。"),
            report("2024-05", 75, 240, "已安置上岗162人。"),
            report("2024-06", 100, 310, "206名就业困难人员全部上岗，岗位补贴按月发放。"),
        ],
        "light_on_demo_date": Light.COMPLETED,
    },
    {
        "number": 41,
        "category": "employment",
        "title": "建设社区“家门口”就业服务站12个",
        "summary": "在社区和乡镇建设就业服务站，提供岗位推荐、政策咨询、技能培训报名等“家门口”服务。",
        "commitment": "建成“家门口”就业服务站12个，每站配备专职就业指导员，全年发布岗位信息5000条。",
        "lead": "区人力资源和社会保障局",
        "cooperating": ["朝阳街道办事处", "张公山街道办事处", "长青乡人民政府", "马城镇人民政府"],
        "areas": [*COMMUNITIES, "长青乡", "马城镇"],
        "groups": ["就业困难人员", "全体居民"],
        "start": "2024-03-15",
        "end": "2024-12-15",
        "investment": "180",
        "funding": DISTRICT,
        "milestones": [
            milestone("制定建设标准", "2024-04-15", 10, done="2024-04-12"),
            milestone("建成6个服务站", "2024-07-31", 40, done="2024-07-30"),
            milestone("建成12个服务站", "2024-11-30", 50),
        ],
        "indicators": [
            indicator("建成就业服务站", "个", 12, 6),
            indicator("发布岗位信息", "条", 5000, 2600),
        ],
        # yellow: on track, but the September report is still a draft.
        "reports": [
            report("2024-05", 15, 20, "制定就业服务站建设和服务标准。"),
            report("2024-08", 50, 90, "朝阳、秀水等6个就业服务站建成运行，发布岗位信息2100条。"),
            report("2024-09", 56, 100, "新增岗位信息500条，第二批6个服务站选址确定。", state=DRAFT),
        ],
        "light_on_demo_date": Light.YELLOW,
    },
    {
        "number": 42,
        "category": "employment",
        "title": "开展退役军人就业创业培训200人",
        "summary": "为退役军人提供适应性培训、职业技能培训和专场招聘服务。",
        "commitment": "开展退役军人就业创业培训200人，举办退役军人专场招聘会4场。",
        "lead": "区退役军人事务局",
        "cooperating": ["区人力资源和社会保障局"],
        "areas": [WHOLE_DISTRICT],
        "groups": ["退役军人"],
        "start": "2024-03-01",
        "end": "2024-11-30",
        "investment": "60",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("摸底退役军人就业意愿", "2024-03-31", 15, done="2024-03-29"),
            milestone("第一期培训", "2024-06-30", 30, done="2024-06-21"),
            milestone("第二期培训", "2024-09-20", 30, done="2024-09-13"),
            milestone("专场招聘会及就业跟踪", "2024-11-20", 25),
        ],
        "indicators": [
            indicator("培训退役军人", "人", 200, 152),
            indicator("举办专场招聘会", "场", 4, 3),
        ],
        # green: 76% against 75% expected.
        "reports": [
            report("2024-06", 42, 20, "完成第一期培训78人，举办专场招聘会1场。"),
            report("2024-08", 48, 24, "举办专场招聘会1场，达成就业意向46人。"),
            report("2024-09", 76, 40, "完成第二期培训74人，累计培训152人。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    # ---------------------------------------------------------------- 生态保护与绿色发展
    {
        "number": 43,
        "category": "ecology",
        "title": "新建改造城市公厕20座",
        "summary": "新建改造城区和景区公厕，增设第三卫生间和无障碍设施，推进“厕所革命”。",
        "commitment": "新建改造公厕20座，其中设置第三卫生间10个，全部纳入电子地图“一键找厕”。",
        "lead": "区城市管理局",
        "cooperating": ["区住房和城乡建设局", "区文化旅游体育局"],
        "areas": ["朝阳社区", "秀水社区", "大庆社区", "钓鱼台社区", "涂山风景区"],
        "groups": ["全体居民"],
        "start": "2024-03-01",
        "end": "2024-12-15",
        "investment": "800",
        "funding": DISTRICT,
        "milestones": [
            milestone("完成选址", "2024-03-31", 10, done="2024-03-29"),
            milestone("新建改造8座", "2024-06-30", 30, done="2024-06-27"),
            milestone("累计完成15座", "2024-09-20", 30, done="2024-09-18"),
            milestone("20座全部投入使用", "2024-12-10", 30),
        ],
        "indicators": [
            indicator("新建改造公厕", "座", 20, 15),
            indicator("第三卫生间", "个", 10, 7),
        ],
        # green: 72% against 70% expected.
        "reports": [
            report("2024-06", 38, 280, "完成新建改造公厕8座，其中涂山风景区3座。"),
            report("2024-08", 55, 420, "累计完成11座。"),
            report("2024-09", 72, 560, "累计完成15座，已全部接入“一键找厕”。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 44,
        "category": "ecology",
        "title": "新建生活垃圾分类投放点150个",
        "summary": "在居民小区新建改造生活垃圾分类投放点，配备督导员，提升垃圾分类覆盖面和准确率。",
        "commitment": "新建改造生活垃圾分类投放点150个，覆盖小区100个，城区生活垃圾回收利用率达35%以上。",
        "lead": "区城市管理局",
        "cooperating": ["朝阳街道办事处", "张公山街道办事处"],
        "areas": COMMUNITIES,
        "groups": ["全体居民"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "450",
        "funding": DISTRICT,
        "milestones": [
            milestone("制定实施方案", "2024-03-31", 10, done="2024-03-28"),
            milestone("建成投放点60个", "2024-06-30", 30, done="2024-06-28"),
            milestone("建成投放点120个", "2024-09-30", 30, done="2024-09-25"),
            milestone("建成150个并实现督导全覆盖", "2024-12-20", 30),
        ],
        "indicators": [
            indicator("新建改造分类投放点", "个", 150, 124),
            indicator("覆盖小区", "个", 100, 82),
        ],
        # green: 76% against 70% expected.
        "reports": [
            report("2024-06", 40, 160, "建成分类投放点64个，招募督导志愿者320名。"),
            report("2024-08", 60, 260, "累计建成分类投放点98个。"),
            report("2024-09", 76, 330, "累计建成分类投放点124个，覆盖小区82个。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 45,
        "category": "ecology",
        "title": "涂山风景区生态修复及登山步道建设",
        "summary": "对涂山风景区受损山体和林地实施生态修复，建设生态登山步道，打造市民休闲健身好去处。",
        "commitment": "完成涂山风景区生态修复300亩，建设生态登山步道8公里，年底前建成开放。",
        "lead": "区文化旅游体育局",
        "cooperating": ["市生态环境局禹会分局", "区农业农村水利局", "市自然资源和规划局禹会分局"],
        "areas": ["涂山风景区"],
        "groups": ["全体居民"],
        "start": "2024-03-15",
        "end": "2024-12-31",
        "investment": "1500",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("完成设计及林业审批", "2024-05-31", 20, done="2024-06-25"),
            milestone("完成生态修复200亩", "2024-08-31", 30, done="2024-09-20"),
            milestone("建成登山步道8公里", "2024-12-15", 50),
        ],
        "indicators": [
            indicator("生态修复", "亩", 300, 200),
            indicator("建设登山步道", "公里", 8, "2.5"),
        ],
        # yellow: 38% against 50% expected.
        "reports": [
            report(
                "2024-06",
                18,
                300,
                "取得林地使用审批，生态修复工程开工。",
                problems="林业审批较计划推迟近一个月。",
            ),
            report("2024-08", 30, 520, "完成生态修复150亩，登山步道开工。"),
            report(
                "2024-09",
                38,
                640,
                "完成生态修复200亩，建成步道2.5公里。",
                problems="步道材料需人工上山运输，施工效率低。",
                next_steps="增设索道运料，加快步道建设。",
            ),
        ],
        "light_on_demo_date": Light.YELLOW,
    },
    {
        "number": 46,
        "category": "ecology",
        "title": "新建口袋公园10个",
        "summary": "利用城市边角地、闲置地新建口袋公园，让群众推窗见绿、出门进园。",
        "commitment": "新建口袋公园10个，新增绿地面积2.5万平方米，配建健身和儿童游乐设施。",
        "lead": "区城市管理局",
        "cooperating": ["区住房和城乡建设局"],
        "areas": ["朝阳社区", "秀水社区", "迎淮社区", "金域社区", "锦绣社区", "喜迎门社区"],
        "groups": ["全体居民", "儿童", "老年人"],
        "start": "2024-03-01",
        "end": "2024-09-30",
        "investment": "700",
        "funding": DISTRICT,
        "status": COMPLETED,
        "completed_on": "2024-09-10",
        "milestones": [
            milestone("选址及征求居民意见", "2024-03-31", 15, done="2024-03-28"),
            milestone("建成5个", "2024-06-15", 40, done="2024-06-12"),
            milestone("建成10个并开放", "2024-09-15", 45, done="2024-09-10"),
        ],
        "indicators": [
            indicator("新建口袋公园", "个", 10, 10),
            indicator("新增绿地面积", "平方米", 25000, 26800),
        ],
        "reports": [
            report("2024-06", 50, 300, "建成口袋公园5个并对外开放。"),
            report("2024-08", 85, 560, "另5个口袋公园完成绿化种植。"),
            report("2024-09", 100, 668, "10个口袋公园全部建成开放，新增绿地2.68万平方米。"),
        ],
        "light_on_demo_date": Light.COMPLETED,
    },
    {
        "number": 47,
        "category": "ecology",
        "title": "农村生活污水治理12个自然村",
        "summary": "在长青乡、马城镇12个自然村建设污水收集管网和小型处理设施，改善农村人居环境。",
        "commitment": "完成12个自然村生活污水治理，受益农户1800户，治理设施正常运行率达90%以上。",
        "lead": "市生态环境局禹会分局",
        "cooperating": ["长青乡人民政府", "马城镇人民政府", "区农业农村水利局"],
        "areas": ["长青乡", "马城镇"],
        "groups": ["农村居民"],
        "start": "2024-03-01",
        "end": "2024-12-15",
        "investment": "960",
        "funding": HIGHER_LEVEL,
        "milestones": [
            milestone("治理方案及施工招标", "2024-04-30", 15, done="2024-05-20"),
            milestone(
                "完成6个自然村治理", "2024-08-31", 40, note="管网施工遇农田灌溉期，部分村庄停工。"
            ),
            milestone("完成12个自然村治理并运行", "2024-12-10", 45),
        ],
        "indicators": [
            indicator("治理自然村", "个", 12, 3),
            indicator("受益农户", "户", 1800, 420),
        ],
        # red: 25% against 55% expected; the September report is still a draft.
        "reports": [
            report("2024-06", 12, 100, "完成施工招标，3个自然村开工。"),
            report(
                "2024-08",
                25,
                220,
                "3个自然村完成管网铺设和设施安装。",
                problems="农田灌溉期施工受限，进度滞后。",
            ),
            report(
                "2024-09",
                32,
                280,
                "第二批3个自然村管网施工过半。",
                state=DRAFT,
                problems="进度严重滞后于计划。",
            ),
        ],
        "light_on_demo_date": Light.RED,
    },
    {
        "number": 48,
        "category": "ecology",
        "title": "新增造林800亩",
        "summary": "利用冬季植树季节，在长青乡、马城镇宜林地和废弃地开展植树造林。",
        "commitment": "新增造林800亩，苗木成活率达90%以上，年底前完成栽植。",
        "lead": "区农业农村水利局",
        "cooperating": ["长青乡人民政府", "马城镇人民政府", "市自然资源和规划局禹会分局"],
        "areas": ["长青乡", "马城镇"],
        "groups": ["全体居民", "农村居民"],
        "start": "2024-11-01",
        "end": "2024-12-31",
        "investment": "480",
        "funding": HIGHER_LEVEL,
        "status": NOT_STARTED,
        "milestones": [
            milestone("苗木采购及整地", "2024-11-20", 30),
            milestone("完成造林800亩", "2024-12-25", 70),
        ],
        "indicators": [
            indicator("新增造林", "亩", 800, 0),
        ],
        # not started: planting begins in November.
        "reports": [],
        "light_on_demo_date": Light.NOT_STARTED,
    },
    {
        "number": 49,
        "category": "ecology",
        "title": "新建公共充电桩200个",
        "summary": "在公共停车场、景区和乡镇建设新能源汽车公共充电桩，支持绿色出行。",
        "commitment": "新建公共充电桩200个，其中快充桩80个，实现乡镇和涂山风景区公共充电设施全覆盖。",
        "lead": "区发展和改革委员会",
        "cooperating": ["区城市管理局", "区住房和城乡建设局"],
        "areas": [WHOLE_DISTRICT, "涂山风景区"],
        "groups": ["全体居民"],
        "start": "2024-03-01",
        "end": "2024-12-31",
        "investment": "1000",
        "funding": SOCIAL_CAPITAL,
        "milestones": [
            milestone("确定点位及运营主体", "2024-04-15", 15, done="2024-04-10"),
            milestone("建成80个", "2024-07-31", 35, done="2024-07-28"),
            milestone("建成150个", "2024-09-30", 20, done="2024-09-26"),
            milestone("建成200个", "2024-12-20", 30),
        ],
        "indicators": [
            indicator("新建公共充电桩", "个", 200, 152),
            indicator("其中快充桩", "个", 80, 60),
        ],
        # green: 70% against 70% expected.
        "reports": [
            report("2024-06", 30, 260, "确定运营企业，建成公共充电桩52个。"),
            report("2024-08", 52, 480, "累计建成公共充电桩96个，长青乡、马城镇实现全覆盖。"),
            report("2024-09", 70, 650, "累计建成公共充电桩152个，其中快充桩60个。"),
        ],
        "light_on_demo_date": Light.GREEN,
    },
    {
        "number": 50,
        "category": "ecology",
        "title": "长青乡集镇污水处理站提标改造",
        "summary": "对长青乡集镇污水处理站实施提标改造。因市级污水管网规划调整，拟将集镇污水纳入城区管网统一处理，经区政府研究，项目自7月起暂缓实施，待规划明确后调整建设方案。",
        "commitment": "污水处理站日处理规模提升至500吨，出水水质达到一级A标准。",
        "lead": "长青乡人民政府",
        "cooperating": ["市生态环境局禹会分局", "区住房和城乡建设局"],
        "areas": ["长青乡"],
        "groups": ["农村居民"],
        "start": "2024-04-01",
        "end": "2024-11-30",
        "investment": "650",
        "funding": HIGHER_LEVEL,
        "status": SUSPENDED,
        "milestones": [
            milestone("完成提标改造方案设计", "2024-05-15", 20, done="2024-05-10"),
            milestone("设备采购安装", "2024-08-31", 40, note="项目暂缓，待污水管网规划明确。"),
            milestone("调试运行", "2024-11-30", 40),
        ],
        "indicators": [
            indicator("日处理规模", "吨", 500, 0),
        ],
        # suspended since July.
        "reports": [
            report("2024-05", 8, 0, "完成提标改造方案设计及专家评审。"),
            report(
                "2024-06",
                15,
                60,
                "完成土建部分招标。",
                problems="市级污水管网规划调整，项目建设方案可能变化。",
                next_steps="报请区政府研究是否暂缓实施。",
            ),
        ],
        "light_on_demo_date": Light.SUSPENDED,
    },
]


# --------------------------------------------------------------------------------------
# After publication: changes, closings and suspensions (计划调整、销号、暂缓)
# --------------------------------------------------------------------------------------
#
# Made through projects/commitments.py once the plan is published, so that the baseline,
# the approved records, the history and its actors are what a real year leaves. A project's
# entry in PROJECTS above is its state on the demo date; a project closed or suspended here
# is loaded as in progress until its decision is recorded, a changed field with its baseline
# value until the change is approved. Each decision is recognised on later runs by its
# project and reason, and made once.
# ("milestone", title, field, new) / ("indicator", name, field, new) / ("project", None, …)

DECISIONS = [
    {
        "number": 10,
        "kind": ChangeKind.CHANGE,
        "by": "weijian",
        "reason": "6—7月持续强降雨，锦绣社区卫生服务中心屋面防水及外立面施工雨季停工约30天，"
        "申请将“锦绣、钓鱼台中心完成改造”节点顺延至11月30日。附监理停工记录。",
        "changes": [("milestone", "锦绣、钓鱼台中心完成改造", "planned_date", "2024-11-30")],
        "filed": "2024-08-05",
        "decided": "2024-08-09",
        "state": ChangeState.APPROVED,
        "decision_number": "禹民生办〔2024〕9号",
    },
    {
        "number": 2,
        "kind": ChangeKind.CHANGE,
        "by": "jiaoyu",
        "reason": "消防审查要求三所幼儿园增设室外消防水池及配套管网，经区政府常务会议研究，"
        "追加预算360万元，计划投资由4500万元调整为4860万元。",
        "changes": [("project", None, "planned_investment", "4860")],
        "filed": "2024-06-18",
        "decided": "2024-06-28",
        "state": ChangeState.APPROVED,
        "decision_number": "禹财预〔2024〕31号",
    },
    {
        "number": 16,
        "kind": ChangeKind.CHANGE,
        "by": "weijian",
        "reason": "经区卫健委与区教体局会商，秋季学期筛查的学生同步建立屈光发育档案，"
        "建档目标由2万份调整为4万份。",
        "changes": [("indicator", "建立屈光发育档案", "target_value", "40000")],
        "filed": "2024-08-12",
        "decided": "2024-08-16",
        "state": ChangeState.APPROVED,
        "decision_number": "",
    },
    {
        # Waiting for the office on the demo date: the light stays red.
        "number": 9,
        "kind": ChangeKind.CHANGE,
        "by": "jiaoyu",
        "reason": "教学设备采购首次招标因有效投标人不足三家流标，已重新发布招标公告，"
        "申请将“教学设备采购安装”节点顺延至10月20日。",
        "changes": [("milestone", "教学设备采购安装", "planned_date", "2024-10-20")],
        "filed": "2024-09-26",
        "decided": None,
        "state": ChangeState.PENDING,
        "decision_number": "",
    },
    {
        "number": 3,
        "kind": ChangeKind.CLOSE,
        "by": "jiaoyu",
        "reason": "28所学校食堂“明厨亮灶”改造全部完工并接入市场监管智慧监管平台，"
        "已组织区市场监管局、区教体局联合验收，申请销号。",
        "document": "中小学校食堂明厨亮灶改造竣工验收报告.pdf",
        "filed": "2024-07-26",
        "decided": "2024-07-30",
        "state": ChangeState.APPROVED,
        "decision_number": "",
    },
    {
        # Decided by the district government; the office records it directly.
        "number": 50,
        "kind": ChangeKind.SUSPEND,
        "by": "coordinator",
        "reason": "因市级污水管网规划调整，拟将长青乡集镇污水纳入城区管网统一处理，"
        "经区政府研究决定项目暂缓实施，待规划明确后调整建设方案。",
        "filed": "2024-07-05",
        "decided": "2024-07-05",
        "state": ChangeState.APPROVED,
        "decision_number": "禹发改〔2024〕23号",
    },
]


def _acceptance_pdf(name: str):
    """A small, valid one-page PDF standing for the scanned acceptance report."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from pypdf import PdfWriter

    pdf = PdfWriter()
    pdf.add_blank_page(width=595, height=842)
    pdf.add_metadata({"/Title": name})
    buffer = io.BytesIO()
    pdf.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _recorded_decisions(plan: Plan) -> set[tuple[int, str]]:
    return set(
        ChangeRequest.objects.filter(project__plan=plan).values_list("project__number", "reason")
    )


def _decided_values(recorded: set[tuple[int, str]]) -> dict[int, dict]:
    """What the recorded decisions made of each project: {number: {(model, name, field): v}}."""
    values: dict[int, dict] = {}
    for decision in DECISIONS:
        key = (decision["number"], decision["reason"])
        if decision["state"] != ChangeState.APPROVED:
            continue
        project = values.setdefault(decision["number"], {})
        if key not in recorded:
            if decision["kind"] in commitments.STATUS_KINDS:
                # Not decided yet: the project is still being delivered.
                project[("project", None, "status")] = ProjectStatus.IN_PROGRESS
                project[("project", None, "completed_on")] = None
            continue
        if decision["kind"] == ChangeKind.CHANGE:
            for model, name, field_name, new in decision["changes"]:
                project[(model, name, field_name)] = new
    return values


def _make_decisions(*, plan: Plan, users: dict, recorded: set[tuple[int, str]]) -> None:
    office = users["coordinator"]
    for decision in DECISIONS:
        if (decision["number"], decision["reason"]) in recorded:
            continue
        project = Project.objects.get(plan=plan, number=decision["number"])
        by = users[decision["by"]]
        if decision["kind"] == ChangeKind.CHANGE:
            changes = []
            for model, name, field_name, new in decision["changes"]:
                entry = {"model": model, "field": field_name, "new": new}
                if model == "milestone":
                    entry["id"] = project.milestones.get(title=name).pk
                elif model == "indicator":
                    entry["id"] = project.indicators.get(name=name).pk
                changes.append(entry)
            request = commitments.change_request_create(
                project=project, by=by, changes=changes, reason=decision["reason"]
            )
        elif decision["kind"] == ChangeKind.CLOSE:
            request = commitments.closing_request_create(
                project=project,
                by=by,
                reason=decision["reason"],
                document=_acceptance_pdf(decision["document"]),
            )
        else:  # the office's own record of the district government's decision
            commitments.project_update(
                project=project,
                by=office,
                data={"status": commitments.STATUS_OF_KIND[decision["kind"]]},
                reason=decision["reason"],
                decision_number=decision["decision_number"],
            )
            request = ChangeRequest.objects.filter(project=project).latest("pk")
        if decision["state"] == ChangeState.APPROVED and request.state == ChangeState.PENDING:
            request = commitments.change_request_approve(
                request=request,
                by=office,
                decision_number=decision["decision_number"],
                notify=False,
            )
        # Dated as the year went, not on the day the demo is loaded.
        ChangeRequest.objects.filter(pk=request.pk).update(
            requested_at=_at(_date(decision["filed"]), 9),
            decided_at=_at(_date(decision["decided"]), 16) if decision["decided"] else None,
        )


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------


class DemoDataError(Exception):
    """The demo data cannot be loaded (e.g. the role groups' migration has not run)."""


@dataclass
class LoadResult:
    on_date: datetime.date
    plan: Plan
    created: int = 0
    updated: int = 0
    lights: dict[str, int] = field(default_factory=dict)
    usernames: list[str] = field(default_factory=list)


def _date(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _month(text: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{text}-01")


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TIME)


def latest_approved(spec: dict) -> ReportData | None:
    """The project's newest approved report in the data: its progress and funds are the project's."""
    approved = [r for r in spec["reports"] if r.state == APPROVED]
    return max(approved, key=lambda r: r.period) if approved else None


class _Writer:
    """Finds rows by natural key and saves only what differs, recording who and why in history."""

    def __init__(self):
        self.by = None
        self.created = 0
        self.updated = 0

    def _stamp(self, obj):
        obj._history_user = self.by
        obj._change_reason = CHANGE_REASON

    def row(self, model, lookup: dict, values: dict):
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._stamp(obj)
            obj.save()
            self.created += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                changed.append("updated_at")
            self._stamp(obj)
            obj.save(update_fields=changed)
            self.updated += 1
        return obj

    def many(self, obj, name: str, targets) -> None:
        manager = getattr(obj, name)
        wanted = {target.pk for target in targets}
        if set(manager.values_list("pk", flat=True)) != wanted:
            self._stamp(obj)
            manager.set(targets)
            self.updated += 1


class _Passwords:
    """Hash the demo password once and check each distinct stored hash once.

    The demo accounts share one (printed) password, so sharing its salted hash costs
    nothing, and it keeps a run from spending a second per account on PBKDF2.
    """

    def __init__(self, password: str):
        self.password = password
        self._encoded = None
        self._checked: dict[str, bool] = {}

    def matches(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = check_password(self.password, encoded)
        return self._checked[encoded]

    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(self.password)
            self._checked[self._encoded] = True
        return self._encoded


def _load_users(writer: _Writer, password: str) -> dict:
    User = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    missing = sorted({name for spec in USERS for name in spec["groups"]} - set(groups))
    if missing:
        raise DemoDataError(
            f"The role group {missing[0]} does not exist: run `manage.py migrate` first."
        )
    passwords = _Passwords(password)
    users = {}
    for spec in USERS:
        user = User.objects.filter(username=spec["username"]).first()
        values = {
            "first_name": spec["first_name"],
            "last_name": spec["last_name"],
            "email": spec["email"],
            "is_active": True,
            "is_staff": True,
            "is_superuser": spec["superuser"],
        }
        if user is None:
            user = User(username=spec["username"], password=passwords.encoded(), **values)
            user.save()
            writer.created += 1
        else:
            changed = [name for name, value in values.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, values[name])
            if not passwords.matches(user.password):
                user.password = passwords.encoded()
                changed.append("password")
            if changed:
                user.save(update_fields=changed)
                writer.updated += 1
        wanted = [groups[name] for name in spec["groups"]]
        if set(user.groups.values_list("pk", flat=True)) != {g.pk for g in wanted}:
            user.groups.set(wanted)
            writer.updated += 1
        users[spec["username"]] = user
    return users


def _load_reference_data(writer: _Writer) -> dict:
    departments = {
        spec["name"]: writer.row(
            Department,
            {"name": spec["name"]},
            {key: value for key, value in spec.items() if key != "name"} | {"active": True},
        )
        for spec in DEPARTMENTS
    }
    areas = {
        spec["name"]: writer.row(
            Area, {"name": spec["name"]}, {"kind": spec["kind"], "order": order}
        )
        for order, spec in enumerate(AREAS)
    }
    groups = {
        name: writer.row(BeneficiaryGroup, {"name": name}, {"order": order})
        for order, name in enumerate(BENEFICIARY_GROUPS, start=1)
    }
    categories = {
        spec["code"]: writer.row(
            Category,
            {"code": spec["code"]},
            {key: value for key, value in spec.items() if key != "code"},
        )
        for spec in CATEGORIES
    }
    plan = writer.row(
        Plan, {"year": PLAN["year"]}, {key: v for key, v in PLAN.items() if key != "year"}
    )
    return {
        "departments": departments,
        "areas": areas,
        "groups": groups,
        "categories": categories,
        "plan": plan,
    }


def _load_memberships(writer: _Writer, users: dict, departments: dict) -> None:
    for spec in USERS:
        if spec["department"]:
            writer.row(
                Membership,
                {
                    "user_id": users[spec["username"]].pk,
                    "department_id": departments[spec["department"]].pk,
                },
                {"role": spec["role"]},
            )


def _load_project(
    writer: _Writer, spec: dict, ref: dict, users: dict, decided: dict | None = None
) -> Project:
    latest = latest_approved(spec)
    decided = decided or {}

    def as_decided(model: str, name, values: dict) -> dict:
        # A field a recorded decision changed keeps its decided value (see DECISIONS).
        for (d_model, d_name, field_name), value in decided.items():
            if d_model == model and d_name == name and field_name in values:
                current = values[field_name]
                if isinstance(current, Decimal):
                    value = Decimal(value)
                elif isinstance(current, datetime.date) and isinstance(value, str):
                    value = _date(value)
                values[field_name] = value
        return values

    project_values = {
        "title": spec["title"],
        "summary": spec["summary"],
        "commitment": spec["commitment"],
        "category_id": ref["categories"][spec["category"]].pk,
        "lead_department_id": ref["departments"][spec["lead"]].pk,
        "planned_start": _date(spec["start"]),
        "planned_end": _date(spec["end"]),
        "planned_investment": Decimal(spec["investment"]),
        "funding_source": spec["funding"],
        "progress_percent": Decimal(latest.progress) if latest else Decimal("0"),
        "funds_disbursed": Decimal(latest.funds) if latest else Decimal("0"),
        "status": spec.get("status", ProjectStatus.IN_PROGRESS),
        "completed_on": _date(spec.get("completed_on")),
        "published": True,
    }
    project = writer.row(
        Project,
        {"plan_id": ref["plan"].pk, "number": spec["number"]},
        as_decided("project", None, project_values),
    )
    writer.many(
        project, "cooperating_departments", [ref["departments"][n] for n in spec["cooperating"]]
    )
    writer.many(project, "areas", [ref["areas"][n] for n in spec["areas"]])
    writer.many(project, "beneficiary_groups", [ref["groups"][n] for n in spec["groups"]])

    for item in spec["milestones"]:
        writer.row(
            Milestone,
            {"project_id": project.pk, "title": item.title},
            as_decided(
                "milestone",
                item.title,
                {
                    "planned_date": _date(item.planned),
                    "completed_on": _date(item.done),
                    "weight": item.weight,
                    "note": item.note,
                },
            ),
        )
    for order, item in enumerate(spec["indicators"], start=1):
        writer.row(
            Indicator,
            {"project_id": project.pk, "name": item.name},
            as_decided(
                "indicator",
                item.name,
                {
                    "unit": item.unit,
                    "target_value": Decimal(item.target),
                    "actual_value": Decimal(item.actual),
                    "order": order,
                },
            ),
        )

    author = next((users[u["username"]] for u in USERS if u["department"] == spec["lead"]), None)
    reviewer = users[REVIEWER]
    for item in spec["reports"]:
        period = _month(item.period)
        reviewed = item.state in (APPROVED, RETURNED)
        writer.row(
            ProgressReport,
            {"project_id": project.pk, "period": period},
            {
                "reported_progress": Decimal(item.progress),
                "funds_disbursed_to_date": Decimal(item.funds),
                "work_done": item.work_done,
                "problems": item.problems,
                "next_steps": item.next_steps,
                "state": item.state,
                "return_reason": item.return_reason,
                "author_id": author.pk if author else None,
                "submitted_at": None if item.state == DRAFT else _at(period.replace(day=24), 16),
                "reviewed_by_id": reviewer.pk if reviewed else None,
                "reviewed_at": _at(period.replace(day=26), 10) if reviewed else None,
            },
        )
    return project


def load_demo(*, password: str = DEFAULT_PASSWORD, on_date: datetime.date) -> LoadResult:
    """Create or bring up to date the demo plan, its data and the demo accounts.

    Lights are then computed for ``on_date``. Running it again with the same data writes
    nothing except a changed password.
    """
    if not password:
        raise DemoDataError("The demo password cannot be empty.")
    writer = _Writer()
    with transaction.atomic():
        users = _load_users(writer, password)
        writer.by = users["admin"]
        ref = _load_reference_data(writer)
        _load_memberships(writer, users, ref["departments"])
        recorded = _recorded_decisions(ref["plan"])
        decided = _decided_values(recorded)
        for spec in PROJECTS:
            _load_project(writer, spec, ref, users, decided.get(spec["number"]))
        load_feedback_demo(writer, plan=ref["plan"], users=users)
        # The plan is published: its projects' commitments are their baseline (原计划).
        # Only projects without one get it, so a second run changes nothing.
        plan_publish(plan=ref["plan"], by=writer.by, at=_at(PLAN["issued_on"], 9))
        # Then the year's changes, closings and suspensions, each once.
        _make_decisions(plan=ref["plan"], users=users, recorded=recorded)
        for decision in DECISIONS:
            spec = next(p for p in PROJECTS if p["number"] == decision["number"])
            if decision["kind"] == ChangeKind.CLOSE and spec.get("completed_on"):
                # Closed on the day the acceptance found the work done.
                writer.row(
                    Project,
                    {"plan_id": ref["plan"].pk, "number": spec["number"]},
                    {"completed_on": _date(spec["completed_on"])},
                )
        lights_refresh(on_date=on_date)
        # The dashboard's monthly trend: snapshots of the months so far (missing ones only).
        from dashboard.services import snapshots_backfill

        snapshots_backfill(until=on_date, today=on_date)
    counts = Counter(Project.objects.filter(plan=ref["plan"]).values_list("light", flat=True))
    return LoadResult(
        on_date=on_date,
        plan=ref["plan"],
        created=writer.created,
        updated=writer.updated,
        lights={light.value: counts.get(light.value, 0) for light in Light},
        usernames=[spec["username"] for spec in USERS],
    )
