#!/usr/bin/env bash
# Load benchmark of Idp with ../shared/bench/bench.py (wrk + Lua), optionally side by side with the peer
# (oidc-provider). One command: installs what is missing, builds Idp in Release, starts it on loopback with a
# benchmark configuration, signs a user in through the real sign-in form, measures, prints the tables, and
# stops everything it started, also on failure. See bench/README.md.
#
#   bench/run.sh                    # SQLite, RS256, all workloads at 16 and 64 connections
#   bench/run.sh --alg ES256 --with-peer
#   bench/run.sh --postgres --quick
#   bench/run.sh --postgres --alg ES256 --nodes 2   # two Idp nodes on one PostgreSQL behind HAProxy
#   bench/run.sh --alg ES256 --profile refresh   # CPU profile of one workload (dotnet-trace), top frames printed
#
# bench.py settings pass through as environment variables (DURATION, WARMUP, RUNS, CONNS, WORKLOADS,
# QUIET_WAIT, MAX_OTHER_CPU, ...); so do .NET runtime settings for Idp (DOTNET_gcServer, ...).
# OPAQUE_USERINFO_TOKENS=0 signs the code flow's access tokens too (by default they are opaque, as the peer's are).
# With --postgres: PG_STATEMENTS=1 loads pg_stat_statements and prints, after Idp's run, the statements by the
# database time they took; PG_CONNECTION_EXTRA is appended to the connection string (default "Maximum Pool Size=16",
# as README.md recommends for a database server of 2 cores; empty for Npgsql's default of 100).
# PG_OPTIONS adds server settings to the throwaway cluster's start (e.g. "-c commit_delay=200").
set -euo pipefail

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'EOF'

Options:
  --postgres     run Idp on a throwaway PostgreSQL 15 cluster (unix socket) instead of a fresh SQLite file
  --alg ALG      RS256 (default) or ES256: the bench client's SigningAlgorithm (and the peer's ALG)
  --quick        DURATION=3 WARMUP=1 RUNS=1 (a smoke test, not a measurement)
  --profile W    measure only workload W at 64 connections while dotnet-trace samples Idp's threads, then
                 print the frames that take the most time (bench/profile.py); the trace stays in the results
  --signin       measure password sign-ins through the form (bench/signin_load.py, WORKERS=8) instead of the
                 harness' workloads; with --profile signin, also profile them (share of the password hash)
  --nodes N      1 (default) or 2, only with --postgres: with 2, two Idp nodes (Production, ports IDP_PORT+1
                 and IDP_PORT+2) share the database behind HAProxy (round robin) on IDP_PORT, the issuer;
                 server CPU/RSS in the table are node 1's, both nodes' are printed at the end
  --with-peer    also measure ../shared/bench/peer-oidc-provider with the same settings, then print
                 both tables and the Idp/peer ratio at 64 connections against the targets
  -h, --help     this text
EOF
}

ALG=${ALG:-RS256}
DATABASE=sqlite
WITH_PEER=0
PROFILE=
SIGNIN=0
NODES=1
while [ $# -gt 0 ]; do
  case "$1" in
    --postgres) DATABASE=postgres ;;
    --alg) [ $# -ge 2 ] || { echo "run.sh: --alg needs RS256 or ES256" >&2; exit 2; }; ALG=$2; shift ;;
    --alg=*) ALG=${1#--alg=} ;;
    --quick) export DURATION=3 WARMUP=1 RUNS=1 ;;
    --with-peer) WITH_PEER=1 ;;
    --signin) SIGNIN=1 ;;
    --nodes) [ $# -ge 2 ] || { echo "run.sh: --nodes needs 1 or 2" >&2; exit 2; }; NODES=$2; shift ;;
    --nodes=*) NODES=${1#--nodes=} ;;
    --profile) [ $# -ge 2 ] || { echo "run.sh: --profile needs a workload" >&2; exit 2; }; PROFILE=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
case "$ALG" in RS256|ES256) ;; *) echo "run.sh: --alg must be RS256 or ES256, not '$ALG'" >&2; exit 2 ;; esac
export ALG
case "$NODES" in 1|2) ;; *) echo "run.sh: --nodes must be 1 or 2, not '$NODES'" >&2; exit 2 ;; esac
if [ "$NODES" = 2 ] && [ "$DATABASE" != postgres ]; then
  echo "run.sh: --nodes 2 needs --postgres (the nodes share one PostgreSQL database; SQLite is for one node)" >&2
  exit 2
