import Foundation
import PolicyWatchAlerts
import PolicyWatchDataUse
import PolicyWatchSupport

/// The configuration file: where the declarations and the store are, fetch settings, and alert channels with
/// their rules. JSON (see README.md, *Configuration*, for a full example).
///
/// JSON rather than TOML: the declarations (Open Terms Archive) and the store are JSON already, `JSONText` reads it
/// with no extra dependency (with line and column in errors, duplicate keys refused), and the reader below reports
/// unknown keys, so the usual objection (no comments,
/// typos pass silently) is half met: keys starting with `_` or `//` are comments, any other unknown key is an
/// error. Relative paths in the file are relative to the file's own folder.
public struct PolicyWatchConfig: Sendable {
  /// The file this came from (absolute).
  public var file: String
  public var declarations: String?
  public var store: String?
  public var fetch: FetchSettings
  public var alerts: AlertSettings
  public var dataUse: DataUseSettings = DataUseSettings()

  /// How data-use language is found: an analyst's rules file merged with the built-in rules, and whether the
  /// learned model is used. `check`, `replay` (the findings stored in events, which alerts carry), `diff` and
  /// `feed` (the data-use language of their diffs) use it.
  public struct DataUseSettings: Sendable {
    /// A rules file (see `policywatch classify --print-rules`), absolute.
    public var rules: String?
    /// False to use the rules alone (default true).
    public var model: Bool?
    /// The rules, read and merged when the configuration was read.
    public var loadedRules: DataUseRules?
    public init() {}

    /// The classifier these settings ask for: the rules file merged with the built-in rules, with the learned
    /// model unless `model` is false.
    public var classifier: DataUseClassifier {
      DataUseClassifier(rules: loadedRules ?? .builtIn, model: model == false ? nil : .builtIn)
    }

    /// Reads the `dataUse` object; a rules file that cannot be used is a problem at `dataUse.rules`, with the
    /// rules file's own line and column.
    /// With `readingRules` false the rules file is named but not read (a command given rules of its own).
    static func parse(_ dataUse: ConfigReader, context: ConfigContext, readingRules: Bool = true) -> DataUseSettings {
      var settings = DataUseSettings()
      settings.model = dataUse.bool("model")
      if let rules = dataUse.string("rules").map(context.resolve) {
        settings.rules = rules
        guard readingRules else { return settings }
        do {
          settings.loadedRules = try DataUseRules(contentsOf: rules)
        } catch {
          dataUse.fail("rules", error.description)
        }
      }
      return settings
    }
  }

  /// The classifier the configuration asks for: its rules file merged with the built-in rules, with the learned
  /// model unless `dataUse.model` is false.
  public var classifier: DataUseClassifier { dataUse.classifier }

  /// Fetch settings; nil means "the command's default".
  public struct FetchSettings: Sendable, Equatable {
    public var concurrency: Int?
    public var connectTimeout: Double?
    public var timeout: Double?
    public var attempts: Int?
    public var maxBody: Int?
    public var userAgent: String?
    public var acceptLanguage: String?
    /// `fetch.browser`, `browserPages`, `browserSandbox`, `browserUser` (see `BrowserSettings.swift`).
    public var browser = BrowserSettings()
    public init() {}
  }

  public init(
    file: String, declarations: String? = nil, store: String? = nil, fetch: FetchSettings = FetchSettings(),
    alerts: AlertSettings = AlertSettings()
  ) {
    self.file = file
    self.declarations = declarations
    self.store = store
    self.fetch = fetch
    self.alerts = alerts
  }

