import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Errors of the store's file operations, naming the path and the system's reason.
public struct StoreIOError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var operation: String
  public var reason: String
  public var description: String { "\(operation) \(path): \(reason)" }

  static func errno(_ operation: String, _ path: String) -> StoreIOError {
    StoreIOError(path: path, operation: operation, reason: String(cString: strerror(Glibc.errno)))
  }
}

/// Crash-safe file writes: temp file in the same directory, fsync, rename over the target, fsync the directory.
/// A reader (or a run after a crash) sees the old file or the new one, never a torn one.
enum FileIO {
  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(StoreIOError) {
    let directory = (path as NSString).deletingLastPathComponent
    try makeDirectory(directory)
    let temporary = "\(directory)/.tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .errno("create", temporary) }
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { raw in
        write(descriptor, raw.baseAddress! + written, bytes.count - written)
      }
      if result < 0 {
        if Glibc.errno == EINTR { continue }
        let error = StoreIOError.errno("write", temporary)
        close(descriptor)
        unlink(temporary)
        throw error
      }
      written += result
    }
    guard fsync(descriptor) == 0 else {
      let error = StoreIOError.errno("fsync", temporary)
      close(descriptor)
      unlink(temporary)
      throw error
    }
    close(descriptor)
    guard rename(temporary, path) == 0 else {
      let error = StoreIOError.errno("rename", path)
      unlink(temporary)
      throw error
    }
    syncDirectory(directory)
  }

  static func syncDirectory(_ directory: String) {
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }

  /// Appends lines to a JSON Lines file crash-safely: the whole file is rewritten through `writeAtomically`, so a
  /// crash leaves the file with or without the new lines, never half a line.
  static func appendLines(_ lines: [String], to path: String) throws(StoreIOError) {
    guard !lines.isEmpty else { return }
    var bytes = read(path) ?? []
    if let last = bytes.last, last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
    for line in lines {
      bytes += Array(line.utf8)
      bytes.append(UInt8(ascii: "\n"))
    }
    try writeAtomically(bytes, to: path)
  }

  static func read(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { [UInt8]($0) }
  }

  static func makeDirectory(_ path: String) throws(StoreIOError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw StoreIOError(path: path, operation: "create directory", reason: "\(error.localizedDescription)")
    }
  }

  static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  /// Removes leftover temp files of interrupted writes.
  static func removeTemporaries(in directory: String) -> Int {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
    var removed = 0
    for name in names where name.hasPrefix(".tmp-") {
      if unlink("\(directory)/\(name)") == 0 { removed += 1 }
    }
    return removed
  }
}

/// The store's single-writer lock: an exclusive `flock` on `STORE/lock`, taken without waiting.
public final class StoreLock {
  private let descriptor: Int32
  public let path: String

  public enum LockError: Error, CustomStringConvertible {
    case held(path: String, holder: String)
    case io(StoreIOError)
    public var description: String {
      switch self {
      case .held(let path, let holder):
        "another policywatch is writing to this store (\(holder)); lock file \(path). Try again when it has finished."
      case .io(let error): error.description
      }
    }
  }

  public init(store: String) throws(LockError) {
    do {
      try FileIO.makeDirectory(store)
    } catch {
      throw .io(error)
    }
    path = "\(store)/lock"
    descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .io(.errno("open", path)) }
    guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
      let holder =
        FileIO.read(path).map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        ?? ""
      close(descriptor)
      throw .held(path: path, holder: holder.isEmpty ? "unknown process" : holder)
    }
    ftruncate(descriptor, 0)
    let note = "pid \(getpid()) since \(ISO8601DateFormatter().string(from: Date()))\n"
    _ = note.withCString { write(descriptor, $0, strlen($0)) }
  }

  deinit {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
