#!/usr/bin/env python3
"""Checks sipconn-audit's JSON and Markdown reports for one sample against its hand-written
.expect file.

    check_expect.py AUDIT SAMPLE.pcap

The .expect file lists one finding per line: RULE SEVERITY FRAMES[,FRAMES...] with '#'
comments. The audit must report exactly that multiset of (rule, severity, frames): nothing
missing, nothing extra, whatever the severity; in JSON, and in the Markdown report's finding
headings ("### RULE · severity · frames N, M").
"""
import collections
import json
import re
import subprocess
import sys


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
    if not failed:
        print("%s: %d findings as expected (json, markdown)" % (sample, sum(want.values())))
    return failed


if __name__ == "__main__":
    sys.exit(main())
