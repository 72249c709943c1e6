// libFuzzer target "config": the configuration reader (see Scripts/fuzz.sh).
//
// Compiled into the PolicyWatch module itself (`-module-name PolicyWatch`). The input is a configuration file's
// text, read by `PolicyWatchConfig.parse` (what every command does with --config) and by `loadLocations` (what the
// commands that only read the store do), with an environment that holds a secret in two variables.
// Checks: nothing traps; every problem names the file, its line and column, and says something; no problem, and no description of a
// channel, ever shows a secret's value; a valid configuration has channels with unique names and valid rules, and
// `loadLocations` agrees with it on the store and the declarations.

import Foundation

private let secret = "S3CRET-do-not-show-7f3a"
private let environment = ["PW_FUZZ_PASSWORD": secret, "PW_FUZZ_TOKEN": secret, "HOME": "/nonexistent"]
private let file: String = {
  let path = NSTemporaryDirectory() + "policywatch-fuzz-config-\(getpid()).json"
  return path
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  var parsed: PolicyWatchConfig?
  do {
    parsed = try PolicyWatchConfig.parse(bytes, file: file, environment: environment)
  } catch {
    for problem in error.errors {
      precondition(problem.file == file, "a problem names another file: \(problem)")
      precondition(!problem.message.isEmpty, "a problem without a message")
      precondition(problem.line != nil && problem.column != nil, "a problem without its line and column")
      precondition(!problem.description.contains(secret), "a problem shows the secret: \(problem)")
    }
  }
  if let config = parsed {
    let names = config.alerts.channels.map(\.name)
    precondition(Set(names).count == names.count, "two channels share a name: \(names)")
    for channel in config.alerts.channels {
      precondition(!channel.transport.summary.contains(secret), "a channel summary shows the secret")
      precondition(!"\(channel)".contains(secret), "a channel's description shows the secret")
    }
    // A temporary file that cannot be written says nothing about the reader.
    guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else { return 0 }
    if let locations = try? PolicyWatchConfig.loadLocations(path: file, environment: environment) {
      precondition(locations.store == config.store, "loadLocations finds another store")
      precondition(locations.declarations == config.declarations, "loadLocations finds other declarations")
    } else {
      preconditionFailure("a valid configuration whose locations cannot be read")
    }
    unlink(file)
  }
  return 0
}
