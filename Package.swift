// swift-tools-version: 6.0
import PackageDescription

// One target per pipeline stage; the graph below is the architecture (README, "Map of the code").
//
//   PolicyWatchSupport      bytes, JSON text, SHA-256, gzip, zstd, atomic files, RFC 3339, escaping
//   PolicyWatchText         the text model: clauses, normalisation, dates in text
//   PolicyWatchDiff         clause and word alignment                        ← Text
//   PolicyWatchDataUse      data-use rules, model and report                 ← Text, Diff
//   PolicyWatchFetch        libcurl: the one wrapper, the fetcher            ← Support
//   PolicyWatchCSS          CSS selectors: parsed, translated to XPath       ← Support
//   PolicyWatchDeclarations which page, which parts, since when              ← CSS
//   PolicyWatchPDF          poppler: a PDF's text in reading order, blocks
//   PolicyWatchExtract      libxml2: pages (HTML, PDF) into clauses          ← Declarations, Text, PDF
//   PolicyWatchStore        snapshots, versions, events, the timeline        ← Declarations, DataUse, Fetch
//   PolicyWatchView         diffs, versions and feeds for people             ← Store
//   PolicyWatchAlerts       alert messages, outbox, SMTP/webhook/executable  ← View, Fetch
//   PolicyWatchConfig       policywatch.json                                 ← Alerts
//   PolicyWatchCheck        check, replay, the recorder, fsck                ← Extract, Store, Alerts
//   PolicyWatchSite         the static website of a store                    ← View
//   PolicyWatchBrowser      headless Chromium over the DevTools pipe         (no dependency)
//   PolicyWatch             the library product: re-exports the stages
//
// Each C library is a system target of its own; the shims Swift needs for it (variadic functions, macros, global
// function pointers) are a C target beside it. Only the stage that owns a C library imports it, `internal`ly.
let package = Package(
  name: "PolicyWatch",
  products: [
    .executable(name: "policywatch", targets: ["PolicyWatchCLI"]),
    .library(name: "PolicyWatch", targets: ["PolicyWatch"]),
    .executable(name: "policywatch-bench", targets: ["PolicyWatchBench"]),
    .library(name: "PolicyWatchBrowser", targets: ["PolicyWatchBrowser"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    // MARK: C libraries, found through pkg-config, and their shims

    .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    .target(name: "CLibXML2Shims", dependencies: ["CLibXML2"]),
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    .target(name: "CCurlShims", dependencies: ["CCurl"]),
    // zlib, only to read the gzip members of stores written before zstd.
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .target(name: "CZlibShims", dependencies: ["CZlib"]),
    // OpenSSL's libcrypto, for SHA-256 content addresses (hardware-accelerated; 10x the speed of plain Swift).
    .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    // zstd, for compressing stored snapshots (level 1: twice the speed of gzip's fastest, smaller output).
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    // libexttextcat, for identifying a page's language from its text (`lang` is only a hint).
    .systemLibrary(name: "CExtTextCat", pkgConfig: "libexttextcat", providers: [.apt(["libexttextcat-dev"])]),
    // poppler-glib, for the text of PDF documents (its shim keeps GLib types out of Swift).
    .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),

    // MARK: Stages

    .target(
      name: "PolicyWatchSupport",
      dependencies: ["CCrypto", "CZstd", "CZlibShims", .product(name: "Logging", package: "swift-log")]
    ),
    .target(name: "PolicyWatchText", dependencies: ["PolicyWatchSupport"]),
    .target(name: "PolicyWatchDiff", dependencies: ["PolicyWatchText"]),
    .target(
      name: "PolicyWatchDataUse",
      dependencies: ["PolicyWatchText", "PolicyWatchDiff"],
      exclude: ["MODEL.md"]
    ),
    .target(name: "PolicyWatchFetch", dependencies: ["PolicyWatchSupport", "CCurl", "CCurlShims"]),
    .target(name: "PolicyWatchCSS", dependencies: ["PolicyWatchSupport"]),
    .target(name: "PolicyWatchDeclarations", dependencies: ["PolicyWatchCSS"]),
    // A PDF's text in reading order, with headings, paragraphs, running headers and page numbers told apart.
    .target(name: "PolicyWatchPDF", dependencies: ["CPoppler"]),
    .target(
      name: "PolicyWatchExtract",
      dependencies: [
        "PolicyWatchText", "PolicyWatchDeclarations", "PolicyWatchPDF", "CLibXML2", "CLibXML2Shims", "CExtTextCat",
      ]
    ),
    .target(
      name: "PolicyWatchStore",
      dependencies: ["PolicyWatchDeclarations", "PolicyWatchDataUse", "PolicyWatchFetch"]
    ),
    .target(name: "PolicyWatchView", dependencies: ["PolicyWatchStore"]),
    .target(
      name: "PolicyWatchAlerts",
      dependencies: [
        "PolicyWatchView", "PolicyWatchFetch", .product(name: "Logging", package: "swift-log"),
      ]
    ),
    .target(name: "PolicyWatchConfig", dependencies: ["PolicyWatchAlerts"]),
    .target(
      name: "PolicyWatchCheck",
      dependencies: ["PolicyWatchExtract", "PolicyWatchStore", "PolicyWatchAlerts"]
    ),
    // The library product: one import for the whole pipeline.
    .target(
      name: "PolicyWatch",
      dependencies: [
        "PolicyWatchSupport", "PolicyWatchText", "PolicyWatchDiff", "PolicyWatchDataUse", "PolicyWatchFetch",
        "PolicyWatchCSS", "PolicyWatchDeclarations", "PolicyWatchExtract", "PolicyWatchStore", "PolicyWatchView",
        "PolicyWatchAlerts", "PolicyWatchConfig", "PolicyWatchCheck",
      ]
    ),

    // MARK: Programs

    // The thin command-line shell over the library.
    .executableTarget(
      name: "PolicyWatchCLI",
      dependencies: [
        // Each stage it uses, named (not only through the PolicyWatch re-export), so that a change to a stage
        // rebuilds the commands that use it.
        "PolicyWatchSupport", "PolicyWatchText", "PolicyWatchDataUse", "PolicyWatchFetch", "PolicyWatchDeclarations",
        "PolicyWatchExtract", "PolicyWatchStore", "PolicyWatchView", "PolicyWatchAlerts", "PolicyWatchConfig",
        "PolicyWatchCheck", "PolicyWatchSite", "PolicyWatchBrowser",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // Headless Chromium over the DevTools pipe (pages that need scripts, bot walls, OTA filters). Depends on no
    // other target: it takes URLs, selectors and filter source, and gives back serialised DOMs. The CLI plugs it
    // into `check` through the `PageRenderer` protocol of PolicyWatchCheck.
    .target(name: "PolicyWatchBrowser"),
    // The static website of the watch (`policywatch site`): pages, SVG timelines and feeds from a store.
    .target(name: "PolicyWatchSite", dependencies: ["PolicyWatchView"]),
    // Benchmarks behind the figures in closing notes (run by Scripts/bench-*.sh, in release mode).
    .executableTarget(name: "PolicyWatchBench", dependencies: ["PolicyWatch"]),

    // MARK: Tests

    // What tests share: repository and corpus paths, prerequisites for `.enabled(if:)`, temporary directories, the
    // launcher of the Python servers in Tests/Servers.
    .target(name: "PolicyWatchTestSupport", path: "Tests/PolicyWatchTestSupport"),
    .testTarget(
      name: "PolicyWatchTests",
      dependencies: ["PolicyWatch", "PolicyWatchCLI", "PolicyWatchTestSupport"]
    ),
    .testTarget(
      name: "PolicyWatchSiteTests",
      dependencies: ["PolicyWatchSite", "PolicyWatch", "PolicyWatchCLI"]
    ),
    .testTarget(
      name: "PolicyWatchBrowserTests",
      dependencies: ["PolicyWatchBrowser", "PolicyWatchPDF", "PolicyWatch", "PolicyWatchCLI", "PolicyWatchTestSupport"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
