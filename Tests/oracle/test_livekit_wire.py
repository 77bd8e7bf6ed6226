"""LiveKit's official Python SDK as the oracle for ScaiDial's LiveKit wire format.

Run after `swift test` (the LiveKitTests write the artefacts):
    python3 -m pytest Tests/oracle -q
Artefacts are read from $SCAIDIAL_ORACLE_DIR, default <package root>/.build/oracle:
  - livekit.<Service>.<Method>[.<n>].json: request bodies our client sent (captured by the fake);
  - tokens*.json: tokens we minted, with the claims the SDK must read back.
"""

import json
import os
import pathlib
import re

import jwt
import pytest
from google.protobuf import json_format
from livekit import api
from livekit.protocol import agent_dispatch, egress, ingress, room, sip

ROOT = pathlib.Path(__file__).resolve().parents[2]
ORACLE = pathlib.Path(os.environ.get("SCAIDIAL_ORACLE_DIR") or ROOT / ".build" / "oracle")

# Every RPC ScaiDial's LiveKit client speaks -> LiveKit's own request message.
REQUEST_TYPES = {
    "livekit.SIP.CreateSIPInboundTrunk": sip.CreateSIPInboundTrunkRequest,
    "livekit.SIP.UpdateSIPInboundTrunk": sip.UpdateSIPInboundTrunkRequest,
    "livekit.SIP.ListSIPInboundTrunk": sip.ListSIPInboundTrunkRequest,
    "livekit.SIP.CreateSIPOutboundTrunk": sip.CreateSIPOutboundTrunkRequest,
    "livekit.SIP.UpdateSIPOutboundTrunk": sip.UpdateSIPOutboundTrunkRequest,
    "livekit.SIP.ListSIPOutboundTrunk": sip.ListSIPOutboundTrunkRequest,
    "livekit.SIP.DeleteSIPTrunk": sip.DeleteSIPTrunkRequest,
    "livekit.SIP.CreateSIPDispatchRule": sip.CreateSIPDispatchRuleRequest,
    "livekit.SIP.UpdateSIPDispatchRule": sip.UpdateSIPDispatchRuleRequest,
    "livekit.SIP.ListSIPDispatchRule": sip.ListSIPDispatchRuleRequest,
    "livekit.SIP.DeleteSIPDispatchRule": sip.DeleteSIPDispatchRuleRequest,
    "livekit.SIP.CreateSIPParticipant": sip.CreateSIPParticipantRequest,
    "livekit.SIP.TransferSIPParticipant": sip.TransferSIPParticipantRequest,
    "livekit.RoomService.CreateRoom": room.CreateRoomRequest,
    "livekit.RoomService.DeleteRoom": room.DeleteRoomRequest,
    "livekit.RoomService.ListParticipants": room.ListParticipantsRequest,
    "livekit.RoomService.RemoveParticipant": room.RoomParticipantIdentity,
    "livekit.RoomService.UpdateParticipant": room.UpdateParticipantRequest,
    "livekit.AgentDispatchService.CreateDispatch": agent_dispatch.CreateAgentDispatchRequest,
    "livekit.Egress.StartParticipantEgress": egress.ParticipantEgressRequest,
    "livekit.Egress.StartTrackEgress": egress.TrackEgressRequest,
    "livekit.Egress.StopEgress": egress.StopEgressRequest,
    "livekit.Ingress.CreateIngress": ingress.CreateIngressRequest,
    "livekit.Ingress.DeleteIngress": ingress.DeleteIngressRequest,
}

# Claim names LiveKit defines (protocol auth/grants.go json tags, registered JWT claims).
CLAIM_KEYS = {
    "iss", "sub", "nbf", "exp", "iat", "jti", "name", "kind", "kindDetails", "metadata", "attributes", "sha256",
    "roomPreset", "roomConfig", "video", "sip", "agent", "inference", "observability",
}
VIDEO_KEYS = {
    "roomCreate", "roomList", "roomRecord", "roomAdmin", "roomJoin", "room", "canPublish", "canSubscribe",
    "canPublishData", "canPublishSources", "canUpdateOwnMetadata", "ingressAdmin", "hidden", "recorder", "agent",
    "canSubscribeMetrics", "canManageAgentSession", "destinationRoom",
}
SIP_KEYS = {"admin", "call"}


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def artefacts(key):
    return sorted(ORACLE.glob(f"{key}.json")) + sorted(ORACLE.glob(f"{key}.*.json"))


