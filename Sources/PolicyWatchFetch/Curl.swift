internal import CCurl
internal import CCurlShims
import Foundation

/// libcurl at the edge: global initialisation, the easy and multi handles, and the one place where libcurl's
/// return codes become Swift errors. No libcurl type leaves this module.
enum Curl {
  /// `curl_global_init` must run once, before any other libcurl call; a `static let` runs it exactly once.
  static let initialized: Bool = {
    curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
  }()

  /// libcurl's version string, e.g. `libcurl/7.88.1 OpenSSL/3.0.19 zlib/1.2.13 brotli/1.0.9`.
  static let version: String = {
    _ = initialized
    return String(cString: curl_version())
  }()
}

/// A libcurl failure to set up a handle: programming or resource errors, never a page's fault.
package struct CurlSetupError: Error, CustomStringConvertible {
  let what: String
  let code: Int
  let message: String
  package var description: String { "libcurl: \(what) failed (\(code)): \(message)" }
}

/// Turns a setup call's code into a thrown error. The one place `CURLcode` becomes a Swift error for setup.
@inline(__always)
func curlCheck(_ code: CURLcode, _ what: @autoclosure () -> String) throws(CurlSetupError) {
  guard code == CURLE_OK else {
    throw CurlSetupError(what: what(), code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
  }
}

/// Turns a finished transfer's `CURLcode` into a `FetchError`. The one place transfer codes are interpreted.
func fetchError(fromTransferCode code: CURLcode, errorBuffer: String) -> FetchError {
  let message = errorBuffer.isEmpty ? String(cString: curl_easy_strerror(code)) : errorBuffer
  switch code {
  case CURLE_OPERATION_TIMEDOUT: return .timedOut(message: message)
  case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects(limit: -1)
  case CURLE_URL_MALFORMAT: return .invalidURL(message)
  default: return .transport(code: Int(code.rawValue), message: message)
  }
}

/// Whether a transport failure is worth another attempt (the network, not the request, failed).
func isRetryable(transferCode code: CURLcode) -> Bool {
  switch code {
  case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR,
    CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR, CURLE_HTTP2,
    CURLE_HTTP2_STREAM:
    return true
  default:
    return false
  }
}

/// An owned `CURL *`. Freed exactly once, in `deinit`.
final class CurlEasy {
  let handle: UnsafeMutableRawPointer
  /// Header lists handed to libcurl must live as long as the handle; they are freed with it.
  private var lists: [UnsafeMutablePointer<curl_slist>] = []
  /// CURLOPT_ERRORBUFFER: libcurl writes its detailed message here.
  private let errorBuffer: UnsafeMutablePointer<CChar>

  init() throws(CurlSetupError) {
    _ = Curl.initialized
    guard let handle = curl_easy_init() else {
      throw CurlSetupError(what: "curl_easy_init", code: -1, message: "out of memory")
    }
    self.handle = handle
    errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    try curlCheck(pw_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "CURLOPT_ERRORBUFFER")
  }

  deinit {
    curl_easy_cleanup(handle)
    for list in lists { curl_slist_free_all(list) }
    errorBuffer.deallocate()
  }

  var errorMessage: String { String(cString: errorBuffer) }

  func set(_ option: CURLoption, _ value: Int) throws(CurlSetupError) {
    try curlCheck(pw_curl_easy_setopt_long(handle, option, value), "option \(option.rawValue)")
  }

  func set(_ option: CURLoption, _ value: String) throws(CurlSetupError) {
    try curlCheck(pw_curl_easy_setopt_string(handle, option, value), "option \(option.rawValue)")
  }

  func set(_ option: CURLoption, offset value: Int64) throws(CurlSetupError) {
    try curlCheck(pw_curl_easy_setopt_off_t(handle, option, curl_off_t(value)), "option \(option.rawValue)")
  }

  func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlSetupError) {
    try curlCheck(pw_curl_easy_setopt_pointer(handle, option, value), "option \(option.rawValue)")
  }

  func set(_ option: CURLoption, callback: pw_curl_data_callback) throws(CurlSetupError) {
    try curlCheck(pw_curl_easy_setopt_data_callback(handle, option, callback), "callback \(option.rawValue)")
  }

  func setReadCallback(_ callback: pw_curl_read_callback) throws(CurlSetupError) {
    try curlCheck(pw_curl_easy_setopt_read_callback(handle, callback), "CURLOPT_READFUNCTION")
  }

  /// Sets a list option (`CURLOPT_HTTPHEADER`, `CURLOPT_MAIL_RCPT`); the list is freed with the handle.
  func set(_ option: CURLoption, list strings: [String]) throws(CurlSetupError) {
    var list: UnsafeMutablePointer<curl_slist>? = nil
    for string in strings {
      guard let appended = curl_slist_append(list, string) else {
        if let list { curl_slist_free_all(list) }
        throw CurlSetupError(what: "curl_slist_append", code: -1, message: "out of memory")
      }
      list = appended
    }
    guard let list else { return }
    lists.append(list)
    try curlCheck(pw_curl_easy_setopt_slist(handle, option, list), "list option \(option.rawValue)")
  }

  func info(long info: CURLINFO) -> Int {
    var value = 0
    return pw_curl_easy_getinfo_long(handle, info, &value) == CURLE_OK ? value : 0
  }

  func info(string info: CURLINFO) -> String? {
    var value: UnsafePointer<CChar>? = nil
    guard pw_curl_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
    return String(cString: value)
  }

  /// A `*_T` timing, converted from microseconds to seconds.
  func info(seconds info: CURLINFO) -> Double {
    var value: curl_off_t = 0
    return pw_curl_easy_getinfo_off_t(handle, info, &value) == CURLE_OK ? Double(value) / 1_000_000 : 0
  }

  /// Runs the transfer to completion on this thread (used for SMTP and single requests).
  func perform() -> CURLcode { curl_easy_perform(handle) }
}

