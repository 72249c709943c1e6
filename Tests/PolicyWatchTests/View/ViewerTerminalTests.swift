import Foundation
import PolicyWatchTestSupport
import Testing

/// `policywatch diff` in a real terminal: Scripts/tmux-viewer.sh opens it in tmux at 80 and 200 columns, through the
/// pager (less -R), and checks with capture-pane what a person sees (see the script for the checks).
@Suite("Viewer in a terminal")
struct ViewerTerminalTests {
  @Test(
    .enabled(
      if: Prerequisites.tools("/usr/bin/tmux", "/usr/bin/less"), "needs tmux and less (.ci/run installs them)"))
  func diffThroughThePagerInTmux() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
      TestPaths.repository.appendingPathComponent("Scripts/tmux-viewer.sh").path, TestPaths.executable.path,
    ]
    let ran = try ChildProcess.run(process, separateStandardError: false)
    let text = String(decoding: ran.standardOutput, as: UTF8.self)
    #expect(ran.status == 0, "\(text)")
    #expect(text.contains("tmux-viewer: all checks passed"))
  }
}
