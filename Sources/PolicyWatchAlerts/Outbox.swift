import Foundation
import Logging
import PolicyWatchStore
import PolicyWatchSupport

#if canImport(Glibc)
  import Glibc
#endif

/// One alert waiting in the outbox: the message exactly as it will be sent (built once, so a retry sends the same
/// bytes and the same Message-ID), for one channel.
public struct OutboxEntry: Sendable, Codable, Equatable {
  public var channel: String
  /// The message's event id: a store event id, or `digest/<hash>` for a digest.
  public var eventID: String
  /// The store event ids the message covers (one, or all of a digest's).
  public var events: [String]
  public var created: Date
  public var attempts = 0
  public var lastAttempt: Date?
  /// Not retried by a normal run before this time (backoff); `alert retry` ignores it.
  public var nextAttempt: Date?
  public var lastError: String?
  /// The last failure was permanent (a 5xx SMTP reply, a bad configuration): kept, retried only by `alert retry`.
  public var needsAttention = false
  /// When a failure of this alert was last said on standard error (a failure is said at most once a day, so a
  /// quiet cron job mails it daily until it is delivered or dropped).
  public var lastReminded: Date?
  public var subject: String
  public var text: String
  public var html: String
  public var json: String
  public var service: String
  public var document: String
  public var categories: [String]

  public init(channel: String, message: AlertMessage, events: [String], created: Date) {
    self.channel = channel
    self.eventID = message.eventID
    self.events = events
    self.created = created
    self.subject = message.subject
    self.text = message.text
    self.html = message.html
    self.json = String(decoding: message.json, as: UTF8.self)
    self.service = message.service
    self.document = message.document
    self.categories = message.categories
  }

  public var message: AlertMessage {
    AlertMessage(
      eventID: eventID, subject: subject, text: text, html: html, json: Array(json.utf8), service: service,
      document: document, categories: categories)
  }

  /// `pending/<name>.json`: the SHA-256 of channel and event id, so any event id makes a safe file name.
  public var fileName: String { SHA256.hex(channel + "\n" + eventID) + ".json" }
}

/// One line of `outbox/delivered.jsonl`: what was delivered, so the same event never goes to a channel twice.
public struct OutboxDelivery: Sendable, Codable, Equatable {
  public var channel: String
  public var eventID: String
  public var events: [String]
  public var delivered: Date
  public var attempts: Int
  public var detail: String
  /// Given up by hand (`policywatch alert drop`), not delivered: never sent, never queued again.
  public var dropped: Bool?

  public init(
    channel: String, eventID: String, events: [String], delivered: Date, attempts: Int, detail: String,
    dropped: Bool? = nil
  ) {
    self.channel = channel
    self.eventID = eventID
    self.events = events
    self.delivered = delivered
    self.attempts = attempts
    self.detail = detail
    self.dropped = dropped
  }
}

/// `outbox/run.json`: a run that has started recording and not yet queued its alerts.
public struct OutboxRun: Sendable, Codable, Equatable {
  public var command: String
  public var started: Date
  public var pid: Int

  public init(command: String, started: Date, pid: Int) {
    self.command = command
    self.started = started
    self.pid = pid
  }
}

/// The persistent outbox in `<store>/outbox/`: `pending/` holds one file per undelivered alert and channel,
/// `delivered.jsonl` every delivery made.
///
/// Protocol, per alert: (1) the entry is written (temp file, fsync, rename) before any delivery is tried;
/// (2) delivery; (3) on success a line is appended to `delivered.jsonl` (atomically), then (4) the pending file
/// is removed. On failure the entry is rewritten with the error and its next attempt time (exponential backoff).
/// A crash before (3) leaves the entry pending and it is sent again on the next run: **at most one duplicate per
/// crash, and only for a crash between the peer's acceptance and step (3)** (a few milliseconds); the duplicate
/// carries the same Message-ID / `X-PolicyWatch-Event-ID`, so a receiver can drop it. A crash between (3) and
/// (4) sends nothing twice: the next run finds the delivery recorded and only removes the file.
///
/// Callers hold the store lock, so one process at a time reads and writes the outbox.
public final class Outbox: @unchecked Sendable {
  public let directory: String
  var pendingDirectory: String { directory + "/pending" }
  package var deliveredPath: String { directory + "/delivered.jsonl" }
  /// Tests only: runs after a successful send, before the delivery is recorded; a throw stops the flush there,
  /// as a crash would.
  var afterSend: ((OutboxEntry) throws -> Void)?

  /// Says (once) which delivery-log line was skipped; see `SnapshotStore.warn`.
  private let warn: (@Sendable (_ key: String, _ message: String) -> Void)?

