import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchAlerts

@Suite("Executable hook channel")
struct ExecutableChannelTests {
  /// Writes an executable `/bin/sh` script into `directory`.
  func script(_ body: String, in directory: URL, name: String = "hook.sh") throws -> String {
    // Written through a close-on-exec descriptor: other tests spawn processes concurrently, and a child that
    // inherited a writable descriptor of the script would make exec fail with ETXTBSY.
    let path = directory.appendingPathComponent(name).path
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
    guard fd >= 0 else { throw PeerError("cannot create \(path)") }
    let bytes = Array(("#!/bin/sh\n" + body + "\n").utf8)
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    guard written == bytes.count else { throw PeerError("cannot write \(path)") }
    return path
  }

  /// Whether `pid` is gone (no such process, or a zombie waiting for its new parent to reap it).
  func isGone(_ pid: pid_t) -> Bool {
    if kill(pid, 0) != 0 && errno == ESRCH { return true }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return true }
    return stat[stat.index(close, offsetBy: 2)] == "Z"
  }

  @Test("the hook gets the event JSON on stdin, argv verbatim (no shell) and POLICYWATCH_* variables")
  func recordsStdinArgumentsAndEnvironment() throws {
    let directory = try makeTemporaryDirectory("hook")
    defer { try? FileManager.default.removeItem(at: directory) }
    let hook = try script(
      """
      cat > "$OUT/stdin"
      for argument in "$@"; do printf '%s\\n' "$argument"; done > "$OUT/argv"
      env | grep '^POLICYWATCH_' | sort > "$OUT/env"
      echo "ignored output"
      """, in: directory)
    let message = sampleMessage(subject: "Change\r\nBcc: x@y.z")
    let channel = ExecutableChannel(
      argv: [hook, "two words", "$HOME;rm -rf /", "--flag=1"], environment: ["OUT": directory.path], timeout: 10)
    let receipt = try channel.send(message)
    #expect(receipt.detail == "exit status 0")

    let stdin = try Data(contentsOf: directory.appendingPathComponent("stdin"))
    #expect(Array(stdin) == message.json)
    let argv = try String(contentsOf: directory.appendingPathComponent("argv"), encoding: .utf8)
    #expect(argv == "two words\n$HOME;rm -rf /\n--flag=1\n")
    let environment = try String(contentsOf: directory.appendingPathComponent("env"), encoding: .utf8)
      .split(separator: "\n").map(String.init)
    #expect(environment.contains("POLICYWATCH_EVENT_ID=\(message.eventID)"))
    #expect(environment.contains("POLICYWATCH_SERVICE=Exämple Social"))
    #expect(environment.contains("POLICYWATCH_DOCUMENT=Privacy Policy"))
    #expect(environment.contains("POLICYWATCH_SUBJECT=Change Bcc: x@y.z"))
    #expect(environment.contains("POLICYWATCH_CATEGORIES=AI training, affiliate sharing"))
  }

  @Test("inheritEnvironment: false passes only the configured and POLICYWATCH_* variables")
  func isolatedEnvironment() throws {
    let directory = try makeTemporaryDirectory("hook")
    defer { try? FileManager.default.removeItem(at: directory) }
    let hook = try script("cat > /dev/null\n/usr/bin/env > \"$OUT/env\"", in: directory)
    // A variable of this test process (PATH, HOME …), read rather than set: setenv would race other tests.
    // (Not one a shell sets itself, like PWD or SHLVL.)
    let shellSet: Set = ["PWD", "OLDPWD", "SHLVL", "_", "OUT", "IFS", "PS1", "PS2", "PS4", "OPTIND"]
    let parent = try #require(
      ProcessInfo.processInfo.environment.keys.sorted().first {
        !$0.hasPrefix("POLICYWATCH_") && !shellSet.contains($0)
      })
    let channel = ExecutableChannel(
      argv: [hook], environment: ["OUT": directory.path], timeout: 10, inheritEnvironment: false)
    try channel.send(sampleMessage())
    let names = try String(contentsOf: directory.appendingPathComponent("env"), encoding: .utf8)
      .split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
    #expect(!names.contains(parent))
    #expect(names.contains("OUT") && names.contains("POLICYWATCH_EVENT_ID"))

    var inheriting = channel
    inheriting.inheritEnvironment = true
    try inheriting.send(sampleMessage())
    let inherited = try String(contentsOf: directory.appendingPathComponent("env"), encoding: .utf8)
      .split(separator: "\n").map { String($0.prefix { $0 != "=" }) }
    #expect(inherited.contains(parent))
  }

  @Test("a non-zero exit is a failed delivery carrying the exit code and stderr")
  func failingHook() throws {
    let directory = try makeTemporaryDirectory("hook")
    defer { try? FileManager.default.removeItem(at: directory) }
    let hook = try script("cat > /dev/null\necho 'mail relay refused the message' >&2\nexit 3", in: directory)
    let error = #expect(throws: AlertDeliveryError.self) {
      try ExecutableChannel(argv: [hook], timeout: 10).send(sampleMessage())
    }
    #expect(error == .hookFailed(program: hook, exitCode: 3, stderr: "mail relay refused the message"))
    #expect(error?.isTransient == true)
  }

  @Test("a hook past its timeout is killed, with the children it started")
  func timeoutKillsTheHook() throws {
    let directory = try makeTemporaryDirectory("hook")
    defer { try? FileManager.default.removeItem(at: directory) }
    let hook = try script(
      """
      echo $$ > "$OUT/pid"
      sleep 30 &
      echo $! > "$OUT/child"
      wait
      """, in: directory)
    let started = ContinuousClock.now
    let error = #expect(throws: AlertDeliveryError.self) {
      try ExecutableChannel(argv: [hook], environment: ["OUT": directory.path], timeout: 1).send(sampleMessage())
    }
    #expect(error == .hookTimedOut(program: hook, seconds: 1))
    #expect(ContinuousClock.now - started < .seconds(5))
    let pid = try #require(
      pid_t(
        String(contentsOf: directory.appendingPathComponent("pid"), encoding: .utf8)
          .trimmingCharacters(in: .whitespacesAndNewlines)))
    let child = try #require(
      pid_t(
        String(contentsOf: directory.appendingPathComponent("child"), encoding: .utf8)
          .trimmingCharacters(in: .whitespacesAndNewlines)))
    var waited = 0
    while !(isGone(pid) && isGone(child)) && waited < 40 {
      usleep(50_000)
      waited += 1
    }
    #expect(isGone(pid), "the hook (pid \(pid)) is still running")
    #expect(isGone(child), "the hook's child (pid \(child)) is still running")
  }

  @Test("a hook that exits without reading a large input neither hangs nor kills PolicyWatch (SIGPIPE)")
  func hookIgnoringStdin() throws {
    var message = sampleMessage()
    message.json = Array(repeating: UInt8(ascii: "x"), count: 4 << 20)
    let receipt = try ExecutableChannel(argv: ["true"], timeout: 10).send(message)
    #expect(receipt.detail == "exit status 0")
  }

  @Test("a program that does not exist, or no program: invalid configuration")
  func missingProgram() {
    for argv in [["/nonexistent/policywatch-hook"], ["policywatch-no-such-hook-xyz"], []] {
      let error = #expect(throws: AlertDeliveryError.self) {
        try ExecutableChannel(argv: argv, timeout: 5).send(sampleMessage())
      }
      guard case .invalidConfiguration = error else {
        Issue.record("expected .invalidConfiguration for \(argv), got \(String(describing: error))")
        continue
      }
    }
  }
}
