import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchExtract
@testable import PolicyWatchText

@Suite("UTF-8 scanning step")
struct UTF8SequenceTests {
  /// Decodes every sequence of `bytes` in turn.
  func scan(_ bytes: [UInt8]) -> [(value: UInt32, length: Int)] {
    bytes.withUnsafeBufferPointer { buffer in
      var steps: [(value: UInt32, length: Int)] = []
      var index = 0
      while index < buffer.count {
        let step = UTF8Sequence.decode(buffer, at: index)
        steps.append(step)
        index += step.length
      }
      return steps
    }
  }

  @Test("valid text decodes to its scalars, whatever their length")
  func validText() {
    let text = "a\u{A0}é€\u{1F600}\u{2028}z"
    let steps = scan(Array(text.utf8))
    #expect(steps.map(\.value) == text.unicodeScalars.map(\.value))
    #expect(steps.map(\.length) == text.unicodeScalars.map { String($0).utf8.count })
  }

  @Test("a stray continuation byte and a sequence cut short come back one byte at a time")
  func invalidBytes() {
    let stray = scan([0x61, 0x85, 0x62])
    #expect(stray.map(\.value) == [0x61, 0x85, 0x62])
    #expect(stray.map(\.length) == [1, 1, 1])
    let cut = scan([0x61, 0xE2, 0x82])
    #expect(cut.map(\.value) == [0x61, 0xE2, 0x82])
    #expect(cut.map(\.length) == [1, 1, 1])
  }

  @Test("extraction collapses Unicode spaces but keeps invalid bytes as text")
  func collapseUsesTheStep() {
    let bytes: [UInt8] = Array("a\u{2003}\u{A0} b".utf8) + [0x85] + Array("c".utf8)
    let text = ClauseBuilder.collapse(bytes: bytes[...])
    #expect(text == "a b\u{FFFD}c")
  }
}
