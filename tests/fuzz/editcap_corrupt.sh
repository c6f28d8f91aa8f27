#!/usr/bin/env bash
# Corrupted captures, as Wireshark's own tests make them: every sample through editcap -E (each
# byte changed with the given probability) at three rates and two seeds, through the ASan+UBSan
# audit; and at one rate and seed through tshark with the plugin. No crash, no hang (60 s per
# file), no sanitizer report; the audit exits 0, 1 or 2, tshark 0 or 2 (a damaged file).
#   editcap_corrupt.sh ASAN_AUDIT PLUGIN.so SAMPLES_DIR
set -uo pipefail
audit=$1; plugin=$2; samples=$3
. "$(dirname "$0")/../tshark/plugin_env.sh"
plugin_env "$plugin"
mkdir -p "$tmp/c"
fails=0; n=0; tn=0; shown=0
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
while IFS= read -r f; do
  base=$(basename "$f"); base=${base%%.pcap*}
  for rate in 0.002 0.02 0.1; do
    for seed in 1 2; do
      out="$tmp/c/$base-$rate-$seed.pcap"
      editcap -E "$rate" --seed "$seed" "$f" "$out" >/dev/null 2>&1 || continue
      n=$((n + 1))
      timeout 60 "$audit" --fail-on never --format json -o /dev/null "$out" >/dev/null 2>"$tmp/err"
      rc=$?
      if [ $rc -gt 2 ] || grep -q "Sanitizer\|runtime error" "$tmp/err"; then
        echo "FAIL audit on $base at rate $rate seed $seed: exit $rc"; head -20 "$tmp/err"
        fails=$((fails + 1))
      fi
      if [ "$rate" = 0.02 ] && [ "$seed" = 1 ]; then
        tn=$((tn + 1))
        chmod 644 "$out"
        timeout 60 bash -c "$(declare -f as_plugin_user); tmp='$tmp'; as_plugin_user tshark -2 -r '$out' -T fields -e frame.number -e sipconn.rule" >"$tmp/tout" 2>"$tmp/terr"
        rc=$?
        # The plugin ran (a rule shown): guards against a check that passes because tshark could
        # not read the file at all.
        grep -q "[A-Z]-[0-9][0-9][0-9]" "$tmp/tout" && shown=$((shown + 1))
        if [ $rc -ne 0 ] && [ $rc -ne 2 ]; then
          echo "FAIL tshark with the plugin on $base at rate $rate seed $seed: exit $rc"; tail -5 "$tmp/terr"
          fails=$((fails + 1))
        fi
      fi
    done
  done
done < <(find "$samples" -name '*.pcap' -o -name '*.pcapng' | sort)
echo "$n corrupted captures through the ASan+UBSan audit, $tn through tshark with the plugin" \
  "($shown of them with findings shown): $fails failure(s)"
if [ "$shown" -lt $((tn / 2)) ]; then
  echo "FAIL the plugin showed findings on only $shown of $tn corrupted captures"
  fails=$((fails + 1))
fi
exit $fails
