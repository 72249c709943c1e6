import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A DevTools protocol connection over the browser's pipes: numbered commands with one answer each, events routed
/// to the handler of their session. Every wait is bounded: a command that gets no answer within its timeout fails
/// with `BrowserError.timedOut`, and the browser's death fails every command still waiting.
///
/// A reader thread of its own reads the event pipe (blocking reads; never Swift's cooperative pool). Handlers run
/// on that thread and must not block: they may `post` commands (whose answers are dropped).
final class CDPConnection: @unchecked Sendable {
  typealias EventHandler = @Sendable (_ method: String, _ params: CDPValue) -> Void

  private let commandFD: Int32
  private let lock = NSLock()
  private let writeLock = NSLock()
  private var nextID = 1
  private var waiting: [Int: CheckedContinuation<CDPValue, any Error>] = [:]
  private var handlers: [String: EventHandler] = [:]
  /// Why the connection is closed (the browser died), once it is.
  private var closedReason: String?

  init(commandFD: Int32, eventFD: Int32) {
    self.commandFD = commandFD
    let thread = Thread { [self] in readLoop(eventFD) }
    thread.name = "policywatch-cdp-reader"
    thread.stackSize = 1 << 20
    thread.start()
  }

  var isClosed: Bool { lock.withLock { closedReason != nil } }

  /// Routes the events of one session (`nil`: the browser's own) to `handler`, until `removeHandler`.
  func setHandler(session: String?, _ handler: @escaping EventHandler) {
    lock.withLock { handlers[session ?? ""] = handler }
  }

  func removeHandler(session: String?) {
    _ = lock.withLock { handlers.removeValue(forKey: session ?? "") }
  }

  /// Sends a command and waits for its answer, at most `timeout`.
  func send(
    _ method: String, _ params: CDPValue = .object([:]), session: String? = nil, timeout: Duration
  ) async throws(BrowserError) -> CDPValue {
    do {
      return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<CDPValue, any Error>) in
        let id: Int? = lock.withLock {
          if closedReason != nil { return nil }
          let id = nextID
          nextID += 1
          waiting[id] = continuation
          return id
        }
        guard let id else {
          continuation.resume(throwing: BrowserError.crashed(lock.withLock { closedReason ?? "closed" }))
          return
        }
        let milliseconds = max(
          1, Int(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [self] in
          if let continuation = lock.withLock({ waiting.removeValue(forKey: id) }) {
            continuation.resume(throwing: BrowserError.timedOut(step: method))
          }
        }
        if !write(CDPFraming.encode(id: id, method: method, params: params, sessionID: session)) {
          if let continuation = lock.withLock({ waiting.removeValue(forKey: id) }) {
            continuation.resume(throwing: BrowserError.crashed("the browser's command pipe is closed"))
          }
        }
      }
    } catch let error as BrowserError {
      throw error
    } catch {
      throw .protocolFailure("\(error)")
    }
  }

  /// `send` as a value, for commands sent together (`async let` does not carry a typed error).
  func result(
    _ method: String, _ params: CDPValue = .object([:]), session: String? = nil, timeout: Duration
  ) async -> Result<CDPValue, BrowserError> {
    do {
      return .success(try await send(method, params, session: session, timeout: timeout))
    } catch {
      return .failure(error)
    }
  }

  /// Sends a command without waiting for its answer (from an event handler).
  func post(_ method: String, _ params: CDPValue = .object([:]), session: String? = nil) {
    let id: Int = lock.withLock {
      let id = nextID
      nextID += 1
      return id
    }
    _ = write(CDPFraming.encode(id: id, method: method, params: params, sessionID: session))
  }

  private func write(_ bytes: [UInt8]) -> Bool {
    writeLock.withLock {
      var offset = 0
      while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { Glibc.write(commandFD, $0.baseAddress, $0.count) }
        if written < 0 {
          if errno == EINTR { continue }
          return false
        }
        offset += written
      }
      return true
    }
  }

  private func readLoop(_ fd: Int32) {
    var framing = CDPFraming()
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var reason = "the browser closed its DevTools pipe (it exited or crashed)"
    reading: while true {
      let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      if count <= 0 { break }
      let messages: [CDPIncoming?]
      do {
        messages = try framing.append(chunk[0..<count])
      } catch {
        reason = error.description
        break reading
      }
      for message in messages { dispatch(message) }
    }
    close(fd)
    let pending: [CheckedContinuation<CDPValue, any Error>] = lock.withLock {
      closedReason = reason
      let pending = Array(waiting.values)
      waiting.removeAll()
      return pending
    }
    for continuation in pending { continuation.resume(throwing: BrowserError.crashed(reason)) }
    let all = lock.withLock { Array(handlers.values) }
    for handler in all { handler("PolicyWatch.closed", .object(["reason": .string(reason)])) }
  }

  private func dispatch(_ message: CDPIncoming?) {
    switch message {
    case .response(let id, let result, let error):
      guard let continuation = lock.withLock({ waiting.removeValue(forKey: id) }) else { return }
      if let error {
        continuation.resume(throwing: BrowserError.protocolFailure(error))
      } else {
        continuation.resume(returning: result ?? .object([:]))
      }
    case .event(let method, let params, let session):
      let handler = lock.withLock { handlers[session ?? ""] }
      handler?(method, params)
    case nil:
      break
    }
  }
}
