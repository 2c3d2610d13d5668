#!/usr/bin/env bash
# The test command: installs what the tests need (Debian 12), builds once, runs the whole suite on SQLite and
# again on PostgreSQL (IDP_TEST_DATABASE=postgres), then the short cluster-under-faults run (bench/cluster.sh --short,
# counted as one test), and ends with a line "N passed, N failed, N skipped".
#
#   ./test.sh                      everything
#   IDP_TEST_RUNS=sqlite ./test.sh only the SQLite run (or: postgres, cluster)
#   IDP_TEST_RUNS=sqlserver IDP_TEST_SQLSERVER_CONNECTION='Server=…;User Id=…;Password=…;TrustServerCertificate=True' ./test.sh
#                                  the integration tests on an own SQL Server (not part of the default runs)
#   IDP_TEST_SKIP_INSTALL=1        do not install missing Debian packages
#   IDP_TEST_FILTER=FullyQualifiedName~Token   passed to dotnet test --filter
#   IDP_TEST_RUN_TIMEOUT=1200      seconds before one run is stopped (and counted as failed)
set -uo pipefail

cd "$(dirname "$0")"
root="$(pwd)"
results="$root/TestResults"
log="$results/test.log"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 DOTNET_CLI_UI_LANGUAGE=en
export DEBIAN_FRONTEND=noninteractive
export CI="${CI:-false}"

say() { printf '==> %s\n' "$*"; }
fail() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

command -v dotnet >/dev/null || fail "the .NET SDK (dotnet) is not on PATH."
rm -rf "$results"
mkdir -p "$results"
: >"$log"

# ---- Debian packages -------------------------------------------------------------------------------
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo -n "$@"
  else fail "need root (or sudo) to install Debian packages: $*"; fi
}

missing=()
have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; }
have_postgres || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v runuser >/dev/null || missing+=(util-linux)
command -v npm >/dev/null || missing+=(npm)
# The cluster run: HAProxy in front of three nodes, an SMTP sink on Debian's aiosmtpd (system Python).
command -v haproxy >/dev/null || missing+=(haproxy)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${IDP_TEST_SKIP_INSTALL:-0}" = 1 ]; then
    say "missing Debian packages (not installing, IDP_TEST_SKIP_INSTALL=1): ${missing[*]}"
  else
    say "installing Debian packages: ${missing[*]}"
    if ! as_root apt-get update -qq >>"$log" 2>&1 \
       || ! as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
      tail -n 40 "$log" >&2
      fail "apt-get could not install: ${missing[*]}"
    fi
  fi
fi

# ---- limits ----------------------------------------------------------------------------------------
# Every in-memory test host watches files (Razor's file versions, configuration); Debian's default of 128 inotify
# instances per user is too few for a suite that runs many hosts side by side.
if [ "$(id -u)" -eq 0 ] && [ "$(cat /proc/sys/fs/inotify/max_user_instances 2>/dev/null || echo 0)" -lt 1024 ]; then
  sysctl -qw fs.inotify.max_user_instances=1024 >/dev/null 2>&1 || true
fi

# ---- npm packages of the browser tests (axe-core), from the lock file ----------------------------------
browser_tests="tests/Idp.BrowserTests"
if [ ! -f "$browser_tests/node_modules/axe-core/axe.min.js" ]; then
  say "installing npm packages of the browser tests (npm ci --prefix $browser_tests)"
  if ! npm ci --prefix "$browser_tests" --no-audit --no-fund >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "npm ci --prefix $browser_tests failed"
  fi
fi

# ---- build once ------------------------------------------------------------------------------------
say "building Idp.sln"
if ! dotnet build Idp.sln -nologo -v q -clp:NoSummary >"$results/build.log" 2>&1; then
  grep -E "error|Error" "$results/build.log" | sort -u | head -n 50 >&2
  fail "build failed (full log: $results/build.log)"
fi

