"""Faults against the real binary (issue 14, CI proof): PostgreSQL restarting under a ringing and
under a connected call, and LiveKit unreachable for 30 s while a trunk syncs, a call is dialled and
a call is torn down. Each fault must give a clear error (503 with a problem, never a 500 or a dead
process), a record of what happened (the call's or trunk's state), and lose nothing: once the
fault is over the same call goes on, and the work LiveKit missed is done.

The harness (the fake LiveKit process, the server, the tenant "Acme" with Ada on extension 101)
is the browser tests'. PostgreSQL is the one CI runs:
    SCAIDIAL_FAULT_PG_URL      a server URL the test may create databases on
                               (postgres://postgres@127.0.0.1:55432/postgres?tlsmode=disable)
    SCAIDIAL_FAULT_PG_RESTART  a shell command that restarts that server (pg_ctl ... -m fast restart)
Both unset: the PostgreSQL test is skipped; the LiveKit one runs on SQLite.
    SCAIDIAL_BIN=... LIVEKIT_FAKE_BIN=... python3 -m pytest Tests/faults -q
"""
import importlib.util
import json
import os
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("browser_harness", ROOT / "Tests" / "browser" / "conftest.py")
h = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(h)

CALLER = "+31687654321"


class EventStream(threading.Thread):
    """A user's /me/events, read line by line: the user is online while it is open."""

    def __init__(self, server, token):
        super().__init__(daemon=True)
        request = urllib.request.Request(server.base + "/me/events", headers={"Authorization": f"Bearer {token}"})
        self.response = urllib.request.urlopen(request, timeout=600)
        self.events = []
        self.start()

    def run(self):
        try:
            for raw in self.response:
                line = raw.decode().strip()
                if line.startswith("event:"):
                    self.events.append(line.split(":", 1)[1].strip())
        except Exception:
            pass

    def close(self):
        self.response.close()


class Poller(threading.Thread):
    """GETs one path as fast as it can while a fault happens; keeps every status and problem seen."""

    def __init__(self, server, path, token):
        super().__init__(daemon=True)
        self.server, self.path, self.token = server, path, token
        self.answers = []
        self.running = True
        self.start()

    def run(self):
        while self.running:
            self.answers.append(self.server.call("GET", self.path, token=self.token))
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.join(timeout=15)
        return self.answers


class Proxy:
    """A TCP proxy in front of the fake LiveKit. `down()` closes the port (connection refused, as a
    LiveKit that is not running) and cuts the open connections; `up()` opens the same port again."""

    def __init__(self, target_url):
        target = urllib.parse.urlparse(target_url)
        self.target = (target.hostname, target.port)
        self.port = h.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.sockets = []
        self.listener = None
        self.up()

    def up(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self):
        with self.lock:
            # shutdown() first: close() alone leaves a listener blocked in accept() accepting.
            try:
                self.listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.listener.close()
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def retried(action, ok, what, timeout=30):
    """Calls `action` until its status is `ok`; only 503 (and a refused connection, 0) may come
    before. Answers the last (status, body)."""
    deadline = time.time() + timeout
    while True:
        status, body = action()
        if status == ok:
            return status, body
        assert status in (503, 0), f"{what}: {status} {body}"
        assert time.time() < deadline, f"{what}: still {status} {body} after {timeout} s"
        time.sleep(0.2)


def ring(server):
    status, decision = server.call("POST", "/sip/inbound", {
        "sip_trunk_id": "ST_fault", "call": {"lk_call_id": f"SCL_fault_{time.time_ns()}", "from": {"user": CALLER},
                                             "to": {"user": h.DID}}}, headers={"Authorization": f"Bearer {h.HOOK_SECRET}"})
    assert status == 200 and decision["result"] == "ACCEPT", decision
    return decision


def connect(server, decision, ada):
    """Ada's browser joins the room and publishes its microphone: the call is connected."""
    status, joined = retried(lambda: server.call("POST", f"/me/calls/{decision['scaidial_call_id']}/answer", {}, ada), 200,
                             "answering")
    identity = h.api.TokenVerifier(h.KEY, h.SECRET).verify(joined["token"]).identity
    stamp = time.time_ns()
    retried(lambda: server.send_webhook(h.browser_joined(decision["room_name"], identity, f"EV_join_{stamp}")), 200,
            "the browser's participant_joined")
    retried(lambda: server.send_webhook(h.audio_published(decision["room_name"], identity, f"EV_audio_{stamp}")), 200,
            "the browser's track_published")


def call_of(server, world, call_id):
    status, call = server.get(f"{world['base']}/calls/{call_id}", world["admin"])
    assert status == 200, call
    return call


def clear_errors_only(answers, what):
    """During a fault every answer is 200 or a 503 problem that says what is wrong; never a 500."""
    statuses = sorted({status for status, _ in answers})
    assert set(statuses) <= {200, 503}, f"{what}: statuses {statuses}: {[a for a in answers if a[0] not in (200, 503)][:3]}"
    for status, body in answers:
        if status == 503:
            assert body and body.get("status") == 503 and body.get("detail"), f"{what}: a 503 without a problem: {body}"
    return statuses


@pytest.fixture
def fake():
    f = h.Fake()
    yield f
    f.close()


