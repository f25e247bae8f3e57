// The agent bar's build (tools/build-operator.mjs): the committed public/operator.js is the build
// of public/src/operator/, every source is in the bundle, and the bundle is a classic script
// that a CRM page can include (docs/operator.md §1, §13).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import vm from "node:vm";
import { MODULES, OUTPUT, ROOT, bundle } from "../../tools/build-operator.mjs";

test("public/operator.js is the build of public/src/operator/ (node tools/build-operator.mjs --check)", () => {
  const check = spawnSync(process.execPath, [join(ROOT, "tools", "build-operator.mjs"), "--check"], { encoding: "utf8" });
  assert.equal(check.status, 0, check.stderr + check.stdout);
  assert.equal(readFileSync(OUTPUT, "utf8"), bundle());
});

test("the build refuses a source it does not list, a listed one that is missing, and a syntax error", () => {
  const folder = mkdtempSync(join(tmpdir(), "operator-src-"));
  const write = (name, text) => {
    mkdirSync(join(folder, ...name.split("/").slice(0, -1)), { recursive: true });
    writeFileSync(join(folder, ...name.split("/")), text);
  };
  write("a.js", "var x = 1;\n");
  write("b.js", "var y = x + 1;\n");
  assert.match(bundle({ sources: folder, modules: ["a.js", "b.js"] }), /\n {2}\/\/ ---- public\/src\/operator\/b\.js\n {2}var y = x \+ 1;\n/);
  write("views/c.js", "var z;\n");
  assert.throws(() => bundle({ sources: folder, modules: ["a.js", "b.js"] }), /not in MODULES.*views\/c\.js/);
  assert.throws(() => bundle({ sources: folder, modules: ["a.js", "b.js", "views/c.js", "d.js"] }), /missing: d\.js/);
  write("views/c.js", "var z = ;\n");
  assert.throws(() => bundle({ sources: folder, modules: ["a.js", "b.js", "views/c.js"] }), SyntaxError);
});

test("the bundle is one classic script: an IIFE in strict mode that adds the methods to the page's window.ucsOperator", () => {
  const text = readFileSync(OUTPUT, "utf8");
  assert.match(text, /^\/\*![\s\S]*?BUILT FILE: do not edit[\s\S]*?\*\/\n\(function \(\) \{\n {2}'use strict';\n/);
  assert.ok(text.endsWith("\n})();\n"));
  assert.doesNotMatch(text, /^\s*(import|export)\s/m, "no module syntax: a <script> without type=module runs it");
  assert.equal(MODULES.length, new Set(MODULES).size);
  // Run it as a page would, twice: the page's object gets the methods, the second copy does nothing.
  const page = { ucsOperator: { renderTo: "bar", headless: true, onConnect() {} }, setTimeout() {}, clearTimeout() {},
                 addEventListener() {}, location: { protocol: "https:", hostname: "crm.example.cz", port: "", search: "" },
                 navigator: { languages: ["cs-CZ"] } };
  page.window = page;
  page.document = { readyState: "loading", cookie: "", addEventListener() {} };
  const context = vm.createContext(page);
  vm.runInContext(text, context);
  const methods = page.ucsOperator.dial;
  assert.equal(typeof methods, "function");
  assert.equal(page.ucsOperator.version, "4.0.0-callgate.1");
  assert.equal(page.ucsOperator.language, "cs", "the browser's language before login");
  assert.equal(typeof page.ucsOperator.onConnect, "function", "the page's callbacks stay");
  vm.runInContext(text, context);
  assert.equal(page.ucsOperator.dial, methods, "a second copy leaves the first one's methods");
});
