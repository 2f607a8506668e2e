"""The SDK's names and types are the OpenAPI document's (docs/openapi.json), in snake_case, and its
source is Python 3.9 syntax."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import re
import unittest
from typing import Any, Dict, List, get_args

from support import REPO_ROOT, SDK_ROOT

from voisnap import CallAttempt, CallStatus, EndReason, OutboundCall, Voisnap

OPENAPI = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text())
SCHEMAS: Dict[str, Any] = OPENAPI["components"]["schemas"]
EXAMPLE_CALL = OPENAPI["paths"]["/api/v1/outbound-calls/{callId}"]["get"]["responses"]["200"]["content"]["application/json"]["examples"]["completed"]["value"]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def keyword_parameters(function: Any) -> List[str]:
    return [name for name, parameter in inspect.signature(function).parameters.items() if parameter.kind is inspect.Parameter.KEYWORD_ONLY]


class MatchesTheOpenApiDocument(unittest.TestCase):
    def test_result_attributes_are_the_documented_fields_in_snake_case(self) -> None:
        for model, schema in [(OutboundCall, "Call"), (CallAttempt, "CallAttempt")]:
            attributes = [field.name for field in dataclasses.fields(model)]
            self.assertEqual(attributes, [snake(name) for name in SCHEMAS[schema]["properties"]], model.__name__)

    def test_statuses_and_end_reasons_are_the_documented_ones(self) -> None:
        self.assertEqual(list(get_args(CallStatus)), SCHEMAS["CallStatus"]["enum"])
        self.assertEqual(list(get_args(EndReason)), SCHEMAS["EndReason"]["enum"])

    def test_create_and_list_take_the_documented_fields_in_snake_case(self) -> None:
        client = Voisnap(api_key="vsnp_test_key")
        create_fields = [snake(name) for name in SCHEMAS["CreateCallRequest"]["properties"]]
        self.assertEqual(keyword_parameters(client.outbound_calls.create), create_fields + ["idempotency_key"])
        list_parameters = OPENAPI["paths"]["/api/v1/outbound-calls"]["get"]["parameters"]
        self.assertEqual(
            keyword_parameters(client.outbound_calls.list),
            [snake(parameter["name"]) for parameter in list_parameters if parameter["name"] != "cursor"],
        )

    def test_reads_the_reference_call_object(self) -> None:
        call = OutboundCall.from_api(EXAMPLE_CALL)
        self.assertEqual(call.to_number, "+14155550199")
        self.assertEqual(call.duration_seconds, 214)
        self.assertEqual(call.end_reason, "agent_ended")
        self.assertEqual(call.metadata, {"campaignId": "camp_summer_2025", "customerId": "cust_12345", "customerName": "Jane Smith"})
        self.assertIsInstance(call.attempts[0], CallAttempt)
        self.assertEqual(call.attempts[0].connected_at, "2025-06-16T14:00:08Z")
        # A field a newer API adds is ignored; one it leaves out reads as None.
        newer = OutboundCall.from_api({**{k: v for k, v in EXAMPLE_CALL.items() if k != "updatedAt"}, "sentiment": "happy"})
        self.assertIsNone(newer.updated_at)


class PythonThreeNine(unittest.TestCase):
    def test_the_sources_are_python_3_9(self) -> None:
        for path in sorted((SDK_ROOT / "voisnap").glob("*.py")) + sorted((SDK_ROOT / "tests").glob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path), feature_version=(3, 9))
            annotations = [node.annotation for node in ast.walk(tree) if isinstance(node, (ast.arg, ast.AnnAssign)) and node.annotation]
            annotations += [node.returns for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns]
            unions = [ast.unparse(annotation) for annotation in annotations if any(isinstance(part, ast.BinOp) for part in ast.walk(annotation))]
            self.assertEqual(unions, [], f"{path.name}: `X | Y` in an annotation needs Python 3.10; use Optional or Union")


if __name__ == "__main__":
    unittest.main()
