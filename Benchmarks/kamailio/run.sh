#!/usr/bin/env bash
# `make bench-kamailio`: Kamailio 5.6 answering OPTIONS statelessly and Switchboard
# answering them statefully, measured by the same load client, interleaved in one run.
# Needs root for apt-get (installs kamailio when missing). Loopback only, bounded in time.
set -euo pipefail
BIN=${SWITCHBOARD_BIN:-.build/release/switchboard}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-3}
CHILDREN=${CHILDREN:-2}
command -v kamailio >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kamailio >/dev/null
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed -e "s/@PORT@/$port/" -e "s/@CHILDREN@/$CHILDREN/" "$(dirname "$0")/kamailio.cfg.in" > "$dir/kamailio.cfg"
kamailio -f "$dir/kamailio.cfg" -DD -E -m 256 -M 16 -P "$dir/kamailio.pid" >"$dir/kamailio.log" 2>&1 &
kamailio_pid=$!
trap 'kill $kamailio_pid 2>/dev/null || true; wait $kamailio_pid 2>/dev/null || true; rm -rf "$dir"' EXIT
# Wait until Kamailio answers (bounded: 50 probes).
ready=no
for _ in $(seq 50); do
  if "$BIN" bench transactions --target "$port" --seconds 0.2 --rounds 1 --window 1 2>/dev/null | grep -q "transactions: [1-9]"; then ready=yes; break; fi
done
if [ "$ready" != yes ]; then echo "kamailio did not answer; its log:"; cat "$dir/kamailio.log"; exit 1; fi
echo "== Kamailio $(kamailio -v | head -1 | awk '{print $3}'), stateless sl_send_reply, $CHILDREN children, udp:127.0.0.1:$port"
for round in $(seq "$ROUNDS"); do
  echo "-- round $round"
  "$BIN" bench transactions --target "$port" --seconds "$SECONDS_PER_ROUND" --rounds 1 | tail -1 | sed 's/^/kamailio    /'
  "$BIN" bench transactions --seconds "$SECONDS_PER_ROUND" --rounds 1 | tail -1 | sed 's/^/switchboard /'
done
