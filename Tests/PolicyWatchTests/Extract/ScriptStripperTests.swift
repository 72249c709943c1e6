import Foundation
import PolicyWatchTestSupport
import Testing

@testable import PolicyWatchExtract

@Suite("Script and style contents cut before parsing")
struct ScriptStripperTests {
  /// Pages whose text must come out the same whether script contents are cut first or not.
  static let pages: [String] = [
    // Plain inline scripts, in head and body, with markup-looking strings inside.
    """
    <html><head><script>var a = "<p>not text</p>"; if (a < b) {}</script><title>T</title></head>
    <body><main><h1>Terms</h1><p>We keep your data.</p><SCRIPT type="text/javascript">x = '</div>';</SCRIPT>
    <p>We do not sell it.</p></main></body></html>
    """,
    // `<script` inside attribute values, a comment, a style sheet and a processing instruction.
    """
    <html><body><div title="<script>" data-x='<script>alert(1)</script>'>Hello</div>
    <!-- <script> a commented script without its end -->
    <style>.a::after { content: "<script>"; }</style>
    <?php echo "<script>"; ?>
    <p>Terms stay.</p><script>var b = 1;</script><p>And this clause.</p></body></html>
    """,
    // Self-closing script (libxml2 closes it on `/>`), a script with `>` in a quoted attribute, `<noscript>`.
    """
    <html><body><script src="a.js"/><p>First clause.</p>
    <script data-cond="a > b">var c = "<b>x</b>";</script><noscript><p>Enable JavaScript.</p></noscript>
    <p>Second clause.</p><scripts>not a script</scripts></body></html>
    """,
    // An unterminated script at the end, and an unterminated quote in a tag.
    """
    <html><body><p>Only clause.</p><script>var never = "ends
    """,
    """
    <html><body><p>Before.</p><div class="open>After?</div><script>x</script><p>Tail.</p></body></html>
    """,
    // Style sheets with markup-looking text, an upper-case end tag, a self-closing one, an inline style that
    // hides an element (kept: it is an attribute), and an unterminated style sheet at the end.
    """
    <html><head><style media="screen">p::before { content: "</p><p>not text"; }</STYLE><style/></head>
    <body><p>Shown clause.</p><p style="display: none">Hidden clause.</p><style>.x { color: red }</style>
    <p>Last clause.</p><style>.never { ends: 1
    """,
  ]

  @Test("the clauses, title and language are the same with and without cutting script contents")
  func sameExtraction() throws {
    for page in Self.pages {
      let bytes = Array(page.utf8)
      let fast = try PageExtractor.extract(bytes: bytes, stripScripts: true)
      let slow = try PageExtractor.extract(bytes: bytes, stripScripts: false)
      #expect(fast.clauses.map(\.text) == slow.clauses.map(\.text), "\(page.prefix(60))")
      #expect(fast.clauses == slow.clauses)
      #expect(fast.title == slow.title)
    }
  }

  @Test("script and style contents are cut and everything else is kept byte for byte")
  func whatIsCut() {
    let page =
      #"<p title="<script>x</script>">A</p><script type="a">var s = "</p>";</script><p>B</p>"#
      + #"<style>b { x: "</b>" }</style><p style="color: red">C</p>"#
    let stripped = String(decoding: ScriptStripper.strip(Array(page.utf8)), as: UTF8.self)
    #expect(
      stripped
        == #"<p title="<script>x</script>">A</p><script type="a"></script><p>B</p>"#
        + #"<style></style><p style="color: red">C</p>"#)
    let plain = "<p>No scripts here.</p>"
    #expect(ScriptStripper.strip(Array(plain.utf8)) == Array(plain.utf8))
  }
}
