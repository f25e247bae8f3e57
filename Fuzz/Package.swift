// swift-tools-version:6.0
// Callgate's libFuzzer targets (docs/fuzzing.md): one executable per folder of Targets/, built
// with `-sanitize=fuzzer,address` by Fuzz/run.sh. Not part of the product: the root package
// does not know this one. `callgate` is a symbolic link to the repository, so that the package
// it names has the same identity whatever the checkout's folder is called.
import Foundation
import PackageDescription

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

/// Every folder of Targets/ is a fuzz target of that name (adding a target is adding a folder).
let targetNames = ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Targets").path)) ?? [])
    .filter { !$0.hasPrefix(".") }
    .sorted()

/// Modules that come with the toolchain or with this package, not from Callgate.
let notCallgate: Set<String> = ["FuzzSupport", "CLibFuzzer", "Glibc", "Foundation", "Dispatch", "Synchronization"]

/// The Callgate library products a target imports (`import Routes` depends on product Routes).
func callgateImports(of target: String) -> [String] {
    let folder = root.appendingPathComponent("Targets").appendingPathComponent(target)
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    var modules = Set<String>()
    for file in files where file.hasSuffix(".swift") {
        let text = (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard let index = words.firstIndex(of: "import"), index + 1 < words.count,
                  words[..<index].allSatisfy({ $0.hasPrefix("@") || ["public", "internal", "package"].contains($0) })
            else { continue }
            modules.insert(String(words[index + 1]))
        }
    }
    return modules.subtracting(notCallgate).sorted()
}

let package = Package(
    name: "CallgateFuzz",
    dependencies: [.package(path: "callgate")],
    targets: [
        // LLVMFuzzerRunDriver, from the libFuzzer runtime that -sanitize=fuzzer links (header only).
        .systemLibrary(name: "CLibFuzzer", path: "CLibFuzzer"),
        .target(
            name: "FuzzSupport",
            dependencies: ["CLibFuzzer", .product(name: "HTTP1", package: "callgate"), .product(name: "WSFraming", package: "callgate"), .product(name: "JSON", package: "callgate"), .product(name: "MuxEnvelope", package: "callgate"), .product(name: "ClickToCall", package: "callgate")],
            path: "Support"),
    ] + targetNames.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport"] + callgateImports(of: name).map { .product(name: $0, package: "callgate") },
            path: "Targets/\(name)")
    },
    swiftLanguageModes: [.v6]
)
