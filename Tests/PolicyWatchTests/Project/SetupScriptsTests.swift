import Foundation
import PolicyWatchTestSupport
import Testing

/// The two commands at the top of the README set a fresh machine up themselves: they are run here on a "fresh
/// machine" made of stand-ins put first on PATH (`dpkg-query` that knows no package, `apt-get` and `swift` that
/// record how they were called, a `policywatch` that echoes its arguments), so no package is really installed.
@Suite("Set-up scripts")
struct SetupScriptsTests {
  /// The shell lines of the README's first code block.
  static func readmeCommands() throws -> [String] {
    let readme = try String(
      contentsOf: TestPaths.repository.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "```sh\n"))
    let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
    return readme[start.upperBound..<end.lowerBound].split(separator: "\n").map {
      String($0.split(separator: "#", maxSplits: 1)[0]).trimmingCharacters(in: .whitespaces)
    }
  }

  @Test("the README starts with the set-up-and-run command and the test command, and .ci/run runs the latter")
  func readmeTopAndCI() throws {
    let commands = try Self.readmeCommands()
    #expect(commands == ["Scripts/setup-and-run.sh", "Scripts/test.sh"])
    let ci = try String(contentsOf: TestPaths.repository.appendingPathComponent(".ci/run"), encoding: .utf8)
    let lines = ci.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    #expect(lines.contains(commands[1]), "\(ci)")
    // No second copy of the test command or of the package list in .ci/run.
    #expect(!lines.contains { $0.hasPrefix("swift test") || $0.contains("apt-get") })
  }

  /// Every Debian package Package.swift names as a system library's provider is in the build list.
  @Test func buildListCoversPackageSwift() throws {
    let manifest = try String(
      contentsOf: TestPaths.repository.appendingPathComponent("Package.swift"), encoding: .utf8)
    let providers = manifest.matches(of: /\.apt\(\["([^"]+)"\]\)/).map { String($0.output.1) }
    #expect(providers.count >= 4)
    let fake = try FreshMachine()
    let result = try fake.run("Scripts/install-dependencies.sh", ["build"])
    #expect(result.status == 0, "\(result.output)")
    let install = try #require(fake.calls("apt-get").first { $0.hasPrefix("install") })
    for package in providers + ["pkg-config"] { #expect(install.split(separator: " ").contains(Substring(package))) }
    #expect(fake.calls("apt-get").first == "update")
  }

  @Test("on a fresh machine the test command installs the test packages too, then runs swift test")
  func testCommandOnAFreshMachine() throws {
    let fake = try FreshMachine()
    let result = try fake.run("Scripts/test.sh", ["--filter", "Something"])
    #expect(result.status == 0, "\(result.output)")
    let install = try #require(fake.calls("apt-get").first { $0.hasPrefix("install") })
    for package in ["libcurl4-openssl-dev", "libzstd-dev", "python3-aiosmtpd", "tmux", "jing"] {
      #expect(install.split(separator: " ").contains(Substring(package)), "\(install)")
    }
    #expect(fake.calls("swift").contains("test --filter Something"))
  }

  @Test("the set-up-and-run command installs, builds and runs policywatch log on the bundled store")
  func setupAndRunOnAFreshMachine() throws {
    let fake = try FreshMachine()
    let result = try fake.run("Scripts/setup-and-run.sh", [])
    #expect(result.status == 0, "\(result.output)")
    #expect(fake.calls("apt-get").contains { $0.contains("libcurl4-openssl-dev") && $0.contains("libzstd-dev") })
    #expect(fake.calls("swift").first == "build --product policywatch")
    #expect(result.output.contains("policywatch ran: log --store Snapshots"), "\(result.output)")
    // Nothing is installed twice: with every package present, apt-get is not called.
    let installed = try FreshMachine(installed: true)
    #expect(try installed.run("Scripts/setup-and-run.sh", ["fsck"]).output.contains("policywatch ran: fsck"))
    #expect(installed.calls("apt-get").isEmpty)
  }
}

/// Stand-ins for a fresh Debian machine, first on PATH.
final class FreshMachine {
  let directory = TemporaryDirectory("fresh")
  var bin: String { directory.path + "/bin" }
  var log: String { directory.path + "/calls" }

  init(installed: Bool = false) throws {
    try FileManager.default.createDirectory(atPath: bin + "/built", withIntermediateDirectories: true)
    let status = installed ? "printf 'install ok installed'" : "exit 1"
    try write("dpkg-query", "#!/bin/sh\n\(status)\n")
    try write("apt-get", "#!/bin/sh\necho \"apt-get $*\" >> '\(log)'\n")
    try write(
      "swift",
      """
      #!/bin/sh
      echo "swift $*" >> '\(log)'
      if [ "$*" = "build --show-bin-path" ]; then echo '\(bin)/built'; fi
      exit 0

      """)
    try write("built/policywatch", "#!/bin/sh\necho \"policywatch ran: $*\"\n")
  }

  private func write(_ name: String, _ text: String) throws {
    let path = bin + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
  }

  /// The recorded calls of one stand-in, without its name.
  func calls(_ program: String) -> [String] {
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { $0.hasPrefix(program + " ") }.map {
      String($0.dropFirst(program.count + 1))
    }
  }

  func run(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = TestPaths.repository.appendingPathComponent(script)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    // python3 -c 'import aiosmtpd' runs for real; pip is never needed where the tests run.
    process.environment = environment
    let ran = try ChildProcess.run(process, separateStandardError: false)
    return (ran.status, String(decoding: ran.standardOutput, as: UTF8.self))
  }
}
