#!/usr/bin/env bash
# Records real SIP traffic for samples/lab/: Kamailio as registrar/proxy, SIPp as a UA behind a
# NAT that rewrites source ports, and SIPp as a caller next to the proxy. Each scenario writes
# the proxy-side capture (and, for some, the UA-side one, inside the NAT).
#
#   lab/run-lab.sh OUTDIR [SCENARIO...]   (as root; needs: scripts/deps.sh lab)
#
# Hosts live in network namespaces on 198.18.0.0/15 (the benchmarking range): proxy 198.18.0.1,
# NAT 198.18.0.2 outside / 198.19.0.1 inside, UA 198.19.0.10. Nothing leaves the machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(realpath -m "${1:-$here/../samples/lab}")
mkdir -p "$out"
work=$(mktemp -d)
pids=()

cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  # LAB_LOGS=DIR keeps Kamailio's, SIPp's and the UA's logs for a look at what went wrong.
  [ -n "${LAB_LOGS:-}" ] && mkdir -p "$LAB_LOGS" && cp "$work"/*.log "$LAB_LOGS/" 2>/dev/null
  for ns in sc-proxy sc-nat sc-ua; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

setup_net() {
  for ns in sc-proxy sc-nat sc-ua; do ip netns del "$ns" 2>/dev/null || true; ip netns add "$ns"; done
  ip link add p0 netns sc-proxy type veth peer name n0 netns sc-nat
  ip link add n1 netns sc-nat type veth peer name u0 netns sc-ua
  ip -n sc-proxy addr add 198.18.0.1/24 dev p0
  ip -n sc-nat addr add 198.18.0.2/24 dev n0
  ip -n sc-nat addr add 198.19.0.1/24 dev n1
  ip -n sc-ua addr add 198.19.0.10/24 dev u0
  for ns in sc-proxy sc-nat sc-ua; do ip -n "$ns" link set lo up; done
  ip -n sc-proxy link set p0 up; ip -n sc-nat link set n0 up; ip -n sc-nat link set n1 up
  ip -n sc-ua link set u0 up
  ip -n sc-ua route add default via 198.19.0.1
  ip -n sc-proxy route add 198.19.0.0/24 via 198.18.0.2 2>/dev/null || true
  ip netns exec sc-nat sysctl -qw net.ipv4.ip_forward=1
  # A NAT that picks ports from a range: a port-preserving one hides the bugs we look for.
  for proto in udp tcp; do
    ip netns exec sc-nat iptables -t nat -A POSTROUTING -o n0 -p "$proto" -j SNAT \
      --to-source 198.18.0.2:40000-40999
  done
}

# start NAME [KAMAILIO_DEFINE]: fresh namespaces, Kamailio, and a capture on each side of the NAT.
start() {
  local name=$1 define=${2:-}
  setup_net
  local defs=()
  [ -n "$define" ] && defs=(-A "$define")
  ip netns exec sc-proxy kamailio -f "$here/kamailio.cfg" -DD -E -Y "$work" \
    -L /usr/lib/x86_64-linux-gnu/kamailio/modules "${defs[@]}" >"$work/kamailio-$name.log" 2>&1 &
  pids+=($!)
  ip netns exec sc-proxy tcpdump -i p0 -U -s 0 -w "$work/$name.pcap" >/dev/null 2>&1 &
  pids+=($!)
  ip netns exec sc-ua tcpdump -i u0 -U -s 0 -w "$work/$name-ua.pcap" >/dev/null 2>&1 &
  pids+=($!)
  sleep 1.5
}

# call NAME: SIPp next to the proxy calls alice through Kamailio.
call() {
  timeout 20 ip netns exec sc-proxy sipp 198.18.0.1:5060 -sf "$here/call.xml" -t u1 -i 198.18.0.1 \
    -p 5090 -m 1 -nostdin -timeout 10s >"$work/caller-$1.log" 2>&1 ||
    echo "lab: caller in $1 did not complete" >&2
}

# finish NAME UA_PID: waits for the UA, stops everything, keeps both captures.
finish() {
  local name=$1 ua=$2
  wait "$ua" || echo "lab: UA in $name did not complete" >&2
  sleep 1
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  cp "$work/$name.pcap" "$out/$name.pcap"
  cp "$work/$name-ua.pcap" "$out/$name-ua.pcap"
  echo "lab: $name -> $out/$name.pcap, $out/$name-ua.pcap"
}

# scenario NAME TRANSPORT(u1|t1) VIA_RPORT(";rport"|"") KAMAILIO_DEFINE(""|FORCE_RPORT)
scenario() {
  local name=$1 transport=$2 rport=$3 define=$4
  start "$name" "$define"
  sed "s/VIA_RPORT/$rport/" "$here/register.xml" >"$work/register.xml"
  timeout 25 ip netns exec sc-ua sipp 198.18.0.1:5060 -sf "$work/register.xml" -oocsf "$here/answer.xml" \
    -t "$transport" -i 198.19.0.10 -p 5060 -m 1 -nostdin -timeout 15s \
    >"$work/ua-$name.log" 2>&1 &
  local ua=$!
  pids+=($ua)
  sleep 1
  call "$name"
  finish "$name" "$ua"
}

# outbound NAME TRANSPORT(tcp|udp) GAPS CALL(call|nocall): the Python outbound UA
# (lab/outbound_ua.py) behind the NAT registers with Kamailio as an RFC 5626 registrar
# (Flow-Timer 10 s), sends keep-alives after GAPS seconds each, and with "call" takes a call
# routed back over its flow.
outbound() {
  local name=$1 transport=$2 gaps=$3 with_call=$4
  start "$name" OUTBOUND
  ip netns exec sc-ua python3 "$here/outbound_ua.py" "$transport" 198.18.0.1 198.19.0.10 "$gaps" \
    >"$work/ua-$name.log" 2>&1 &
  local ua=$!
  pids+=($ua)
  if [ "$with_call" = call ]; then
    sleep 12
    call "$name"
  fi
  finish "$name" "$ua"
}

# tls NAME VERIFY(yes|no) CLIENT_CERT(yes|no) [1.3]: Kamailio with a TLS listener (self-signed
# certificates made here), asking for a client certificate when VERIFY is yes; the Python TLS
# UA (lab/tls_ua.py) behind the NAT registers over TLS 1.2 with alias, with or without a
# client certificate, and takes a call routed back over its connection (over TLS 1.3 when the
# fourth argument is 1.3). The UA's TLS key log is kept beside the captures (NAME.keys).
tls() {
  local name=$1 verify=$2 client_cert=$3 tls13=0 dir=/tmp/sipconn-lab-tls
  [ "${4:-}" = 1.3 ] && tls13=1
  rm -rf "$dir" && mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=sipconn lab CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  for who in server client; do
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$who.lab.example" -keyout "$dir/$who.key" \
      -out "$dir/$who.csr" 2>/dev/null
    openssl x509 -req -in "$dir/$who.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
      -CAcreateserial -days 30 -out "$dir/$who.pem" 2>/dev/null
  done
  cat >"$dir/tls.cfg" <<EOF
[server:default]
method = TLSv1.2+
verify_certificate = $verify
require_certificate = no
private_key = $dir/server.key
certificate = $dir/server.pem
ca_list = $dir/ca.pem

[client:default]
verify_certificate = no
require_certificate = no
EOF
  start "$name" TLS
  local certs=()
  [ "$client_cert" = yes ] && certs=("$dir/client.pem" "$dir/client.key")
  # TLS13_SUITES=NAME: the only TLS 1.3 suite the UA offers. Python's ssl cannot set TLS 1.3
  # suites, but OpenSSL reads them from its configuration file at start-up.
  local conf=()
  if [ -n "${TLS13_SUITES:-}" ]; then
    printf '%s\n' "openssl_conf = init" "[init]" "ssl_conf = ssl" "[ssl]" "system_default = sd" \
      "[sd]" "Ciphersuites = $TLS13_SUITES" >"$dir/openssl-ua.cnf"
    conf=(OPENSSL_CONF="$dir/openssl-ua.cnf")
  fi
  ip netns exec sc-ua env TLS13=$tls13 TLS_CIPHERS="${TLS_CIPHERS:-}" TLS_NO_ETM="${TLS_NO_ETM:-}" \
    TLS13_KEY_UPDATE="${TLS13_KEY_UPDATE:-}" \
    "${conf[@]}" python3 "$here/tls_ua.py" 198.18.0.1 198.19.0.10 14 "$work/$name.keys" \
    "${certs[@]}" >"$work/ua-$name.log" 2>&1 &
  local ua=$!
  pids+=($ua)
  sleep 2
  call "$name"
  finish "$name" "$ua"
  cp "$work/$name.keys" "$out/$name.keys"
}

if [ $# -gt 1 ]; then
  shift
  for s in "$@"; do
    case $s in
      udp-rport) scenario udp-rport u1 ";rport" "" ;;
      udp-forced-rport) scenario udp-forced-rport u1 "" FORCE_RPORT ;;
      tcp-nat) scenario tcp-nat t1 "" "" ;;
      outbound-tcp) outbound outbound-tcp tcp 9,9,15,9 call ;;
      outbound-udp) outbound outbound-udp udp 9,9,15,9 call ;;
      outbound-tcp-late) outbound outbound-tcp-late tcp 9,9,15,9 nocall ;;
      outbound-udp-late) outbound outbound-udp-late udp 9,9,15,9 nocall ;;
      tls-alias) tls tls-alias no no ;;
      tls-alias-cert) tls tls-alias-cert yes yes ;;
      tls13-alias) tls tls13-alias no no 1.3 ;;
      tls13-alias-cert) tls tls13-alias-cert yes yes 1.3 ;;
      tls-cbc-alias) TLS_CIPHERS=ECDHE-RSA-AES128-SHA256 tls tls-cbc-alias no no ;;
      tls-cbc-mte-alias) TLS_CIPHERS=ECDHE-RSA-AES256-SHA TLS_NO_ETM=1 tls tls-cbc-mte-alias no no ;;
      tls-chacha-alias) TLS_CIPHERS=ECDHE-RSA-CHACHA20-POLY1305 tls tls-chacha-alias no no ;;
      tls13-chacha-alias) TLS13_SUITES=TLS_CHACHA20_POLY1305_SHA256 tls tls13-chacha-alias no no 1.3 ;;
      tls13-keyupdate-alias) TLS13_KEY_UPDATE=1 tls tls13-keyupdate-alias no no 1.3 ;;
    esac
  done
else
  scenario udp-rport u1 ";rport" ""
  scenario udp-forced-rport u1 "" FORCE_RPORT
  scenario tcp-nat t1 "" ""
  outbound outbound-tcp tcp 9,9,15,9 call
  outbound outbound-udp udp 9,9,15,9 call
  outbound outbound-tcp-late tcp 9,9,15,9 nocall
  outbound outbound-udp-late udp 9,9,15,9 nocall
  tls tls-alias no no
  tls tls-alias-cert yes yes
  tls tls13-alias no no 1.3
  tls tls13-alias-cert yes yes 1.3
  TLS_CIPHERS=ECDHE-RSA-AES128-SHA256 tls tls-cbc-alias no no
  TLS_CIPHERS=ECDHE-RSA-AES256-SHA TLS_NO_ETM=1 tls tls-cbc-mte-alias no no
  TLS_CIPHERS=ECDHE-RSA-CHACHA20-POLY1305 tls tls-chacha-alias no no
  TLS13_SUITES=TLS_CHACHA20_POLY1305_SHA256 tls tls13-chacha-alias no no 1.3
  TLS13_KEY_UPDATE=1 tls tls13-keyupdate-alias no no 1.3
fi
