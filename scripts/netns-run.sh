#!/bin/sh
# Run a command where WebRTC can gather ICE candidates.
#
# Chromium and libdatachannel gather no candidates on a host whose only interface is loopback (CI
# containers). There we make a private network namespace: loopback plus a veth pair with 10.200.0.1/24
# and a default route, so candidates exist, yet nothing can leave it. Servers inside bind 127.0.0.1.
#
# - SHOAL_NO_NETNS=1, or already inside (SHOAL_IN_NETNS set): run the command directly.
# - Otherwise make the namespace (root: unshare -n; else unprivileged: unshare -rn); where that is not
#   allowed, run directly (a machine with a real network interface needs no namespace).
set -e
if [ "${SHOAL_NO_NETNS:-}" = "1" ] || [ -n "${SHOAL_IN_NETNS:-}" ]; then exec "$@"; fi
if ! command -v unshare >/dev/null 2>&1 || ! command -v ip >/dev/null 2>&1; then
  echo "netns-run: no 'unshare'/'ip' (util-linux, iproute2): running without a namespace" >&2
  SHOAL_IN_NETNS=host exec "$@"
fi
if [ "$(id -u)" = "0" ]; then flags="-n"; else flags="-rn"; fi
# Where namespaces are not allowed (an ordinary laptop, some containers), run directly: a host with a
# real network interface gathers ICE candidates without one.
if ! unshare $flags true 2>/dev/null; then
  echo "netns-run: cannot create a network namespace here: running without one" >&2
  SHOAL_IN_NETNS=host exec "$@"
fi
exec unshare $flags sh -c '
  ip link set lo up &&
  ip link add eth0 type veth peer name eth1 && ip link set eth0 up && ip link set eth1 up &&
  ip addr add 10.200.0.1/24 dev eth0 && ip route add default via 10.200.0.2 &&
  SHOAL_IN_NETNS=1 exec "$@"' sh "$@"
