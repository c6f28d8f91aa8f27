# plugin_env.sh — sourced by the plugin tests. `plugin_env PLUGIN.so` makes $tmp, a private folder
# removed on exit that holds 4.0/epan/PLUGIN.so; `as_plugin_user CMD...` runs CMD with that
# folder as WIRESHARK_PLUGIN_DIR, as an unprivileged user when we are root (Wireshark ignores
# plugin folders for uid 0). Files the command reads must be copied under $tmp: the
# unprivileged user may not reach the source tree.
plugin_env() {
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/4.0/epan" && cp "$1" "$tmp/4.0/epan/"
}

as_plugin_user() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
      env WIRESHARK_PLUGIN_DIR="$tmp" HOME="$tmp" "$@"
  else
    WIRESHARK_PLUGIN_DIR="$tmp" HOME="$tmp" "$@"
  fi
}
