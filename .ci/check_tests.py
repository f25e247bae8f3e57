#!/usr/bin/env python3
"""CI's check that every test ran: reads the JUnit XML a test run wrote and compares it with the
tests the repository declares, so that a run that executed nothing, skipped a whole module or lost
a suite fails even when the runner's exit status says otherwise.

  check_tests.py swift  RESULTS.xml TESTS_DIR   swift-testing's --xunit-output against the
                                                `@Test` functions of each Tests/<Module>/
  check_tests.py pytest RESULTS.xml TESTS_DIR   pytest's --junitxml against the `def test_`
                                                functions of each test_*.py
  check_tests.py node   RESULTS.xml TESTS_DIR   `node --test --test-reporter=junit` against the
                                                `test(` calls of the *.test.mjs files

Fails (exit 1) on a failure or an error, on any skip not listed in ALLOWED_SKIPS, and on a module or
file whose executed tests are fewer than it declares. Prints one line per module or file.
"""
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

# Skips that are on purpose, with the reason. Nothing else may skip.
ALLOWED_SKIPS = {
    "TLSBridgeTests.TLSEngineBenchmarkTests/handshakesPerSecond()":
        "a benchmark, opt-in with TLSBRIDGE_BENCHMARK=1 (speed is measured in bench/, not asserted)",
    "WSFramingTests.PerMessageDeflateBenchmarkTests/fanOutOfAnEvent(memoryLevel:)":
        "a benchmark, opt-in with WSFRAMING_BENCHMARK=1 (docs/benchmarks.md, memory as browsers connect)",
}

SWIFT_TEST = re.compile(r"^\s*@Test\b", re.MULTILINE)
PYTHON_TEST = re.compile(r"^(?:async\s+)?def (test_\w+)\(", re.MULTILINE)
NODE_TEST = re.compile(r"^\s*test\(", re.MULTILINE)


def cases(results: Path):
    root = ElementTree.parse(results).getroot()
    for case in root.iter("testcase"):
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome = child.tag
                break
        yield case.get("classname", ""), case.get("name", ""), outcome


def declared_swift(tests: Path):
    declared = Counter()
    for module in sorted(p for p in tests.iterdir() if p.is_dir() and p.name.endswith("Tests")):
        for source in module.rglob("*.swift"):
            declared[module.name] += len(SWIFT_TEST.findall(source.read_text(encoding="utf-8")))
    return declared


def declared_pytest(tests: Path):
    return {source.stem: set(PYTHON_TEST.findall(source.read_text(encoding="utf-8")))
            for source in sorted(tests.glob("test_*.py"))}


def check(kind: str, results: Path, tests: Path) -> int:
    problems = []
    ran = Counter()
    names = {}
    for classname, name, outcome in cases(results):
        key = classname.split(".")[0] if kind != "pytest" else next(
            (part for part in classname.split(".") if part.startswith("test_")), classname)
        label = f"{classname}/{name}"
        if outcome == "skipped":
            if label not in ALLOWED_SKIPS:
                problems.append(f"skipped: {label}")
            ran[key] += 1
            continue
        if outcome != "passed":
            problems.append(f"{outcome}: {label}")
        ran[key] += 1
        names.setdefault(key, set()).add(name.split("[")[0])
    if kind == "swift":
        declared = declared_swift(tests)
        for module, count in sorted(declared.items()):
            print(f"check_tests: {module}: {ran[module]} run of {count} declared")
            if ran[module] < count:
                problems.append(f"{module}: {count - ran[module]} declared tests did not run")
    elif kind == "node":
        declared = sum(len(NODE_TEST.findall(source.read_text(encoding="utf-8"))) for source in tests.glob("*.test.mjs"))
        print(f"check_tests: node: {sum(ran.values())} run of {declared} declared")
        if sum(ran.values()) < declared:
            problems.append(f"node: {declared - sum(ran.values())} declared tests did not run")
    else:
        for module, functions in declared_pytest(tests).items():
            missing = functions - names.get(module, set())
            print(f"check_tests: {module}: {ran[module]} run, {len(functions)} declared")
            if missing:
                problems.append(f"{module}: did not run {', '.join(sorted(missing))}")
    if sum(ran.values()) == 0:
        problems.append("no test ran at all")
    for problem in problems:
        print(f"check_tests: {problem}")
    print(f"check_tests: {kind}: {sum(ran.values())} tests, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("swift", "pytest", "node"):
        sys.exit(__doc__)
    sys.exit(check(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])))
