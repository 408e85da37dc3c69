"""The API keeps the promises of its own OpenAPI schema (Schemathesis, property-based).

For every operation of /api/schema/, Hypothesis builds requests, valid ones and broken ones
(wrong types, values out of range, unknown fields, odd strings), sent as an anonymous client
and as the coordinating office with a token. No answer may be a server error, and every
answer must be one the schema describes: a documented status, its content type and a body
matching its schema. The existing objects are also read through every operation, so the
schemas of full answers are checked, not only those of 404s. Examples per operation are few
and fixed (derandomized), so the run is short and repeatable.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.api import real_ids

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def api_schema(api_world, settings):
    # Many requests from one client in a few seconds: the anonymous rate must not answer 429.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None},
    }
    # Django's test client keeps the test's database connection open across requests; a bare
    # WSGI application would close it at the end of each (PostgreSQL: mid-transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) > 30
    return found


def path_parameters(operation, ids):
    if "{" not in operation.path:
        return {}
    name = "year" if "{year}" in operation.path else "id"
    return {name: ids[operation.path]}


def run(operation, headers, ids, before_each=lambda: None):
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if "{" in operation.path:
        # Half the requests name an object that exists: its body and rules get exercised.
        existing = path_parameters(operation, ids)
        strategies += [
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=existing),
            operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=existing),
        ]
    strategy = st.one_of(*strategies)

    @given(case=strategy)
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        # The schema's security schemes make Schemathesis invent credentials; send the real
        # ones (or none) instead, so that reads and writes get past authentication.
        case.headers = {
            name: value
            for name, value in (case.headers or {}).items()
            if name.lower() not in ("authorization", "cookie")
        }
        case.headers.update(headers)
        case.cookies = {}
        before_each()
        case.call_and_validate(checks=CHECKS)

    check()


# Anonymous reads; the office's token and a department reporter's (jiaoyu, whose department
# leads the school project) so that the writes get past their permissions.
@pytest.mark.parametrize("who", ["anonymous", "coordinator", "school_reporter"])
def test_no_answer_breaks_the_schema(api_schema, api_world, who):
    headers, before_each = {}, lambda: None
    if who != "anonymous":
        user = api_world["users"][who]
        key = Token.objects.create(user=user).key
        headers["Authorization"] = f"Token {key}"

        def before_each():
            # DELETE /auth/token/ revokes it: bring it back for the next request.
            Token.objects.get_or_create(key=key, defaults={"user": user})

    ids = real_ids(api_world)
    for operation in operations(api_schema):
        run(operation, headers, ids, before_each)


def test_existing_objects_answer_as_described(api_schema, api_world):
    ids = real_ids(api_world)
    checked = 0
    for operation in operations(api_schema):
        if operation.method.upper() != "GET":
            continue
        case = operation.Case(path_parameters=path_parameters(operation, ids))
        response = case.call_and_validate(checks=CHECKS)
        assert response.status_code == 200, (operation.path, response.status_code)
        checked += 1
    assert checked >= 20


def test_every_number_in_a_query_is_refused_below_the_minimum_the_schema_states(client, api_world):
    # A schema that allowed project=0 or page_size=0 would promise what the API answers 400 to.
    schema = client.get("/api/schema/?format=json").json()
    ids = real_ids(api_world)
    checked = []
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["in"] != "query" or parameter["schema"].get("type") not in (
                "integer",
                "number",
            ):
                continue
            assert parameter["schema"]["type"] == "integer", (path, parameter)
            minimum = parameter["schema"].get("minimum")
            assert minimum is not None and minimum >= 1, (path, parameter)
            address = path
            if "{" in path:
                name = "year" if "{year}" in path else "id"
                address = path.replace(f"{{{name}}}", str(ids[path]))
            response = client.get(address, {parameter["name"]: minimum - 1})
            # 400 naming the parameter; a page number past either end is a 404
            expected = 404 if parameter["name"] == "page" else 400
            assert response.status_code == expected, (
                address,
                parameter["name"],
                response.status_code,
            )
            if expected == 400:
                assert parameter["name"] in response.json()["fields"], (address, response.json())
            checked.append((path, parameter["name"]))
    assert ("/api/v1/indicators/", "project") in checked
    assert ("/api/v1/projects/", "page_size") in checked
    assert len(checked) >= 30
