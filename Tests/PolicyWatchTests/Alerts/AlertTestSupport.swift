import Foundation
import PolicyWatchTestSupport

@testable import PolicyWatchAlerts

/// A Python peer (smtp_server.py, http_sink.py) started by a test: it binds 127.0.0.1 on a free port, prints the
/// port, and writes what it receives as JSON files into `captureDirectory`. Stopped by its PID (SIGTERM, then
/// reaped) in `stop()` / `deinit`; the scripts also exit on their own when the test process dies.
final class PythonPeer {
  let process = Process()
  let port: Int
  let captureDirectory: URL

  /// `Tests/Servers/<name>`.
  static func script(_ name: String) -> URL {
    TestPaths.servers.appendingPathComponent(name)
  }

  /// A Python 3 that can import `module`: Debian's /usr/bin/python3 first (python3-aiosmtpd installs there),
  /// then the one in PATH.
  static func python(importing module: String) throws -> String {
    for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "python3"] {
      let probe = Process()
      probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      probe.arguments = [candidate, "-c", "import \(module)"]
      probe.standardOutput = FileHandle.nullDevice
      probe.standardError = FileHandle.nullDevice
      guard (try? probe.run()) != nil else { continue }
      probe.waitUntilExit()
      if probe.terminationStatus == 0 { return candidate }
    }
    throw PeerError("no python3 can import \(module) (apt-get install -y python3-aiosmtpd)")
  }

  init(script name: String, module: String = "json", arguments: [String] = []) throws {
    captureDirectory = try makeTemporaryDirectory("peer")
    let python = try Self.python(importing: module)
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      [python, Self.script(name).path, "--capture-dir", captureDirectory.path] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    // The first line is the port. `availableData` returns empty data at EOF, so this loop ends if the peer dies.
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = output.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line.append(chunk)
    }
    guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    else {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      throw PeerError("\(name) did not print its port (got \(String(decoding: line, as: UTF8.self)))")
    }
    self.port = port
  }

  /// SIGTERM to the peer's PID, SIGKILL if it is still there after 2 s, then reap it.
  func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGTERM)
    for _ in 0..<40 where process.isRunning { usleep(50_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
  }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: captureDirectory)
  }

  /// The captured JSON records, oldest first.
  func captured<Record: Decodable>(_ type: Record.Type) throws -> [Record] {
    let names = try FileManager.default.contentsOfDirectory(atPath: captureDirectory.path)
      .filter { $0.hasSuffix(".json") }.sorted()
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try names.map {
      try decoder.decode(type, from: Data(contentsOf: captureDirectory.appendingPathComponent($0)))
    }
  }
}

struct PeerError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// A message as smtp_server.py saw it (parsed by Python's `email` package).
struct CapturedMail: Decodable {
  struct Part: Decodable {
    let contentType: String
    let charset: String?
    let transferEncoding: String?
    let content: String
  }
  let mailFrom: String
  let rcptTos: [String]
  let tls: Bool
  let authenticated: Bool
  let login: String?
  let raw: String
  let headers: [[String]]
  let subject: String
  let contentType: String
  let defects: [String]
  let parts: [Part]

  func header(_ name: String) -> [String] {
    headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
  }
}

/// A request as http_sink.py saw it.
struct CapturedRequest: Decodable {
  let method: String
  let path: String
  let headers: [[String]]
  let body: String
  let status: Int

  func header(_ name: String) -> String? {
    headers.first { $0[0].lowercased() == name.lowercased() }?[1]
  }
}

func makeTemporaryDirectory(_ label: String) throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("policywatch-alerts-\(label)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// A port nothing listens on: a peer's port after the peer has been stopped.
func closedPort() throws -> Int {
  let peer = try PythonPeer(script: "http_sink.py")
  let port = peer.port
  peer.stop()
  return port
}

/// An event as the alert layer receives it, written for these tests.
func sampleMessage(
  eventID: String = "evt-2024-09-19-linkedin-privacy", service: String = "Exämple Social",
  document: String = "Privacy Policy", categories: [String] = ["AI training", "affiliate sharing"],
  subject: String? = nil, text: String? = nil
) -> AlertMessage {
  let body =
    text ?? """
      New data-use language in \(service) \u{2013} \(document)
      First seen: 2024-09-19 06:00 UTC. Declared effective date: 2024-09-18.
      .
      .a line that starts with a dot
      + We may use your personal data to develop and train artificial intelligence models, including models \
      that generate content, and we share the results with our affiliates.
      Ünïcödé: “quotes”, naïve café, 日本語のテキスト, emoji 🙂
      """
  return AlertMessage(
    eventID: eventID,
    subject: subject ?? AlertMessage.defaultSubject(service: service, document: document, categories: categories),
    text: body,
    html: "<html><body><p>New: <mark>train artificial intelligence models</mark></p>\n<p>.</p>\n</body></html>",
    json: Array(#"{"event":"\#(eventID)","service":"\#(service)","categories":["AI training"]}"#.utf8),
    service: service, document: document, categories: categories)
}

/// A self-signed certificate for 127.0.0.1 made with the openssl command line: (certificate, key) paths.
func makeSelfSignedCertificate(in directory: URL) throws -> (String, String) {
  let cert = directory.appendingPathComponent("cert.pem").path
  let key = directory.appendingPathComponent("key.pem").path
  let openssl = Process()
  openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  openssl.arguments = [
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
  ]
  openssl.standardOutput = FileHandle.nullDevice
  openssl.standardError = FileHandle.nullDevice
  try openssl.run()
  openssl.waitUntilExit()
  guard openssl.terminationStatus == 0 else { throw PeerError("openssl req failed") }
  return (cert, key)
}