# ---- test runs -------------------------------------------------------------------------------------
total_passed=0 total_failed=0 total_skipped=0 status=0
runs="${IDP_TEST_RUNS:-sqlite postgres cluster}"

run_suite() { # name, what to test, then environment assignments
  local name="$1" target="$2"; shift 2
  local dir="$results/$name"
  local args=(test "$target" --no-build --nologo -v q
              --logger "trx;LogFilePrefix=$name" --logger "console;verbosity=minimal"
              --results-directory "$dir" --blame-hang-timeout 5m)
  [ -n "${IDP_TEST_FILTER:-}" ] && args+=(--filter "$IDP_TEST_FILTER")

  say "tests on $name"
  env "$@" timeout "${IDP_TEST_RUN_TIMEOUT:-1200}" dotnet "${args[@]}" >"$dir.log" 2>&1
  local code=$?
  # Show failures and the per-assembly summary lines, not the whole log.
  grep -E "^\s*(Failed|Passed!|Failed!|Skipped!)|\[FAIL\]|Error Message|^\s+at Idp\.|Assert\.|Expected|Actual|error" "$dir.log" | head -n 200

  local passed=0 failed=0 skipped=0 files=0
  for trx in "$dir"/*.trx; do
    [ -f "$trx" ] || continue
    files=$((files + 1))
    local counters
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    attr() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    local t e p f
    t="$(attr total)"; e="$(attr executed)"; p="$(attr passed)"; f="$(attr failed)"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${t:-0} - ${e:-0}))
  done

  if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # The run broke without a failed test to show for it (crash, hang, timeout): count it as one failure.
    printf 'the %s run ended with exit code %s without a failed test; see %s\n' "$name" "$code" "$dir.log"
    tail -n 30 "$dir.log"
    failed=1
  fi
  [ "$files" -eq 0 ] && [ "$code" -eq 0 ] && printf 'the %s run produced no results\n' "$name"

  printf '%s: %s passed, %s failed, %s skipped\n' "$name" "$passed" "$failed" "$skipped"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
  [ "$code" -ne 0 ] && status=1
  return 0
}

run_cluster() { # bench/cluster.sh --short: three nodes, PostgreSQL and node restarts under load; one test
  local log="$results/cluster.log" code
  say "cluster under faults (bench/cluster.sh --short)"
  timeout "${IDP_TEST_CLUSTER_TIMEOUT:-600}" bench/cluster.sh --short >"$log" 2>&1
  code=$?
  grep -E "^\| |^node [0-9] log|^cluster.sh:" "$log"
  if [ "$code" -eq 0 ]; then
    printf 'cluster: 1 passed, 0 failed, 0 skipped\n'
    total_passed=$((total_passed + 1))
  else
    printf 'the cluster run failed (exit code %s); see %s\n' "$code" "$log"
    tail -n 15 "$log"
    printf 'cluster: 0 passed, 1 failed, 0 skipped\n'
    total_failed=$((total_failed + 1))
    status=1
  fi
}

for run in $runs; do
  case "$run" in
    sqlite) run_suite sqlite Idp.sln IDP_TEST_DATABASE=sqlite ;;
    # Only the integration tests touch the database; the others ran in the SQLite pass already.
    postgres) run_suite postgres tests/Idp.IntegrationTests IDP_TEST_DATABASE=postgres ;;
    sqlserver) run_suite sqlserver tests/Idp.IntegrationTests IDP_TEST_DATABASE=sqlserver ;;
    cluster)
      if [ -n "${IDP_TEST_FILTER:-}" ]; then say "cluster run skipped: IDP_TEST_FILTER selects tests of the suites"
      else run_cluster; fi ;;
    *) fail "unknown run '$run' in IDP_TEST_RUNS (sqlite, postgres, sqlserver, cluster)" ;;
  esac
done

[ "$total_failed" -gt 0 ] && status=1
echo
echo "Summary (runs: $runs; results in $results)"
echo "$total_passed passed, $total_failed failed, $total_skipped skipped"
exit "$status"
