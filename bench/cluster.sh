#!/usr/bin/env bash
# The cluster under faults: three Idp nodes (Production) on one throwaway PostgreSQL 15 cluster behind HAProxy,
# an SMTP sink, all on loopback. A bounded load of sign-ins, code flows, refreshes and password-reset requests
# runs for DURATION seconds (bench/cluster.py); meanwhile one node is killed with SIGKILL and restarted, then
# PostgreSQL is restarted. Afterwards the checks print a table and the script exits non-zero if one failed:
# codes redeemed at most once, refresh tokens never lost, acknowledged reset requests stored, every outbox
# e-mail delivered exactly once, SLA job items handled once, client errors only in the fault windows, no 500.
#
#   bench/cluster.sh             # 120 s of load, 4 workers
#   bench/cluster.sh --short     # 45 s (the test command's form; under 3 minutes with the build)
#
# Environment: DURATION, CONFIGURATION (Release; Debug with --short), WORKERS, PAUSE (s between a worker's
# steps), GRACE (s after a fault window in which client errors still count as the fault's), BASE_PORT (first of
# the loopback ports, default 56100), PGPORT, PG_CONNECTION_EXTRA (appended to the nodes' connection string).
set -euo pipefail

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

SHORT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --short) SHORT=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "cluster.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
# --short publishes the Debug build, which the test command has just compiled (so only the copy is left to do).
if [ "$SHORT" = 1 ]; then DURATION=${DURATION:-45} CONFIGURATION=${CONFIGURATION:-Debug}
else DURATION=${DURATION:-120} CONFIGURATION=${CONFIGURATION:-Release}; fi
WORKERS=${WORKERS:-4}
GRACE=${GRACE:-5}
export PAUSE=${PAUSE:-0.02}

