#!/usr/bin/env python3
"""The HTML report of a capture with thousands of connections stays readable and complete.

    html_big.py AUDIT SOURCE_DIR

The capture: bench/make_capture.py's 3000 registering UAs (3100 flows, each with its PRAC-003
info finding), merged with two real lab captures that bring one warning (REUSE-002 in
tcp-nat) and one error (KA-001 in outbound-tcp-late) on connections numbered after all the
flows. Checks that:
  - every finding of the JSON report is in the page, in full, as a row, or counted in a
    "not listed" note, and the listed ones are exactly JSON findings;
  - the error comes first, then the warning, then the info findings;
  - pictures are drawn for at most 500 connections, and the two connections with the error
    and the warning are among them, their offending arrows marked;
  - no link leads nowhere, and the page stays small (under 4 MB).
"""
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

from html_report import HtmlReport


def main():
    audit, src = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    gen, cap = os.path.join(tmp, "gen.pcap"), os.path.join(tmp, "big.pcap")
    subprocess.run([sys.executable, os.path.join(src, "bench", "make_capture.py"), gen,
                    "3000", "100"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["mergecap", "-w", cap, gen,
                    os.path.join(src, "samples", "lab", "tcp-nat.pcap"),
                    os.path.join(src, "samples", "lab", "outbound-tcp-late.pcap")], check=True)
    doc = json.loads(subprocess.run([audit, "--format", "json", "--fail-on", "never", cap],
                                    capture_output=True, text=True, check=True).stdout)
    page_text = subprocess.run([audit, "--format", "html", "--fail-on", "never", cap],
                               capture_output=True, text=True, check=True).stdout
    page = HtmlReport()
    page.feed(page_text)
    findings = doc["files"][0]["findings"]
    fails = []

    def check(what, ok):
        print("%s %s" % ("ok  " if ok else "FAIL", what))
        if not ok:
            fails.append(what)

    severities = collections.Counter(x["severity"] for x in findings)
    print("JSON: %d findings %s, %d connections; page: %d bytes, %d findings listed, %d counted"
          % (len(findings), dict(severities), len(doc["files"][0]["connections"]),
             len(page_text), len(page.headings), page.omitted))
    check("the JSON has one error, one warning and thousands of infos",
          severities["error"] == 1 and severities["warning"] == 1 and severities["info"] > 3000)
    check("every finding is listed or counted",
          len(page.headings) + page.omitted == len(findings))
    want = collections.Counter((x["rule"], x["severity"], tuple(x["frames"])) for x in findings)
    got = collections.Counter()
    for text in page.headings.values():
        m = re.match(r"^([A-Z]+-\d{3}) · (\w+) · frames? ([\d, ]+)$", text.strip())
        if m:
            got[(m.group(1), m.group(2), tuple(int(v) for v in m.group(3).split(", ")))] += 1
    check("the listed findings are the JSON's", not (got - want) and sum(got.values()) ==
          len(page.headings))
    order = [page.headings[i].split(" · ")[1] for i in page.order]
    check("errors first, then warnings, then infos",
          order[:2] == ["error", "warning"] and set(order[2:]) == {"info"})
    drawn = [i for i in page.classes if re.match(r"^f0-c\d+$", i)]
    check("pictures for at most 500 connections (%d)" % len(drawn), 0 < len(drawn) <= 500)
    for x in findings:
        if x["severity"] == "info":
            continue
        mark = "f0-c%d-m%d" % (x["connection"], x["frames"][0])
        check("%s's connection %d is drawn" % (x["rule"], x["connection"]),
              "f0-c%d" % x["connection"] in page.classes)
        check("and its frame %d is marked bad" % x["frames"][0],
              "bad" in page.classes.get(mark, "").split())
    check("no link leads nowhere", not page.dead_links())
    check("nothing loaded or run, no id twice", not page.external)
    check("the page is under 4 MB", len(page_text) < 4 * 1024 * 1024)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
