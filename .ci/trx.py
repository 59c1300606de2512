#!/usr/bin/env python3
"""Reads a test run's TRX file for .ci/run.

  trx.py counts FILE        prints: total executed passed failed skipped not_executed
  trx.py failed FILE        prints each failed test's full method name (namespace.class.method), once
"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main():
    what, path = sys.argv[1], sys.argv[2]
    root = ET.parse(path).getroot()
    if what == "counts":
        c = root.find("t:ResultSummary/t:Counters", NS)
        get = lambda k: int(c.get(k, "0")) if c is not None else 0
        results = root.findall("t:Results/t:UnitTestResult", NS)
        skipped = sum(1 for r in results if r.get("outcome") == "NotExecuted")
        print(get("total"), get("executed"), get("passed"), get("failed") + get("error"), skipped, get("notExecuted"))
    elif what == "failed":
        # A theory's results carry their arguments in testName; the test definitions name the method itself.
        methods = {}
        for d in root.findall("t:TestDefinitions/t:UnitTest", NS):
            m = d.find("t:TestMethod", NS)
            methods[d.get("id")] = f"{m.get('className')}.{m.get('name')}"
        seen = []
        for r in root.findall("t:Results/t:UnitTestResult", NS):
            if r.get("outcome") == "Failed":
                name = methods.get(r.get("testId"), r.get("testName"))
                if name not in seen:
                    seen.append(name)
        print("\n".join(seen))


main()
