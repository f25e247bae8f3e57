// swift-tools-version:6.0
// Callgate's benchmark: an epoll echo, fan-out and soak load generator (ws and wss) and SwiftNIO
// (+ NIOSSL) echo and fan-out servers to compare against.
// This package is separate from the product on purpose: the product never depends on swift-nio,
// and nothing here is imported by the product. Build with `swift build -c release --package-path bench`.
import PackageDescription

let package = Package(
    name: "CallgateBench",
    products: [
        .executable(name: "loadgen", targets: ["Loadgen"]),
        .executable(name: "nio-echo", targets: ["NIOEcho"]),
        .executable(name: "nio-fanout", targets: ["NIOFanout"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // <sys/epoll.h> and <sys/random.h>, which the Glibc module does not import.
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        // The system OpenSSL (libssl, libcrypto) for the load generator's wss client: a modulemap
        // and a shim header with wrappers for the macros Swift cannot import.
        .systemLibrary(name: "COpenSSLBench", path: "Sources/COpenSSLBench"),
        // The system zlib for the soak's permessage-deflate client (RFC 7692): a modulemap and a
        // shim header with wrappers for deflateInit2 and inflateInit2, which are macros.
        .systemLibrary(name: "CZlibBench", path: "Sources/CZlibBench"),
        // The load generator's pure parts: handshake, SHA-1, base64, frame header, masking, histogram,
        // /proc parsing, report formatting, the permessage-deflate client codec (zlib). No sockets,
        // no clocks.
        .target(name: "LoadgenCore", dependencies: ["CZlibBench"]),
        // The load generator: one thread, epoll, non-blocking sockets, OpenSSL for wss. No NIO, no
        // product code.
        .executableTarget(name: "Loadgen", dependencies: ["LoadgenCore", "CLinux", "COpenSSLBench"]),
        // The reference server: NIOWebSocket echo, the way NIO's examples build it, and NIOSSL for wss.
        .executableTarget(
            name: "NIOEcho",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The fan-out reference server: every WebSocket connection joins one group, and
        // POST /broadcast writes one text message to all of them (bench/fanout.sh).
        .executableTarget(
            name: "NIOFanout",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "LoadgenCoreTests", dependencies: ["LoadgenCore"]),
    ],
    swiftLanguageModes: [.v6]
)
