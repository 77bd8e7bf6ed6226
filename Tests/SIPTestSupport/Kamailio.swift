import Foundation

/// A real Kamailio registrar with digest authentication, started in the foreground with its
/// configuration, runtime directory and control socket in a temporary directory.
public final class Kamailio: Sendable {
    public let port: Int
    /// The TLS listener's port (`start(tls: true)`), and its self-signed certificate (PEM) for
    /// the client to trust; the certificate names `localhost` and `127.0.0.1`.
    public let tlsPort: Int?
    public let directory: URL
    private let process: ExternalProcess

    /// `users` are the accounts it knows (in an `htable`, no database); `algorithm` is the
    /// digest algorithm of its challenges (`MD5` or `SHA-256`).
    public static func start(
        users: [String: String], algorithm: String = "MD5", minExpires: Int = 1, tls: Bool = false
    ) async throws
        -> Kamailio
    {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kamailio-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if tls {
            let (status, output) = try await ExternalProcess.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", directory.appendingPathComponent("key.pem").path, "-out", directory.appendingPathComponent("cert.pem").path,
                ], timeout: .seconds(30))
            guard status == 0 else { throw SIPTestFailure("openssl failed: \(output)") }
        }
        for attempt in 0..<3 {
            let port = try freePort()
            let tlsPort = tls ? try freePort() : nil
            let config = Self.config(
                port: port, tlsPort: tlsPort, directory: directory, users: users, algorithm: algorithm, minExpires: minExpires)
            let path = directory.appendingPathComponent("kamailio.cfg")
            try config.write(to: path, atomically: true, encoding: .utf8)
            let process = try ExternalProcess(
                "/usr/sbin/kamailio",
                ["-f", path.path, "-DD", "-E", "-m", "32", "-M", "4", "-Y", directory.path, "-w", directory.path],
                output: directory.appendingPathComponent("kamailio-\(attempt).log"))
            let k = Kamailio(port: port, tlsPort: tlsPort, directory: directory, process: process)
            do {
                try await waitUntil("Kamailio answers on its control socket", timeout: .seconds(10)) {
                    guard process.isRunning else { throw SIPTestFailure("Kamailio exited:\n\(process.log)") }
                    guard isBound(port: port, udp: true), isBound(port: port, udp: false),
                        tlsPort.map({ isBound(port: $0, udp: false) }) != false
                    else { return false }
                    return (try? await k.kamcmd("core.version")) != nil
                }
                return k
            } catch {
                process.stop()
                if attempt == 2 || !process.log.contains("bind") { throw error }
            }
        }
        throw SIPTestFailure("Kamailio did not start")
    }

    private init(port: Int, tlsPort: Int?, directory: URL, process: ExternalProcess) {
        self.port = port
        self.tlsPort = tlsPort
        self.directory = directory
        self.process = process
    }

    /// Runs `kamcmd` against this instance's control socket.
    public func kamcmd(_ args: String...) async throws -> String {
        let (status, text) = try await ExternalProcess.run(
            "/usr/sbin/kamcmd", ["-s", "unix:" + directory.appendingPathComponent("ctl.sock").path] + args)
        guard status == 0 else { throw SIPTestFailure("kamcmd \(args) failed: \(text)") }
        return text
    }

    /// The registrations Kamailio holds (`ul.dump`), one dictionary of fields per contact.
    public func contacts() async throws -> [[String: String]] {
        var out: [[String: String]] = []
        var current: [String: String]?
        var aor = ""
        for raw in try await kamcmd("ul.dump").split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("AoR:") { aor = String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces) }
            if line.hasPrefix("Contact: {") {
                current = ["AoR": aor]
            } else if line == "}", let c = current {
                out.append(c)
                current = nil
            } else if current != nil, let colon = line.firstIndex(of: ":") {
                current![String(line[..<colon])] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
        }
        return out
    }

    /// What the script logged for every request it received (`RECEIVED …` lines), a UDP
    /// retransmission (the same `Via`, so the same branch) counted once: on a loaded machine an
    /// answer can take longer than T1.
    public var received: [String] {
        var seen = Set<String>()
        return process.log.split(separator: "\n").filter { $0.contains("RECEIVED ") }.map(String.init).filter { line in
            let branch = line.range(of: "branch=").map { String(line[$0.upperBound...].prefix { $0 != " " && $0 != ";" }) } ?? line
            return seen.insert(branch).inserted
        }
    }

    public var log: String { process.log }

    public func stop() {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    public var certificate: URL { directory.appendingPathComponent("cert.pem") }

    public static func config(
        port: Int, tlsPort: Int?, directory: URL, users: [String: String], algorithm: String, minExpires: Int
    )
        -> String
    {
        let userLines = users.map { "    $sht(users=>\($0.key)) = \"\($0.value)\";" }.joined(separator: "\n")
        var tls = ""
        if let tlsPort {
            let tlsConfig = """
                [server:default]
                method = TLSv1.2+
                verify_certificate = no
                require_certificate = no
                private_key = \(directory.appendingPathComponent("key.pem").path)
                certificate = \(directory.appendingPathComponent("cert.pem").path)

                """
            try? tlsConfig.write(to: directory.appendingPathComponent("tls.cfg"), atomically: true, encoding: .utf8)
            tls = """
                enable_tls=yes
                listen=tls:127.0.0.1:\(tlsPort)
                loadmodule "/usr/lib/x86_64-linux-gnu/kamailio/modules/tls.so"
                modparam("tls", "config", "\(directory.appendingPathComponent("tls.cfg").path)")
                """
        }
        return """
            #!KAMAILIO
            debug=2
            log_stderror=yes
            children=2
            tcp_children=2
            auto_aliases=no
            listen=udp:127.0.0.1:\(port)
            listen=tcp:127.0.0.1:\(port)
            \(tls)
            mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
            loadmodule "kex.so"
            loadmodule "tm.so"
            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "maxfwd.so"
            loadmodule "textops.so"
            loadmodule "siputils.so"
            loadmodule "xlog.so"
            loadmodule "usrloc.so"
            loadmodule "registrar.so"
            loadmodule "auth.so"
            loadmodule "htable.so"
            loadmodule "ctl.so"
            modparam("ctl", "binrpc", "unix:\(directory.appendingPathComponent("ctl.sock").path)")
            modparam("htable", "htable", "users=>size=4;")
            modparam("registrar", "min_expires", \(minExpires))
            modparam("usrloc", "db_mode", 0)
            modparam("auth", "algorithm", "\(algorithm)")

            event_route[htable:mod-init] {
            \(userLines)
            }

            request_route {
                xlog("L_NOTICE", "RECEIVED $rm from=$fu callid=$ci cseq=$cs expires=$hdr(Expires) contact=$ct via=$hdr(Via) auth=[$hdr(Authorization)] proto=$pr\\n");
                if (!is_method("REGISTER")) { sl_send_reply("405", "Method Not Allowed"); exit; }
                $var(pw) = $sht(users=>$fU);
                if ($var(pw) == $null) { $var(pw) = "no such user"; }
                if (!pv_auth_check("$fd", "$var(pw)", "0", "1")) {
                    auth_challenge("$fd", "1");
                    exit;
                }
                if (!save("location")) { sl_reply_error(); }
                exit;
            }
            """
    }
}
