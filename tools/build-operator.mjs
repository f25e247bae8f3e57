#!/usr/bin/env node
// Builds the served agent bar, public/operator.js, from its sources in public/src/operator/
// (docs/operator.md §13). No dependencies: node's own fs, path and vm.
//
//   node tools/build-operator.mjs           writes public/operator.js
//   node tools/build-operator.mjs --check   exits 1 when public/operator.js is not the build of
//                                           the sources (CI runs this)
//
// The bundle is one classic script, a drop-in for the agent bar's integration (docs/compatibility.md §1.1) (a CRM page sets
// `window.ucsOperator = {...}`, then includes the script): the modules, in the order of MODULES,
// concatenated inside one function (an IIFE) in strict mode, each indented and headed by its
// path. The modules share that function's scope, so a module may use any function of another
// (function declarations are hoisted) and the `var`s of modules before it. Every file under
// public/src/operator/ must be listed, and every listed file must exist, so that nothing is
// left out of the bundle by mistake. The result is compiled (vm.Script) before it is written.
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SOURCES = join(ROOT, "public", "src", "operator");
export const OUTPUT = join(ROOT, "public", "operator.js");

/** The modules in bundle order. Order matters only for what runs when the script loads: a
 *  module's top-level `var` initialisers and statements may use what the modules before it set. */
export const MODULES = [
  "prelude.js",          // the version, the environment, `op` (window.ucsOperator)
  "config.js",           // DEFAULTS, cfg(), allowed states, constants
  "util.js",             // time, storage, cookies, redaction, fire(), errors
  "texts/index.js",      // TEXTS
  "texts/en.js",
  "texts/cs.js",
  "texts/de.js",
  "language.js",         // lang, t()
  "model.js",            // S, the stored session, the state object
  "liveness.js",         // createLiveness(): the heartbeat
  "channels.js",         // channelURL()
  "connection.js",       // the ws connection, requests, reconnect
  "events.js",           // gateway events → model → callbacks
  "session.js",          // credentials, login, attach, replay
  "pairing.js",          // identify → device → ready
  "webphone.js",         // the web phone in the primary tab (public/phone/)
  "tabs.js",             // the tabs of this browser (BroadcastChannel)
  "methods.js",          // the public methods and properties
  "notifications.js",
  "ringing.js",
  "history.js",          // the report channel
  "display.js",
  "styles.js",
  "dom.js",
  "views/shell.js",
  "views/credentials.js",
  "views/pairing.js",
  "views/ready.js",
  "views/panels.js",
  "views/notes.js",
  "lifecycle.js",        // start
];

const BANNER = `/*!
 * Callgate agent bar — operator.js
 *
 * The \`window.ucsOperator\` integration of the UCS agent bar (docs/compatibility.md §1), speaking
 * Callgate's agent protocol (docs/agent-protocol.md) on the \`ws\` channel and its call history on
 * the \`report\` channel. One dependency-free file: the page sets \`window.ucsOperator = {config +
 * callbacks}\`, includes this script, and the script adds the methods to that same object.
 * Documentation: docs/operator.md.
 *
 * BUILT FILE: do not edit. The sources are public/src/operator/; \`node tools/build-operator.mjs\`
 * makes this file from them.
 */
`;

/** Every .js file under `folder`, as paths relative to it with forward slashes. */
function filesUnder(folder) {
  const found = [];
  for (const name of readdirSync(folder).sort()) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path).map((inner) => `${name}/${inner}`));
    else if (name.endsWith(".js")) found.push(name);
  }
  return found;
}

/** The text of one module, indented two spaces (blank lines stay empty). */
export function moduleText(module, sources = SOURCES) {
  const text = readFileSync(join(sources, ...module.split("/")), "utf8");
  if (text.includes("\r")) throw new Error(`${module}: carriage returns; use LF line ends`);
  return text.replace(/\n+$/, "").split("\n").map((line) => (line ? "  " + line : "")).join("\n");
}

/**
 * The bundle's text. `epilogue` is code placed just before the function's end: the unit tests
 * (Tests/js/operator-harness.mjs) use it to return internals; the served bundle has none.
 */
export function bundle({ sources = SOURCES, modules = MODULES, epilogue = "" } = {}) {
  const listed = new Set(modules);
  const present = filesUnder(sources);
  const unlisted = present.filter((file) => !listed.has(file));
  if (unlisted.length) throw new Error(`not in MODULES of tools/build-operator.mjs: ${unlisted.join(", ")}`);
  const missing = modules.filter((file) => !present.includes(file));
  if (missing.length) throw new Error(`listed in MODULES but missing: ${missing.join(", ")}`);
  const parts = modules.map((module) => `  // ---- public/src/operator/${module}\n${moduleText(module, sources)}`);
  const tail = epilogue ? `\n\n${epilogue.split("\n").map((line) => (line ? "  " + line : "")).join("\n")}` : "";
  const text = `${BANNER}(function () {\n  'use strict';\n\n${parts.join("\n\n")}${tail}\n})();\n`;
  new vm.Script(text, { filename: "operator.js" }); // a syntax error fails the build here
  return text;
}

function main(args) {
  const check = args.includes("--check");
  const unknown = args.filter((arg) => arg !== "--check");
  if (unknown.length) {
    console.error(`usage: node tools/build-operator.mjs [--check]   (unknown: ${unknown.join(" ")})`);
    return 2;
  }
  const built = bundle();
  const where = relative(process.cwd(), OUTPUT).split(sep).join("/") || OUTPUT;
  if (check) {
    let committed = null;
    try { committed = readFileSync(OUTPUT, "utf8"); } catch { /* missing: out of date */ }
    if (committed === built) {
      console.log(`${where} is up to date (${MODULES.length} modules)`);
      return 0;
    }
    console.error(`${where} is out of date: run node tools/build-operator.mjs and commit the result`);
    return 1;
  }
  writeFileSync(OUTPUT, built);
  console.log(`wrote ${where}: ${built.split("\n").length - 1} lines from ${MODULES.length} modules`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    console.error(`build-operator: ${error.message}`);
    process.exitCode = 1;
  }
}
