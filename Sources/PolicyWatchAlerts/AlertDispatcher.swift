import Foundation
import Logging
import PolicyWatchStore
import PolicyWatchSupport

/// After a `check` or `replay`: matches the run's events against every channel's rules, writes the alerts to the
/// outbox, then delivers everything due (this run's alerts and earlier runs' failures).
///
/// Per channel, the events that match and were never queued or delivered for that channel (dedupe key: event
/// id + channel name) become one message each; more than the digest threshold in one run become one digest.
/// `first` events alert only when a channel's rules list them. `inaccessible` with `inaccessibleDays: N` is
/// checked against every document's state (not only this run's events): a document inaccessible for N days or
/// more alerts once per inaccessible streak, whatever run notices it.
public struct AlertDispatcher {
  public var settings: AlertSettings
  public let store: SnapshotStore
  public let outbox: Outbox
  public var logger: Logger
  public var composer: AlertComposer

  public init(settings: AlertSettings, store: SnapshotStore, logger: Logger = Logger.silent) {
    self.settings = settings
    self.store = store
    self.outbox = Outbox(store: store)
    self.logger = logger
    self.composer = AlertComposer(store: store)
  }

  /// What a dispatch did: the alerts queued, the outbox flush, and the problems met.
  public struct Report: Sendable {
    /// Alerts written to the outbox by this dispatch.
    public var queued: [OutboxEntry] = []
    public var flush = Outbox.FlushReport()
    /// Problems writing the outbox (the alert was then not queued; the run should be reported as troubled).
    public var errors: [String] = []
  }

  /// Queues the alerts `events` call for, then flushes the outbox. Ends the run `beginRun` started, unless
  /// `endingRun` is false (the caller then ends it with `outbox.endRun()` once it has reported the run's events).
  public func dispatch(_ events: [StoreEvent], now: Date = Date(), endingRun: Bool = true) throws -> Report {
    var report = Report()
    report.queued = enqueue(store.addressed(events), now: now, errors: &report.errors)
    if report.errors.isEmpty && endingRun { outbox.endRun() }
    report.flush = try outbox.flush(channels: transports, settings: settings, now: now, logger: logger)
    return report
  }

  /// Call before a run records anything: marks the run in the outbox (`outbox/run.json`), so that a run killed
  /// after recording events but before queueing their alerts is noticed by the next one. For an interrupted
  /// `check` the store's events first seen since that run started are exactly the ones it recorded (a check
  /// records at the fetch time), and they are queued now (dedupe keeps this from sending anything twice).
  /// An interrupted `replay` records historical times, so its events cannot be told apart: that is logged as a
  /// warning naming the run, and `policywatch log` shows what it recorded.
  public func beginRun(command: String, now: Date = Date()) -> [OutboxEntry] {
    var recovered: [OutboxEntry] = []
    if let interrupted = outbox.interruptedRun() {
      if interrupted.command == "check" {
        let events = store.allEvents().filter { $0.firstSeen >= interrupted.started.addingTimeInterval(-1) }
        let started = StoreJSON.format(interrupted.started)
        logger.warning(
          "the check started \(started) stopped before queueing its alerts; queueing the \(events.count) event(s) it recorded"
        )
        var errors: [String] = []
        recovered = enqueue(events, now: now, errors: &errors)
        for error in errors { logger.error("\(error)") }
      } else {
        let run = "the \(interrupted.command) started \(StoreJSON.format(interrupted.started))"
        logger.warning(
          "\(run) stopped before queueing its alerts; its events cannot be told from older ones and were not alerted (policywatch log shows them)"
        )
      }
    }
    do {
      try outbox.beginRun(OutboxRun(command: command, started: now, pid: Int(getpid())))
    } catch {
      logger.error("cannot mark the run in the outbox: \(error.description)")
    }
    return recovered
  }

  var transports: [String: AlertTransport] {
    Dictionary(settings.channels.map { ($0.name, $0.transport) }, uniquingKeysWith: { first, _ in first })
  }

  /// Step (1) of the outbox protocol for every alert `events` call for; returns what was queued.
  public func enqueue(_ events: [StoreEvent], now: Date, errors: inout [String]) -> [OutboxEntry] {
    guard !settings.channels.isEmpty else { return [] }
    let known = outbox.knownEvents()
    let streaks = settings.channels.contains { $0.rules.inaccessibleDays > 0 } ? inaccessibleStreaks() : []
    var queued: [OutboxEntry] = []
    for channel in settings.channels {
      var selected: [StoreEvent] = []
      var seen = Set<String>()
      for event in events where channel.rules.matches(event) && seen.insert(event.id).inserted {
        selected.append(event)
      }
      if channel.rules.inaccessibleDays > 0 {
        let limit = Double(channel.rules.inaccessibleDays) * 86_400
        for streak in streaks
        where now.timeIntervalSince(streak.firstSeen) >= limit
          && channel.rules.covers(service: streak.service, document: streak.document)
          && seen.insert(streak.id).inserted
        {
          selected.append(streak)
        }
      }
      selected.removeAll { known.contains(channel.name + "\n" + $0.id) }
      guard !selected.isEmpty else {
        logger.debug("channel \(channel.name): nothing to send")
        continue
      }
      let threshold = channel.rules.digestThreshold ?? settings.digestThreshold
      let messages: [(AlertMessage, [String])] =
        selected.count > threshold
        ? [(composer.digest(for: selected), selected.map(\.id))]
        : selected.map { (composer.message(for: $0), [$0.id]) }
      for (message, ids) in messages {
        let entry = OutboxEntry(channel: channel.name, message: message, events: ids, created: now)
        do {
          try outbox.enqueue(entry)
          queued.append(entry)
          let note = ids.count > 1 ? " (digest of \(ids.count) events)" : ""
          logger.info(
            "queued \(message.eventID) for \(channel.name)\(note)",
            metadata: ["service": "\(message.service)", "document": "\(message.document)"])
        } catch {
          errors.append("cannot queue \(message.eventID) for \(channel.name): \(error.description)")
          logger.error("cannot queue \(message.eventID) for \(channel.name): \(error.description)")
        }
      }
    }
    return queued
  }

  /// The documents inaccessible now, as `inaccessible` events with the id the recorder gave the streak's start.
  func inaccessibleStreaks() -> [StoreEvent] {
    store.documents().compactMap { ref in
      let state = store.state(ref)
      guard let since = state.inaccessibleSince else { return nil }
      let slug = StoreNames.documentPath(service: ref.service, document: ref.document).dropFirst("documents/".count)
      return StoreEvent(
        id: "\(slug)/\(EventKind.inaccessible.rawValue)/\(StoreJSON.format(since))", service: ref.service,
        document: ref.document, kind: .inaccessible, firstSeen: since, lastSeenBefore: state.currentLastSeen,
        version: nil, previousVersion: state.current, declaredDate: nil, previousDeclaredDate: nil, flags: [],
        clauses: nil, reason: state.inaccessibleReason, dataUse: nil)
    }
  }
}
