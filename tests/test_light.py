"""The traffic light (红黄绿灯) as a pure function: DESIGN.md "Health: the traffic light".

No test here is marked ``django_db``: pytest-django refuses any database access, so these
tests also prove that ``compute_light`` reads nothing but its arguments.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from projects.choices import Light, ProjectStatus
from projects.light import (
    Thresholds,
    compute_light,
    expected_progress,
    last_report_period,
    report_due_date,
)

D = datetime.date
TODAY = D(2024, 9, 30)  # after the 25th: September's report is already due


@dataclass(frozen=True)
class FakeProject:
    status: str = ProjectStatus.IN_PROGRESS
    progress_percent: Decimal = Decimal("50")
    planned_start: datetime.date = D(2024, 1, 1)
    planned_end: datetime.date = D(2024, 12, 31)


@dataclass(frozen=True)
class FakeMilestone:
    title: str
    planned_date: datetime.date
    completed_on: datetime.date | None = None
    weight: int = 1


@dataclass(frozen=True)
class FakeReport:
    period: datetime.date


REPORT_SEPTEMBER = FakeReport(D(2024, 9, 1))


def half_done_plan() -> list[FakeMilestone]:
    """Two equal milestones, the first done on time: 50% expected on TODAY, none overdue."""
    return [
        FakeMilestone("开工建设", D(2024, 3, 1), completed_on=D(2024, 3, 1)),
        FakeMilestone("竣工验收", D(2024, 12, 1)),
    ]


def overdue_plan(days: int) -> list[FakeMilestone]:
    """50% expected on TODAY, with milestone 主体完工 overdue by ``days`` days."""
    return [
        FakeMilestone("主体完工", TODAY - datetime.timedelta(days=days)),
        FakeMilestone("竣工验收", D(2024, 12, 20)),
    ]


# A 100-day project: 1 March to 9 June 2024, so the straight line gives whole percentages.
HUNDRED_DAYS = {"planned_start": D(2024, 3, 1), "planned_end": D(2024, 6, 9)}


@dataclass
class Case:
    project: FakeProject
    expected_light: str
    milestones: list = field(default_factory=list)
    report: FakeReport | None = REPORT_SEPTEMBER
    on_date: datetime.date = TODAY
    expected_progress: Decimal | None = None
    words_in_reason: tuple[str, ...] = ()
    words_not_in_reason: tuple[str, ...] = ()


def case(case_id: str, **kwargs):
    return pytest.param(Case(**kwargs), id=case_id)


STATUS_CASES = [
    case(
        "completed-shows-status-even-past-end-and-behind",
        project=FakeProject(
            status=ProjectStatus.COMPLETED,
            progress_percent=Decimal("10"),
            planned_end=D(2024, 6, 1),
        ),
        milestones=overdue_plan(90),
        report=None,
        expected_light=Light.COMPLETED,
    ),
    case(
        "suspended-shows-status-even-far-behind",
        project=FakeProject(status=ProjectStatus.SUSPENDED, progress_percent=Decimal("0")),
        milestones=overdue_plan(60),
        report=None,
        expected_light=Light.SUSPENDED,
    ),
    case(
        "not-started-shows-status-even-after-planned-start",
        project=FakeProject(status=ProjectStatus.NOT_STARTED, progress_percent=Decimal("0")),
        report=None,
        expected_light=Light.NOT_STARTED,
    ),
]

STRAIGHT_LINE_CASES = [
    case(
        "no-milestones-straight-line-on-track",
        project=FakeProject(progress_percent=Decimal("40"), **HUNDRED_DAYS),
        report=FakeReport(D(2024, 3, 1)),
        on_date=D(2024, 4, 10),
        expected_light=Light.GREEN,
        expected_progress=Decimal("40"),
        words_in_reason=("40",),
    ),
    case(
        "no-milestones-straight-line-behind-26-points",
        project=FakeProject(progress_percent=Decimal("14"), **HUNDRED_DAYS),
        report=FakeReport(D(2024, 3, 1)),
        on_date=D(2024, 4, 10),
        expected_light=Light.RED,
        expected_progress=Decimal("40"),
        words_in_reason=("14", "26", "40"),
    ),
    case(
        "no-milestones-before-planned-start-expects-nothing",
        project=FakeProject(progress_percent=Decimal("0"), **HUNDRED_DAYS),
        report=None,
        on_date=D(2024, 2, 20),
        expected_light=Light.GREEN,
        expected_progress=Decimal("0"),
    ),
    case(
        "no-milestones-on-planned-end-expects-everything-but-is-not-late",
        project=FakeProject(progress_percent=Decimal("95"), **HUNDRED_DAYS),
        report=FakeReport(D(2024, 5, 1)),
        on_date=D(2024, 6, 9),
        expected_light=Light.GREEN,
        expected_progress=Decimal("100"),
    ),
    case(
        "zero-total-weight-falls-back-to-straight-line",
        project=FakeProject(progress_percent=Decimal("40"), **HUNDRED_DAYS),
        milestones=[
            FakeMilestone("开工", D(2024, 3, 5), completed_on=D(2024, 3, 5), weight=0),
            FakeMilestone("验收", D(2024, 6, 1), weight=0),
        ],
        report=FakeReport(D(2024, 3, 1)),
        on_date=D(2024, 4, 10),
        expected_light=Light.GREEN,
        expected_progress=Decimal("40"),
    ),
]

ONE_DAY_PROJECT = {"planned_start": D(2024, 6, 15), "planned_end": D(2024, 6, 15)}

START_EQUALS_END_CASES = [
    case(
        "start-equals-end-day-before",
        project=FakeProject(progress_percent=Decimal("0"), **ONE_DAY_PROJECT),
        report=None,
        on_date=D(2024, 6, 14),
        expected_light=Light.GREEN,
        expected_progress=Decimal("0"),
    ),
    case(
        "start-equals-end-on-the-day-done",
        project=FakeProject(progress_percent=Decimal("100"), **ONE_DAY_PROJECT),
        report=None,
        on_date=D(2024, 6, 15),
        expected_light=Light.GREEN,
        expected_progress=Decimal("100"),
    ),
    case(
        "start-equals-end-on-the-day-not-done",
        project=FakeProject(progress_percent=Decimal("30"), **ONE_DAY_PROJECT),
        report=None,
        on_date=D(2024, 6, 15),
        expected_light=Light.RED,
        expected_progress=Decimal("100"),
        words_in_reason=("30", "70"),
    ),
    case(
        "start-equals-end-day-after-is-past-the-end",
        project=FakeProject(progress_percent=Decimal("100"), **ONE_DAY_PROJECT),
        report=None,
        on_date=D(2024, 6, 16),
        expected_light=Light.RED,
        expected_progress=Decimal("100"),
        words_in_reason=("2024年6月15日",),
    ),
]

PAST_END_CASES = [
    case(
        "past-planned-end-not-completed-is-red-even-at-99",
        project=FakeProject(progress_percent=Decimal("99"), planned_end=D(2024, 8, 31)),
        expected_light=Light.RED,
        expected_progress=Decimal("100"),
        words_in_reason=("30", "2024年8月31日"),
    ),
    case(
        "in-progress-at-100-past-end-is-still-red-until-marked-completed",
        project=FakeProject(progress_percent=Decimal("100"), planned_end=D(2024, 9, 29)),
        expected_light=Light.RED,
        words_in_reason=("2024年9月29日",),
    ),
    case(
        "on-the-planned-end-date-is-not-past-it",
        project=FakeProject(progress_percent=Decimal("95"), planned_end=TODAY),
        expected_light=Light.GREEN,
        expected_progress=Decimal("100"),
    ),
]

ALL_MILESTONES_DONE = [
    FakeMilestone("开工建设", D(2024, 3, 1), completed_on=D(2024, 3, 1)),
    FakeMilestone("主体完工", D(2024, 8, 1), completed_on=D(2024, 8, 20)),
]

MILESTONES_DONE_CASES = [
    # The light judges the reported progress against the plan, not the ticked milestones.
    case(
        "all-milestones-done-progress-60-is-red",
        project=FakeProject(progress_percent=Decimal("60")),
        milestones=ALL_MILESTONES_DONE,
        expected_light=Light.RED,
        expected_progress=Decimal("100"),
        words_in_reason=("60", "40", "100"),
        words_not_in_reason=("开工建设", "主体完工"),
    ),
    case(
        "all-milestones-done-progress-95-is-green",
        project=FakeProject(progress_percent=Decimal("95")),
        milestones=ALL_MILESTONES_DONE,
        expected_light=Light.GREEN,
        expected_progress=Decimal("100"),
        words_in_reason=("95", "100"),
    ),
    case(
        "milestones-done-ahead-of-plan-is-green",
        project=FakeProject(progress_percent=Decimal("70")),
        milestones=[
            FakeMilestone("主体完工", D(2024, 10, 31), completed_on=D(2024, 9, 1)),
            FakeMilestone("竣工验收", D(2024, 12, 1), completed_on=D(2024, 9, 20)),
        ],
        expected_light=Light.GREEN,
        expected_progress=Decimal("0"),
    ),
    case(
        "a-milestone-completed-late-is-no-longer-overdue",
        project=FakeProject(progress_percent=Decimal("50")),
        milestones=[
            FakeMilestone("主体完工", D(2024, 6, 1), completed_on=D(2024, 9, 29)),
            FakeMilestone("竣工验收", D(2024, 12, 1)),
        ],
        expected_light=Light.GREEN,
        words_not_in_reason=("主体完工",),
    ),
]

LAG_CASES = [
    case(
        "ahead-of-plan-is-green",
        project=FakeProject(progress_percent=Decimal("80")),
        milestones=half_done_plan(),
        expected_light=Light.GREEN,
        expected_progress=Decimal("50"),
    ),
    case(
        "lag-9.9-is-green",
        project=FakeProject(progress_percent=Decimal("40.1")),
        milestones=half_done_plan(),
        expected_light=Light.GREEN,
        expected_progress=Decimal("50"),
        words_in_reason=("40.1", "50"),
    ),
    case(
        "lag-exactly-10-is-yellow",
        project=FakeProject(progress_percent=Decimal("40")),
        milestones=half_done_plan(),
        expected_light=Light.YELLOW,
        expected_progress=Decimal("50"),
        words_in_reason=("40", "10", "50"),
    ),
    case(
        "lag-exactly-25-is-yellow",
        project=FakeProject(progress_percent=Decimal("25")),
        milestones=half_done_plan(),
        expected_light=Light.YELLOW,
        expected_progress=Decimal("50"),
        words_in_reason=("25", "50"),
    ),
    case(
        "lag-25.1-is-red",
        project=FakeProject(progress_percent=Decimal("24.9")),
        milestones=half_done_plan(),
        expected_light=Light.RED,
        expected_progress=Decimal("50"),
        words_in_reason=("24.9", "25.1", "50"),
    ),
]

OVERDUE_CASES = [
    case(
        "milestone-overdue-7-days-is-green",
        project=FakeProject(progress_percent=Decimal("50")),
        milestones=overdue_plan(7),
        expected_light=Light.GREEN,
        expected_progress=Decimal("50"),
    ),
    case(
        "milestone-overdue-8-days-is-yellow",
        project=FakeProject(progress_percent=Decimal("50")),
        milestones=overdue_plan(8),
        expected_light=Light.YELLOW,
        words_in_reason=("主体完工", "8"),
    ),
    case(
        "milestone-overdue-12-days-names-it",
        project=FakeProject(progress_percent=Decimal("50")),
        milestones=overdue_plan(12),
        expected_light=Light.YELLOW,
        words_in_reason=("主体完工", "12"),
    ),
    case(
        "milestone-overdue-30-days-is-yellow",
        project=FakeProject(progress_percent=Decimal("50")),
        milestones=overdue_plan(30),
        expected_light=Light.YELLOW,
        words_in_reason=("主体完工", "30"),
    ),
    case(
        "milestone-overdue-31-days-is-red",
        project=FakeProject(progress_percent=Decimal("50")),
        milestones=overdue_plan(31),
        expected_light=Light.RED,
        words_in_reason=("主体完工", "31"),
    ),
    case(
        # a milestone due today counts in the expected progress but is not yet overdue
        "milestone-due-today-counts-as-expected-but-not-overdue",
        project=FakeProject(progress_percent=Decimal("95")),
        milestones=[
            FakeMilestone("主体完工", TODAY),
            FakeMilestone("开工建设", D(2024, 3, 1), completed_on=D(2024, 3, 1)),
        ],
        expected_light=Light.GREEN,
        expected_progress=Decimal("100"),
        words_not_in_reason=("主体完工",),
    ),
]

REPORT_CASES = [
    case(
        "no-approved-report-at-all-is-yellow",
        project=FakeProject(),
        milestones=half_done_plan(),
        report=None,
        expected_light=Light.YELLOW,
        words_in_reason=("2024年9月",),
    ),
    case(
        "approved-report-only-for-the-month-before-is-yellow",
        project=FakeProject(),
        milestones=half_done_plan(),
        report=FakeReport(D(2024, 8, 1)),
        expected_light=Light.YELLOW,
        words_in_reason=("2024年9月",),
    ),
    case(
        "on-the-due-day-the-month-before-is-enough",
        project=FakeProject(),
        milestones=half_done_plan(),
        report=FakeReport(D(2024, 8, 1)),
        on_date=D(2024, 9, 25),
        expected_light=Light.GREEN,
    ),
    case(
        "the-day-after-the-due-day-this-month-is-required",
        project=FakeProject(),
        milestones=half_done_plan(),
        report=FakeReport(D(2024, 8, 1)),
        on_date=D(2024, 9, 26),
        expected_light=Light.YELLOW,
        words_in_reason=("2024年9月",),
    ),
    case(
        "on-the-due-day-without-any-report-last-month-is-missing",
        project=FakeProject(),
        milestones=half_done_plan(),
        report=None,
        on_date=D(2024, 9, 25),
        expected_light=Light.YELLOW,
        words_in_reason=("2024年8月",),
    ),
    case(
        "a-report-newer-than-required-is-fine",
        project=FakeProject(),
        milestones=half_done_plan(),
        report=FakeReport(D(2024, 9, 1)),
        on_date=D(2024, 9, 20),
        expected_light=Light.GREEN,
    ),
    case(
        "january-looks-back-to-december-of-the-year-before",
        project=FakeProject(planned_start=D(2023, 6, 1)),
        report=FakeReport(D(2023, 11, 1)),
        on_date=D(2024, 1, 10),
        expected_light=Light.YELLOW,
        words_in_reason=("2023年12月",),
    ),
    case(
        "started-after-the-last-due-date-needs-no-report",
        project=FakeProject(progress_percent=Decimal("15"), planned_start=D(2024, 8, 26)),
        report=None,
        on_date=D(2024, 9, 20),
        expected_light=Light.GREEN,
        words_not_in_reason=("2024年8月",),
    ),
    case(
        "started-on-the-last-due-date-needs-that-report",
        project=FakeProject(progress_percent=Decimal("15"), planned_start=D(2024, 8, 25)),
        report=None,
        on_date=D(2024, 9, 20),
        expected_light=Light.YELLOW,
        words_in_reason=("2024年8月",),
    ),
]

MIXED_CASES = [
    case(
        "red-beats-yellow-and-shows-only-the-red-reasons",
        project=FakeProject(progress_percent=Decimal("50")),
        milestones=[
            FakeMilestone("主体完工", D(2024, 8, 20)),  # 41 days overdue: red
            FakeMilestone("配套工程", D(2024, 9, 18)),  # 12 days overdue: yellow
            FakeMilestone("竣工验收", D(2024, 12, 20)),
            FakeMilestone("绿化", D(2024, 12, 21)),
        ],
        report=None,
        expected_light=Light.RED,
        words_in_reason=("主体完工", "41"),
        words_not_in_reason=("配套工程", "2024年9月"),
    ),
    case(
        "several-yellow-reasons-are-all-given",
        project=FakeProject(progress_percent=Decimal("38")),
        milestones=[
            FakeMilestone("主体完工", D(2024, 9, 18)),  # 12 days overdue
            FakeMilestone("竣工验收", D(2024, 12, 20)),
        ],
        report=None,
        expected_light=Light.YELLOW,
        words_in_reason=("主体完工", "12", "38", "2024年9月"),
    ),
]


@pytest.mark.parametrize(
    "c",
    STATUS_CASES
    + STRAIGHT_LINE_CASES
    + START_EQUALS_END_CASES
    + PAST_END_CASES
    + MILESTONES_DONE_CASES
    + LAG_CASES
    + OVERDUE_CASES
    + REPORT_CASES
    + MIXED_CASES,
)
def test_compute_light(c: Case):
    # when
    result = compute_light(c.project, c.milestones, c.report, c.on_date, Thresholds())

    # then
    assert result.light == c.expected_light, result.reason
    assert result.reason
    if c.expected_progress is not None:
        assert result.expected_progress == c.expected_progress
    for word in c.words_in_reason:
        assert word in result.reason
    for word in c.words_not_in_reason:
        assert word not in result.reason


@pytest.mark.parametrize(
    "status", [ProjectStatus.COMPLETED, ProjectStatus.SUSPENDED, ProjectStatus.NOT_STARTED]
)
def test_a_project_not_in_progress_has_no_expected_progress(status):
    result = compute_light(FakeProject(status=status), half_done_plan(), None, TODAY)

    assert result.expected_progress is None


def test_the_default_thresholds_are_those_of_the_design():
    project = FakeProject(progress_percent=Decimal("40"))  # lag exactly 10

    assert compute_light(project, half_done_plan(), REPORT_SEPTEMBER, TODAY).light == Light.YELLOW


def test_an_overdue_milestone_reason_gives_its_title_and_days():
    result = compute_light(FakeProject(), overdue_plan(12), REPORT_SEPTEMBER, TODAY)

    assert result.light == Light.YELLOW
    assert "主体完工" in result.reason
    assert "12" in result.reason
    assert "竣工验收" not in result.reason  # not overdue, not named


def test_milestones_may_be_any_iterable():
    result = compute_light(FakeProject(), iter(overdue_plan(12)), REPORT_SEPTEMBER, TODAY)

    assert result.light == Light.YELLOW
    assert result.expected_progress == Decimal("50")


# --- thresholds from settings ---


def test_thresholds_from_default_settings_match_the_design():
    assert Thresholds.from_settings() == Thresholds()


def test_thresholds_are_read_from_settings(settings):
    # given: a stricter office
    settings.MINSHENG_LIGHT = {
        "GREEN_LAG_BELOW": Decimal("5"),
        "RED_LAG_ABOVE": Decimal("15"),
        "GREEN_OVERDUE_DAYS_MAX": 3,
        "YELLOW_OVERDUE_DAYS_MAX": 10,
    }
    settings.MINSHENG_REPORT_DUE_DAY = 10

    # when
    thresholds = Thresholds.from_settings()

    # then
    assert thresholds == Thresholds(
        green_lag_below=Decimal("5"),
        red_lag_above=Decimal("15"),
        green_overdue_days_max=3,
        yellow_overdue_days_max=10,
        report_due_day=10,
    )


STRICT = {
    "GREEN_LAG_BELOW": Decimal("5"),
    "RED_LAG_ABOVE": Decimal("15"),
    "GREEN_OVERDUE_DAYS_MAX": 3,
    "YELLOW_OVERDUE_DAYS_MAX": 10,
}


@pytest.mark.parametrize(
    ("project", "milestones", "report", "on_date", "default_light", "strict_light"),
    [
        pytest.param(
            FakeProject(progress_percent=Decimal("44")),
            half_done_plan(),
            REPORT_SEPTEMBER,
            TODAY,
            Light.GREEN,
            Light.YELLOW,
            id="lag-6",
        ),
        pytest.param(
            FakeProject(progress_percent=Decimal("34")),
            half_done_plan(),
            REPORT_SEPTEMBER,
            TODAY,
            Light.YELLOW,
            Light.RED,
            id="lag-16",
        ),
        pytest.param(
            FakeProject(),
            overdue_plan(4),
            REPORT_SEPTEMBER,
            TODAY,
            Light.GREEN,
            Light.YELLOW,
            id="overdue-4-days",
        ),
        pytest.param(
            FakeProject(),
            overdue_plan(11),
            REPORT_SEPTEMBER,
            TODAY,
            Light.YELLOW,
            Light.RED,
            id="overdue-11-days",
        ),
        pytest.param(
            FakeProject(),
            half_done_plan(),
            FakeReport(D(2024, 8, 1)),
            D(2024, 9, 15),
            Light.GREEN,
            Light.YELLOW,
            id="report-due-on-the-10th",
        ),
    ],
)
def test_compute_light_follows_thresholds_from_settings(
    settings, project, milestones, report, on_date, default_light, strict_light
):
    assert compute_light(
        project, milestones, report, on_date, Thresholds.from_settings()
    ).light == (default_light)

    settings.MINSHENG_LIGHT = STRICT
    settings.MINSHENG_REPORT_DUE_DAY = 10

    assert compute_light(
        project, milestones, report, on_date, Thresholds.from_settings()
    ).light == (strict_light)


def test_thresholds_given_as_plain_numbers_in_settings_are_exact(settings):
    # An .env or settings override may give 9.9 as a float; 9.9 behind must then be yellow.
    settings.MINSHENG_LIGHT = {
        "GREEN_LAG_BELOW": 9.9,
        "RED_LAG_ABOVE": 25,
        "GREEN_OVERDUE_DAYS_MAX": "7",
        "YELLOW_OVERDUE_DAYS_MAX": 30,
    }
    thresholds = Thresholds.from_settings()

    assert thresholds.green_lag_below == Decimal("9.9")
    project = FakeProject(progress_percent=Decimal("40.1"))  # lag 9.9
    assert compute_light(project, half_done_plan(), REPORT_SEPTEMBER, TODAY, thresholds).light == (
        Light.YELLOW
    )


# --- expected progress ---


@pytest.mark.parametrize(
    ("project", "milestones", "on_date", "expected"),
    [
        pytest.param(
            FakeProject(**HUNDRED_DAYS), [], D(2024, 3, 1), Decimal("0"), id="line-on-start"
        ),
        pytest.param(
            FakeProject(**HUNDRED_DAYS), [], D(2024, 3, 2), Decimal("1"), id="line-day-one"
        ),
        pytest.param(FakeProject(**HUNDRED_DAYS), [], D(2024, 4, 10), Decimal("40"), id="line-40"),
        pytest.param(
            FakeProject(**HUNDRED_DAYS), [], D(2024, 6, 9), Decimal("100"), id="line-on-end"
        ),
        pytest.param(
            FakeProject(**HUNDRED_DAYS), [], D(2024, 9, 1), Decimal("100"), id="line-after"
        ),
        pytest.param(
            FakeProject(**HUNDRED_DAYS), [], D(2023, 9, 1), Decimal("0"), id="line-before"
        ),
        pytest.param(
            FakeProject(planned_start=D(2024, 1, 1), planned_end=D(2024, 1, 4)),
            [],
            D(2024, 1, 2),
            Decimal("33.3"),
            id="line-rounds-to-one-decimal",
        ),
        pytest.param(
            FakeProject(planned_start=D(2024, 1, 1), planned_end=D(2024, 1, 4)),
            [],
            D(2024, 1, 3),
            Decimal("66.7"),
            id="line-rounds-half-up",
        ),
        pytest.param(
            FakeProject(**ONE_DAY_PROJECT), [], D(2024, 6, 15), Decimal("100"), id="one-day-on-day"
        ),
        pytest.param(
            FakeProject(**ONE_DAY_PROJECT), [], D(2024, 6, 14), Decimal("0"), id="one-day-before"
        ),
        pytest.param(
            FakeProject(),
            [
                FakeMilestone("a", D(2024, 3, 1), weight=1),
                FakeMilestone("b", D(2024, 6, 1), weight=3),
                FakeMilestone("c", D(2024, 12, 1), weight=6),
            ],
            D(2024, 6, 1),
            Decimal("40"),
            id="weights-milestone-on-the-day-counts",
        ),
        pytest.param(
            FakeProject(),
            [
                FakeMilestone("a", D(2024, 3, 1), weight=1),
                FakeMilestone("b", D(2024, 6, 1), weight=3),
                FakeMilestone("c", D(2024, 12, 1), weight=6),
            ],
            D(2024, 5, 31),
            Decimal("10"),
            id="weights-day-before-a-milestone",
        ),
        pytest.param(
            FakeProject(),
            [FakeMilestone("a", D(2024, 3, 1)), FakeMilestone("b", D(2024, 12, 1), weight=2)],
            TODAY,
            Decimal("33.3"),
            id="weights-one-third",
        ),
        pytest.param(
            FakeProject(),
            [FakeMilestone("a", D(2025, 3, 1))],
            TODAY,
            Decimal("0"),
            id="milestones-all-later",
        ),
        pytest.param(
            FakeProject(**HUNDRED_DAYS),
            [FakeMilestone("a", D(2024, 3, 5), weight=0)],
            D(2024, 4, 10),
            Decimal("40"),
            id="zero-weight-uses-the-line",
        ),
    ],
)
def test_expected_progress(project, milestones, on_date, expected):
    assert expected_progress(project, milestones, on_date) == expected


# --- report periods and due dates ---


@pytest.mark.parametrize(
    ("on_date", "due_day", "period"),
    [
        pytest.param(D(2024, 9, 25), 25, D(2024, 8, 1), id="on-due-day-previous-month"),
        pytest.param(D(2024, 9, 26), 25, D(2024, 9, 1), id="day-after-due-this-month"),
        pytest.param(D(2024, 9, 1), 25, D(2024, 8, 1), id="first-of-month"),
        pytest.param(D(2024, 1, 10), 25, D(2023, 12, 1), id="january-to-december"),
        pytest.param(D(2024, 1, 26), 25, D(2024, 1, 1), id="january-after-due"),
        pytest.param(D(2024, 2, 29), 31, D(2024, 1, 1), id="due-31-on-feb-29-not-yet-due"),
        pytest.param(D(2024, 3, 1), 31, D(2024, 2, 1), id="due-31-feb-overdue-on-march-1"),
        pytest.param(D(2024, 4, 30), 31, D(2024, 3, 1), id="due-31-on-april-30"),
        pytest.param(D(2024, 2, 2), 1, D(2024, 2, 1), id="due-on-the-1st"),
    ],
)
def test_last_report_period(on_date, due_day, period):
    assert last_report_period(on_date, due_day) == period


@pytest.mark.parametrize(
    ("period", "due_day", "due"),
    [
        pytest.param(D(2024, 2, 1), 25, D(2024, 2, 25), id="february-25"),
        pytest.param(D(2024, 2, 1), 31, D(2024, 2, 29), id="leap-february-clamped"),
        pytest.param(D(2023, 2, 1), 30, D(2023, 2, 28), id="february-clamped"),
        pytest.param(D(2023, 2, 1), 28, D(2023, 2, 28), id="february-28"),
        pytest.param(D(2024, 1, 1), 31, D(2024, 1, 31), id="january-31"),
        pytest.param(D(2024, 4, 1), 31, D(2024, 4, 30), id="april-clamped"),
        pytest.param(D(2024, 12, 1), 31, D(2024, 12, 31), id="december-31"),
        pytest.param(D(2024, 7, 1), 1, D(2024, 7, 1), id="first-day"),
    ],
)
def test_report_due_date(period, due_day, due):
    assert report_due_date(period, due_day) == due


@pytest.mark.parametrize("due_day", [1, 10, 25, 28, 29, 30, 31])
def test_a_period_becomes_the_last_one_the_day_after_it_is_due(due_day):
    # Every day of 2024: the last period is always the newest month whose due date has passed.
    day = D(2024, 1, 1)
    while day.year == 2024:
        period = last_report_period(day, due_day)
        assert report_due_date(period, due_day) < day
        following = (period + datetime.timedelta(days=32)).replace(day=1)
        assert report_due_date(following, due_day) >= day
        day += datetime.timedelta(days=1)


def test_a_due_day_past_month_end_counts_from_the_last_day_of_the_month():
    # due day 31: February's report is due on the 29th and missing from 1 March.
    thresholds = Thresholds(report_due_day=31)
    project = FakeProject(planned_start=D(2024, 1, 1), progress_percent=Decimal("20"))
    january = FakeReport(D(2024, 1, 1))

    on_last_day = compute_light(project, [], january, D(2024, 2, 29), thresholds)
    next_day = compute_light(project, [], january, D(2024, 3, 1), thresholds)

    assert on_last_day.light == Light.GREEN
    assert next_day.light == Light.YELLOW
    assert "2024年2月" in next_day.reason
