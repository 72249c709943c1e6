import Foundation
import PolicyWatchSupport

/// Writes the site's files incrementally: a file is rewritten only when its bytes change (temp file + rename in the
/// same folder, so a reader never sees half a page), and a page whose inputs are unchanged since the last build
/// (recorded in `SitePaths.manifest`) is not even rendered. Files the last build wrote and this one does not are
/// removed; nothing else in the folder is touched.
final class SiteWriter: @unchecked Sendable {
  let root: String
  /// What the previous build wrote: site path → the key of its inputs (or of its bytes).
  let previous: [String: String]
  /// Files the last build wrote for a page (its cached diff, its raw snapshots): kept when the page is.
  let previousDependencies: [String: [String]]
  /// What the store looked like at the last build (see `SiteBuilder.storeKey`), and at this one.
  let previousStoreKey: String?
  var storeKey = ""
  private let lock = NSLock()
  private var current: [String: String] = [:]
  private var dependencies: [String: [String]] = [:]
  private(set) var written: [String] = []
  private(set) var unchanged = 0
  private(set) var failures: [SiteError] = []

  init(root: String) throws(SiteError) {
    self.root = root
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    if manager.fileExists(atPath: root, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw .write(path: root, reason: "it is a file, not a folder") }
      let manifest = "\(root)/\(SitePaths.manifest)"
      if let data = manager.contents(atPath: manifest) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          object["format"] as? String == SiteWriter.format, let files = object["files"] as? [String: String]
        else {
          throw .write(path: manifest, reason: "not a site manifest written by policywatch (remove it to start over)")
        }
        previous = files
        previousDependencies = object["dependencies"] as? [String: [String]] ?? [:]
        previousStoreKey = object["store"] as? String
      } else {
        let contents = (try? manager.contentsOfDirectory(atPath: root)) ?? []
        guard contents.isEmpty else { throw .notASite(root) }
        previous = [:]
        previousDependencies = [:]
        previousStoreKey = nil
      }
    } else {
      do {
        try manager.createDirectory(atPath: root, withIntermediateDirectories: true)
      } catch {
        throw .write(path: root, reason: error.localizedDescription)
      }
      previous = [:]
      previousDependencies = [:]
      previousStoreKey = nil
    }
  }

  static let format = "policywatch-site"

  /// A file whose bytes are computed each build: written when they differ from the file's.
  func put(_ path: String, _ bytes: [UInt8]) {
    let key = "sha256:" + SHA256.hex(bytes)
    store(path, bytes, key: key)
  }

  /// A file that is only rendered when `key` (a digest of everything it shows) differs from the last build's, or the
  /// file or one of the files it depends on is gone; then its dependencies are kept too.
  func put(_ path: String, key: String, render: () -> [UInt8]?) {
    let manager = FileManager.default
    let kept = previousDependencies[path] ?? []
    if previous[path] == key, manager.fileExists(atPath: "\(root)/\(path)"),
      kept.allSatisfy({ previous[$0] != nil && manager.fileExists(atPath: "\(root)/\($0)") })
    {
      lock.withLock {
        current[path] = key
        unchanged += 1
        dependencies[path] = kept
        for file in kept where current[file] == nil {
          current[file] = previous[file]
          unchanged += 1
        }
      }
      return
    }
    guard let bytes = render() else { return }
    store(path, bytes, key: key)
  }

  /// Records that `path` needs `files` (written by this build too): they stay as long as it does.
  func depend(_ path: String, on files: [String]) {
    lock.withLock { dependencies[path] = files }
  }

  /// The bytes of a file the last build wrote and this one keeps as it is (a cache), or nil.
  func reuse(_ path: String) -> [UInt8]? {
    guard let key = previous[path], let data = FileManager.default.contents(atPath: "\(root)/\(path)") else {
      return nil
    }
    lock.withLock {
      if current[path] == nil { unchanged += 1 }
      current[path] = key
    }
    return Array(data)
  }

  private func store(_ path: String, _ bytes: [UInt8], key: String) {
    let file = "\(root)/\(path)"
    if let existing = FileManager.default.contents(atPath: file), existing.elementsEqual(bytes) {
      lock.withLock {
        current[path] = key
        unchanged += 1
      }
      return
    }
    do {
      try Self.writeAtomically(bytes, to: file)
      lock.withLock {
        current[path] = key
        written.append(path)
      }
    } catch {
      lock.withLock { failures.append(.write(path: file, reason: "\(error)")) }
    }
  }

  /// Temp file in the same folder, then rename over the old file.
  static func writeAtomically(_ bytes: [UInt8], to file: String) throws {
    let url = URL(fileURLWithPath: file)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    try Data(bytes).write(to: temp)
    if rename(temp.path, file) != 0 {
      let code = errno
      try? FileManager.default.removeItem(at: temp)
      throw SiteError.write(path: file, reason: String(cString: strerror(code)))
    }
  }

  /// Removes what the last build wrote and this one did not (and folders left empty), then records this build.
  func finish() throws(SiteError) -> [String] {
    var removed: [String] = []
    let manager = FileManager.default
    for path in previous.keys.sorted() where current[path] == nil {
      guard !path.contains(".."), !path.hasPrefix("/") else { continue }
      if (try? manager.removeItem(atPath: "\(root)/\(path)")) != nil { removed.append(path) }
      var folder = (path as NSString).deletingLastPathComponent
      while !folder.isEmpty {
        let full = "\(root)/\(folder)"
        guard (try? manager.contentsOfDirectory(atPath: full))?.isEmpty == true else { break }
        try? manager.removeItem(atPath: full)
        folder = (folder as NSString).deletingLastPathComponent
      }
    }
    if let failure = failures.first { throw failure }
    let object: [String: Any] = [
      "format": Self.format, "version": 1, "files": current, "dependencies": dependencies.filter { !$0.value.isEmpty },
      "store": storeKey,
    ]
    do {
      let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
      let file = "\(root)/\(SitePaths.manifest)"
      if manager.contents(atPath: file) != data + [0x0A] { try Self.writeAtomically(Array(data) + [0x0A], to: file) }
    } catch {
      throw .write(path: "\(root)/\(SitePaths.manifest)", reason: "\(error)")
    }
    return removed
  }
}
