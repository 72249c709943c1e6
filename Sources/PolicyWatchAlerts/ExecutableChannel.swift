import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// Runs a program for each alert: no shell, `argv` as given (argv[0] searched in PATH when it has no '/'), the
/// event JSON on stdin, and these environment variables on top of PolicyWatch's own environment and
/// `environment`: `POLICYWATCH_EVENT_ID`, `POLICYWATCH_SERVICE`, `POLICYWATCH_DOCUMENT`, `POLICYWATCH_SUBJECT`,
/// `POLICYWATCH_CATEGORIES` (comma-separated), each made single-line so a hook that writes them into mail headers
/// cannot be tricked into header injection.
///
/// Exit status 0 is a delivery; anything else, or running past `timeout`, is a failure. The hook runs in its own
/// process group (its PID is the group id): on timeout that group gets SIGTERM, then SIGKILL one second later,
/// so a shell script's children (`sleep`, `curl` …) die with it.
///
/// Stdin is one end of a socketpair rather than a pipe, written with MSG_NOSIGNAL: a hook that exits without
/// reading its input cannot kill PolicyWatch with SIGPIPE, and no process-wide signal setting is changed.
public struct ExecutableChannel: Sendable {
  public var argv: [String]
  /// Extra environment variables (they override PolicyWatch's own, the POLICYWATCH_* ones override them).
  public var environment: [String: String]
  /// Seconds the hook may run.
  public var timeout: Double
  /// Whether the hook inherits PolicyWatch's environment (PATH, HOME …, but also any secret kept there, such as
  /// an SMTP password variable). When false it gets only `environment` and the POLICYWATCH_* variables.
  public var inheritEnvironment: Bool
  /// Variables never passed on, even when inherited: the configuration puts here every variable it reads a secret
  /// from (`passwordEnv`, `bearerTokenEnv` …), so a hook does not get the SMTP password.
  public var withheldEnvironment: Set<String> = []

  public init(
    argv: [String], environment: [String: String] = [:], timeout: Double = 60, inheritEnvironment: Bool = true
  ) {
    self.argv = argv
    self.environment = environment
    self.timeout = timeout
    self.inheritEnvironment = inheritEnvironment
  }

  /// Checks the settings without running anything.
  public func validate() throws(AlertDeliveryError) {
    guard let program = argv.first, !program.isEmpty else { throw .invalidConfiguration("the hook has no program") }
    guard !argv.contains(where: { $0.utf8.contains(0) }), !environment.contains(where: { $0.key.contains("=") }) else {
      throw .invalidConfiguration("hook \(program): NUL in an argument or '=' in an environment variable name")
    }
    guard timeout > 0 else { throw .invalidConfiguration("hook \(program): timeout must be positive") }
  }

  /// The environment the hook gets for `message`.
  public func hookEnvironment(for message: AlertMessage) -> [String: String] {
    var result = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
    for name in withheldEnvironment { result[name] = nil }
    result.merge(environment) { _, new in new }
    result["POLICYWATCH_EVENT_ID"] = singleLine(message.eventID)
    result["POLICYWATCH_SERVICE"] = singleLine(message.service)
    result["POLICYWATCH_DOCUMENT"] = singleLine(message.document)
    result["POLICYWATCH_SUBJECT"] = singleLine(message.subject)
    result["POLICYWATCH_CATEGORIES"] = message.categories.map(singleLine).joined(separator: ", ")
    return result
  }

  /// Runs the hook once with `message.json` on stdin.
  @discardableResult
  public func send(_ message: AlertMessage) throws(AlertDeliveryError) -> AlertDeliveryReceipt {
    try validate()
    let program = argv[0]
    let child = try HookProcess.spawn(argv: argv, environment: hookEnvironment(for: message))
    let outcome = child.run(input: message.json, timeout: timeout)
    switch outcome {
    case .exited(0): return AlertDeliveryReceipt(attempts: 1, detail: "exit status 0")
    case .exited(let code): throw .hookFailed(program: program, exitCode: code, stderr: child.stderrTail)
    case .timedOut: throw .hookTimedOut(program: program, seconds: timeout)
    }
  }
}

/// One running hook and the parent's ends of its stdin/stdout/stderr. Owns those descriptors; closes them all
/// before `run` returns. The child is always reaped by `run`.
final class HookProcess {
  let pid: pid_t
  let program: String
  private var stdinFD: Int32
  private var outputFDs: [Int32]
  private var stderrBytes: [UInt8] = []
  private static let keptOutput = 4096

  enum Outcome: Equatable {
    case exited(Int32)
    case timedOut
  }

  private init(pid: pid_t, program: String, stdinFD: Int32, stdoutFD: Int32, stderrFD: Int32) {
    self.pid = pid
    self.program = program
    self.stdinFD = stdinFD
    self.outputFDs = [stdoutFD, stderrFD]
  }

