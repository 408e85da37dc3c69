"""Numbered pages for the API's lists: ``?page=2&page_size=50``."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = (
        "页码，从 1 开始；超出范围时返回 404 / Page number, from 1; past the end answers 404."
    )
    page_size_query_description = (
        "每页条数，默认 20，最多 100 / Items per page: 20 unless given, at most 100."
    )
