/// Turns an Open Terms Archive filters file (an ES module run by Node on a JSDOM document) into one expression
/// that runs the declared filters on the page's `document`, in order, with OTA's calling convention:
/// `filter(document, documentDeclaration)`, or `filter(document, parameters, documentDeclaration)` for a
/// `{"name": parameters}` item, where `documentDeclaration` is `{fetch, select, remove, filter: [names]}`. A filter
/// may be `async`. OTA's built-in `removeQueryParams` is defined too (the file's own definition wins).
///
/// `export` keywords are dropped so the file's functions become local ones; `import` lines are commented out
/// (a filter that needs an imported module fails with the error naming it).
enum FilterScript {
  static func expression(_ program: FilterProgram) -> String {
    let names = program.calls.map(\.name)
    let calls = program.calls.map { call -> String in
      let parameters = call.parametersJSON.map { ", parameters: \($0)" } ?? ""
      return "{name: \(CDPValue.string(call.name).json)\(parameters)}"
    }
    let lookups = Set(names).filter(isIdentifier).sorted().map { name in
      "\(CDPValue.string(name).json): (typeof \(name) === 'function' ? \(name) : undefined)"
    }
    let context =
      "{fetch: \(CDPValue.string(program.fetch).json), select: \(program.selectJSON), "
      + "remove: \(program.removeJSON), filter: \(CDPValue.array(names.map(CDPValue.string)).json)}"
    return """
      (async () => {
        const __calls = [\(calls.joined(separator: ", "))];
        const __context = \(context);
        let __functions;
        try {
          __functions = (function () {
            function removeQueryParams(webPageDOM, paramsToRemove = []) {
              const params = Array.isArray(paramsToRemove) ? paramsToRemove : [paramsToRemove];
              if (!params.length) return;
              for (const element of webPageDOM.querySelectorAll('a[href], img[src]')) {
                try {
                  const url = new URL(element.href || element.src);
                  if (params.some(param => url.searchParams.has(param))) {
                    params.forEach(param => url.searchParams.delete(param));
                    element[element.tagName === 'A' ? 'href' : 'src'] = url.toString();
                  }
                } catch (error) {}
              }
            }
      \(moduleBody(program.source))
            return {\(lookups.joined(separator: ", "))};
          })();
        } catch (error) {
          return {kind: 'load', message: String(error)};
        }
        for (const call of __calls) {
          const filter = __functions[call.name];
          if (typeof filter !== 'function') return {kind: 'missing', name: call.name};
          try {
            if ('parameters' in call) await filter(document, call.parameters, __context);
            else await filter(document, __context);
          } catch (error) {
            return {kind: 'failed', name: call.name, message: String(error)};
          }
        }
        return {kind: 'ok'};
      })()
      """
  }

  /// The module's text as a function body: `export` dropped, `import` commented out.
  static func moduleBody(_ source: String) -> String {
    var lines: [String] = []
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
      let indent = line.prefix(line.count - trimmed.count)
      if trimmed.hasPrefix("import ") || trimmed.hasPrefix("import{") {
        lines.append("\(indent)// (import not available to filters run by PolicyWatch) \(trimmed)")
      } else if trimmed.hasPrefix("export default ") {
        lines.append("\(indent)\(trimmed.dropFirst("export default ".count))")
      } else if trimmed.hasPrefix("export {") || trimmed.hasPrefix("export{") {
        lines.append("\(indent)// \(trimmed)")
      } else if trimmed.hasPrefix("export ") {
        lines.append("\(indent)\(trimmed.dropFirst("export ".count))")
      } else {
        lines.append(String(line))
      }
    }
    return lines.joined(separator: "\n")
  }

  static func isIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, first == "_" || first == "$" || first.properties.isAlphabetic
    else { return false }
    return name.unicodeScalars.allSatisfy {
      $0 == "_" || $0 == "$" || $0.properties.isAlphabetic || ("0"..."9").contains($0)
    }
  }
}