fi
# bench.py repeats a run when processes other than the server (node 1) and wrk were busy: with two nodes,
# node 2 and HAProxy always are, so no repeats unless RETRIES says so.
[ "$NODES" = 1 ] || export RETRIES=${RETRIES:-0}
[ "$PROFILE" = signin ] && SIGNIN=1
[ "$SIGNIN" = 1 ] && [ "$WITH_PEER" = 1 ] && { echo "run.sh: --signin measures Idp only (the peer has no password form)" >&2; exit 2; }
if [ "$SIGNIN" = 1 ]; then
  export DURATION=${DURATION:-20} WARMUP=${WARMUP:-5}
elif [ -n "$PROFILE" ]; then
  export WORKLOADS=$PROFILE CONNS=64 RUNS=1 RETRIES=0
  export DURATION=${DURATION:-20} WARMUP=${WARMUP:-5}
fi

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(git -C "$BENCH_DIR" rev-parse --show-toplevel)
SHARED=$(cd "$REPO/.." && pwd)/shared/bench
[ -f "$SHARED/bench.py" ] && [ -x "$SHARED/peer-oidc-provider/run.sh" ] \
  || die "the shared harness is missing: expected $SHARED/bench.py and $SHARED/peer-oidc-provider/run.sh next to the repository"

IDP_PORT=${IDP_PORT:-5000}
ISSUER="http://127.0.0.1:$IDP_PORT"
CLIENT_ID=bench-client
CLIENT_SECRET=bench-secret
# The demo user that Idp's DemoDataInitializer creates (see "The benchmark user" in bench/README.md).
BENCH_LOGIN=1000000001
BENCH_PASSWORD=demo-password-2026
PGBIN=/usr/lib/postgresql/15/bin
PGPORT=${PGPORT:-55432}

STAMP=$(date +%Y%m%d-%H%M%S)
RUN_DIR="$BENCH_DIR/results/$STAMP-$(echo "$ALG" | tr 'A-Z' 'a-z')-$DATABASE$([ "$NODES" = 1 ] || echo "-${NODES}nodes")"
mkdir -p "$RUN_DIR"
TMP=$(mktemp -d /tmp/idp-bench.XXXXXX)
IDP_PIDS=()   # every Idp started (the seed start, then the measured node or nodes); IDP_PID is the latest
IDP_PID=
LB_PID=
CHILD_PID=
PG_STARTED=0

