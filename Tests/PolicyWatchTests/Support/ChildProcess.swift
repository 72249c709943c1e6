import Foundation
import PolicyWatchTestSupport

/// Runs a child process to its end and collects what it wrote, without waiting for end-of-file on its pipes.
///
/// Tests run in parallel in one process, and a child started by one test can inherit the write end of another
/// test's pipe (a test server, say, that lives until its own test ends). Waiting for end-of-file then hangs, and two
/// such tests can wait on each other for ever. So the pipes are drained as data comes, and once the child has
/// exited, reading stops at end-of-file or after a quiet moment with nothing new (bounded: 10 s at most).
enum ChildProcess {
  struct Output {
    var status: Int32
    var standardOutput: Data
    var standardError: Data
  }

  static func run(_ process: Process, separateStandardError: Bool = true) throws -> Output {
    let output = Sink()
    let error = Sink()
    let outputPipe = Pipe()
    let errorPipe = separateStandardError ? Pipe() : outputPipe
    process.standardOutput = outputPipe
    process.standardError = errorPipe
    output.attach(outputPipe)
    if separateStandardError { error.attach(errorPipe) } else { error.markClosed() }
    try process.run()
    process.waitUntilExit()
    var quiet = 0
    var lastSize = -1
    for _ in 0..<200 {
      let size = output.size + error.size
      if output.isClosed && error.isClosed { break }
      quiet = size == lastSize ? quiet + 1 : 0
      lastSize = size
      if quiet >= 6 { break }  // 300 ms with nothing new after the child's exit: all it wrote has been read
      Thread.sleep(forTimeInterval: 0.05)
    }
    outputPipe.fileHandleForReading.readabilityHandler = nil
    errorPipe.fileHandleForReading.readabilityHandler = nil
    return Output(status: process.terminationStatus, standardOutput: output.data, standardError: error.data)
  }

  private final class Sink: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private var closed = false

    func attach(_ pipe: Pipe) {
      pipe.fileHandleForReading.readabilityHandler = { [self] handle in
        let chunk = handle.availableData
        lock.withLock {
          if chunk.isEmpty { closed = true } else { buffer.append(chunk) }
        }
        if chunk.isEmpty { handle.readabilityHandler = nil }
      }
    }

    func markClosed() { lock.withLock { closed = true } }
    var isClosed: Bool { lock.withLock { closed } }
    var size: Int { lock.withLock { buffer.count } }
    var data: Data { lock.withLock { buffer } }
  }
}