def token_cases():
    files = sorted(ORACLE.glob("tokens*.json"))
    return [(f.name, case) for f in files for case in json.loads(f.read_text())]


# (a) tokens ---------------------------------------------------------------------------------------


def test_token_artefacts_exist():
    assert (ORACLE / "tokens.json").is_file(), f"run `swift test` first: no tokens.json in {ORACLE}"
    assert list(ORACLE.glob("tokens-rpc-*.json")), "no per-RPC tokens captured by the fake"


@pytest.mark.parametrize("source,case", token_cases(), ids=lambda v: v if isinstance(v, str) else v["name"])
def test_official_verifier_reads_our_tokens(source, case):
    claims = api.TokenVerifier(case["api_key"], case["api_secret"]).verify(case["jwt"])
    raw = jwt.decode(case["jwt"], options={"verify_signature": False})
    header = jwt.get_unverified_header(case["jwt"])
    expected = case["expected"]

    assert header == {"alg": "HS256", "typ": "JWT"}
    assert set(raw) <= CLAIM_KEYS, f"unknown claims: {set(raw) - CLAIM_KEYS}"
    assert isinstance(raw["exp"], int) and isinstance(raw["nbf"], int) and raw["iss"] == case["api_key"]
    assert claims.identity == expected.get("sub", "")
    assert claims.name == expected.get("name", "")
    assert claims.metadata == expected.get("metadata", "")
    assert claims.kind == expected.get("kind", "")
    assert claims.attributes == expected.get("attributes", {})
    assert claims.sha256 == expected.get("sha256", "")

    video = expected.get("video", {})
    assert set(raw.get("video", {})) == set(video) and set(video) <= VIDEO_KEYS
    for key, value in video.items():
        assert getattr(claims.video, snake(key)) == value, key

    grant = expected.get("sip", {})
    assert set(raw.get("sip", {})) == set(grant) and set(grant) <= SIP_KEYS
    for key, value in grant.items():
        assert getattr(claims.sip, key) == value, key

    if "roomConfig" in expected:
        strict = json_format.ParseDict(raw["roomConfig"], room.RoomConfiguration(), ignore_unknown_fields=False)
        assert strict == claims.room_config
        assert [a.agent_name for a in claims.room_config.agents] == [a["agentName"] for a in expected["roomConfig"]["agents"]]
        assert claims.room_config.empty_timeout == expected["roomConfig"].get("emptyTimeout", 0)
    else:
        assert "roomConfig" not in raw


# (b) request bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize("rpc", sorted(REQUEST_TYPES))
def test_request_body_parses_strictly(rpc):
    files = artefacts(rpc)
    assert files, f"no artefact for {rpc} in {ORACLE}: did `swift test` run the LiveKit client tests?"
    for path in files:
        message = json_format.Parse(path.read_text(), REQUEST_TYPES[rpc](), ignore_unknown_fields=False)
        assert message.ByteSize() > 0 or rpc.endswith(("ListSIPInboundTrunk", "ListSIPOutboundTrunk", "ListSIPDispatchRule"))


def test_every_artefact_is_a_known_rpc():
    for path in ORACLE.glob("livekit.*.json"):
        key = ".".join(path.name.split(".")[:3])
        assert key in REQUEST_TYPES, f"{path.name}: no request type mapped for {key}"


def test_a_misspelt_key_is_rejected():
    body = json.loads((ORACLE / "livekit.SIP.CreateSIPInboundTrunk.json").read_text())
    body["trunk"]["allowed_adresses"] = body["trunk"].pop("allowed_addresses")
    with pytest.raises(json_format.ParseError):
        json_format.Parse(json.dumps(body), sip.CreateSIPInboundTrunkRequest(), ignore_unknown_fields=False)