  /// The end of the hook's stderr (at most 4 KiB), trimmed: the reason a failed hook gives.
  var stderrTail: String {
    String(decoding: stderrBytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  static func spawn(argv: [String], environment: [String: String]) throws(AlertDeliveryError) -> HookProcess {
    let program = argv[0]
    // Every descriptor is created close-on-exec, atomically (SOCK_CLOEXEC: no other thread's fork can inherit
    // it); posix_spawn's dup2 gives the child its copies as 0, 1, 2. Socketpairs rather than pipes: Glibc's
    // Swift module has no pipe2, and send(MSG_NOSIGNAL) needs a socket.
    var input: [Int32] = [-1, -1]
    var output: [Int32] = [-1, -1]
    var errors: [Int32] = [-1, -1]
    let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    guard socketpair(AF_UNIX, streamType, 0, &input) == 0, socketpair(AF_UNIX, streamType, 0, &output) == 0,
      socketpair(AF_UNIX, streamType, 0, &errors) == 0
    else {
      let reason = String(cString: strerror(errno))
      for fd in input + output + errors where fd >= 0 { close(fd) }
      throw .invalidConfiguration("hook \(program): socketpair failed: \(reason)")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input[1], 0)
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errors[1], 2)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Own process group (pgid = pid) so a timeout can stop the hook's children too; default signal handling
    // and an empty mask, whatever PolicyWatch itself ignores or blocks (SIG_IGN would survive exec).
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    posix_spawnattr_setpgroup(&attributes, 0)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)

    let cArguments = argv.map { strdup($0) } + [nil]
    let cEnvironment = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in cArguments + cEnvironment { free(pointer) }
    }
    var pid: pid_t = 0
    let result =
      program.contains("/")
      ? posix_spawn(&pid, program, &actions, &attributes, cArguments, cEnvironment)
      : posix_spawnp(&pid, program, &actions, &attributes, cArguments, cEnvironment)
    close(input[1])
    close(output[1])
    close(errors[1])
    guard result == 0 else {
      close(input[0])
      close(output[0])
      close(errors[0])
      let reason = "cannot be started: \(String(cString: strerror(result)))"
      // A missing or non-executable program needs a person; anything else (ETXTBSY, EAGAIN, ENOMEM) may pass.
      if [ENOENT, EACCES, ENOEXEC, ENOTDIR, ELOOP, ENAMETOOLONG].contains(result) {
        throw .invalidConfiguration("hook \(program) \(reason)")
      }
      throw .hookFailed(program: program, exitCode: -1, stderr: reason)
    }
    for fd in [input[0], output[0], errors[0]] {
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }
    return HookProcess(pid: pid, program: program, stdinFD: input[0], stdoutFD: output[0], stderrFD: errors[0])
  }

  /// Feeds `input`, drains stdout (discarded) and stderr (kept), and waits for the exit or the deadline.
  /// One poll loop, woken at least every 50 ms to check the child with `waitpid(WNOHANG)`; after the child exits,
  /// output still held open by its own children is read for at most 0.5 s more.
  func run(input: [UInt8], timeout: Double) -> Outcome {
    let clock = ContinuousClock()
    let deadline = clock.now + .milliseconds(Int64(timeout * 1000))
    var written = 0
    var exitStatus: Int32?
    var drainDeadline: ContinuousClock.Instant?
    defer { closeAll() }
    if input.isEmpty { closeStdin() }
    while true {
      if exitStatus == nil {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
          exitStatus = Self.exitCode(status)
          drainDeadline = clock.now + .milliseconds(500)
          closeStdin()
        }
      }
      if exitStatus != nil && (outputFDs.isEmpty || clock.now >= drainDeadline!) { break }
      if exitStatus == nil && clock.now >= deadline {
        terminate()
        return .timedOut
      }
      var fds: [pollfd] = []
      if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
      for fd in outputFDs { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
      _ = poll(&fds, nfds_t(fds.count), 50)
      for entry in fds where entry.revents != 0 {
        if entry.fd == stdinFD {
          written = writeInput(input, from: written)
        } else {
          readOutput(entry.fd)
        }
      }
    }
    return .exited(exitStatus ?? -1)
  }

  /// Sends the next part of the input; closes stdin when done or when the hook closed its end.
  private func writeInput(_ input: [UInt8], from offset: Int) -> Int {
    let sent = input.withUnsafeBytes { bytes in
      send(stdinFD, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
    }
    if sent < 0 {
      if errno != EAGAIN && errno != EINTR { closeStdin() }  // EPIPE, ECONNRESET: the hook stopped reading
      return offset
    }
    if offset + sent >= input.count { closeStdin() }
    return offset + sent
  }

  private func readOutput(_ fd: Int32) {
    var buffer = [UInt8](repeating: 0, count: 16_384)
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if count > 0 {
      if fd == outputFDs.last {
        stderrBytes += buffer[..<count]
        if stderrBytes.count > Self.keptOutput { stderrBytes.removeFirst(stderrBytes.count - Self.keptOutput) }
      }
    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
      close(fd)
      outputFDs.removeAll { $0 == fd }
    }
  }

  /// SIGTERM to the hook's process group (and the hook itself, should it have left the group), SIGKILL after one
  /// second if it is still there, then reap it.
  private func terminate() {
    kill(-pid, SIGTERM)
    kill(pid, SIGTERM)
    var status: Int32 = 0
    for _ in 0..<20 {
      if waitpid(pid, &status, WNOHANG) == pid {
        kill(-pid, SIGKILL)  // children of the hook that outlived it
        return
      }
      usleep(50_000)
    }
    kill(-pid, SIGKILL)
    kill(pid, SIGKILL)
    _ = waitpid(pid, &status, 0)
  }

  private func closeStdin() {
    if stdinFD >= 0 {
      close(stdinFD)
      stdinFD = -1
    }
  }

  private func closeAll() {
    closeStdin()
    for fd in outputFDs { close(fd) }
    outputFDs = []
  }

  /// The exit code of a `waitpid` status; 128 + the signal number when the hook was killed by a signal.
  static func exitCode(_ status: Int32) -> Int32 {
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }
}