@pytest.fixture
def pg_database():
    admin_url, restart = os.environ.get("SCAIDIAL_FAULT_PG_URL"), os.environ.get("SCAIDIAL_FAULT_PG_RESTART")
    if not admin_url or not restart:
        pytest.skip("SCAIDIAL_FAULT_PG_URL and SCAIDIAL_FAULT_PG_RESTART are not set")
    url = urllib.parse.urlparse(admin_url)
    name = f"scaidial_fault_{uuid.uuid4().hex[:12]}"
    psql = ["psql", "-h", url.hostname, "-p", str(url.port or 5432), "-U", url.username or "postgres", "-d", "postgres", "-qc"]
    subprocess.run(psql + [f"CREATE DATABASE {name}"], check=True, capture_output=True)
    yield url._replace(path=f"/{name}").geturl(), restart
    subprocess.run(psql + [f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


def test_postgresql_restarting_under_a_ringing_then_a_connected_call(fake, pg_database, monkeypatch):
    database_url, restart = pg_database
    monkeypatch.setenv("SCAIDIAL_SECRET_KEY", "fault-test-secret-key-0123456789-0123456789")  # PostgreSQL needs one
    server = h.Server(fake, database_url=database_url)
    try:
        world = h.make_world(server)
        ada = server.login("ada@acme.test", "ada-password")
        stream = EventStream(server, ada)
        h.wait_for(lambda: "ready" in stream.events, "Ada's event stream is open")
        decision = ring(server)
        call_id = decision["scaidial_call_id"]
        assert call_of(server, world, call_id)["state"] == "ringing"

        # The database restarts while the call rings.
        poller = Poller(server, f"{world['base']}/calls/{call_id}", world["admin"])
        subprocess.run(restart, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        time.sleep(1)
        first = clear_errors_only(poller.stop(), "during the restart while ringing")
        # The same call is still ringing, and Ada answers it.
        assert call_of(server, world, call_id)["state"] == "ringing"
        connect(server, decision, ada)
        h.wait_for(lambda: call_of(server, world, call_id)["state"] == "active", "the call is active (connected)")

        # The database restarts while the call is connected.
        poller = Poller(server, f"{world['base']}/calls/{call_id}", world["admin"])
        subprocess.run(restart, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        time.sleep(1)
        second = clear_errors_only(poller.stop(), "during the restart while connected")
        call = call_of(server, world, call_id)
        assert call["state"] == "active" and call["answered_at"], call
        retried(lambda: server.call("POST", f"/me/calls/{call_id}/hangup", {}, ada), 204, "hanging up")
        h.wait_for(lambda: (call_of(server, world, call_id)["state"], call_of(server, world, call_id)["end_reason"])
                   == ("ended", "hangup_by_user"), "the call is recorded as hung up by the user")
        h.wait_for(lambda: decision["room_name"] in json.dumps(fake.requests("DeleteRoom")), "the room is deleted at LiveKit")
        assert server.get("/readyz")[0] == 200
        print(f"statuses seen during the restarts: {first} then {second}")
        stream.close()
    finally:
        server.close()


def test_livekit_unreachable_for_30_seconds_during_sync_dial_and_teardown(fake):
    proxy = Proxy(fake.url)
    server = h.Server(fake, livekit_url=proxy.url)
    try:
        world = h.make_world(server)
        base, admin = world["base"], world["admin"]
        ada = server.login("ada@acme.test", "ada-password")
        stream = EventStream(server, ada)
        h.wait_for(lambda: "ready" in stream.events, "Ada's event stream is open")
        decision = ring(server)
        call_id = decision["scaidial_call_id"]
        connect(server, decision, ada)
        h.wait_for(lambda: call_of(server, world, call_id)["state"] == "active", "the call is active (connected)")
        deletes_before = len(fake.requests("DeleteRoom"))

        proxy.down()
        down_at = time.time()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
        # Teardown: Ada hangs up; the call ends at once, the room's deletion waits for LiveKit.
        assert server.call("POST", f"/me/calls/{call_id}/hangup", {}, ada)[0] == 204
        h.wait_for(lambda: call_of(server, world, call_id)["state"] == "ended", "the call is recorded as ended")
        # Dial: a click-to-call is accepted, and its dial fails with the reason on record.
        status, placed = server.call("POST", "/me/click-to-call", {"extension_id": world["extension"], "destination": "+31612345678"}, ada)
        assert status == 201, placed
        h.wait_for(lambda: call_of(server, world, placed["call_id"])["state"] == "failed", "the dial fails", timeout=30)
        failed = call_of(server, world, placed["call_id"])
        assert failed["end_reason"] == "livekit_error", failed
        assert "unreachable" in json.dumps(failed).lower(), failed
        # Sync: a new trunk with a number cannot reach LiveKit; the trunk says so.
        status, trunk = server.call("POST", f"{base}/trunks", {"name": "second", "address": "sip.second.example.com"}, admin)
        assert status == 201, trunk
        status, _ = server.call("POST", f"{base}/dids", {"number": "+31201110002", "trunk_id": trunk["id"]}, admin)
        assert status == 201
        def sync():
            return server.get(f"{base}/trunks/{trunk['id']}", admin)[1]["sync"]
        h.wait_for(lambda: "unreachable" in (sync().get("error") or ""), "the trunk's sync error says LiveKit is unreachable")
        assert len(fake.requests("DeleteRoom")) == deletes_before
        time.sleep(max(0.0, 30 - (time.time() - down_at)))

        proxy.up()
        # Nothing was lost: the room goes, the trunk syncs, the records stand.
        h.wait_for(lambda: decision["room_name"] in json.dumps(fake.requests("DeleteRoom")), "the room is deleted at LiveKit",
                   timeout=150)
        h.wait_for(lambda: sync()["state"] == "synced", "the second trunk syncs", timeout=150)
        assert call_of(server, world, call_id)["end_reason"] == "hangup_by_user"
        assert call_of(server, world, placed["call_id"])["state"] == "failed"
        stream.close()
    finally:
        server.close()
        proxy.down()
