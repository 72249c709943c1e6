import Foundation
import PolicyWatchStore
import PolicyWatchView

/// Where each page of the site lives, relative to the site's root. Every path is derived from names and event ids
/// alone, so a page keeps its address when the site is rebuilt (links to it stay valid).
///
///     index.html                                 documents, newest change first
///     by-name.html                               documents by name
///     documents/<service>/<document>.html        a document: SVG timeline and events
///     events/<service>/<document>/<kind>-<time>.html   a change (flap, technical re-extraction): the clause diff
///     categories/<label>.html                    every change that brought language of one data-use category
///     feeds/site.atom, feeds/documents/<service>/<document>.atom, feeds/categories/<label>.atom
///     snapshots/<service>/<document>/<sha256>.txt      raw snapshots (only with --include-snapshots)
public enum SitePaths {
  public static let index = "index.html"
  public static let byName = "by-name.html"
  public static let siteFeed = "feeds/site.atom"
  /// The build's record of what it wrote (for incremental rebuilds); not a page.
  public static let manifest = ".policywatch-site.json"

  public static func document(_ ref: SnapshotStore.DocumentRef) -> String {
    "documents/\(segment(ref.service))/\(segment(ref.document)).html"
  }

  public static func documentFeed(_ ref: SnapshotStore.DocumentRef) -> String {
    "feeds/documents/\(segment(ref.service))/\(segment(ref.document)).atom"
  }

  /// The page of an event, from its id `<service>/<document>/<kind>/<firstSeen>`.
  public static func event(_ event: StoreEvent) -> String {
    "events/\(segment(event.service))/\(segment(event.document))/\(segment(event.kind.rawValue))-"
      + stamp(StoreEventID.firstSeenPart(event))
      + ".html"
  }

  public static func category(_ label: String) -> String { "categories/\(segment(label)).html" }
  public static func categoryFeed(_ label: String) -> String { "feeds/categories/\(segment(label)).atom" }

  public static func snapshot(_ hash: String, of ref: SnapshotStore.DocumentRef) -> String {
    "snapshots/\(segment(ref.service))/\(segment(ref.document))/\(segment(hash)).txt"
  }

  /// A name as one path segment that needs no percent-encoding in a URL and is safe on any file system: ASCII
  /// letters, digits, `_` and `.` stay, a space becomes `-`, every other byte is `~XX` (hex). The mapping is
  /// one-to-one (`-` and `~` are encoded themselves), so two names never share a page; a leading `.` is encoded too.
  public static func segment(_ name: String) -> String {
    var output = ""
    for (index, byte) in name.utf8.enumerated() {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
        output.unicodeScalars.append(Unicode.Scalar(byte))
      case UInt8(ascii: ".") where index > 0:
        output.append(".")
      case UInt8(ascii: " "):
        output.append("-")
      default:
        output += String(format: "~%02X", byte)
      }
    }
    return output.isEmpty ? "~" : output
  }

  /// `2024-06-03T08:00:00Z` → `2024-06-03T08-00-00Z` (a timestamp's colons as dashes: one-to-one for the store's
  /// timestamps); anything else as a `segment`.
  static func stamp(_ text: String) -> String {
    let isTimestamp = text.allSatisfy { $0.isASCII && ($0.isNumber || "-:TZ.".contains($0)) }
    return isTimestamp ? text.replacingOccurrences(of: ":", with: "-") : segment(text)
  }

  /// The relative URL from the page at `from` to the file at `to` (both relative to the site's root), so the site
  /// works from `file://` and from any path of a server. Segments are already URL-safe (see `segment`).
  public static func relative(from: String, to: String) -> String {
    let fromDirectory = from.split(separator: "/").dropLast()
    let target = to.split(separator: "/")
    var common = 0
    while common < fromDirectory.count, common < target.count - 1, fromDirectory[common] == target[common] {
      common += 1
    }
    let ups = Array(repeating: "..", count: fromDirectory.count - common)
    return (ups + target[common...].map(String.init)).joined(separator: "/")
  }
}

/// Reading the parts of an event id (`<service>/<document>/<kind>/<firstSeen>`).
enum StoreEventID {
  /// The id's last part (the first-seen timestamp); the formatted `firstSeen` when the id has no `/`.
  static func firstSeenPart(_ event: StoreEvent) -> String {
    if let slash = event.id.lastIndex(of: "/") { return String(event.id[event.id.index(after: slash)...]) }
    return EventFormatting.timestamp(event.firstSeen)
  }
}
