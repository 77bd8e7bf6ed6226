// The fake LiveKit server as a standalone process, for tests that run the real `scaidial` binary
// (the browser tests). Prints `LIVEKIT_URL=http://127.0.0.1:<port>` once it listens, then takes
// commands on standard input, one per line, answering each with one line:
//
//   fail <Method> sip <code> <reason…>      the next <Method> fails like a carrier refusal (Twirp + SIP meta)
//   fail <Method> unavailable                the next <Method> answers 503 `unavailable`
//   fail <Method> status <http> <code> <msg…> the next <Method> answers this Twirp error
//   delay <Method> <ms>                      the next <Method> answers after this long
//   requests <Method>                        -> `requests <JSON array of the request bodies>`
//   rooms                                    -> `rooms <JSON array of room names>`
//   join <room> <identity> <callStatus>      a SIP caller in <room>, as livekit-sip puts it there
//   callee <number> answers|busy|declines|no-answer|rings
//                                            how the far end of a dial to <number> behaves from now on
//   answer <room> <identity>                 the far end of a ringing dial picks up
//   publish <room> <identity>                <identity> publishes its microphone (a browser's audio)
//   ingresses / egresses                      -> `ingresses|egresses <JSON array of their ids>`
//   quit
//
// Credentials: LIVEKIT_API_KEY / LIVEKIT_API_SECRET (the fake's defaults when unset).
import Foundation
import LiveKit
import LiveKitFake

@MainActor
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func run(_ command: String, on fake: FakeLiveKit) async -> String {
    let words = command.split(separator: " ").map(String.init)
    guard let verb = words.first else { return "error empty command" }
    switch (verb, words.count) {
    case ("fail", 3...) where words[2] == "unavailable":
        await fake.fail(words[1], with: .unavailable)
    case ("fail", 5...) where words[2] == "sip":
        guard let code = Int(words[3]) else { return "error bad SIP code" }
        await fake.fail(words[1], with: .sip(code: code, status: words[4...].joined(separator: " ")))
    case ("fail", 6...) where words[2] == "status":
        guard let status = Int(words[3]) else { return "error bad HTTP status" }
        await fake.fail(words[1], with: .status(status, code: words[4], message: words[5...].joined(separator: " ")))
    case ("delay", 3):
        guard let ms = Int(words[2]) else { return "error bad delay" }
        await fake.fail(words[1], with: .delay(.milliseconds(ms)))
    case ("requests", 2):
        let bodies = await fake.requests(words[1]).map { String(decoding: $0.body, as: UTF8.self) }
        return "requests [" + bodies.joined(separator: ",") + "]"
    case ("join", 4):
        await fake.addParticipant(
            room: words[1], ParticipantInfo(identity: words[2], kind: .sip, attributes: ["sip.callStatus": words[3]]))
    case ("callee", 3):
        let behaviours: [String: FakeLiveKit.Callee] = [
            "answers": .answers, "busy": .busy, "declines": .declines, "no-answer": .noAnswer, "rings": .rings,
        ]
        guard let behaviour = behaviours[words[2]] else { return "error unknown callee behaviour \(words[2])" }
        await fake.setCallee(words[1], behaviour)
    case ("answer", 3):
        await fake.answerCallee(room: words[1], identity: words[2])
    case ("publish", 3):
        await fake.publishAudio(room: words[1], identity: words[2])
    case ("ingresses", 1):
        let ids = await fake.ingresses.compactMap(\.ingressId)
        return "ingresses " + String(decoding: try! JSONEncoder().encode(ids), as: UTF8.self)
    case ("egresses", 1):
        let ids = await fake.egresses.compactMap(\.egressId)
        return "egresses " + String(decoding: try! JSONEncoder().encode(ids), as: UTF8.self)
    case ("rooms", 1):
        let names = await fake.rooms.compactMap(\.name)
        return "rooms " + String(decoding: try! JSONEncoder().encode(names), as: UTF8.self)
    default:
        return "error unknown command: \(command)"
    }
    return "ok"
}

let env = ProcessInfo.processInfo.environment
let fake =
    switch (env["LIVEKIT_API_KEY"], env["LIVEKIT_API_SECRET"]) {
    case let (key?, secret?): FakeLiveKit(apiKey: key, apiSecret: secret)
    default: FakeLiveKit()
    }
let credentials = try await fake.start()
await say("LIVEKIT_URL=\(credentials.url)")

// Standard input is read on a thread of its own: a blocking read must not hold one of the few
// threads the server's tasks run on.
let commands = AsyncStream<String> { continuation in
    Thread {
        while let line = readLine() { continuation.yield(line.trimmingCharacters(in: .whitespaces)) }
        continuation.finish()
    }.start()
}
for await command in commands {
    if command == "quit" { break }
    if command.isEmpty { continue }
    await say(await run(command, on: fake))
}
await fake.stop()
