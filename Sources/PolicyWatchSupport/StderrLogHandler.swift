import Foundation
import Logging

/// A swift-log handler for unattended runs: one line per message on standard error, `policywatch: LEVEL: message
/// (key=value …)`, without timestamps (cron's mail and systemd's journal add their own).
public struct StderrLogHandler: LogHandler {
  public var logLevel: Logger.Level
  public var metadata: Logger.Metadata = [:]
  private let write: @Sendable (String) -> Void

  public init(level: Logger.Level, write: @escaping @Sendable (String) -> Void = StderrLogHandler.standardError) {
    self.logLevel = level
    self.write = write
  }

  public static let standardError: @Sendable (String) -> Void = { line in
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  /// Writes one record as `policywatch: LEVEL: message (metadata)` to standard error.
  public func log(event: LogEvent) {
    let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
    let context =
      merged.isEmpty ? "" : " (" + merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }.joined(separator: ", ") + ")"
    write("policywatch: \(event.level): \(event.message)\(context)")
  }

  /// `--verbose` → debug, `--quiet` → warning, else info.
  public static func level(verbose: Bool, quiet: Bool) -> Logger.Level {
    verbose ? .debug : quiet ? .warning : .info
  }
}

extension Logger {
  /// A logger that drops everything: the library's default, so only a caller that asks for logs gets them.
  public static var silent: Logger { Logger(label: "policywatch") { _ in SwiftLogNoOpLogHandler() } }
}