say() { printf "== [%3d s] %s\n" "$SECONDS" "$*" >&2; }
die() { printf 'cluster.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
BASE_PORT=${BASE_PORT:-56100}
LB_PORT=$BASE_PORT
NODE_PORTS=($((BASE_PORT + 1)) $((BASE_PORT + 2)) $((BASE_PORT + 3)))
SMTP_PORT=$((BASE_PORT + 4))
PGPORT=${PGPORT:-$((BASE_PORT + 5))}
PGBIN=/usr/lib/postgresql/15/bin
ISSUER="http://127.0.0.1:$LB_PORT"
CLIENT_ID=cluster-client
CLIENT_SECRET=cluster-secret
REDIRECT_URI=http://127.0.0.1:8080/cb
BENCH_LOGIN=1000000001          # the demo user (see "The benchmark user" in bench/README.md)
BENCH_PASSWORD=demo-password-2026

STAMP=$(date +%Y%m%d-%H%M%S)
RUN_DIR="$BENCH_DIR/results/$STAMP-cluster$([ "$SHORT" = 1 ] && echo -short || true)"
mkdir -p "$RUN_DIR"
TMP=$(mktemp -d /tmp/idp-cluster.XXXXXX)
chmod 755 "$TMP"
FAULTS="$RUN_DIR/faults.jsonl"
MAIL="$RUN_DIR/mail.jsonl"
: >"$FAULTS"
: >"$MAIL"
NODE_PIDS=("" "" "")
SMTP_PID=
LB_PID=
LOAD_PID=
PG_STARTED=0

stop_pid() { if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$LOAD_PID"
  for pid in "${NODE_PIDS[@]}"; do stop_pid "$pid"; done
  stop_pid "$LB_PID"
  stop_pid "$SMTP_PID"
  if [ "$PG_STARTED" = 1 ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pgdata" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
  [ "$status" = 0 ] || echo "cluster.sh: failed (exit $status); logs in $RUN_DIR" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ------------------------------------------------------------------ tools
need=()
command -v haproxy >/dev/null || need+=(haproxy)
# Debian's aiosmtpd lives in the system Python's packages (python3 on PATH may be another installation).
SINK_PYTHON=/usr/bin/python3
[ -x "$SINK_PYTHON" ] || SINK_PYTHON=python3
"$SINK_PYTHON" -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
[ -x "$PGBIN/initdb" ] || need+=(postgresql)
command -v curl >/dev/null || need+=(curl)
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]} (apt)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"; } \
    >"$RUN_DIR/apt.log" 2>&1 || { tail -n 20 "$RUN_DIR/apt.log" >&2; die "apt-get could not install ${need[*]}"; }
fi
for port in "$LB_PORT" "${NODE_PORTS[@]}" "$SMTP_PORT" "$PGPORT"; do
  port_in_use "$port" && die "127.0.0.1:$port is in use; set BASE_PORT to a free range"
done

# ------------------------------------------------------------------ build
say "building Idp (dotnet publish -c $CONFIGURATION)"
OUT_DIR="$REPO/artifacts/bench/cluster-idp-$CONFIGURATION"   # git-ignored
dotnet publish "$REPO/src/Idp/Idp.csproj" -c "$CONFIGURATION" -o "$OUT_DIR" -nologo -v quiet -clp:ErrorsOnly >"$RUN_DIR/build.log" 2>&1 \
  || { tail -n 30 "$RUN_DIR/build.log" >&2; die "build failed (see $RUN_DIR/build.log)"; }

# ------------------------------------------------------------------ PostgreSQL
say "starting a throwaway PostgreSQL 15 cluster (unix socket in $TMP/pgsock, port $PGPORT)"
mkdir -p "$TMP/pgdata" "$TMP/pgsock" "$TMP/pglog"
chown postgres:postgres "$TMP/pgdata" "$TMP/pgsock" "$TMP/pglog"
runuser -u postgres -- "$PGBIN/initdb" -D "$TMP/pgdata" -U postgres -A trust -E UTF8 >"$RUN_DIR/postgres-initdb.log" 2>&1 \
  || { cat "$RUN_DIR/postgres-initdb.log" >&2; die "initdb failed"; }
PG_STARTED=1
PG_OPTS="-c listen_addresses='' -k $TMP/pgsock -p $PGPORT -c max_connections=300"
pg_ctl() { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pgdata" -l "$TMP/pglog/postgres.log" -w -t 60 -o "$PG_OPTS" "$@"; }
pg_ctl start >/dev/null || { cat "$TMP/pglog/postgres.log" >&2; die "PostgreSQL did not start"; }
runuser -u postgres -- "$PGBIN/createdb" -h "$TMP/pgsock" -p "$PGPORT" -U postgres idp
export PSQL="runuser -u postgres -- $PGBIN/psql -h $TMP/pgsock -p $PGPORT -U postgres -d idp"

# ------------------------------------------------------------------ SMTP sink
say "starting the SMTP sink on 127.0.0.1:$SMTP_PORT"
"$SINK_PYTHON" "$BENCH_DIR/smtp_sink.py" --port "$SMTP_PORT" --out "$MAIL" >"$RUN_DIR/smtp.log" 2>&1 &
SMTP_PID=$!

# ------------------------------------------------------------------ Idp nodes
idp_env=(
  "Idp__Issuer=$ISSUER"
  "Idp__Database__Provider=PostgreSql"
  "Idp__Database__ConnectionString=Host=$TMP/pgsock;Port=$PGPORT;Username=postgres;Database=idp${PG_CONNECTION_EXTRA:+;$PG_CONNECTION_EXTRA}"
  "Idp__KeyEncryptionKey=$(head -c 32 /dev/urandom | base64)"
  "Idp__Email__Mode=Smtp"
  "Idp__Email__Smtp__Host=127.0.0.1"
  "Idp__Email__Smtp__Port=$SMTP_PORT"
  "Idp__Email__Smtp__Security=None"
  "Idp__Email__Smtp__From__Address=idp@cluster.test"
  "Idp__Email__Smtp__Timeout=00:00:05"
  # Short enough that a message claimed by the killed node, or not recorded while PostgreSQL was down, is
  # taken up again within the run.
  "Idp__Email__PollInterval=00:00:02"
  "Idp__Email__RetryDelay=00:00:05"
  "Idp__Email__MaxRetryDelay=00:00:10"
  "Idp__Email__ClaimTimeout=00:00:15"
  "Idp__Helpdesk__CheckInterval=00:00:05"
  "Idp__Helpdesk__ReminderTo__0=sla-reminder@cluster.test"
  "Idp__Helpdesk__EscalationTo__0=sla-escalation@cluster.test"
  # All requests come from loopback through HAProxy: one address, which the per-address limits would throttle.
  "Idp__RateLimits__Enabled=false"
  # Password-only sessions for the demo user at every sign-in (it has no second factor to enrol here).
  "Idp__Mfa__Policy=Never"
  "Idp__Clients__0__ClientId=$CLIENT_ID"
  "Idp__Clients__0__DisplayName=Cluster bench client"
  "Idp__Clients__0__Secret=$CLIENT_SECRET"
  "Idp__Clients__0__RedirectUris__0=$REDIRECT_URI"
  "Idp__Clients__0__AllowedGrantTypes__0=authorization_code"
  "Idp__Clients__0__AllowedGrantTypes__1=refresh_token"
  "Idp__Clients__0__AllowedScopes__0=openid"
  "Idp__Clients__0__AllowedScopes__1=offline_access"
  "Logging__LogLevel__Default=Warning"
)

# start_node INDEX ENVIRONMENT [KEY=VALUE...]: starts node INDEX (0-2) in the background (NODE_PIDS[INDEX]).
start_node() {
  local i=$1 environment=$2 port=${NODE_PORTS[$1]}
  shift 2
  (cd "$OUT_DIR" && exec env "${idp_env[@]}" "ASPNETCORE_URLS=http://127.0.0.1:$port" \
    "ASPNETCORE_ENVIRONMENT=$environment" "$@" dotnet Idp.dll) >>"$RUN_DIR/node$((i + 1)).log" 2>&1 &
  NODE_PIDS[$i]=$!
}

# wait_ready INDEX: until the node answers /health/ready with 200 (database reachable).
wait_ready() {
  local i=$1
  for _ in $(seq 900); do
    curl -sf -o /dev/null "http://127.0.0.1:${NODE_PORTS[$i]}/health/ready" && return 0
    kill -0 "${NODE_PIDS[$i]}" 2>/dev/null || { tail -n 40 "$RUN_DIR/node$((i + 1)).log" >&2; die "node $((i + 1)) exited during start-up"; }
    sleep 0.1
  done
  die "node $((i + 1)) was not ready within 90 s (log: $RUN_DIR/node$((i + 1)).log)"
}

say "seeding the database (one start in Development with Idp:SeedDemoData: migrations, demo user, keys)"
start_node 0 Development "Idp__SeedDemoData=true" "Idp__Email__Mode=OutboxOnly"
wait_ready 0
stop_pid "${NODE_PIDS[0]}"
mv "$RUN_DIR/node1.log" "$RUN_DIR/seed.log"
# Mails written by the seeding start (none are expected) would never reach the sink: start from an empty outbox.
$PSQL -qc 'DELETE FROM "Outbox"' >/dev/null

say "starting 3 nodes (Production) on 127.0.0.1:${NODE_PORTS[*]}"
for i in 0 1 2; do start_node "$i" Production; done
for i in 0 1 2; do wait_ready "$i"; done

# ------------------------------------------------------------------ HAProxy
say "starting HAProxy on $ISSUER (round robin, health checks on /health/ready)"
cat >"$TMP/haproxy.cfg" <<EOF
global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  # A connection refused by a dead node is tried on another; a request that reached a node is never resent.
  retries 2
  option redispatch 1
  retry-on conn-failure
frontend idp
  bind 127.0.0.1:$LB_PORT
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
  server node1 127.0.0.1:${NODE_PORTS[0]} check
  server node2 127.0.0.1:${NODE_PORTS[1]} check
  server node3 127.0.0.1:${NODE_PORTS[2]} check
EOF
haproxy -f "$TMP/haproxy.cfg" -db >"$RUN_DIR/haproxy.log" 2>&1 &
LB_PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "$ISSUER/health/ready" && break; sleep 0.1; done
curl -sf -o /dev/null "$ISSUER/health/ready" || die "HAProxy does not answer on $ISSUER (log: $RUN_DIR/haproxy.log)"

# ------------------------------------------------------------------ load and faults
export URL="$ISSUER" CLIENT_ID CLIENT_SECRET REDIRECT_URI BENCH_LOGIN BENCH_PASSWORD DURATION WORKERS GRACE
python3 "$BENCH_DIR/cluster.py" seed --out "$RUN_DIR"

DOTNET_VERSION=$(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {v=$2} END {print v}')
say "load for $DURATION s with $WORKERS workers (Idp $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo "(no git)"), ASP.NET Core $DOTNET_VERSION, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'))"
python3 "$BENCH_DIR/cluster.py" load --out "$RUN_DIR" >"$RUN_DIR/load.log" 2>&1 &
LOAD_PID=$!
STARTED=$(now)
at() { # at SECONDS: sleep until that many seconds after the load started
  local wait
  wait=$(awk -v s="$STARTED" -v t="$1" -v n="$(now)" 'BEGIN { w = s + t - n; print (w > 0 ? w : 0) }')
  sleep "$wait"
}
fault() { printf '{"kind": "%s", "start": %s, "end": %s}\n' "$1" "$2" "$3" >>"$FAULTS"; }

T1=$(awk -v d="$DURATION" 'BEGIN { printf "%.0f", d * 0.15 }')
T2=$(awk -v d="$DURATION" 'BEGIN { printf "%.0f", d * 0.3 }')
T3=$(awk -v d="$DURATION" 'BEGIN { printf "%.0f", d * 0.55 }')

at "$T1"
say "T+$T1 s: kill -9 node 2"
KILL_START=$(now)
kill -9 "${NODE_PIDS[1]}"
wait "${NODE_PIDS[1]}" 2>/dev/null || true
at "$T2"
say "T+$T2 s: restarting node 2"
start_node 1 Production
# The window ends once the node is ready and HAProxy's health check (inter 1s, rise 2) has taken it back; the
# next fault does not wait for that (a slow start on a busy machine would push it past the load).
( wait_ready 1; sleep 2; fault node-kill "$KILL_START" "$(now)" ) &
NODE_WAIT_PID=$!

at "$T3"
say "T+$T3 s: pg_ctl restart -m fast"
PG_START=$(now)
pg_ctl -m fast restart >/dev/null || { tail -n 20 "$TMP/pglog/postgres.log" >&2; die "PostgreSQL did not restart"; }
for i in 0 1 2; do wait_ready "$i"; done
sleep 2
fault postgres-restart "$PG_START" "$(now)"
wait "$NODE_WAIT_PID" || die "node 2 did not come back"

wait "$LOAD_PID" || { cat "$RUN_DIR/load.log" >&2; LOAD_PID=; die "the load driver failed"; }
LOAD_PID=
cat "$RUN_DIR/load.log" >&2

# ------------------------------------------------------------------ checks
say "checks"
status=0
python3 "$BENCH_DIR/cluster.py" check --out "$RUN_DIR" --faults "$FAULTS" --mail "$MAIL" | tee "$RUN_DIR/report.md" || status=1
for i in 1 2 3; do
  printf 'node %s log: %s warnings, %s errors\n' "$i" "$(grep -c '^warn:' "$RUN_DIR/node$i.log" || true)" \
    "$(grep -c -E '^(fail|crit):' "$RUN_DIR/node$i.log" || true)"
done | tee -a "$RUN_DIR/report.md"
echo "results: $RUN_DIR"
exit "$status"
