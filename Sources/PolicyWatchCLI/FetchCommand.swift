import ArgumentParser
import Foundation
import PolicyWatchFetch

/// `policywatch fetch URL`: one fetch, printed, for debugging a URL or the fetch settings.
struct FetchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fetch",
    abstract: "Fetch one URL the way `check` would, and show what came back.",
    discussion: """
      The body goes to standard output (or to --output FILE); a summary of the transfer (status, final URL, \
      redirects, attempts, timings) goes to standard error. Exit status: 0 on a 2xx or 304, 1 otherwise.
      """
  )

  @Argument(help: "The http or https URL to fetch.")
  var url: String

  @Option(name: .shortAndLong, help: "Write the body to this file instead of standard output.")
  var output: String?

  @Flag(name: [.customShort("i"), .long], help: "Print the response headers before the body.")
  var includeHeaders = false

  @OptionGroup var fetchOptions: FetchOptions

  @OptionGroup var browserOptions: BrowserOptions

  func run() async throws {
    let fetcher = Fetcher(configuration: try fetchOptions.configuration())
    let result = await fetcher.fetch(FetchRequest(url: url, validators: fetchOptions.validators))
    var summary = FetchSummary(result: result).lines
    if let rendered = await BrowserFetch.render(
      url: url, plain: result, options: browserOptions, fetch: fetcher.configuration)
    {
      summary += rendered.summary
      if !rendered.failed { try write(rendered.body, summary: &summary) }
      FileHandle.standardError.write(Data((summary.joined(separator: "\n") + "\n").utf8))
      if rendered.failed { throw ExitCode(1) }
      return
    }
    if let response = result.response {
      if includeHeaders {
        let head = ["HTTP \(response.status)"] + response.headers.map { "\($0.name): \($0.value)" }
        let text = head.joined(separator: "\n") + "\n\n"
        if output == nil { FileHandle.standardOutput.write(Data(text.utf8)) } else { summary += head }
      }
      if case .failed = result.outcome {
      } else if let output {
        try Data(response.body).write(to: URL(fileURLWithPath: output), options: .atomic)
        summary.append("wrote \(response.body.count) bytes to \(output)")
      } else {
        FileHandle.standardOutput.write(Data(response.body))
      }
    }
    FileHandle.standardError.write(Data((summary.joined(separator: "\n") + "\n").utf8))
    if result.error != nil { throw ExitCode(1) }
  }

  private func write(_ body: [UInt8], summary: inout [String]) throws {
    if let output {
      try Data(body).write(to: URL(fileURLWithPath: output), options: .atomic)
      summary.append("wrote \(body.count) bytes to \(output)")
    } else {
      FileHandle.standardOutput.write(Data(body))
    }
  }
}

/// The human summary of one fetch result.
struct FetchSummary {
  let result: FetchResult

  var lines: [String] {
    var lines: [String] = []
    switch result.outcome {
    case .fetched(let response):
      lines.append("fetched \(response.finalURL): HTTP \(response.status), \(response.body.count) bytes")
    case .notModified(let response):
      lines.append("not modified \(response.finalURL): HTTP 304")
    case .failed(let error, _):
      lines.append("failed \(result.request.url): \(error)")
    }
    if let response = result.response {
      for hop in response.redirects { lines.append("  redirect \(hop.status) \(hop.url) -> \(hop.location)") }
      if let charset = response.declaredCharset { lines.append("  charset \(charset)") }
      if let etag = response.header("ETag") { lines.append("  etag \(etag)") }
      if let modified = response.header("Last-Modified") { lines.append("  last-modified \(modified)") }
      lines.append(
        String(
          format: "  attempts %d, connect %.3f s, first byte %.3f s, total %.3f s", result.attempts,
          response.timings.connect, response.timings.firstByte, response.timings.total))
      lines.append("  \(response.curlVersion)")
    } else {
      lines.append("  attempts \(result.attempts)")
    }
    return lines
  }
}
