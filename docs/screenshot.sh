#!/usr/bin/env bash
# Screenshot of the Wireshark GUI with the plugin loaded: a real capture, the frame with a finding
# selected (packet details) and the Expert Information dialog open. Needs: wireshark-qt xvfb
# imagemagick xdotool openbox.   docs/screenshot.sh BUILD_DIR CAPTURE FRAME OUT.png
# EXPERT=1 opens the Expert Information dialog instead of expanding the packet details.
set -euo pipefail
build=$1; cap=$2; frame=$3; out=$4
tmp=$(mktemp -d); chmod 755 "$tmp"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/p/4.0/epan" "$tmp/home/.config/wireshark"
cp "$build/plugin/sipconn.so" "$tmp/p/4.0/epan/"
cp "$cap" "$tmp/capture.pcap"
# A large main window without the bytes pane; the packet details get the room.
printf 'gui.layout_content_3: NONE\n' >"$tmp/home/.config/wireshark/preferences"
printf 'gui.geometry_main_x: 0\ngui.geometry_main_y: 0\ngui.geometry_main_width: 1580\ngui.geometry_main_height: 980\ngui.geometry_main_maximized: FALSE\n' \
  >"$tmp/home/.config/wireshark/recent_common"
chmod -R a+rwX "$tmp"
Xvfb :77 -screen 0 1600x1000x24 >/dev/null 2>&1 &
pids+=($!)
sleep 1
# A window manager, so that keyboard focus goes where xdotool sends it.
DISPLAY=:77 openbox >/dev/null 2>&1 &
pids+=($!)
sleep 1
as_user=(env)
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups env)
"${as_user[@]}" DISPLAY=:77 HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" \
  WIRESHARK_PLUGIN_DIR="$tmp/p" QT_QPA_PLATFORM=xcb \
  wireshark -r "$tmp/capture.pcap" -g "$frame" ${EXPERT:+-z expert} >"$tmp/ws.log" 2>&1 &
pids+=($!)
sleep 12
# View > Expand All in the main window (the details of the selected frame), then the shot.
win=$(DISPLAY=:77 xdotool search --name "capture.pcap" | head -1 || true)
if [ -n "$win" ] && [ -z "${EXPERT:-}" ]; then
  DISPLAY=:77 xdotool windowactivate --sync "$win" 2>/dev/null || true
  DISPLAY=:77 xdotool key ctrl+Right || true
  sleep 1
  # Into the packet details pane, to its end: the sipconn tree is the last one.
  DISPLAY=:77 xdotool mousemove 400 700 click 1 key End || true
  sleep 2
fi
DISPLAY=:77 import -window root "$out"
echo "screenshot: $out"
