"""schemathesis against the published OpenAPI of a seeded app: no server error, and no
response that breaks its own schema (a bounded run, so it fits in CI)."""

from __future__ import annotations

import os

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from intelpool.api.app import create_app
from tests.api.conftest import World
from tests.conftest import Store

# Bounded for CI; set INTELPOOL_SCHEMATHESIS_EXAMPLES for a deeper run.
EXAMPLES = int(os.environ.get("INTELPOOL_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance,
          content_type_conformance]


def test_the_api_keeps_its_published_contract(store: Store, world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app(store.engine))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    for operation in operations:
        # Host admin with every scope: the widest reach a caller can have.
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def keeps_contract(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=dict(world.host), checks=CHECKS)

        keeps_contract()
