// swift-tools-version: 6.0
import PackageDescription

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
    // libxml2 and libcurl, found through pkg-config. Only `PolicyWatch` imports them, `internal`ly.
    .systemLibrary(
      name: "CLibXML2",
      pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]
    ),
    .systemLibrary(
      name: "CCurl",
      pkgConfig: "libcurl",
      providers: [.apt(["libcurl4-openssl-dev"])]
    ),
    // OpenSSL's libcrypto, for SHA-256 content addresses (hardware-accelerated; 10x the speed of plain Swift).
    .systemLibrary(
      name: "CCrypto",
      pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]
    ),
    // zstd, for compressing stored snapshots (level 1: twice the speed of gzip's fastest, smaller output).
    .systemLibrary(
      name: "CZstd",
      pkgConfig: "libzstd",
      providers: [.apt(["libzstd-dev"])]
    ),
    // libexttextcat, for identifying a page's language from its text (`lang` is only a hint).
    .systemLibrary(
      name: "CExtTextCat",
      pkgConfig: "libexttextcat",
      providers: [.apt(["libexttextcat-dev"])]
    ),
    // Typed, non-variadic C wrappers for what Swift cannot call directly (see pw_shims.h).
    .target(
      name: "CPolicyWatchShims",
      dependencies: ["CCurl", "CLibXML2"],
      linkerSettings: [.linkedLibrary("z")]
    ),
    // All the logic: one folder per pipeline stage.
    .target(
      name: "PolicyWatch",
      dependencies: [
        "CPolicyWatchShims", "CCurl", "CLibXML2", "CCrypto", "CZstd", "CExtTextCat", "PolicyWatchPDF",
        .product(name: "Logging", package: "swift-log"),
      ],
      exclude: ["DataUse/MODEL.md"]
    ),
    // poppler-glib, for the text of PDF documents (its shim keeps GLib types out of Swift).
    .systemLibrary(
      name: "CPoppler",
      pkgConfig: "poppler-glib",
      providers: [.apt(["libpoppler-glib-dev"])]
    ),
    // A PDF's text in reading order, with headings, paragraphs, running headers and page numbers told apart.
    .target(name: "PolicyWatchPDF", dependencies: ["CPoppler"]),
    // Headless Chromium over the DevTools pipe (pages that need scripts, bot walls, OTA filters). Depends on no
    // other target: it takes URLs, selectors and filter source, and gives back serialised DOMs.
    .target(name: "PolicyWatchBrowser"),
    // The thin command-line shell over the library.
    .executableTarget(
      name: "PolicyWatchCLI",
      dependencies: [
        "PolicyWatch", "PolicyWatchBrowser",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ]
    ),
    // Benchmarks behind the figures in closing notes (run by Scripts/bench-*.sh, in release mode).
    .executableTarget(
      name: "PolicyWatchBench",
      dependencies: ["PolicyWatch"]
    ),
    .testTarget(
      name: "PolicyWatchTests",
      dependencies: ["PolicyWatch", "PolicyWatchCLI"]
    ),
    .testTarget(
      name: "PolicyWatchBrowserTests",
      dependencies: ["PolicyWatchBrowser", "PolicyWatchPDF", "PolicyWatch", "PolicyWatchCLI"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
