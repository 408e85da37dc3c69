"""Numbered pages for the API's lists: ``?page=2&page_size=50``."""

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = (
        "页码，从 1 开始；超出范围时返回 404 / Page number, from 1; past the end answers 404."
    )
    page_size_query_description = (
        "每页条数，默认 20，最多 100（更大的值按 100 计）；0 或负数返回 400 / "
        "Items per page: 20 unless given, at most 100 (a larger size is served as 100); "
        "0 or less answers 400."
    )

    def get_page_size(self, request):
        # DRF would serve page_size=0 as the default size in silence; the schema says a
        # whole number of 1 or more, so anything else is a 400 naming the parameter.
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        try:
            size = serializers.IntegerField(min_value=1).run_validation(raw)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({self.page_size_query_param: error.detail}) from None
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
