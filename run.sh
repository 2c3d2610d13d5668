#!/usr/bin/env bash
# Runs Idp (http://localhost:5000, Development) and the demo portal (http://localhost:5100) side by side.
# Needs only the .NET SDK. Ctrl-C stops both; if either stops, the other is stopped too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

readonly IDP_URL="http://localhost:5000"
readonly PORTAL_URL="http://localhost:5100"
readonly START_TIMEOUT_SECONDS=180

idp_pid=""
portal_pid=""

say() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nrun.sh: %s\n' "$*" >&2; exit 1; }

# True when something answers HTTP on host:port (any status: the point is that the app is up).
# Uses bash's /dev/tcp, so no curl or wget is needed.
answers() {
    local host=$1 port=$2 path=$3
    (
        exec 3<>"/dev/tcp/$host/$port" || exit 1
        printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$host" "$port" >&3
        IFS= read -r -t 5 status_line <&3 || exit 1
        [[ $status_line == HTTP/* ]]
    ) 2>/dev/null
}

# Prefixes every line of a process's output, so the two logs can be told apart.
prefix() {
    local label=$1 line
    while IFS= read -r line; do printf '%s %s\n' "$label" "$line"; done
}

stop() {
    trap - EXIT INT TERM
    local pid
    for pid in $idp_pid $portal_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 50); do
        local alive=""
        for pid in $idp_pid $portal_pid; do
            kill -0 "$pid" 2>/dev/null && alive=yes
        done
        [[ -z $alive ]] && break
        sleep 0.2
    done
    for pid in $idp_pid $portal_pid; do
        kill -KILL "$pid" 2>/dev/null || true
    done
}

on_signal() {
    say "Stopping Idp and the demo portal"
    stop
    exit 0
}

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK is needed (https://dotnet.microsoft.com/download)."

answers localhost 5000 / && fail "something already answers on $IDP_URL; stop it first."
answers localhost 5100 / && fail "something already answers on $PORTAL_URL; stop it first."

say "Building Idp and the demo portal"
dotnet build src/Idp/Idp.csproj -nologo -v q
dotnet build samples/Portal/Portal.csproj -nologo -v q
idp_dll=$(dotnet msbuild src/Idp/Idp.csproj -nologo -getProperty:TargetPath)
portal_dll=$(dotnet msbuild samples/Portal/Portal.csproj -nologo -getProperty:TargetPath)

trap on_signal INT TERM
trap stop EXIT

say "Starting Idp on $IDP_URL and the demo portal on $PORTAL_URL"
# Each app runs from its project folder (its content root: appsettings, wwwroot, App_Data).
(cd src/Idp && ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$IDP_URL" exec dotnet "$idp_dll") \
    > >(prefix "[idp]   ") 2>&1 &
idp_pid=$!
(cd samples/Portal && ASPNETCORE_ENVIRONMENT=Development exec dotnet "$portal_dll") \
    > >(prefix "[portal]") 2>&1 &
portal_pid=$!

deadline=$((SECONDS + START_TIMEOUT_SECONDS))
until answers localhost 5000 /.well-known/openid-configuration && answers localhost 5100 /; do
    kill -0 "$idp_pid" 2>/dev/null || fail "Idp stopped during start-up (see its log above)."
    kill -0 "$portal_pid" 2>/dev/null || fail "the demo portal stopped during start-up (see its log above)."
    ((SECONDS < deadline)) || fail "Idp and the demo portal did not answer within $START_TIMEOUT_SECONDS seconds."
    sleep 1
done

cat <<EOF

  Idp:                   $IDP_URL   (discovery: $IDP_URL/.well-known/openid-configuration)
  Open the demo portal:  $PORTAL_URL

  Sign in with the demo user Idp printed above. Press Ctrl-C to stop both.

EOF

while kill -0 "$idp_pid" 2>/dev/null && kill -0 "$portal_pid" 2>/dev/null; do
    sleep 1
done
kill -0 "$idp_pid" 2>/dev/null || fail "Idp stopped; stopping the demo portal too."
fail "the demo portal stopped; stopping Idp too."
