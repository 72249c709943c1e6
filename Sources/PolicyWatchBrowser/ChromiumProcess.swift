import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One Chromium process started with `--remote-debugging-pipe`: it reads DevTools commands on its fd 3 and writes
/// answers and events on its fd 4. It runs in a process group of its own (its renderer, GPU and zygote processes
/// with it), is stopped by that group's id (its own PID) and waited for, and its temporary profile is deleted.
///
/// Ownership: this type owns the command pipe end (`commandFD`), the child process and the profile folder; `stop()`
/// releases them, once. The event pipe end (`eventFD`) belongs to the connection's reader thread, which closes it at
/// end of file (the browser's death).
final class ChromiumProcess: @unchecked Sendable {
  let pid: pid_t
  /// We write commands here (the browser's fd 3).
  let commandFD: Int32
  /// We read answers and events here (the browser's fd 4).
  let eventFD: Int32
  let profile: URL
  private let lock = NSLock()
  private var stopped = false

  /// Finds Chromium: `$POLICYWATCH_CHROMIUM`, Debian's binary (not its wrapper script, which reads
  /// `/etc/chromium.d`), then `chromium`, `chromium-browser`, `google-chrome` on PATH.
  static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    let manager = FileManager.default
    if let path = environment["POLICYWATCH_CHROMIUM"], !path.isEmpty {
      return manager.isExecutableFile(atPath: path) ? path : nil
    }
    if manager.isExecutableFile(atPath: "/usr/lib/chromium/chromium") { return "/usr/lib/chromium/chromium" }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
      if let path = which(name, environment: environment) { return path }
    }
    return nil
  }

  static func which(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    for folder in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
      let path = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  /// How the browser will be run: the command line before Chromium's own (`setpriv` to an unprivileged user when
  /// root), and whether Chromium's sandbox is turned off. Decided without starting anything, so it can be tested.
  struct Launch: Equatable {
    var prefix: [String]
    var noSandbox: Bool
    /// The user and group the profile folder must belong to, when the browser runs as another user.
    var owner: (uid: uid_t, gid: gid_t)?

    static func == (lhs: Launch, rhs: Launch) -> Bool {
      lhs.prefix == rhs.prefix && lhs.noSandbox == rhs.noSandbox && lhs.owner?.uid == rhs.owner?.uid
        && lhs.owner?.gid == rhs.owner?.gid
    }
  }

  /// Root cannot run Chromium with its sandbox (Chromium refuses). PolicyWatch never turns the sandbox off on its
  /// own: as root it runs the browser as `user` (default `nobody`) through util-linux's `setpriv`, sandbox on;
  /// only `sandbox: false` in the configuration runs it as root without a sandbox.
  static func plan(isRoot: Bool, sandbox: Bool, user: String, setpriv: String?) throws(BrowserError) -> Launch {
    guard isRoot else { return Launch(prefix: [], noSandbox: !sandbox, owner: nil) }
    if !sandbox { return Launch(prefix: [], noSandbox: true, owner: nil) }
    guard let setpriv else {
      throw .refusedAsRoot(
        "running as root, Chromium's sandbox needs the browser to run as an unprivileged user, and `setpriv` "
          + "(util-linux) is not installed; install it, run PolicyWatch as another user, or set "
          + "\"fetch\": {\"browserSandbox\": false} to run the browser as root without its sandbox")
    }
    guard let entry = getpwnam(user) else {
      throw .refusedAsRoot(
        "running as root, the browser runs as the unprivileged user \"\(user)\", which does not exist; set "
          + "\"fetch\": {\"browserUser\": NAME} to an existing user")
    }
    let uid = entry.pointee.pw_uid
    let gid = entry.pointee.pw_gid
    guard uid != 0 else { throw .refusedAsRoot("the browser user \"\(user)\" is root") }
    return Launch(
      prefix: [setpriv, "--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--"], noSandbox: false,
      owner: (uid, gid))
  }

  static func arguments(noSandbox: Bool, profile: String) -> [String] {
    var arguments = [
      "--headless", "--remote-debugging-pipe", "--user-data-dir=\(profile)", "--no-first-run",
      "--no-default-browser-check", "--disable-gpu", "--disable-extensions", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-breakpad",
      "--disable-crash-reporter", "--disable-dev-shm-usage", "--mute-audio", "--hide-scrollbars",
      "--metrics-recording-only", "--password-store=basic", "--use-mock-keychain",
      "--disable-features=Translate,MediaRouter,OptimizationHints,AutofillServerCommunication",
    ]
    if noSandbox { arguments.append("--no-sandbox") }
    arguments.append("about:blank")
    return arguments
  }

  init(executable: String, launch: Launch) throws(BrowserError) {
    let profilePath = FileManager.default.temporaryDirectory.appendingPathComponent(
      "policywatch-browser-\(getpid())-\(UUID().uuidString.prefix(8))")
    do {
      try FileManager.default.createDirectory(
        at: profilePath, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    } catch {
      throw .launchFailed("cannot create the browser's profile folder \(profilePath.path): \(error)")
    }
    if let owner = launch.owner, chown(profilePath.path, owner.uid, owner.gid) != 0 {
      try? FileManager.default.removeItem(at: profilePath)
      throw .launchFailed("cannot give the profile folder to the browser's user: \(String(cString: strerror(errno)))")
    }
    profile = profilePath
    // Pipe ends are moved above fd 10 and close-on-exec, so that the child sees exactly fds 3 and 4 of them.
    func pipeAbove10() throws(BrowserError) -> (read: Int32, write: Int32) {
      var fds: [Int32] = [0, 0]
      guard pipe(&fds) == 0 else { throw .launchFailed("pipe: \(String(cString: strerror(errno)))") }
      let read = fcntl(fds[0], F_DUPFD_CLOEXEC, 10)
      let write = fcntl(fds[1], F_DUPFD_CLOEXEC, 10)
      close(fds[0])
      close(fds[1])
      guard read >= 0, write >= 0 else { throw .launchFailed("fcntl: \(String(cString: strerror(errno)))") }
      return (read, write)
    }
    let commands: (read: Int32, write: Int32)
    let events: (read: Int32, write: Int32)
    do {
      commands = try pipeAbove10()
      events = try pipeAbove10()
    } catch {
      try? FileManager.default.removeItem(at: profilePath)
      throw error
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, commands.read, 3)
    posix_spawn_file_actions_adddup2(&actions, events.write, 4)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    sigaddset(&defaults, SIGTERM)
    sigaddset(&defaults, SIGINT)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let argv = launch.prefix + [executable] + Self.arguments(noSandbox: launch.noSandbox, profile: profilePath.path)
    let inherited = ProcessInfo.processInfo.environment
    var environment = ["HOME=\(profilePath.path)", "PATH=\(inherited["PATH"] ?? "/usr/bin:/bin")"]
    for key in ["LANG", "LC_ALL", "TZ", "FONTCONFIG_PATH"] {
      if let value = inherited[key] { environment.append("\(key)=\(value)") }
    }
    var child: pid_t = 0
    let status = Self.withCStrings(argv) { cArgv in
      Self.withCStrings(environment) { cEnvironment in
        posix_spawn(&child, argv[0], &actions, &attributes, cArgv, cEnvironment)
      }
    }
    close(commands.read)
    close(events.write)
    guard status == 0 else {
      close(commands.write)
      close(events.read)
      try? FileManager.default.removeItem(at: profilePath)
      throw .launchFailed("cannot run \(argv[0]): \(String(cString: strerror(status)))")
    }
    pid = child
    commandFD = commands.write
    eventFD = events.read
  }

  private static func withCStrings<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
  ) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { for pointer in pointers { free(pointer) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
  }

  /// Whether the process has exited (reaps it when it has).
  var hasExited: Bool {
    lock.withLock {
      if stopped { return true }
      var status: Int32 = 0
      return waitpid(pid, &status, WNOHANG) == pid
    }
  }

  /// Kills the browser's whole process group by its id, waits for the browser, closes the pipes and deletes the
  /// profile. Safe to call more than once.
  func stop() {
    let first = lock.withLock {
      if stopped { return false }
      stopped = true
      return true
    }
    guard first else { return }
    kill(-pid, SIGKILL)
    kill(pid, SIGKILL)
    var status: Int32 = 0
    _ = waitpid(pid, &status, 0)
    close(commandFD)
    try? FileManager.default.removeItem(at: profile)
  }

  deinit { stop() }
}
