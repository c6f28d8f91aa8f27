#!/usr/bin/env python3
"""Checks sipconn-audit's JSON for one sample against its hand-written .expect file.

    check_expect.py AUDIT SAMPLE.pcap

The .expect file lists one finding per line: RULE SEVERITY FRAMES[,FRAMES...] with '#'
comments. The audit must report exactly that multiset of (rule, severity, frames): nothing
missing, nothing extra, whatever the severity.
"""
import collections
import json
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
    if got == want:
        print("%s: %d findings as expected" % (sample, sum(want.values())))
        return 0
    for k in sorted(want - got):
        print("MISSING  %s %s %s" % (k[0], k[1], ",".join(map(str, k[2]))))
    for k in sorted(got - want):
        print("EXTRA    %s %s %s" % (k[0], k[1], ",".join(map(str, k[2]))))
    return 1


if __name__ == "__main__":
    sys.exit(main())