/// An owned `CURLM *`. Easy handles must be removed before it is freed; `CurlMulti` does it in `deinit`.
final class CurlMulti {
  let handle: UnsafeMutableRawPointer
  private var attached: [UnsafeMutableRawPointer] = []

  init() throws(CurlSetupError) {
    _ = Curl.initialized
    guard let handle = curl_multi_init() else {
      throw CurlSetupError(what: "curl_multi_init", code: -1, message: "out of memory")
    }
    self.handle = handle
  }

  deinit {
    for easy in attached { curl_multi_remove_handle(handle, easy) }
    curl_multi_cleanup(handle)
  }

  func set(_ option: CURLMoption, _ value: Int) {
    _ = pw_curl_multi_setopt_long(handle, option, value)
  }

  func add(_ easy: CurlEasy) throws(CurlSetupError) {
    let code = curl_multi_add_handle(handle, easy.handle)
    guard code == CURLM_OK else {
      throw CurlSetupError(
        what: "curl_multi_add_handle", code: Int(code.rawValue), message: String(cString: curl_multi_strerror(code)))
    }
    attached.append(easy.handle)
  }

  func remove(_ easy: CurlEasy) {
    curl_multi_remove_handle(handle, easy.handle)
    attached.removeAll { $0 == easy.handle }
  }

  /// Drives every attached transfer as far as it can go without blocking.
  func perform() {
    var running: Int32 = 0
    _ = curl_multi_perform(handle, &running)
  }

  /// Waits for activity on any transfer, at most `milliseconds`.
  func poll(milliseconds: Int) {
    var count: Int32 = 0
    _ = curl_multi_poll(handle, nil, 0, Int32(clamping: milliseconds), &count)
  }

  /// The transfers that finished since the last call: the easy handle and its result code.
  func finished() -> [(UnsafeMutableRawPointer, CURLcode)] {
    var done: [(UnsafeMutableRawPointer, CURLcode)] = []
    var left: Int32 = 0
    while let message = curl_multi_info_read(handle, &left) {
      if message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle {
        done.append((easy, pw_curl_msg_result(message)))
      }
    }
    return done
  }
}
