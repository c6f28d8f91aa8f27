#!/usr/bin/env python3
"""Same capture, same verdicts: the set of (rule, first cited frame) that the real tshark shows
with the built plugin (`tshark -2 -T fields -e frame.number -e sipconn.rule`) equals the audit's
JSON, for every capture given.

    check_equivalence.py AUDIT PLUGIN.so CAPTURE...

tshark runs with tcp.reassemble_out_of_order on (as the audit reassembles) and as an unprivileged user (as root it ignores WIRESHARK_PLUGIN_DIR) with the plugin
copied into a private plugin folder. Captures listed in equivalence_exceptions.txt are compared
without what is named there (rule IDs, or "messages" for the per-connection message count), with
the reason."""
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def as_nobody(cmd, env):
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env"] + \
              ["%s=%s" % kv for kv in env.items()] + cmd
        env = None
    else:
        env = dict(os.environ, **env)
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


def exceptions():
    out = {}
    with open(os.path.join(HERE, "equivalence_exceptions.txt")) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if len(line) >= 2:
                out[line[0]] = set(line[1].split(","))
    return out


def main():
    audit, plugin, captures = sys.argv[1], sys.argv[2], sys.argv[3:]
    tmp = tempfile.mkdtemp()
    os.chmod(tmp, 0o755)
    epan = os.path.join(tmp, "4.0", "epan")
    os.makedirs(epan)
    shutil.copy(plugin, epan)
    for d, _, files in os.walk(tmp):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    env = {"WIRESHARK_PLUGIN_DIR": tmp, "HOME": tmp}
    skip = exceptions()
    failures = 0
    try:
        listed = as_nobody(["tshark", "-G", "plugins"], env).stdout
        if "sipconn.so" not in listed:
            print("tshark does not load the plugin")
            return 1
        # A capture with a key log beside it (NAME.keys) is compared twice: as it is, and
        # decrypted (tshark -o tls.keylog_file, the audit's --keylog).
        runs = []
        for cap in captures:
            runs.append((cap, None))
            keys = re.sub(r"\.pcap(ng)?(\.gz)?$", ".keys", cap)
            if keys != cap and os.path.exists(keys):
                runs.append((cap, keys))
        for cap, keys in runs:
            # A copy in the private folder: the unprivileged user may not reach the tree.
            readable = os.path.join(tmp, os.path.basename(cap))
            shutil.copy(cap, readable)
            os.chmod(readable, 0o644)
            opts, audit_opts, label = ["-o", "tcp.reassemble_out_of_order:TRUE"], [], cap
            if keys:
                readable_keys = os.path.join(tmp, os.path.basename(keys))
                shutil.copy(keys, readable_keys)
                os.chmod(readable_keys, 0o644)
                opts += ["-o", "tls.keylog_file:" + readable_keys]
                audit_opts = ["--keylog", keys]
                label = cap + " (decrypted)"
            r = as_nobody(["tshark", "-2"] + opts + ["-r", readable, "-T", "fields", "-e",
                                                     "frame.number", "-e", "sipconn.rule"], env)
            if r.returncode != 0:
                print("%s: tshark failed: %s" % (cap, r.stderr.strip()))
                failures += 1
                continue
            plugin_set = set()
            for line in r.stdout.splitlines():
                frame, _, rules = line.partition("\t")
                for rule in filter(None, rules.split(",")):
                    plugin_set.add((rule, int(frame)))
            doc = json.loads(subprocess.run([audit, "--format", "json", "--fail-on", "never"] +
                                            audit_opts + [cap],
                                            capture_output=True, text=True).stdout)
            audit_set = {(f["rule"], f["frames"][0]) for f in doc["files"][0]["findings"]}
            ignored = skip.get(os.path.basename(cap), set())
            plugin_set = {x for x in plugin_set if x[0] not in ignored}
            audit_set = {x for x in audit_set if x[0] not in ignored}
            if plugin_set != audit_set:
                failures += 1
                print("%s: audit only %s, plugin only %s" % (
                    label, sorted(audit_set - plugin_set), sorted(plugin_set - audit_set)))
                continue
            # The connection table (tshark -z sipconn,conns) against the audit's connections:
            # id, transport, initiator, class, SIP messages, keep-alives and findings per
            # connection, then messages, bytes and transactions from each side, and the end.
            z = as_nobody(["tshark", "-2"] + opts + ["-q", "-r", readable, "-z", "sipconn,conns"],
                          env)
            rows = set()
            for line in z.stdout.splitlines():
                m = re.match(r"^(\d+) \|(\w*) \|(\S*) \|([\w-]*) \|(\d+) \|(\d+) \|(\d+) \|"
                             r"(\d+) \|(\d+) \|(\d+) \|(\d+) \|(\d+) \|(\d+) \|([\w-]*) \|", line)
                if m:
                    rows.add((int(m.group(1)), m.group(2), m.group(3), m.group(4)) +
                             tuple(int(m.group(i)) for i in range(5, 14)) + (m.group(14),))
            per_conn = collections.Counter(f["connection"] for f in doc["files"][0]["findings"])
            want = set()
            for c in doc["files"][0]["connections"]:
                initiator = c["a"] if c["initiator"] == "a" else "unknown"
                want.add((c["id"], c["transport"], initiator, c["class"], c["messages"],
                          c["keepalives"], per_conn[c["id"]]) +
                         tuple(c[k][side] for k in ("messages_from", "bytes_from",
                                                    "transactions_from") for side in "ab") +
                         ((c["end"] or {}).get("kind", ""),))
            if "messages" in ignored:  # message counts (total, each side) and transactions
                rows = {r[:4] + r[5:7] + r[9:11] + r[13:] for r in rows}
                want = {w[:4] + w[5:7] + w[9:11] + w[13:] for w in want}
            if rows != want:
                failures += 1
                print("%s: connections differ: audit only %s, plugin only %s" % (
                    label, sorted(want - rows), sorted(rows - want)))
        print("equivalence: %d of %d runs agree (%d captures, %d of them also decrypted)" % (
            len(runs) - failures, len(runs), len(captures), len(runs) - len(captures)))
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
