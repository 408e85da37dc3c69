"""The OpenAPI description: every operation lists the errors it can answer, in both languages.

Views describe their success; this schema class adds the error answers each kind of
operation can give, all with the shape of ``ErrorSerializer``, so a client (and a
property-based test) knows every status it may meet.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from .errors import ERROR_DESCRIPTIONS, ErrorSerializer

OK_DESCRIPTION = "成功 / Success."
NOT_MODIFIED = (
    "未修改：客户端已有的版本（If-None-Match 中的 ETag）仍是最新 / "
    "Not modified: the version the client has (its ETag in If-None-Match) is current."
)


PATH_PARAMETERS = {"id": "编号 / Id.", "year": "年度 / Year."}

# The largest id a database row can have (a signed 64-bit key): larger ones are refused.
MAX_ID = 2**63 - 1
# The years a plan may have (the ``plan_year_plausible`` constraint).
YEARS = {"type": "integer", "minimum": 2000, "maximum": 2100}


def whole_number(minimum: int = 1, maximum: int = MAX_ID) -> dict:
    """A query parameter's schema: a whole number in the range the API takes (0 is refused),
    so that the schema promises nothing the API answers 400 to."""
    return {"type": "integer", "minimum": minimum, "maximum": maximum}


ID = whole_number()


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        # Ids in addresses that no view described: DRF's own words are in one language only.
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] == "path" and " / " not in parameter.get("description", ""):
                parameter["description"] = PATH_PARAMETERS.get(parameter["name"], "编号 / Id.")
        return operation

    def _error_codes(self) -> list[str]:
        # 401 everywhere: a bad token is refused whatever the operation; 500 and 503 (the
        # database does not answer) can meet any request.
        codes = ["401", "406", "429", "500", "503"]
        has_path_parameter = "{" in self.path
        if self.method in ("GET", "HEAD"):
            if self._is_list_view() or getattr(self.view, "filters_reads", False):
                codes += ["400"]
            if has_path_parameter or self._is_list_view():
                codes += ["404"]  # no such object, or a page past the end
        else:
            codes += ["400", "403", "415"]
            if has_path_parameter or getattr(self.view, "write_may_not_find", False):
                codes += ["404"]
        return sorted(set(codes))

    def _map_basic_serializer(self, serializer, direction):
        # A component's description is its serializer's ``schema_description`` (both
        # languages), not its docstring, which is a note for whoever reads the code.
        schema = super()._map_basic_serializer(serializer, direction)
        description = getattr(serializer, "schema_description", None)
        if description:
            schema["description"] = description
        else:
            schema.pop("description", None)
        return schema

    def get_auth(self):
        # Reads are open to all: no credentials is as good as a token or a session for them.
        auth = super().get_auth()
        if self.method in ("GET", "HEAD") and {} not in auth:
            auth.append({})
        return auth

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for body in responses.values():
            if not body.get("description"):
                body["description"] = OK_DESCRIPTION
        if direction != "response":
            return responses
        if self.method in ("GET", "HEAD") and "200" in responses:
            responses.setdefault("304", {"description": NOT_MODIFIED})
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[code]), code
                )
        return dict(sorted(responses.items()))
