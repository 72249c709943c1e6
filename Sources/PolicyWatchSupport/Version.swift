/// PolicyWatch's own version, used in the User-Agent, in JSON output and in store metadata.
public enum PolicyWatchVersion {
  public static let string = "0.1.0"
  /// Where people who see PolicyWatch in their server logs can read what it is.
  public static let homepage = "https://github.com/policywatch/policywatch"
}
