"""Schemathesis over /openapi.json (issue 14, CI proof): the running binary answers every generated
request without a 5xx, every answer matches the document, and requests the document calls invalid
are refused.

The real `scaidial` binary (SCAIDIAL_BIN, default .build/debug/scaidial) runs on SQLite with a
tenant, its admin, a plain user and one row of each resource, whose ids are given to Schemathesis
as the path parameters so that the operations reach their handlers instead of 404. It is run as:
  - the tenant admin and the plain user, every operation but DELETE (the rows stay for the others);
  - livekit-sip at /sip/inbound, with the hook secret;
  - the tenant admin and then the platform admin, the DELETE operations last.
Not fuzzed: sign-in (a refused sign-in is held a second and counts toward a lockout: the Swift
suites and the fuzz test cover it), sign-out (it would end the session the run uses), and the
LiveKit webhook (its requests are signed JWTs over the body: the webhook fuzz test covers it).
Each pass prints Schemathesis's own report (seed included; `st replay` reproduces a case).
    SCAIDIAL_BIN=.build/debug/scaidial python3 -m pytest Tests/api -q
Knobs: SCHEMATHESIS_MAX_EXAMPLES (default 10 per operation and phase; CI uses the default).
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The browser tests' harness: the real binary as a process (here without LiveKit).
_spec = importlib.util.spec_from_file_location("browser_harness", ROOT / "Tests" / "browser" / "conftest.py")
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)
ARTIFACTS = ROOT / "test-artifacts" / "schemathesis"
CHECKS = ("not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,"
          "negative_data_rejection")
NOT_FUZZED = ("--exclude-path", "/v1/auth/login", "--exclude-path", "/v1/auth/logout", "--exclude-path", "/livekit/webhook")


def created(server, path, body, token):
    status, answer = server.call("POST", path, body, token)
    assert status == 201, (path, status, answer)
    return answer.get("id")  # a grant is named by its user: no id


@pytest.fixture(scope="module")
def world():
    pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install schemathesis)")
    server = h.Server()
    root = server.login("root@example.com", "root-password")
    tenant = created(server, "/v1/tenants", {"name": "Fuzz", "country": "NL", "timezone": "Europe/Amsterdam"}, root)
    t = f"/v1/tenants/{tenant}"
    created(server, f"{t}/users", {"email": "admin@fuzz.test", "password": "admin-password", "role": "tenant_admin"}, root)
    created(server, f"{t}/users", {"email": "user@fuzz.test", "password": "user-password"}, root)
    # The row the user operations act on: not a user whose token the run signs in with.
    victim = created(server, f"{t}/users", {"email": "victim@fuzz.test", "password": "victim-password"}, root)
    admin = server.login("admin@fuzz.test", "admin-password")
    trunk = created(server, f"{t}/trunks", {"name": "carrier", "address": "sip.carrier.example.com:5060"}, admin)
    ext = created(server, f"{t}/extensions", {"number": "101", "name": "Front desk"}, admin)
    created(server, f"{t}/extensions/{ext}/grants", {"user_id": victim}, admin)
    rule = created(server, f"{t}/extensions/{ext}/forward-rules",
                          {"trigger": "no_answer", "target_type": "voicemail", "target": ext}, admin)
    plan = created(server, f"{t}/dialplans", {"name": "main"}, admin)
    created(server, f"{t}/dialplans/{plan}/rules", {"priority": 10, "action": {"type": "ring_extension", "extension_id": ext}}, admin)
    did = created(server, f"{t}/dids", {"number": "+31201110001", "trunk_id": trunk, "dialplan_id": plan}, admin)
    ids = {"tenant_id": tenant, "user_id": victim, "trunk_id": trunk, "extension_id": ext, "rule_id": rule,
           "dialplan_id": plan, "did_id": did}
    yield {"server": server, "root": root, "admin": admin, "user": server.login("user@fuzz.test", "user-password"), "ids": ids}
    server.close()


def schemathesis(name, world, token, *selection):
    """One Schemathesis pass; asserts it found nothing, showing its report when it did."""
    server = world["server"]
    config = Path(server.work) / "schemathesis.toml"
    config.write_text("[parameters]\n" + "".join(f'"path.{k}" = "{v}"\n' for k, v in world["ids"].items()))
    examples = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10")
    # The package's CLI under this interpreter: no reliance on where pip put its script.
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", f"{server.base}/openapi.json",
               "-H", f"Authorization: Bearer {token}", "--checks", CHECKS, "--phases", "examples,coverage,fuzzing",
               "--max-examples", examples, "--workers", "2", "--no-color", *NOT_FUZZED, *selection]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    report = result.stdout + result.stderr
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.txt").write_text(report)
    summary = [line for line in report.splitlines() if "generated" in line or "Seed:" in line or "failures" in line]
    print("\n".join(summary))
    assert result.returncode == 0, report[-12000:]
    served = server.call("GET", "/readyz")[0]
    assert served == 200, "the server stopped answering during the run"


def test_every_operation_as_the_tenant_admin(world):
    schemathesis("tenant-admin", world, world["admin"], "--exclude-method", "DELETE", "--exclude-path", "/sip/inbound")


def test_every_operation_as_a_plain_user(world):
    schemathesis("user", world, world["user"], "--exclude-method", "DELETE", "--exclude-path", "/sip/inbound")


def test_the_hook_door_as_livekit_sip(world):
    schemathesis("hook-door", world, h.HOOK_SECRET, "--include-path", "/sip/inbound")


def test_deletes_as_the_tenant_admin_then_the_platform_admin(world):
    schemathesis("deletes-tenant-admin", world, world["admin"], "--include-method", "DELETE")
    schemathesis("deletes-platform-admin", world, world["root"], "--include-method", "DELETE")