stop_pid() { if [ -n "$1" ] && kill -0 "$1" 2>/dev/null; then kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; fi; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$CHILD_PID"
  stop_pid "$LB_PID"
  for pid in "${IDP_PIDS[@]}"; do stop_pid "$pid"; done
  if [ "$PG_STARTED" = 1 ]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pgdata" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
  [ "$status" = 0 ] || echo "run.sh: failed (exit $status); logs in $RUN_DIR" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_logged LOG CMD...: runs CMD in the background, its output shown and copied to LOG, and waits for it,
# so that a signal to this script runs the cleanup at once instead of after CMD.
run_logged() {
  local log=$1 status=0
  shift
  "$@" > >(tee "$log") 2>&1 &
  CHILD_PID=$!
  wait "$CHILD_PID" || status=$?
  CHILD_PID=
  return "$status"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --nodes 2: start_haproxy, check_session_on_every_node, nodes_stats_start, nodes_stats.
. "$BENCH_DIR/nodes.sh"

# ------------------------------------------------------------------ tools
if ! command -v wrk >/dev/null; then
  say "installing wrk (apt)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
command -v curl >/dev/null || die "curl is needed"
if [ "$DATABASE" = postgres ] && [ ! -x "$PGBIN/initdb" ]; then
  say "installing PostgreSQL 15 (apt package postgresql)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  [ -x "$PGBIN/initdb" ] || die "no $PGBIN/initdb after installing postgresql"
fi
if [ "$NODES" = 2 ] && ! command -v haproxy >/dev/null; then
  say "installing haproxy (apt)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null
  command -v haproxy >/dev/null || die "no haproxy after installing it"
fi
if [ "$WITH_PEER" = 1 ] && [ ! -d "$SHARED/peer-oidc-provider/node_modules" ]; then
  say "installing the peer's Node packages (npm ci)"
  (cd "$SHARED/peer-oidc-provider" && npm ci --no-audit --no-fund)
fi

TRACE_TOOL="$REPO/artifacts/tools/dotnet-trace"
if [ -n "$PROFILE" ] && [ ! -x "$TRACE_TOOL" ]; then
  say "installing dotnet-trace (into artifacts/tools)"
  dotnet tool install --tool-path "$REPO/artifacts/tools" dotnet-trace >/dev/null || die "could not install dotnet-trace"
fi

# ------------------------------------------------------------------ build
say "building Idp (dotnet publish -c Release)"
OUT_DIR="$REPO/artifacts/bench/idp"   # git-ignored; a publish folder has wwwroot next to the binaries
dotnet publish "$REPO/src/Idp/Idp.csproj" -c Release -o "$OUT_DIR" -nologo -v quiet -clp:ErrorsOnly >"$RUN_DIR/build.log" 2>&1 \
  || { tail -n 30 "$RUN_DIR/build.log" >&2; die "build failed (see $RUN_DIR/build.log)"; }
[ -f "$OUT_DIR/Idp.dll" ] || die "no $OUT_DIR/Idp.dll after the build"

# ------------------------------------------------------------------ database
if [ "$DATABASE" = postgres ]; then
  say "starting a throwaway PostgreSQL 15 cluster (unix socket in $TMP/pgsock, port $PGPORT)"
  chmod 755 "$TMP"
  mkdir -p "$TMP/pgdata" "$TMP/pgsock" "$TMP/pglog"
  chown postgres:postgres "$TMP/pgdata" "$TMP/pgsock" "$TMP/pglog"
  runuser -u postgres -- "$PGBIN/initdb" -D "$TMP/pgdata" -U postgres -A trust -E UTF8 >"$RUN_DIR/postgres-initdb.log" 2>&1 \
    || { cat "$RUN_DIR/postgres-initdb.log" >&2; die "initdb failed"; }
  PG_STARTED=1
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$TMP/pgdata" -l "$TMP/pglog/postgres.log" -w -t 60 \
    -o "-c listen_addresses='' -k $TMP/pgsock -p $PGPORT -c max_connections=200${PG_OPTIONS:+ $PG_OPTIONS}$([ "${PG_STATEMENTS:-0}" = 1 ] && echo ' -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c pg_stat_statements.track_planning=on')" start >/dev/null \
    || { cat "$TMP/pglog/postgres.log" >&2; die "PostgreSQL did not start"; }
  runuser -u postgres -- "$PGBIN/createdb" -h "$TMP/pgsock" -p "$PGPORT" -U postgres idp
  DB_PROVIDER=PostgreSql
  PG_CONNECTION_EXTRA=${PG_CONNECTION_EXTRA-Maximum Pool Size=16}
  DB_CONNECTION="Host=$TMP/pgsock;Port=$PGPORT;Username=postgres;Database=idp${PG_CONNECTION_EXTRA:+;$PG_CONNECTION_EXTRA}"
  if [ "${PG_STATEMENTS:-0}" = 1 ]; then
    runuser -u postgres -- "$PGBIN/psql" -q -h "$TMP/pgsock" -p "$PGPORT" -U postgres -d idp \
      -c "CREATE EXTENSION pg_stat_statements" >/dev/null
  fi
  DB_LABEL="PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')"
else
  DB_PROVIDER=Sqlite
  DB_CONNECTION="Data Source=$TMP/idp.db"
  DB_LABEL=SQLite
fi

# ------------------------------------------------------------------ Idp
# The benchmark configuration, as environment variables (ASP.NET Core's Section__Key form). Every node gets the
# same: the issuer (HAProxy's address with --nodes 2), the key-encryption key and the database, which also holds
# the data-protection keys (cookies, antiforgery) and the signing keys.
KEK=$(head -c 32 /dev/urandom | base64)
idp_env=(
  "Idp__Issuer=$ISSUER"
  "Idp__Database__Provider=$DB_PROVIDER"
  "Idp__Database__ConnectionString=$DB_CONNECTION"
  "Idp__KeyEncryptionKey=$KEK"
  # No mail server here: e-mails stay in the outbox (Production refuses to start without one otherwise).
  "Idp__Email__Mode=OutboxOnly"
  "Idp__Clients__0__ClientId=$CLIENT_ID"
  "Idp__Clients__0__DisplayName=Benchmark client"
  "Idp__Clients__0__Secret=$CLIENT_SECRET"
  "Idp__Clients__0__RedirectUris__0=http://127.0.0.1:8080/cb"
  "Idp__Clients__0__AllowedGrantTypes__0=authorization_code"
  "Idp__Clients__0__AllowedGrantTypes__1=refresh_token"
  "Idp__Clients__0__AllowedGrantTypes__2=client_credentials"
  "Idp__Clients__0__AllowedScopes__0=openid"
  "Idp__Clients__0__AllowedScopes__1=profile"
  "Idp__Clients__0__AllowedScopes__2=email"
  "Idp__Clients__0__AllowedScopes__3=offline_access"
  "Idp__Clients__0__AllowedScopes__4=api"
  "Idp__Clients__0__SigningAlgorithm=$ALG"
  # Like the peer's configuration: the code flow's access token (scopes openid offline_access, for userinfo only) is
  # opaque, the client_credentials token (scope api) a signed JWT. OPAQUE_USERINFO_TOKENS=0 signs both.
  "Idp__Clients__0__UserInfoAccessTokens=$([ "${OPAQUE_USERINFO_TOKENS:-1}" = 0 ] && echo Jwt || echo Opaque)"
)

# start_idp PORT ENVIRONMENT LOGFILE [more KEY=VALUE]: starts Idp on 127.0.0.1:PORT in the background and sets
# IDP_PID (wait_idp waits for it), so that several nodes can start at once.
start_idp() {
  local port=$1 environment=$2 log=$3
  shift 3
  port_in_use "$port" && die "127.0.0.1:$port is already in use (another Idp?); set IDP_PORT to another port"
  (cd "$OUT_DIR" && exec env "${idp_env[@]}" "ASPNETCORE_URLS=http://127.0.0.1:$port" \
    "ASPNETCORE_ENVIRONMENT=$environment" "$@" dotnet Idp.dll) >"$log" 2>&1 &
  IDP_PID=$!
  IDP_PIDS+=("$IDP_PID")
}

# wait_idp PID PORT LOGFILE: until that Idp answers discovery.
wait_idp() {
  local pid=$1 port=$2 log=$3
  for _ in $(seq 600); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/.well-known/openid-configuration" && return 0
    kill -0 "$pid" 2>/dev/null || { tail -n 40 "$log" >&2; die "Idp exited during start-up (log: $log)"; }
    sleep 0.1
  done
  tail -n 40 "$log" >&2
  die "Idp did not answer discovery within 60 s (log: $log)"
}

stop_idp() {
  stop_pid "$LB_PID"
  LB_PID=
  for pid in "${IDP_PIDS[@]}"; do stop_pid "$pid"; done
  IDP_PIDS=()
  IDP_PID=
}

# 1. Seed: one start in Development with the demo data, which creates the benchmark user in the fresh
#    database (plus migrations, the client, signing keys and the data-protection key ring); the binary's
#    Production behaviour is untouched.
say "seeding the benchmark user (one start in Development with Idp:SeedDemoData)"
start_idp "$IDP_PORT" Development "$RUN_DIR/idp-seed.log" "Idp__SeedDemoData=true" "Logging__LogLevel__Default=Information"
wait_idp "$IDP_PID" "$IDP_PORT" "$RUN_DIR/idp-seed.log"
stop_idp

# 2. The measured server: Production, logging at Warning; one node on the issuer's port, or two nodes on the
#    next ports behind HAProxy on the issuer's port (bench/nodes.sh).
if [ "$NODES" = 1 ]; then
  NODE_PORTS=("$IDP_PORT")
  IDP_LOGS=("$RUN_DIR/idp.log")
else
  NODE_PORTS=($((IDP_PORT + 1)) $((IDP_PORT + 2)))
  IDP_LOGS=("$RUN_DIR/idp-node1.log" "$RUN_DIR/idp-node2.log")
fi
NODE_PIDS=()
say "starting Idp (Production, $DB_LABEL, $ALG) on 127.0.0.1:${NODE_PORTS[*]}; log: ${IDP_LOGS[*]}"
for i in "${!NODE_PORTS[@]}"; do
  start_idp "${NODE_PORTS[$i]}" Production "${IDP_LOGS[$i]}" "Logging__LogLevel__Default=Warning"
  NODE_PIDS+=("$IDP_PID")
done
for i in "${!NODE_PORTS[@]}"; do wait_idp "${NODE_PIDS[$i]}" "${NODE_PORTS[$i]}" "${IDP_LOGS[$i]}"; done
[ "$NODES" = 1 ] || start_haproxy

say "signing in through $ISSUER/signin"
COOKIE=$(python3 "$BENCH_DIR/signin.py" --issuer "$ISSUER" --login "$BENCH_LOGIN" --password "$BENCH_PASSWORD") \
  || die "sign-in through the form failed (log: ${IDP_LOGS[*]})"
[ "$NODES" = 1 ] || check_session_on_every_node

DOTNET_VERSION=$(dotnet --list-runtimes | awk '/Microsoft.AspNetCore.App/ {v=$2} END {print v}')
IDP_LABEL="Idp $(git -C "$REPO" rev-parse --short HEAD) on ASP.NET Core $DOTNET_VERSION, $DB_LABEL, ALG=$ALG"
[ "$NODES" = 1 ] || IDP_LABEL="$IDP_LABEL, $NODES nodes behind $HAPROXY_LABEL"
COMPARE_LABEL=$DB_LABEL
[ "$NODES" = 1 ] || COMPARE_LABEL="$DB_LABEL, $NODES nodes"
say "measuring $IDP_LABEL"
TRACE_PID=
if [ -n "$PROFILE" ]; then
  # Samples every thread ~100 times a second for the warm-up and the measured run; bench/profile.py keeps the
  # samples of threads that were running (not waiting) and sums them by frame.
  "$TRACE_TOOL" collect -p "${NODE_PIDS[0]}" --profile dotnet-sampled-thread-time --format Speedscope \
    --duration "00:00:00:$((WARMUP + DURATION + 5))" -o "$RUN_DIR/idp.nettrace" >"$RUN_DIR/trace.log" 2>&1 &
  TRACE_PID=$!
  sleep 2
fi
[ "$NODES" = 1 ] || nodes_stats_start
if [ "$SIGNIN" = 1 ]; then
  ISSUER="$ISSUER" BENCH_LOGIN="$BENCH_LOGIN" BENCH_PASSWORD="$BENCH_PASSWORD" python3 "$BENCH_DIR/signin_load.py" \
    | tee "$RUN_DIR/signin.md" || die "signin_load.py failed against Idp (log: ${IDP_LOGS[*]})"
else
  # bench.py samples the CPU and RSS of one process: with two nodes, node 1's (nodes_stats prints both).
  run_logged "$RUN_DIR/idp-bench.log" env ISSUER="$ISSUER" CLIENT_ID="$CLIENT_ID" CLIENT_SECRET="$CLIENT_SECRET" \
    SERVER_PID="${NODE_PIDS[0]}" COOKIE="$COOKIE" OUT="$RUN_DIR/idp" LABEL="$IDP_LABEL" python3 "$SHARED/bench.py" \
    || die "bench.py failed against Idp (log: ${IDP_LOGS[*]})"
fi
NODES_STATS=
[ "$NODES" = 1 ] || NODES_STATS=$(nodes_stats)
if [ "${PG_STATEMENTS:-0}" = 1 ] && [ "$DATABASE" = postgres ]; then
  # Over the whole run (seed, sign-in, warm-up and every workload): what the database server spent its time on.
  runuser -u postgres -- "$PGBIN/psql" -h "$TMP/pgsock" -p "$PGPORT" -U postgres -d idp -P pager=off -c \
    "SELECT calls, round(total_exec_time::numeric, 0) AS exec_ms, round(total_plan_time::numeric, 0) AS plan_ms,
            round(mean_exec_time::numeric, 3) AS mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS statement
     FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 20" | tee "$RUN_DIR/pg-statements.txt"
fi
if [ -n "$TRACE_PID" ]; then
  wait "$TRACE_PID" || die "dotnet-trace failed (see $RUN_DIR/trace.log)"
  # For sign-ins, the share of the password hash (PasswordHasher) among the running samples is the figure.
  python3 "$BENCH_DIR/profile.py" "$RUN_DIR/idp.speedscope.json" $([ "$SIGNIN" = 1 ] && echo --match PasswordHasher) \
    | tee "$RUN_DIR/profile.md"
fi
if [ "$SIGNIN" = 1 ]; then
  stop_idp
  echo "results: $RUN_DIR" >&2
  exit 0
fi
stop_idp
IDP_LOG_WARN=$(cat "${IDP_LOGS[@]}" | grep -c '^warn:' || true)
IDP_LOG_FAIL=$(cat "${IDP_LOGS[@]}" | grep -c -E '^(fail|crit):' || true)

if [ "$WITH_PEER" = 1 ]; then
  port_in_use "${PEER_PORT:-3000}" && die "127.0.0.1:${PEER_PORT:-3000} is in use; the peer needs it (set PEER_PORT)"
  say "measuring the peer (oidc-provider, ALG=$ALG)"
  run_logged "$RUN_DIR/peer-bench.log" env -u LABEL -u COOKIE -u SERVER_PID -u ISSUER PORT="${PEER_PORT:-3000}" \
    OUT="$RUN_DIR/peer" "$SHARED/peer-oidc-provider/run.sh" || die "the peer's run.sh failed"
fi

# ------------------------------------------------------------------ report
{
  echo
  echo "## Idp"
  echo
  python3 "$SHARED/bench.py" --report "$RUN_DIR/idp"
  echo
  echo "Idp log (${IDP_LOGS[*]}): $IDP_LOG_WARN warnings, $IDP_LOG_FAIL errors"
  [ -z "$NODES_STATS" ] || printf '\n%s\n' "$NODES_STATS"
  if [ "$WITH_PEER" = 1 ]; then
    echo
    echo "## Peer"
    echo
    python3 "$SHARED/bench.py" --report "$RUN_DIR/peer"
    echo
    echo "## Idp / peer"
    echo
    python3 "$BENCH_DIR/compare.py" --idp "$RUN_DIR/idp" --peer "$RUN_DIR/peer" --alg "$ALG" --database "$COMPARE_LABEL"
  else
    echo
    python3 "$BENCH_DIR/compare.py" --idp "$RUN_DIR/idp" --alg "$ALG" --database "$COMPARE_LABEL"
  fi
  echo
  echo "results: $RUN_DIR"
} | tee "$RUN_DIR/report.md"
