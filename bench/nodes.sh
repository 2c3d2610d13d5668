# Sourced by bench/run.sh for --nodes 2: HAProxy in front of the nodes, the check that a session works on every
# node, and the nodes' CPU and peak RSS while bench.py ran (bench.py samples one process: node 1).
# Uses run.sh's ISSUER, IDP_PORT, NODE_PORTS, NODE_PIDS, CLIENT_ID, COOKIE, TMP, RUN_DIR and its say/die.

# start_haproxy: HAProxy on the issuer's port, round robin over the nodes per request, keep-alive on both sides,
# a node taken out while its /health/ready fails. Sets LB_PID and HAPROXY_LABEL.
start_haproxy() {
  local i
  port_in_use "$IDP_PORT" && die "127.0.0.1:$IDP_PORT is already in use; set IDP_PORT to another port"
  HAPROXY_LABEL="HAProxy $(haproxy -v | awk 'NR == 1 {sub(/-.*/, "", $3); print $3}')"
  say "starting $HAPROXY_LABEL on $ISSUER (round robin over 127.0.0.1:${NODE_PORTS[*]}); log: $RUN_DIR/haproxy.log"
  {
    cat <<EOF
global
  maxconn 4000
defaults
  mode http
  # Keep-alive with the client and with the nodes (HAProxy's default, stated): idle connections to the nodes
  # are reused, and without prefer-last-server every request is balanced on its own.
  option http-keep-alive
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 30s
frontend idp
  bind 127.0.0.1:$IDP_PORT
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
EOF
    for i in "${!NODE_PORTS[@]}"; do echo "  server node$((i + 1)) 127.0.0.1:${NODE_PORTS[$i]} check"; done
  } >"$TMP/haproxy.cfg"
  cp "$TMP/haproxy.cfg" "$RUN_DIR/haproxy.cfg"
  haproxy -f "$TMP/haproxy.cfg" -db >"$RUN_DIR/haproxy.log" 2>&1 &
  LB_PID=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "$ISSUER/health/ready" && return 0; sleep 0.1; done
  die "HAProxy does not answer on $ISSUER (log: $RUN_DIR/haproxy.log)"
}

# check_session_on_every_node: the session cookie, set through HAProxy, must start a code flow on each node
# directly, which holds only if the nodes share the data-protection keys. The codes are never redeemed.
check_session_on_every_node() {
  local path query i status location
  path=$(curl -sf "$ISSUER/.well-known/openid-configuration" \
    | python3 -c 'import json, sys, urllib.parse; print(urllib.parse.urlsplit(json.load(sys.stdin)["authorization_endpoint"]).path)') \
    || die "no authorization_endpoint in $ISSUER's discovery document"
  query="response_type=code&client_id=$CLIENT_ID&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fcb&scope=openid"
  query="$query&state=check&nonce=check&code_challenge_method=S256&code_challenge=$(head -c 32 /dev/urandom | sha256sum | head -c 43)"
  for i in "${!NODE_PORTS[@]}" "${!NODE_PORTS[@]}"; do
    read -r status location < <(curl -s -o /dev/null -w '%{http_code} %{redirect_url}\n' -H "Cookie: $COOKIE" \
      "http://127.0.0.1:${NODE_PORTS[$i]}$path?$query")
    case "$status $location" in
      "302 http://127.0.0.1:8080/cb?"*code=*) ;;
      *) die "node $((i + 1)) did not accept the session cookie: authorize answered $status ${location:-(no redirect)}" ;;
    esac
  done
  say "the session cookie starts a code flow on every node (shared data-protection keys)"
}

cpu_seconds() { awk -v tick="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / tick }' "/proc/$1/stat"; }

# nodes_stats_start / nodes_stats: CPU seconds of each node and of HAProxy from the one call to the other, and
# each node's peak RSS (node 1's from bench.py's runs, as bench.py resets its peak at every run).
nodes_stats_start() {
  local pid
  STATS_CPU0=()
  for pid in "${NODE_PIDS[@]}" "$LB_PID"; do STATS_CPU0+=("$(cpu_seconds "$pid")"); done
  for pid in "${NODE_PIDS[@]:1}"; do echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true; done
}

nodes_stats() {
  local i pid cpu=() peak
  for i in "${!NODE_PIDS[@]}" "${#NODE_PIDS[@]}"; do
    pid=${NODE_PIDS[$i]:-$LB_PID}
    cpu+=("$(awk -v a="${STATS_CPU0[$i]}" -v b="$(cpu_seconds "$pid")" 'BEGIN { printf "%.1f", b - a }')")
  done
  echo "Server CPU and peak RSS above are node 1's. While bench.py ran:"
  for i in "${!NODE_PIDS[@]}"; do
    if [ "$i" = 0 ]; then
      peak=$(python3 -c 'import json, sys; print(round(max(json.loads(l).get("peak_rss_mb") or 0 for l in open(sys.argv[1]))))' \
        "$RUN_DIR/idp/runs.jsonl")
    else
      peak=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/${NODE_PIDS[$i]}/status")
    fi
    echo "- node $((i + 1)) (127.0.0.1:${NODE_PORTS[$i]}): ${cpu[$i]} CPU-s, peak RSS $peak MB"
  done
  echo "- HAProxy: ${cpu[${#NODE_PIDS[@]}]} CPU-s"
}
