// libFuzzer target "declarations": the Open Terms Archive declaration reader (see Scripts/fuzz.sh).
//
// Compiled into the PolicyWatch module itself (`-module-name PolicyWatch`). Byte 0 chooses what the rest is: a
// service file `<Service>.json` (alone, or with the part after the first NUL byte as its `<Service>.history.json`),
// or a replay folder's `declaration.json`; the files are written to a private temporary folder and read by
// `DeclarationLoader`, as `check`, `replay` and `fsck --repair` read them.
// Checks: nothing traps; an error names its file and says something; a declaration read has documents, each with
// pages whose ids are unique and whose fetch addresses are not empty; `declaration(of:at:)` answers for each
// document at three dates; every replay declaration answers `declaration(at:)`.

import Foundation

private let folder: String = {
  let path = NSTemporaryDirectory() + "policywatch-fuzz-declarations-\(getpid())"
  try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  return path
}()

private let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_700_000_000), Date.distantFuture]

private func checkDocument(_ document: DocumentDeclaration) {
  precondition(!document.pages.isEmpty, "a document without pages: \(document)")
  precondition(Set(document.pages.map(\.id)).count == document.pages.count, "page ids repeat: \(document)")
  for page in document.pages { precondition(!page.fetch.isEmpty, "a page without an address: \(document)") }
  _ = DocumentExtractor.fingerprint(document)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeclarations(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  let mode = bytes[0] % 3
  let body = Array(bytes.dropFirst())
  let service = folder + "/Fuzz Service.json"
  let history = folder + "/Fuzz Service.history.json"
  let replay = folder + "/declaration.json"
  for path in [service, history, replay] { unlink(path) }
  switch mode {
  case 0, 1:
    var main = body[...]
    if mode == 1, let cut = body.firstIndex(of: 0) {
      main = body[..<cut]
      FileManager.default.createFile(atPath: history, contents: Data(body[(cut + 1)...]))
    }
    FileManager.default.createFile(atPath: service, contents: Data(main))
    do {
      let (declared, warnings) = try DeclarationLoader.loadService(at: service)
      precondition(!declared.documents.isEmpty, "a service without documents")
      for document in declared.documents {
        checkDocument(document)
        for date in dates {
          if let chosen = declared.declaration(of: document.documentType, at: date) { checkDocument(chosen) }
        }
      }
      for documents in declared.history.values { documents.forEach(checkDocument) }
      for warning in warnings { precondition(!warning.description.isEmpty) }
    } catch {
      precondition(error.file == service || error.file == history, "an error names another file: \(error)")
      precondition(!error.message.isEmpty, "an error without a message")
    }
  default:
    FileManager.default.createFile(atPath: replay, contents: Data(body))
    do {
      let declared = try DeclarationLoader.loadReplayDeclaration(at: replay)
      for date in dates { checkDocument(declared.declaration(at: date)) }
      declared.allDeclarations.forEach(checkDocument)
    } catch {
      precondition(!error.message.isEmpty, "an error without a message")
    }
  }
  return 0
}
