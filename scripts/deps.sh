#!/usr/bin/env bash
# Installs the Debian 12 packages sipconn needs to build and test. Idempotent and quiet when
# everything is already there.  Usage: scripts/deps.sh [build|test|lab]
set -euo pipefail
need_build=(cmake pkg-config gcc make libglib2.0-dev libpcap-dev zlib1g-dev libgcrypt20-dev python3)
need_test=(tshark valgrind libwireshark-dev wireshark-dev util-linux bsdutils parallel jq chromium
  chromium-driver fonts-dejavu-core clang libclang-rt-14-dev)
need_lab=(kamailio kamailio-outbound-modules kamailio-tls-modules openssl sip-tester iproute2 iptables tcpdump python3)
want=("${need_build[@]}")
case "${1:-build}" in
  test) want+=("${need_test[@]}") ;;
  lab) want+=("${need_test[@]}" "${need_lab[@]}") ;;
esac
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "sipconn: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
  exit 1
fi
echo "sipconn: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; the default answer is fine for us.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
