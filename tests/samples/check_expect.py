#!/usr/bin/env python3
"""Checks sipconn-audit's JSON, Markdown and HTML reports for one sample against its
hand-written .expect file.

    check_expect.py AUDIT SAMPLE.pcap

The .expect file lists one finding per line: RULE SEVERITY FRAMES[,FRAMES...] with '#'
comments. The audit must report exactly that multiset of (rule, severity, frames): nothing
missing, nothing extra, whatever the severity; in JSON, and in the Markdown report's finding
headings ("### RULE · severity · frames N, M"), and in the HTML report's finding articles.
In the HTML report, besides: each finding's first frame is marked in its connection's ladder
(class "bad" for an error or warning, "info" for an info finding) and links back to it, and
the page loads nothing and runs nothing (no script, no external reference).
"""
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
from html_report import HtmlReport  # noqa: E402


def check_html(audit, sample, doc, want):
    """Returns the failures of the HTML report (an empty list when it is right)."""
    proc = subprocess.run([audit, "--format", "html", "--fail-on", "never", sample],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return ["html: audit exited %d: %s" % (proc.returncode, proc.stderr)]
    page = HtmlReport()
    page.feed(proc.stdout)
    fails = ["html: %s" % x for x in page.external]
    fails += ["html: a link to %s, which no element has" % h for h in page.dead_links()]
    got = collections.Counter()
    for text in page.headings.values():
        m = re.match(r"^([A-Z]+-\d{3}) · (\w+) · frames? ([\d, ]+)$", text.strip())
        if m:
            got[(m.group(1), m.group(2), tuple(int(x) for x in m.group(3).split(", ")))] += 1
    for k in sorted(want - got):
        fails.append("MISSING  %s %s %s (html)" % (k[0], k[1], ",".join(map(str, k[2]))))
    for k in sorted(got - want):
        fails.append("EXTRA    %s %s %s (html)" % (k[0], k[1], ",".join(map(str, k[2]))))
    for fi, f in enumerate(doc["files"]):
        # The finding a frame's mark links to is the most severe one citing it first.
        rank = {"error": 2, "warning": 1, "info": 0}
        best = {}
        for j, x in enumerate(f["findings"]):
            if not x.get("connection"):
                continue
            key = (x["connection"], x["frames"][0])
            if key not in best or rank[x["severity"]] > rank[best[key][1]["severity"]]:
                best[key] = (j, x)
        for (conn, frame), (j, x) in sorted(best.items()):
            if "f%d-c%d" % (fi, conn) not in page.classes:
                continue  # a connection without pictures (beyond the drawing caps)
            mark = "f%d-c%d-m%d" % (fi, conn, frame)
            cls = page.classes.get(mark)
            want_cls = "info" if x["severity"] == "info" else "bad"
            if cls is None or want_cls not in cls.split():
                fails.append("html: %s frame %d not marked %s in connection %d's ladder "
                             "(class %r)" % (x["rule"], frame, want_cls, conn, cls))
            elif page.links.get(mark) != "#f%d-finding-%d" % (fi, j):
                fails.append("html: the mark of frame %d links to %r, not finding %d"
                             % (frame, page.links.get(mark), j))
    return fails


def load_expect(path):
    want = collections.Counter()
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            rule, severity, frames = line.split()
            want[(rule, severity, tuple(int(x) for x in frames.split(",")))] += 1
    return want


def main():
    audit, sample = sys.argv[1], sys.argv[2]
    expect = sample.rsplit(".", 1)[0] + ".expect"
    if sample.endswith(".gz"):
        expect = sample[:-3].rsplit(".", 1)[0] + ".expect"
    proc = subprocess.run([audit, "--format", "json", "--fail-on", "never", sample],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print("audit exited %d: %s" % (proc.returncode, proc.stderr))
        return 1
    doc = json.loads(proc.stdout)
    got = collections.Counter()
    for f in doc["files"]:
        for x in f["findings"]:
            got[(x["rule"], x["severity"], tuple(x["frames"]))] += 1
    want = load_expect(expect)
    md = subprocess.run([audit, "--format", "markdown", "--fail-on", "never", sample],
                        capture_output=True, text=True)
    got_md = collections.Counter()
    for line in md.stdout.splitlines():
        m = re.match(r"^### ([A-Z]+-\d{3}) · (\w+) · frames? ([\d, ]+)$", line)
        if m:
            got_md[(m.group(1), m.group(2),
                    tuple(int(x) for x in m.group(3).split(", ")))] += 1
    failed = 0
    for label, g in (("json", got), ("markdown", got_md)):
        if g == want:
            continue
        failed = 1
        for k in sorted(want - g):
            print("MISSING  %s %s %s (%s)" % (k[0], k[1], ",".join(map(str, k[2])), label))
        for k in sorted(g - want):
            print("EXTRA    %s %s %s (%s)" % (k[0], k[1], ",".join(map(str, k[2])), label))
    for line in check_html(audit, sample, doc, want):
        print(line)
        failed = 1
    # With its key log (NAME.keys), a TLS sample is also audited decrypted against
    # NAME.decrypted.expect.
    base = expect[:-len(".expect")]
    if os.path.exists(base + ".keys") and os.path.exists(base + ".decrypted.expect"):
        proc = subprocess.run([audit, "--format", "json", "--fail-on", "never", "--keylog",
                               base + ".keys", sample], capture_output=True, text=True)
        got_dec = collections.Counter(
            (x["rule"], x["severity"], tuple(x["frames"]))
            for f in json.loads(proc.stdout)["files"] for x in f["findings"])
        want_dec = load_expect(base + ".decrypted.expect")
        for k in sorted(want_dec - got_dec):
            print("MISSING  %s %s %s (decrypted)" % (k[0], k[1], ",".join(map(str, k[2]))))
            failed = 1
        for k in sorted(got_dec - want_dec):
            print("EXTRA    %s %s %s (decrypted)" % (k[0], k[1], ",".join(map(str, k[2]))))
            failed = 1
        if got_dec == want_dec:
            print("%s: %d findings as expected when decrypted" % (sample, sum(want_dec.values())))
    if not failed:
        print("%s: %d findings as expected (json, markdown, html)" % (sample, sum(want.values())))
    return failed


if __name__ == "__main__":
    sys.exit(main())
