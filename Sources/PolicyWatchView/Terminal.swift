import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard output as the viewer sees it: whether it is a terminal, its size, and the pager.
public enum Terminal {
  public static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Columns and rows of the terminal on standard output (`COLUMNS`/`LINES` win when set), nil when not a terminal.
  public static func size(environment: [String: String] = ProcessInfo.processInfo.environment) -> (
    columns: Int, rows: Int
  )? {
    var columns = environment["COLUMNS"].flatMap { Int($0) }
    var rows = environment["LINES"].flatMap { Int($0) }
    var window = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0 {
      columns = columns ?? Int(window.ws_col)
      rows = rows ?? Int(window.ws_row)
    }
    guard let columns, let rows else { return nil }
    return (columns, rows)
  }

  /// How many screen rows `text` takes at `columns` (ANSI sequences take none; a character counts one column).
  public static func rows(_ text: String, columns: Int) -> Int {
    var total = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
      let width = visibleWidth(line)
      total += max(1, (width + max(1, columns) - 1) / max(1, columns))
    }
    return total
  }

  static func visibleWidth(_ line: Substring) -> Int {
    var width = 0
    var inEscape = false
    for scalar in line.unicodeScalars {
      if inEscape {
        if scalar == "m" { inEscape = false }
        continue
      }
      if scalar == "\u{1B}" {
        inEscape = true
        continue
      }
      if scalar.properties.generalCategory == .nonspacingMark { continue }
      width += 1
    }
    return width
  }

  /// Writes `text` to standard output, through the pager when `page` is true and the text is longer than the
  /// screen: `PAGER` (run by `/bin/sh -c`), else `less -R`; `LESS` gets `R` when unset so colours pass. An empty
  /// `PAGER` or `cat` means no pager. Returns when the pager exits (the person quit it).
  public static func write(
    _ text: String, page: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    if page, standardOutputIsTerminal, let size = size(environment: environment),
      rows(text, columns: size.columns) >= size.rows
    {
      let pager = environment["PAGER"] ?? "less -R"
      if !pager.trimmingCharacters(in: .whitespaces).isEmpty, pager != "cat", runPager(pager, text, environment) {
        return
      }
    }
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  /// Runs the pager with posix_spawn, not Foundation's `Process`: `Process` starts its child in a new session,
  /// without the controlling terminal, and `less` then cannot read keys from /dev/tty and quits at once.
  private static func runPager(_ command: String, _ text: String, _ environment: [String: String]) -> Bool {
    var env = environment
    if env["LESS"] == nil || env["LESS"] == "" { env["LESS"] = "R" }
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return false }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if fds[0] != STDIN_FILENO {
      posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO)
      posix_spawn_file_actions_addclose(&actions, fds[0])
    }
    posix_spawn_file_actions_addclose(&actions, fds[1])
    // The pager gets the default signal dispositions whatever this process ignores (SIGPIPE below, SIGINT and
    // SIGQUIT while it waits), so Ctrl-C and a closed pipe behave in it as usual.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGPIPE)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGQUIT)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
    let arguments = ["/bin/sh", "-c", command]
    let environmentLines = env.map { "\($0.key)=\($0.value)" }
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    var envp: [UnsafeMutablePointer<CChar>?] = environmentLines.map { strdup($0) } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var pid: pid_t = 0
    // While the pager runs, Ctrl-C belongs to it (less handles it); this process must not die and leave the
    // terminal to a pager that still draws on it.
    let previousInterrupt = signal(SIGINT, SIG_IGN)
    let previousQuit = signal(SIGQUIT, SIG_IGN)
    let previousPipe = signal(SIGPIPE, SIG_IGN)
    defer {
      signal(SIGINT, previousInterrupt)
      signal(SIGQUIT, previousQuit)
      signal(SIGPIPE, previousPipe)
    }
    let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, &envp)
    close(fds[0])
    guard spawned == 0 else {
      close(fds[1])
      return false
    }
    // A pager quit early closes the pipe: SIGPIPE is ignored (above), writing stops at the first error.
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes[offset...].withUnsafeBytes { Glibc.write(fds[1], $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      if written <= 0 { break }
      offset += written
    }
    close(fds[1])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return true
  }
}
