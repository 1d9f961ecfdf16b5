#!/usr/bin/env python3
"""Sums the .trx files of one test run into the line "N passed, N failed, N skipped".

A run that exits non-zero without any failed test (a crashed test host, a build break) counts as one
failure, so the summary can never claim success for a run that did not complete."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

def main() -> int:
    results_dir, rc = sys.argv[1], int(sys.argv[2])
    passed = failed = skipped = 0
    failures = []
    paths = sorted(glob.glob(os.path.join(results_dir, "**", "*.trx"), recursive=True))
    projects = {os.path.relpath(p, results_dir).split(os.sep)[0] for p in paths}
    # Every test project must have left a result file: a crashed test host or a lost file must not
    # pass for success.
    expected = {os.path.splitext(os.path.basename(p))[0]
                for p in glob.glob(os.path.join(os.path.dirname(results_dir), "..", "tests", "*", "*.Tests.csproj"))}
    for missing in sorted(expected - projects):
        failed += 1
        failures.append(f"{missing}: no test results (the test host crashed, or the project did not run)")
    for path in paths:
        root = ET.parse(path).getroot()
        for r in root.iterfind(".//t:UnitTestResult", NS):
            outcome = r.get("outcome")
            if outcome == "Passed":
                passed += 1
            elif outcome in ("NotExecuted", "Inconclusive"):
                skipped += 1
            else:
                failed += 1
                message = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
                trace = r.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS).strip()
                where = [line.strip() for line in trace.splitlines() if " in " in line][:3]
                detail = "\n".join("    " + line for line in (message.splitlines()[:20] + where))
                failures.append(f"{os.path.relpath(path, results_dir).split(os.sep)[0]}: {r.get('testName')}\n{detail}")
    if rc != 0 and failed == 0:
        failed = 1
        failures.append(f"the test run exited with code {rc} without a failed test (crash or build error)")
    # The summary is the last lines a CI log keeps: each failure with its message and where it was
    # raised, so a failure can be understood without the full console output.
    for f in failures:
        print(f"FAILED {f}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