  /// `$XDG_CONFIG_HOME/policywatch/config.json` (`~/.config/…` when unset), then `/etc/policywatch/config.json`.
  public static func defaultPaths(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
    var paths: [String] = []
    if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
      paths.append("\(xdg)/policywatch/config.json")
    } else if let home = environment["HOME"], !home.isEmpty {
      paths.append("\(home)/.config/policywatch/config.json")
    }
    paths.append("/etc/policywatch/config.json")
    return paths
  }

  /// Which file to use: `explicit` (`--config`), else `$POLICYWATCH_CONFIG`, else the first default path that
  /// exists; nil when none is given and no default exists (PolicyWatch then runs without alerts).
  public static func locate(
    explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String? {
    if let explicit, !explicit.isEmpty { return explicit }
    if let fromEnvironment = environment["POLICYWATCH_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
    return defaultPaths(environment: environment).first { FileManager.default.fileExists(atPath: $0) }
  }

  /// Reads and validates `path`. Throws every problem found (not just the first), each with its key path.
  public static func load(
    path: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(ConfigErrors) -> PolicyWatchConfig {
    guard let data = FileManager.default.contents(atPath: path) else {
      let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
      throw ConfigErrors([ConfigError(file: path, keyPath: "", message: reason)])
    }
    return try parse([UInt8](data), file: path, environment: environment)
  }

  /// Where the declarations and the store are, as the file at `path` says (relative paths resolved against its
  /// folder), without reading the rest: a command that only reads the store needs no alert secrets. Throws when the
  /// file is missing or unreadable, is not a JSON object, or either key is not a string.
  public static func loadLocations(
    path: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(ConfigErrors) -> (declarations: String?, store: String?) {
    let (root, sink, context) = try readPart(path: path, environment: environment)
    let declarations = root.string("declarations").map(context.resolve)
    let store = root.string("store").map(context.resolve)
    if !sink.errors.isEmpty { throw ConfigErrors(sink.errors) }
    return (declarations, store)
  }

  /// The data-use settings of the file at `path` (its rules file read and merged), without reading the rest: the
  /// readers that find data-use language in a diff (`diff`, `feed`) use the configuration's classifier, as `check`
  /// and `replay` do, and need no alert secrets. Throws when the file is missing or unreadable, is not a JSON
  /// object, or its `dataUse` object is invalid (a rules file's problem with its line and column). With `readingRules`
  /// false the configured rules file is not read (the command was given rules of its own).
  public static func loadDataUse(
    path: String, readingRules: Bool = true,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(ConfigErrors) -> DataUseSettings {
    let (root, sink, context) = try readPart(path: path, environment: environment)
    var settings = DataUseSettings()
    if let dataUse = root.child("dataUse") {
      settings = DataUseSettings.parse(dataUse, context: context, readingRules: readingRules)
      dataUse.finish()
    }
    if !sink.errors.isEmpty { throw ConfigErrors(sink.errors) }
    return settings
  }

  /// The top-level object of the file at `path`, for reading some of its keys (the rest is left unchecked).
  private static func readPart(
    path: String, environment: [String: String]
  ) throws(ConfigErrors) -> (ConfigReader, ConfigReader.ErrorSink, ConfigContext) {
    guard let data = FileManager.default.contents(atPath: path) else {
      let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
      throw ConfigErrors([ConfigError(file: path, keyPath: "", message: reason)])
    }
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    let context = ConfigContext(base: (absolute as NSString).deletingLastPathComponent, environment: environment)
    let (root, sink) = try reader(of: [UInt8](data), file: path)
    return (root, sink, context)
  }

  /// Parses configuration text; `file` names it in errors and anchors relative paths.
  public static func parse(
    _ bytes: [UInt8], file: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(ConfigErrors) -> PolicyWatchConfig {
    let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
    let base = (absolute as NSString).deletingLastPathComponent
    let (root, sink) = try reader(of: bytes, file: file)
    let context = ConfigContext(base: base, environment: environment)
    var config = PolicyWatchConfig(file: absolute)
    config.declarations = root.string("declarations").map(context.resolve)
    config.store = root.string("store").map(context.resolve)
    if let fetch = root.child("fetch") {
      config.fetch.concurrency = fetch.integer("concurrency", range: 1...256)
      config.fetch.connectTimeout = fetch.number("connectTimeout", range: 0.001...3600)
      config.fetch.timeout = fetch.number("timeout", range: 0.001...3600)
      config.fetch.attempts = fetch.integer("attempts", range: 1...10)
      config.fetch.maxBody = fetch.integer("maxBody", range: 1...(1 << 32))
      config.fetch.userAgent = fetch.string("userAgent")
      config.fetch.acceptLanguage = fetch.string("acceptLanguage")
      config.fetch.browser = BrowserSettings.parse(fetch)
      fetch.finish()
    }
    if let alerts = root.child("alerts") {
      config.alerts = AlertSettings.parse(alerts, context: context)
      alerts.finish()
    }
    if let dataUse = root.child("dataUse") {
      config.dataUse = DataUseSettings.parse(dataUse, context: context)
      dataUse.finish()
    }
    root.finish()
    if !sink.errors.isEmpty { throw ConfigErrors(sink.errors) }
    return config
  }

  /// A reader of the top-level object of `bytes`, read by `JSONText`: a syntax error or a duplicate key is thrown
  /// with its line, column and the key path where it was found.
  private static func reader(
    of bytes: [UInt8], file: String
  ) throws(ConfigErrors) -> (ConfigReader, ConfigReader.ErrorSink) {
    let root: JSONNode
    do {
      root = try JSONText.parse(bytes)
    } catch {
      // A repeated key is valid JSON to most parsers, which silently keep one copy: say what it is.
      let message = error.message.hasPrefix("duplicate key") ? error.message : "not valid JSON: \(error.message)"
      throw ConfigErrors([
        ConfigError(file: file, line: error.line, column: error.column, keyPath: error.keyPath, message: message)
      ])
    }
    guard root.members != nil else {
      let (line, column) = JSONText.lineAndColumn(of: root.offset, in: bytes)
      throw ConfigErrors([
        ConfigError(
          file: file, line: line, column: column, keyPath: "", message: "expected a JSON object at the top level")
      ])
    }
    let sink = ConfigReader.ErrorSink(bytes: bytes)
    return (ConfigReader(file: file, path: "", object: root, sink: sink), sink)
  }
}

/// Every problem found in one file.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
  public var errors: [ConfigError]
  public init(_ errors: [ConfigError]) { self.errors = errors }
  public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// Where relative paths start, and where secrets come from.
struct ConfigContext {
  var base: String
  var environment: [String: String]
  /// The environment variables secrets were read from (withheld from hooks).
  let secretVariables = SecretVariables()

  final class SecretVariables {
    var names: Set<String> = []
  }

  func resolve(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    if path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] { return home + path.dropFirst() }
    return base + "/" + path
  }

  /// A secret given as `<key>Env` (an environment variable's name) or `<key>File` (a file whose content, without
  /// its final newline, is the secret). Inline secrets (`<key>` itself) are refused: a config file is copied,
  /// mailed and committed more often than an environment or a 0600 file. Errors name the variable or file,
  /// never the value.
  func secret(_ reader: ConfigReader, _ key: String, allowInline: Bool = false) -> Secret? {
    let envKey = key + "Env"
    let fileKey = key + "File"
    let given = [key, envKey, fileKey].filter(reader.has)
    if given.count > 1 {
      reader.fail(given[1], "give only one of \(key), \(envKey), \(fileKey)")
    }
    if reader.has(key) {
      let inline = reader.string(key)
      guard allowInline else {
        reader.fail(key, "put secrets in an environment variable (\(envKey)) or a file (\(fileKey)), not in the file")
        return nil
      }
      return inline.map(Secret.init)
    }
    if let name = reader.string(envKey) {
      secretVariables.names.insert(name)
      guard let value = environment[name], !value.isEmpty else {
        reader.fail(envKey, "environment variable \(name) is not set")
        return nil
      }
      return Secret(value)
    }
    if let path = reader.string(fileKey).map(resolve) {
      guard let data = FileManager.default.contents(atPath: path) else {
        reader.fail(fileKey, "cannot read \(path)")
        return nil
      }
      var text = String(decoding: data, as: UTF8.self)
      while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
      guard !text.isEmpty else {
        reader.fail(fileKey, "\(path) is empty")
        return nil
      }
      return Secret(text)
    }
    return nil
  }
}
