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
package enum FileIO {
  /// `durable: false` skips the fsyncs, for files that can be rebuilt from durable ones: the rename still makes
  /// the write all-or-nothing for a killed process.
  package static func writeAtomically(_ bytes: [UInt8], to path: String, durable: Bool = true) throws(StoreIOError) {
    let directory = (path as NSString).deletingLastPathComponent
    try makeDirectory(directory)
    let temporary = "\(directory)/.tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .errno("create", temporary) }
    guard writeAll(bytes, to: descriptor) else {
      let error = StoreIOError.errno("write", temporary)
      close(descriptor)
      unlink(temporary)
      throw error
    }
    guard !durable || fsync(descriptor) == 0 else {
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
    if durable { syncDirectory(directory) }
  }

  /// Rewrites a cache file in place (truncate, then write), for `state.json` only: no temp file, no rename, so
  /// no inode is created and freed on every run (on ext4 each freed inode is skipped by the next allocations for
  /// a while, which made a 1,000-document `check` spend about 6 % of its CPU scanning for free inodes). A process
  /// killed in the middle leaves an empty file or a prefix of the new bytes, never a mix with the old ones; a
  /// prefix of a JSON object does not parse, so readers rebuild the cache from the durable files it summarises.
  package static func overwrite(_ bytes: [UInt8], to path: String) throws(StoreIOError) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .errno("create", path) }
    defer { close(descriptor) }
    guard writeAll(bytes, to: descriptor) else { throw .errno("write", path) }
  }

  /// Writes all of `bytes` at the descriptor's offset, retrying interrupted and short writes; false (with `errno`
  /// set) on an error.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { raw in
        write(descriptor, raw.baseAddress! + written, bytes.count - written)
      }
      if result < 0 {
        if Glibc.errno == EINTR { continue }
        return false
      }
      written += result
    }
    return true
  }

  package static func syncDirectory(_ directory: String) {
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    close(descriptor)
  }

  /// Appends lines to a JSON Lines file crash-safely, in O(new bytes): one `write` with `O_APPEND`, then
  /// `fdatasync`. A line is committed once its final newline is on disk. A crash (power loss) in the middle of the
  /// write can leave a torn last line without its newline: readers ignore such a tail (`completeLines`), and the
  /// next append first cuts it off, so it never glues onto a committed line.
  package static func appendLines(_ lines: [String], to path: String) throws(StoreIOError) {
    guard !lines.isEmpty else { return }
    let directory = (path as NSString).deletingLastPathComponent
    try makeDirectory(directory)
    let created = !exists(path)
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw .errno("open", path) }
    defer { close(descriptor) }
    var end = lseek(descriptor, 0, SEEK_END)
    guard end >= 0 else { throw .errno("seek", path) }
    if end > 0 {
      // Find the end of the last complete line; anything after it is a torn write.
      var cut = end
      var block = [UInt8](repeating: 0, count: 4096)
      var done = false
      while !done, cut > 0 {
        let start = max(0, cut - off_t(block.count))
        let count = Int(cut - start)
        let got = block.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, start) }
        guard got == count else { throw .errno("read", path) }
        if let last = block[0..<count].lastIndex(of: UInt8(ascii: "\n")) {
          cut = start + off_t(last) + 1
          done = true
        } else {
          cut = start
        }
      }
      if cut != end {
        guard ftruncate(descriptor, cut) == 0 else { throw .errno("truncate", path) }
        end = cut
      }
    }
    var bytes: [UInt8] = []
    for line in lines {
      bytes += Array(line.utf8)
      bytes.append(UInt8(ascii: "\n"))
    }
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { raw in
        pwrite(descriptor, raw.baseAddress! + written, bytes.count - written, end + off_t(written))
      }
      if result < 0 {
        if Glibc.errno == EINTR { continue }
        let error = StoreIOError.errno("write", path)
        _ = ftruncate(descriptor, end)
        throw error
      }
      written += result
    }
    guard fdatasync(descriptor) == 0 else { throw .errno("fsync", path) }
    if created { syncDirectory(directory) }
  }

  /// The complete (newline-terminated) lines of a JSON Lines file's bytes; a torn last line is left out.
  static func completeLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    guard let last = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
    return bytes[..<last].split(separator: UInt8(ascii: "\n")).filter { !$0.isEmpty }
  }

  /// The complete lines with their 1-based line numbers; empty lines are left out (they hold nothing), a torn
  /// last line too.
  package static func numberedLines(_ bytes: [UInt8]) -> [(number: Int, line: ArraySlice<UInt8>)] {
    guard let last = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
    var result: [(number: Int, line: ArraySlice<UInt8>)] = []
    for (index, line) in bytes[..<last].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
      .enumerated() where !line.isEmpty
    {
      result.append((index + 1, line))
    }
    return result
  }

  /// The number of complete lines of a file (for naming the last one in a warning).
  package static func lineCount(_ path: String) -> Int {
    (read(path) ?? []).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
  }

  /// The last complete line of a JSON Lines file, read from its end (a timeline grows without bound).
  package static func lastLine(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    let end = lseek(descriptor, 0, SEEK_END)
    guard end > 0 else { return nil }
    var window: off_t = 8192
    while true {
      let start = max(0, end - window)
      let count = Int(end - start)
      var bytes = [UInt8](repeating: 0, count: count)
      let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, count, start) }
      guard got == count else { return nil }
      let lines = completeLines(bytes)
      // The first line of a window that does not start the file may be cut: only trust it when it is not first.
      if let line = lines.last, start == 0 || lines.count >= 2 { return Array(line) }
      if start == 0 { return nil }
      window *= 4
    }
  }

  /// The whole file, read with one `read` into an array of its size (no `Data` copy), or nil if unreadable.
  package static func read(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    // The size is known; a file that grows while it is read is followed in small steps.
    var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
    var count = 0
    var probe = [UInt8](repeating: 0, count: 4096)
    while true {
      let reading = count < bytes.count
      let got =
        reading
        ? bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
        : probe.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if got < 0 {
        if Glibc.errno == EINTR { continue }
        return nil
      }
      if got == 0 { break }
      if !reading { bytes += probe[0..<got] }
      count += got
    }
    bytes.removeSubrange(count...)
    return bytes
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

  package static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

  /// Removes leftover temp files of interrupted writes.
  package static func removeTemporaries(in directory: String) -> Int {
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

  /// Why the store's lock could not be taken: another process holds it, or the lock file cannot be written.
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
