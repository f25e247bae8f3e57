import Foundation
import Switchboard

/// The command line: `callgate [--config FILE] [--listen HOST:PORT]... [--echo PATH]...
/// [--public DIR] [--threads N] [--log-level LEVEL] [--help] [--version]`. Flags override the
/// config file.
struct CommandLineOptions {
    static let version = "0.1.0"

    static let usage = """
        usage: callgate [options]

        Runs the Callgate WebSocket gateway. With no listener configured it serves http/ws on
        127.0.0.1:8080 and https/wss on 127.0.0.1:8443, with a self-signed certificate generated
        on the first run.

        options:
          --config FILE        JSON configuration (every key: docs/config.md)
          --listen HOST:PORT   listen for http/ws here (repeatable; replaces the configured list)
          --listen-tls HOST:PORT  listen for https/wss here (repeatable; replaces the configured list)
          --cert FILE          PEM certificate chain for the TLS listeners
          --key FILE           PEM private key of that certificate
          --echo PATH          serve a WebSocket echo on PATH (conformance runs, benchmarks; repeatable)
          --public DIR         serve the static files in DIR (default: ./public; static.folder)
          --threads N          event loops (default: one per core)
          --log-level LEVEL    debug, info, warn or error (default: info)
          --sample-directory   print the shipped sample directory (users, devices, queues;
                               docs/directory.md), a start for agents.directory
          --help               print this help
          --version            print the version

        callgate switchboard --listen HOST:PORT [--config FILE] [--log-level LEVEL]
          runs the Switchboard as its own process, serving the call-control protocol
          (docs/backend-protocol.md §12) on /callcontrol to gateways whose callControl.url
          names it; needs switchboard.secret (docs/config.md) and reads agents.directory

        callgate conformance-client ws://HOST:PORT [AGENT]
          runs Autobahn|Testsuite's fuzzingserver cases against the client role

        """

    enum Action {
        case run(GatewayConfig)
        case print(String)
        /// `conformance-client URL [AGENT]`: Autobahn fuzzingserver against the client role.
        case conformanceClient(WebSocketURL, agent: String, GatewayConfig)
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ arguments: [String]) throws -> Action {
        var configFile: String?
        var listen: [String] = []
        var listenTLS: [String] = []
        var certificate: String?
        var key: String?
        var echo: [String] = []
        var publicFolder: String?
        var threads: Int?
        var logLevel: Log.Level?
        var index = 0
        // `callgate switchboard …`: the same options, for the service (docs/config.md `switchboard`).
        let serving = arguments.first == "switchboard"
        if serving { index = 1 }
        if arguments.first == "conformance-client" {
            guard arguments.count >= 2 else { throw UsageError(description: "conformance-client needs a ws:// URL") }
            var config = GatewayConfig()
            config.limits.framePayloadBytes = 64 << 20
            config.limits.messageBytes = 64 << 20
            config.limits.inflatedMessageBytes = 64 << 20
            config.limits.outboundQueueBytes = 128 << 20
            return .conformanceClient(try WebSocketURL(parsing: arguments[1]), agent: arguments.count > 2 ? arguments[2] : "callgate", config)
        }
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError(description: "\(flag) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--help", "-h": return .print(usage)
            case "--version": return .print("callgate \(version)\n")
            case "--sample-directory": return .print(Directory.sampleJSON + "\n")
            case "--config": configFile = try value(argument)
            case "--listen": listen.append(try value(argument))
            case "--listen-tls": listenTLS.append(try value(argument))
            case "--cert": certificate = try value(argument)
            case "--key": key = try value(argument)
            case "--echo": echo.append(try value(argument))
            case "--public":
                let folder = try value(argument)
                guard !folder.isEmpty else { throw UsageError(description: "--public needs a folder") }
                publicFolder = folder
            case "--threads":
                let text = try value(argument)
                guard let number = Int(text), (1...256).contains(number) else {
                    throw UsageError(description: "--threads must be a number from 1 to 256, got \"\(text)\"")
                }
                threads = number
            case "--log-level":
                let text = try value(argument)
                guard let level = Log.Level(name: text) else { throw UsageError(description: "--log-level must be debug, info, warn or error") }
                logLevel = level
            default:
                throw UsageError(description: "unknown option \"\(argument)\" (see --help)")
            }
            index += 1
        }
        var config = GatewayConfig()
        if let configFile {
            guard let data = FileManager.default.contents(atPath: configFile) else {
                throw UsageError(description: "cannot read config file \(configFile)")
            }
            try config.apply(json: data)
        }
        // Listeners given on the command line replace the configured ones of both kinds.
        if !listen.isEmpty || !listenTLS.isEmpty {
            config.listen = listen
            config.tls.listen = listenTLS
        }
        if let certificate { config.tls.certificateFile = certificate }
        if let key { config.tls.privateKeyFile = key }
        if serving {
            guard !config.listen.isEmpty || !config.tls.listen.isEmpty else {
                throw UsageError(description: "callgate switchboard needs --listen HOST:PORT (or listen in the config file)")
            }
            // One loop carries the Switchboard, a single state machine, and every gateway's connection.
            config.switchboard.serving = true
            config.threads = 1
        }
        config.applyEmbeddedDefaults()
        config.echoPaths += echo
        if let publicFolder {
            config.staticFiles.folder = publicFolder
            config.staticFiles.enabled = true
        }
        if let threads, !serving { config.threads = threads }
        if let logLevel { config.logLevel = logLevel }
        try config.validate()
        return .run(config)
    }
}
