#!/usr/bin/env python3
"""Hostile-input smoke test: every sample, mutated (random bytes changed, records cut short,
lengths corrupted) with a fixed seed, through the ASan+UBSan build. Any sanitizer report, a crash
or an exit status other than 0/1/2 fails.
    mutate_samples.py AUDIT SAMPLES_DIR [ROUNDS]"""
import glob
import os
import random
import subprocess
import sys
import tempfile

audit, samples = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 300
files = sorted(glob.glob(os.path.join(samples, "**", "*.pcap*"), recursive=True))
rng = random.Random(20261122)
env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
           UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1")
bad = 0
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "mutant.pcap")
    for i in range(rounds):
        data = bytearray(open(rng.choice(files), "rb").read())
        for _ in range(rng.randint(1, 24)):
            if len(data) > 24:
                data[rng.randrange(24, len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[:rng.randrange(len(data) + 1)]
        open(path, "wb").write(data)
        r = subprocess.run([audit, "--fail-on", "never", "--format", "json", "-o", os.devnull, path],
                           capture_output=True, text=True, env=env, timeout=60)
        if r.returncode not in (0, 1, 2) or "Sanitizer" in r.stderr or "runtime error" in r.stderr:
            bad += 1
            keep = os.path.join(tempfile.gettempdir(), "sipconn-mutant-%d.pcap" % i)
            open(keep, "wb").write(data)
            print("round %d: exit %d, kept %s\n%s" % (i, r.returncode, keep, r.stderr[-2000:]))
print("mutated inputs: %d rounds, %d bad" % (rounds, bad))
sys.exit(1 if bad else 0)
