import Foundation
import LiveKit
import LiveKitFake
import Testing

@Suite("LiveKitClient: rooms, agents, egress and ingress against the fake")
struct ClientRoomTests {
    @Test("rooms and participants: create, list, update, remove, delete")
    func rooms() async throws {
        try await withFake { fake, client in
            let room = try await client.createRoom(MediaFixtures.createRoom)
            #expect(room.sid?.hasPrefix("RM_") == true)
            #expect(room.name == "call-1" && room.emptyTimeout == 120 && room.numParticipants == 0)
            #expect((room.creationTime ?? 0) > 1_700_000_000)
            await fake.addParticipant(
                room: "call-1",
                ParticipantInfo(identity: "pstn-1", name: "Phone", kind: .sip, attributes: ["sip.callID": "SCL_1", "obsolete": "x"]))
            let listed = try await client.listParticipants(room: "call-1")
            #expect(listed.map(\.identity) == ["pstn-1"])
            #expect(listed.first?.state == .active && listed.first?.kind == .sip)
            let updated = try await client.updateParticipant(MediaFixtures.updateParticipant)
            #expect(updated.attributes == ["sip.callID": "SCL_1", "scaidial.leg": "a"])
            #expect(updated.metadata == "{\"state\":\"bridged\"}" && updated.name == "Caller")
            try await client.removeParticipant(room: "call-1", identity: "pstn-1")
            #expect(try await client.listParticipants(room: "call-1").isEmpty)
            try await client.deleteRoom("call-1")
            #expect(await fake.rooms.isEmpty)
            let captured = await fake.requests
            try expectMinimalGrants(captured)
            try Oracle.write(captured)
        }
    }

    @Test("CreateDispatch sends an agent into the room")
    func agentDispatch() async throws {
        try await withFake { fake, client in
            let dispatch = try await client.createDispatch(MediaFixtures.dispatch)
            #expect(dispatch.id?.hasPrefix("AD_") == true)
            #expect(dispatch.agentName == "receptionist" && dispatch.room == "call-1")
            #expect((dispatch.state?.createdAt ?? 0) > 0)
            #expect(await fake.dispatches.count == 1)
            let captured = await fake.requests
            try expectMinimalGrants(captured)
            try Oracle.write(captured)
        }
    }

    @Test("egress: participant and track egress start, stop answers ENDING")
    func egress() async throws {
        try await withFake { fake, client in
            await fake.addParticipant(room: "call-1", ParticipantInfo(identity: "pstn-1"))
            let recording = try await client.startParticipantEgress(MediaFixtures.participantEgress)
            let id = try #require(recording.egressId)
            #expect(id.hasPrefix("EG_") && recording.status == .starting)
            #expect(recording.participant?.fileOutputs?.first?.s3?.bucket == "recordings")
            #expect(recording.track == nil)
            let track = try await client.startTrackEgress(MediaFixtures.trackEgress)
            #expect(track.track?.file?.filepath == "t1/{track_id}.ogg")
            let stopped = try await client.stopEgress(id: id)
            #expect(stopped.status == .ending && stopped.egressId == id)
            let captured = await fake.requests
            try expectMinimalGrants(captured)
            try Oracle.write(captured)
        }
    }

    @Test("ingress: a URL input joins the room as an INGRESS participant; delete removes it")
    func ingress() async throws {
        try await withFake { fake, client in
            let info = try await client.createIngress(MediaFixtures.ingress)
            let id = try #require(info.ingressId)
            #expect(id.hasPrefix("IN_") && info.inputType == .url && info.state?.status == .endpointInactive)
            #expect(await fake.participants(in: "call-1").map(\.kind) == [.ingress])
            let deleted = try await client.deleteIngress(id: id)
            #expect(deleted.ingressId == id)
            #expect(await fake.participants(in: "call-1").isEmpty)
            let captured = await fake.requests
            try expectMinimalGrants(captured)
            try Oracle.write(captured)
        }
    }
}