  public init(store: String) {
    directory = store + "/outbox"
    warn = nil
  }

  /// The outbox of `store`; its readers report what they skip through the store's warning handler.
  public init(store: SnapshotStore) {
    directory = store.path + "/outbox"
    warn = { [store] key, message in store.warn(key: key, message) }
  }

  /// Every pending entry, oldest first. An unreadable file is reported through `problems` and left in place.
  public func pending(problems: ((String) -> Void)? = nil) -> [OutboxEntry] {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: pendingDirectory) else { return [] }
    var entries: [OutboxEntry] = []
    for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
      let path = pendingDirectory + "/" + name
      guard let bytes = FileIO.read(path),
        let entry = try? StoreJSON.decoder.decode(OutboxEntry.self, from: Data(bytes))
      else {
        problems?("\(path): not a readable outbox entry (left in place)")
        continue
      }
      entries.append(entry)
    }
    return entries.sorted { ($0.created, $0.eventID) < ($1.created, $1.eventID) }
  }

  /// Every recorded delivery, oldest first.
  public func deliveries() -> [OutboxDelivery] {
    guard let bytes = FileIO.read(deliveredPath) else { return [] }
    // A torn last line (a crash during the append) is not a delivery: that alert is still pending and goes again.
    var deliveries: [OutboxDelivery] = []
    for (number, line) in FileIO.numberedLines(bytes) {
      if let delivery = try? StoreJSON.decoder.decode(OutboxDelivery.self, from: Data(line)) {
        deliveries.append(delivery)
      } else {
        warn?(
          "\(deliveredPath):\(number)",
          "\(deliveredPath):\(number): not a valid delivery record (\(StoreDamage.describe(line))); this line is "
            + "skipped, so the alert it recorded could be sent again — `policywatch fsck` says how to recover it")
      }
    }
    return deliveries
  }

  /// `channel\nevent id` of every event already delivered or waiting, per channel.
  public func knownEvents() -> Set<String> {
    var known = Set<String>()
    for delivery in deliveries() {
      known.insert(delivery.channel + "\n" + delivery.eventID)
      for event in delivery.events { known.insert(delivery.channel + "\n" + event) }
    }
    for entry in pending() {
      known.insert(entry.channel + "\n" + entry.eventID)
      for event in entry.events { known.insert(entry.channel + "\n" + event) }
    }
    return known
  }

  var runPath: String { directory + "/run.json" }

  /// The run marker a previous run left behind (it stopped between recording and queueing), if any.
  public func interruptedRun() -> OutboxRun? {
    FileIO.read(runPath).flatMap { try? StoreJSON.decoder.decode(OutboxRun.self, from: Data($0)) }
  }

  /// Marks a run that records events (`outbox/run.json`): a run killed before it ends leaves the marker, and the
  /// next run knows which events it recorded (see `AlertDispatcher.beginRun`).
  public func beginRun(_ run: OutboxRun) throws(StoreIOError) {
    try FileIO.writeAtomically(StoreJSON.pretty(run), to: runPath)
  }

  /// Removes the run marker: the run's events are queued and reported.
  public func endRun() {
    if unlink(runPath) == 0 { FileIO.syncDirectory(directory) }
  }

  /// A failed alert is said again after this long (a day), until it is delivered or dropped.
  public static let reminderInterval: TimeInterval = 86_400

  /// The alerts that failed and were not said on standard error for a day (or never): each is marked reminded now
  /// (its file rewritten) and returned, for the caller to say it. Alerts not tried yet are not failures.
  public func reminders(now: Date = Date()) -> [OutboxEntry] {
    var due: [OutboxEntry] = []
    for var entry in pending() where entry.attempts > 0 && entry.lastError != nil {
      if let last = entry.lastReminded, now.timeIntervalSince(last) < Outbox.reminderInterval { continue }
      entry.lastReminded = now
      try? FileIO.writeAtomically(StoreJSON.pretty(entry), to: pendingDirectory + "/" + entry.fileName)
      due.append(entry)
    }
    return due
  }

  /// Gives an alert up (`policywatch alert drop`): a `dropped` line in `delivered.jsonl`, so it is never queued
  /// again, then the pending file is removed.
  public func drop(_ entry: OutboxEntry, now: Date = Date()) throws(StoreIOError) {
    let record = OutboxDelivery(
      channel: entry.channel, eventID: entry.eventID, events: entry.events, delivered: now, attempts: entry.attempts,
      detail: "dropped by hand" + (entry.lastError.map { " after: \($0)" } ?? ""), dropped: true)
    try FileIO.appendLines([StoreJSON.line(record)], to: deliveredPath)
    unlink(pendingDirectory + "/" + entry.fileName)
    FileIO.syncDirectory(pendingDirectory)
  }

  /// Step (1): writes the entry durably. An entry with the same channel and event id is left as it is.
  public func enqueue(_ entry: OutboxEntry) throws(StoreIOError) {
    let path = pendingDirectory + "/" + entry.fileName
    guard !FileIO.exists(path) else { return }
    try FileIO.writeAtomically(StoreJSON.pretty(entry), to: path)
  }

  /// What one flush did.
  public struct FlushReport: Sendable {
    public var delivered: [(entry: OutboxEntry, receipt: AlertDeliveryReceipt)] = []
    public var failed: [(entry: OutboxEntry, error: AlertDeliveryError)] = []
    /// Entries not tried: waiting for their backoff, needing attention, or for a channel no longer configured.
    public var deferred: [(entry: OutboxEntry, why: String)] = []
    /// Outbox files that could not be written (the alert then stays as it was).
    public var ioErrors: [String] = []
  }

  /// Steps (2)–(4) for every pending entry that is due (all of them with `force`). Entries go out one at a time,
  /// oldest first.
  public func flush(
    channels: [String: AlertTransport], settings: AlertSettings, now: Date = Date(), force: Bool = false,
    only channel: String? = nil, logger: Logger = Logger.silent
  ) throws -> FlushReport {
    var report = FlushReport()
    let delivered = Set(deliveries().map { $0.channel + "\n" + $0.eventID })
    for var entry in pending(problems: { logger.error("\($0)") }) {
      if let channel, entry.channel != channel { continue }
      let path = pendingDirectory + "/" + entry.fileName
      if delivered.contains(entry.channel + "\n" + entry.eventID) {
        // Crashed between recording the delivery and removing the file: finish the removal, send nothing.
        unlink(path)
        FileIO.syncDirectory(pendingDirectory)
        continue
      }
      guard let transport = channels[entry.channel] else {
        report.deferred.append((entry, "channel \(entry.channel) is not in the configuration"))
        continue
      }
      if !force {
        if entry.needsAttention {
          report.deferred.append((entry, "needs attention: \(entry.lastError ?? "")"))
          continue
        }
        if let next = entry.nextAttempt, next > now {
          report.deferred.append((entry, "next attempt after \(StoreJSON.format(next))"))
          continue
        }
      }
      entry.attempts += 1
      entry.lastAttempt = now
      do {
        let receipt = try transport.send(entry.message)
        try afterSend?(entry)
        let record = OutboxDelivery(
          channel: entry.channel, eventID: entry.eventID, events: entry.events, delivered: now,
          attempts: entry.attempts, detail: receipt.detail)
        do {
          try FileIO.appendLines([StoreJSON.line(record)], to: deliveredPath)
          unlink(path)
          FileIO.syncDirectory(pendingDirectory)
        } catch {
          report.ioErrors.append(error.description)
        }
        logger.info(
          "delivered \(entry.eventID) to \(entry.channel) (\(receipt.detail))",
          metadata: ["service": "\(entry.service)", "document": "\(entry.document)"])
        report.delivered.append((entry, receipt))
      } catch let error as AlertDeliveryError {
        entry.lastError = error.description
        if error.isTransient {
          let delay = min(
            settings.retryInitialDelay * pow(2, Double(max(0, entry.attempts - 1))), settings.retryMaxDelay)
          entry.nextAttempt = now.addingTimeInterval(delay)
          entry.needsAttention = false
        } else {
          entry.needsAttention = true
          entry.nextAttempt = nil
        }
        let next =
          error.isTransient ? "; retried after \(StoreJSON.format(entry.nextAttempt ?? now))" : "; needs attention"
        // Said as an error at most once a day (a quiet run prints errors only); the other failures are info.
        let message: Logger.Message = "alert \(entry.eventID) to \(entry.channel) failed: \(error.description)\(next)"
        let metadata: Logger.Metadata = ["service": "\(entry.service)", "document": "\(entry.document)"]
        if entry.lastReminded.map({ now.timeIntervalSince($0) >= Outbox.reminderInterval }) ?? true {
          entry.lastReminded = now
          logger.error(message, metadata: metadata)
        } else {
          logger.info(message, metadata: metadata)
        }
        do {
          try FileIO.writeAtomically(StoreJSON.pretty(entry), to: path)
        } catch {
          report.ioErrors.append(error.description)
        }
        report.failed.append((entry, error))
      }
    }
    return report
  }
}
