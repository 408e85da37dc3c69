"""Published comments with their official replies, and satisfaction figures.

Never a resident's contact details or the hash of their address: these serializers name the
fields they show, and the views load no others.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departments.api.serializers import DepartmentRefSerializer
from feedback.models import Comment, Reply
from feedback.selectors import Satisfaction


class ReplySerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(
        read_only=True, help_text="答复单位 / Answering department."
    )

    class Meta:
        model = Reply
        fields = ["body", "department", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "body": {"help_text": "答复内容 / The answer."},
            "created_at": {"help_text": "答复时间 / Answered at."},
        }


class CommentSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="feedback-api:comment-detail",
        help_text="本条数据的接口地址 / This object's address in the API.",
    )
    reply = ReplySerializer(
        read_only=True,
        allow_null=True,
        help_text="牵头单位的答复；尚未答复时为 null / The lead department's answer; null until given.",
    )

    class Meta:
        model = Comment
        fields = ["id", "url", "project", "nickname", "body", "created_at", "reply"]
        read_only_fields = fields
        extra_kwargs = {
            "project": {"help_text": "项目编号 / Id of the project."},
            "nickname": {"help_text": "昵称 / Nickname."},
            "body": {"help_text": "留言内容 / The comment."},
            "created_at": {"help_text": "留言时间 / Posted at."},
        }


class SatisfactionSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="pk", help_text="项目编号 / Id of the project.")
    url = serializers.HyperlinkedIdentityField(
        view_name="feedback-api:satisfaction-detail",
        help_text="本条数据的接口地址 / This object's address in the API.",
    )
    number = serializers.IntegerField(help_text="方案内序号 / Number within the plan.")
    title = serializers.CharField(help_text="项目名称 / Title.")
    total = serializers.IntegerField(help_text="评价总数 / Ratings in all.")
    satisfied = serializers.IntegerField(help_text="满意 / Satisfied.")
    fairly_satisfied = serializers.IntegerField(help_text="基本满意 / Fairly satisfied.")
    dissatisfied = serializers.IntegerField(help_text="不满意 / Dissatisfied.")
    rate = serializers.SerializerMethodField(
        help_text="满意率（%）=（满意+基本满意）/ 全部，一位小数；无评价时为 null / "
        "Satisfaction rate (%) = (satisfied + fairly satisfied) / all, one decimal; "
        "null without ratings."
    )

    @extend_schema_field(
        {"type": "string", "format": "decimal", "pattern": r"^\d{1,3}\.\d$", "nullable": True}
    )
    def get_rate(self, project):
        rate = Satisfaction(
            project.total, project.satisfied, project.fairly_satisfied, project.dissatisfied
        ).rate
        return None if rate is None else str(rate)
