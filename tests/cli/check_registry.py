#!/usr/bin/env python3
"""The rule registry (sipconn-audit --list-rules) matches the rule catalogue: every
'### ID — title' heading of RULES.md with its severity, and nothing else.
    check_registry.py AUDIT RULES.md     (exit 77 = skipped when the catalogue is absent)"""
import os
import re
import subprocess
import sys

audit, rules_md = sys.argv[1], sys.argv[2]
if not os.path.exists(rules_md):
    print("skipped: %s not found" % rules_md)
    sys.exit(77)
text = open(rules_md, encoding="utf-8").read()
catalogue = {}
for m in re.finditer(r"^### ([A-Z]+-\d{3}) — .*\n(error|warning|info) ·", text, re.M):
    catalogue[m.group(1)] = m.group(2)
listed = {}
for line in subprocess.run([audit, "--list-rules"], capture_output=True, text=True,
                           check=True).stdout.splitlines():
    rid, severity = line.split()[:2]
    listed[rid] = severity
problems = []
for rid, sev in sorted(catalogue.items()):
    if rid not in listed:
        problems.append("%s missing from the registry" % rid)
    elif listed[rid] != sev:
        problems.append("%s is %s in the registry, %s in RULES.md" % (rid, listed[rid], sev))
problems += ["%s is not in RULES.md" % r for r in sorted(set(listed) - set(catalogue))]
for p in problems:
    print(p)
print("%d rules checked against RULES.md" % len(catalogue))
sys.exit(1 if problems or not catalogue else 0)