def test_the_rich_bodies_carry_what_scaidial_sends():
    inbound = json.loads((ORACLE / "livekit.SIP.CreateSIPInboundTrunk.json").read_text())["trunk"]
    assert {"numbers", "allowed_addresses", "auth_username", "auth_password", "metadata"} <= set(inbound)
    rule = json.loads((ORACLE / "livekit.SIP.CreateSIPDispatchRule.json").read_text())["dispatch_rule"]
    assert list(rule["rule"]) == ["dispatch_rule_individual"] and rule["room_config"]["agents"][0]["agent_name"]
    parsed = json_format.Parse(
        (ORACLE / "livekit.SIP.CreateSIPParticipant.json").read_text(), sip.CreateSIPParticipantRequest()
    )
    assert parsed.ringing_timeout.seconds == 30 and parsed.participant_attributes["scaidial.callID"] == "c1"


def app_body(rpc, tag):
    files = sorted(ORACLE.glob(f"{rpc}.app-{tag}.json"))
    assert files, f"no body of {rpc} from the application's {tag} test in {ORACLE}: did `swift test` run ScaiDialTests?"
    return json.loads(files[0].read_text())


def test_what_the_application_sends_parses_and_means_what_it_should():
    """Bodies captured in ScaiDial's own call-flow tests (not the client's): refer, voicemail, bridge,
    bots, click-to-call — parsed strictly above by test_request_body_parses_strictly, read here."""
    chime = json_format.Parse(json.dumps(app_body("livekit.Ingress.CreateIngress", "refer")), ingress.CreateIngressRequest())
    assert chime.input_type == ingress.IngressInput.URL_INPUT and chime.url.endswith("/media/transfer.wav")
    transfer = json_format.Parse(json.dumps(app_body("livekit.SIP.TransferSIPParticipant", "refer")), sip.TransferSIPParticipantRequest())
    assert transfer.transfer_to.startswith(("sip:", "tel:")) and transfer.participant_identity and transfer.room_name
    greeting = json_format.Parse(json.dumps(app_body("livekit.Ingress.CreateIngress", "voicemail")), ingress.CreateIngressRequest())
    assert greeting.input_type == ingress.IngressInput.URL_INPUT and "/media/greetings/" in greeting.url and "sig=" in greeting.url
    record = json_format.Parse(json.dumps(app_body("livekit.Egress.StartParticipantEgress", "voicemail")), egress.ParticipantEgressRequest())
    assert record.file_outputs[0].file_type == egress.EncodedFileType.OGG and record.file_outputs[0].filepath.endswith(".ogg")
    assert record.identity and record.room_name
    bridge = json_format.Parse(json.dumps(app_body("livekit.SIP.CreateSIPParticipant", "bridge")), sip.CreateSIPParticipantRequest())
    # A bridged forward waits for the far end (livekit-sip answers the caller on the second SIP
    # participant), rings at most 30 s and is bounded by the tenant's max_call_duration.
    assert bridge.sip_call_to.startswith("+") and bridge.wait_until_answered and bridge.sip_trunk_id
    assert bridge.ringing_timeout.seconds == 30 and bridge.max_call_duration.seconds > 0
    dial = json_format.Parse(json.dumps(app_body("livekit.SIP.CreateSIPParticipant", "click-to-call")), sip.CreateSIPParticipantRequest())
    # Click-to-call learns the answer from the dial's return: no webhook tells it (livekit-wire.md §4).
    assert dial.play_dialtone and dial.wait_until_answered and dial.max_call_duration.seconds > 0
    assert dial.ringing_timeout.seconds == 60
    bot = json_format.Parse(json.dumps(app_body("livekit.AgentDispatchService.CreateDispatch", "bot")), agent_dispatch.CreateAgentDispatchRequest())
    assert bot.agent_name == "support-agent" and bot.room


# (c) webhooks -------------------------------------------------------------------------------------
