import PolicyWatchSupport

/// Markdown (for a GitHub issue or an email) and HTML (a standalone page, or a fragment for the Atom feed) views of
/// a diff.
public enum DiffMarkupRenderer {
  // MARK: Markdown

  /// Deleted words are `~~struck~~`, inserted words **bold**, data-use language *`⟨CATEGORY⟩`* after its words.
  /// Every character Markdown could read as syntax is backslash-escaped.
  public static func markdown(_ report: DiffReport, options: DiffViewOptions) -> String {
    var lines: [String] = []
    lines.append("## \(Markup.escapeMarkdown(report.service + "/" + report.document))")
    lines.append("")
    for address in report.addresses {
      // An autolink: nothing in it is escaped, so what would end it is percent-encoded.
      let url = address.url.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "<", with: "%3C")
        .replacingOccurrences(of: ">", with: "%3E")
      lines.append((address.page.map { "Page \(Markup.escapeMarkdown($0)): " } ?? "Document: ") + "<\(url)>  ")
    }
    if !report.addresses.isEmpty { lines.append("") }
    lines.append("| | from | to |")
    lines.append("| --- | --- | --- |")
    lines.append("| version | `\(report.from.version.prefix(12))` | `\(report.to.version.prefix(12))` |")
    lines.append(
      "| first seen | \(ViewDates.minute(report.from.firstSeen)) UTC | \(ViewDates.minute(report.to.firstSeen)) UTC |")
    lines.append(
      "| declared | \(Markup.escapeMarkdown(report.from.declaredSummary)) | \(Markup.escapeMarkdown(report.to.declaredSummary)) |"
    )
    if let before = report.to.lastSeenBefore {
      lines.append("| previous text last seen | | \(ViewDates.minute(before)) UTC |")
    }
    lines.append("")
    if !report.flags.isEmpty {
      lines.append(
        "**Flags:** " + report.flags.map(\.rawValue).joined(separator: ", ")
          + Markup.escapeMarkdown(DiffTextRenderer.flagExplanation(report)))
      lines.append("")
    }
    if report.identical {
      lines.append("No differences: both REFs name the same text.")
      return lines.joined(separator: "\n") + "\n"
    }
    lines.append("**Clauses:** " + report.countsSummary)
    lines.append("")
    if !report.dataUse.isEmpty {
      lines.append("**New data-use language:**")
      lines.append("")
      for finding in report.dataUse {
        let label = (finding.polarity == .negated ? "NOT_" : "") + finding.category
        let section = finding.section.last.map { " in *\(Markup.escapeMarkdown($0))*" } ?? ""
        let verb = finding.changeDescription
        lines.append("- **\(label)** (\(verb))\(section): “\(Markup.escapeMarkdown(finding.match))”")
      }
      lines.append("")
    }
    let items = report.items(options)
    if items.isEmpty { lines.append("No changed clause has data-use language.") }
    var lastSection: [String]?
    for item in items {
      switch item {
      case .fold(let count):
        lines.append("- *… \(count) unchanged clause\(count == 1 ? "" : "s") …*")
      case .entry(let entry):
        if entry.section != lastSection {
          if lines.last != "" { lines.append("") }
          let path = entry.section.isEmpty ? "(top)" : entry.section.joined(separator: " › ")
          lines.append("### " + Markup.escapeMarkdown(path))
          lines.append("")
          lastSection = entry.section
        }
        let label: String
        switch entry.kind {
        case .unchanged: label = ""
        case .added: label = "**Added:** "
        case .removed: label = "**Removed:** "
        case .modified: label = "**Modified:** "
        case .moved: label = "**Moved:** "
        case .split: label = "**Split:** "
        case .merged: label = "**Merged:** "
        case .headingRenamed: label = "**Heading renamed:** "
        }
        var body = ""
        for span in Painter(color: false).plainMerged(InlineSpans.spans(entry, side: .unified)) {
          body += markdown(span, removed: entry.kind == .removed)
        }
        if entry.clauseKind == .heading { body = "**" + body + "**" }
        body = body.replacingOccurrences(of: "\n", with: " / ")
        let note = entry.kind == .moved ? entry.note.map { " *(\(Markup.escapeMarkdown($0)))*" } ?? "" : ""
        lines.append("- " + label + body + note)
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func markdown(_ span: InlineSpan, removed: Bool) -> String {
    let trimmed = span.text.trimmingWhitespace()
    let escaped = Markup.escapeMarkdown(trimmed.core)
    switch span.role {
    case .tag: return " *`⟨\(span.text)⟩`*"
    case .text:
      return removed
        ? trimmed.lead + (escaped.isEmpty ? "" : "~~\(escaped)~~") + trimmed.trail : Markup.escapeMarkdown(span.text)
    case .inserted: return trimmed.lead + (escaped.isEmpty ? "" : "**\(escaped)**") + trimmed.trail
    case .deleted: return trimmed.lead + (escaped.isEmpty ? "" : "~~\(escaped)~~") + trimmed.trail
    }
  }

  // MARK: HTML

  /// The style sheet of the HTML diff (the static site's change pages use it too).
  public static let css = """
    body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff;\
    max-width:60rem;margin:2rem auto;padding:0 1rem}
    h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.1rem;color:#0550ae;margin:1.5rem 0 .5rem;\
    border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
    table.meta{border-collapse:collapse;margin:.5rem 0}table.meta th,table.meta td{text-align:left;\
    padding:.2rem .8rem .2rem 0;vertical-align:top}table.meta th{color:#57606a;font-weight:600}
    code{font-size:.9em}.flags span{display:inline-block;background:#fff8c5;border:1px solid #d4a72c;\
    border-radius:1em;padding:0 .6em;margin-right:.4em;font-weight:600}
    .datause{background:#fbefff;border-left:4px solid #8250df;padding:.5rem 1rem;margin:1rem 0}
    .datause ul{margin:.3rem 0;padding-left:1.2rem}
    .clause{margin:.4rem 0;padding:.4rem .8rem;border-left:4px solid #d0d7de;white-space:pre-wrap}
    .clause .kind{font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.05em;\
    margin-right:.6em;color:#57606a}
    .added{border-color:#1a7f37;background:#dafbe1}.removed{border-color:#cf222e;background:#ffebe9}
    .modified,.split,.merged,.headingRenamed{border-color:#9a6700;background:#fff8c5}
    .moved{border-color:#0969da;background:#ddf4ff}.unchanged{color:#57606a}
    ins{background:#aceebb;text-decoration:none;font-weight:600}del{background:#ffcecb;color:#82071e}
    mark{background:#e8d7ff;color:inherit;text-decoration:underline 2px #8250df}
    .tag{font:700 .75rem/1 ui-monospace,monospace;color:#fff;background:#8250df;border-radius:.3em;\
    padding:.1em .35em;margin-left:.3em;vertical-align:.1em}.tag.old{background:#a48dd8}
    .fold{color:#8c959f;font-style:italic;margin:.4rem 0 .4rem 1rem}.note{color:#57606a;font-style:italic}
    """

  /// A standalone page: inline CSS, no scripts, no external resources (a Content-Security-Policy says so to the
  /// browser too), every text escaped.
  public static func htmlPage(_ report: DiffReport, options: DiffViewOptions) -> String {
    let title = Markup.escape(
      "\(report.service)/\(report.document): \(ViewDates.stamp(report.from.firstSeen)) → "
        + ViewDates.stamp(report.to.firstSeen))
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(title)</title>
      <style>
      \(css)
      </style>
      </head>
      <body>
      <h1>\(Markup.escape(report.service + "/" + report.document))</h1>
      \(htmlFragment(report, options: options))</body>
      </html>

      """
  }

  /// The body of the page without its title: also the content of a feed entry. `forFeed`: markup that reads right
  /// with no stylesheet at all (a feed reader drops the page's): kind labels as words with a colon, flags joined
  /// with commas, category tags as `⟨AI_TRAINING⟩`, `<del>`/`<ins>` with inline styles and a space between an old
  /// and a new word that would otherwise run together (`July 31 September 18`, not `July 31September 18`).
  public static func htmlFragment(_ report: DiffReport, options: DiffViewOptions, forFeed: Bool = false) -> String {
    var html = ""
    for address in report.addresses {
      html += "<p class=\"url\">" + (address.page.map { "Page \(Markup.escape($0)): " } ?? "Document: ")
      html += "<a href=\"\(Markup.escape(address.url))\">\(Markup.escape(address.url))</a></p>\n"
    }
    html += "<table class=\"meta\">\n<tr><th></th><th>from</th><th>to</th></tr>\n"
    html += "<tr><th>version</th><td><code>\(Markup.escape(String(report.from.version.prefix(12))))</code></td>"
    html += "<td><code>\(Markup.escape(String(report.to.version.prefix(12))))</code></td></tr>\n"
    html += "<tr><th>first seen</th><td>\(ViewDates.minute(report.from.firstSeen)) UTC</td>"
    html += "<td>\(ViewDates.minute(report.to.firstSeen)) UTC</td></tr>\n"
    html += "<tr><th>declared</th><td>\(Markup.escape(report.from.declaredSummary))</td>"
    html += "<td>\(Markup.escape(report.to.declaredSummary))</td></tr>\n"
    if let before = report.to.lastSeenBefore {
      html += "<tr><th>previous text last seen</th><td></td><td>\(ViewDates.minute(before)) UTC</td></tr>\n"
    }
    html += "<tr><th>clauses</th><td colspan=\"2\">\(Markup.escape(report.countsSummary))</td></tr>\n</table>\n"
    if !report.flags.isEmpty {
      html += "<p class=\"flags\">"
      if forFeed {
        html += "<strong>Flags: " + Markup.escape(report.flags.map(\.rawValue).joined(separator: ", ")) + "</strong>"
      } else {
        html += report.flags.map { "<span>\(Markup.escape($0.rawValue))</span>" }.joined()
      }
      html += Markup.escape(DiffTextRenderer.flagExplanation(report)) + "</p>\n"
    }
    if report.identical { return html + "<p>No differences: both REFs name the same text.</p>\n" }
    if !report.dataUse.isEmpty {
      html += "<div class=\"datause\"><strong>New data-use language</strong>\n<ul>\n"
      for finding in report.dataUse {
        let label = (finding.polarity == .negated ? "NOT_" : "") + finding.category
        let section = finding.section.last.map { " in <em>\(Markup.escape($0))</em>" } ?? ""
        let verb = finding.changeDescription
        html += "<li>" + tagHTML(label, new: true, forFeed: forFeed) + " \(Markup.escape(verb))\(section): "
        html += "“\(Markup.escape(finding.match))”</li>\n"
      }
      html += "</ul></div>\n"
    }
    let items = report.items(options)
    if items.isEmpty { html += "<p>No changed clause has data-use language.</p>\n" }
    var lastSection: [String]?
    for item in items {
      switch item {
      case .fold(let count):
        html += "<p class=\"fold\">… \(count) unchanged clause\(count == 1 ? "" : "s") …</p>\n"
      case .entry(let entry):
        if entry.section != lastSection {
          let path = entry.section.isEmpty ? "(top)" : entry.section.joined(separator: " › ")
          html += "<h2>\(Markup.escape(path))</h2>\n"
          lastSection = entry.section
        }
        let kindLabel = entry.kind == .headingRenamed ? "heading renamed" : entry.kind.rawValue
        html += "<div class=\"clause \(entry.kind.rawValue)\">"
        if entry.kind != .unchanged {
          html +=
            forFeed
            ? "<strong>\(kindLabel.prefix(1).uppercased() + kindLabel.dropFirst()):</strong> "
            : "<span class=\"kind\">\(kindLabel)</span>"
        }
        if entry.clauseKind == .heading { html += "<strong>" }
        let spans = InlineSpans.spans(entry, side: .unified)
        for (index, span) in spans.enumerated() {
          // Without a stylesheet an old word and a new word would run together: a space parts them, inside the
          // inserted run (so the old text, read without it, is unchanged; HTML collapses the new text's spaces).
          var span = span
          if forFeed, span.role == .inserted, index > 0, spans[index - 1].role == .deleted,
            spans[index - 1].text.last.map({ $0.isLetter || $0.isNumber }) == true,
            span.text.first.map({ $0.isLetter || $0.isNumber }) == true
          {
            span.text = " " + span.text
          }
          html += htmlSpan(span, forFeed: forFeed)
        }
        if entry.clauseKind == .heading { html += "</strong>" }
        if entry.kind == .moved, let note = entry.note {
          html += " <span class=\"note\">(\(Markup.escape(note)))</span>"
        }
        html += "</div>\n"
      }
    }
    return html
  }

  private static func htmlSpan(_ span: InlineSpan, forFeed: Bool = false) -> String {
    var text = Markup.escape(span.text)
    switch span.role {
    case .tag:
      return " " + tagHTML(span.text, new: span.new, forFeed: forFeed)
    case .inserted:
      text =
        forFeed
        ? "<ins style=\"background:#aceebb;text-decoration:underline\">\(text)</ins>" : "<ins>\(text)</ins>"
    case .deleted:
      text =
        forFeed
        ? "<del style=\"background:#ffcecb;color:#82071e;text-decoration:line-through\">\(text)</del>"
        : "<del>\(text)</del>"
    case .text: break
    }
    return span.dataUse ? "<mark>\(text)</mark>" : text
  }

  /// A data-use category label: a styled `<span>` on the page, `⟨LABEL⟩` in monospace in a feed (it must not read
  /// as the document's words).
  private static func tagHTML(_ label: String, new: Bool, forFeed: Bool) -> String {
    forFeed
      ? "<code style=\"color:#8250df;font-weight:bold\">⟨\(Markup.escape(label))⟩</code>"
      : "<span class=\"tag\(new ? "" : " old")\">\(Markup.escape(label))</span>"
  }
}

extension String {
  /// Leading whitespace, the core, trailing whitespace.
  func trimmingWhitespace() -> (lead: String, core: String, trail: String) {
    let lead = prefix { $0.isWhitespace }
    let rest = dropFirst(lead.count)
    let trail = rest.reversed().prefix { $0.isWhitespace }
    let core = rest.dropLast(trail.count)
    return (String(lead), String(core), String(trail.reversed()))
  }
}
