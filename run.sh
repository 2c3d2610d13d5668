#!/usr/bin/env bash
# Runs Idp (http://localhost:5000, Development), the demo portal (http://localhost:5100), the demo API
# (http://localhost:5200, samples/Api), the helpdesk and admin area (http://localhost:5300, src/Idp.Admin) and the
# companion authenticator (http://localhost:5400, samples/Authenticator) side by side.
# Needs only the .NET SDK. Ctrl-C stops all five; if one stops, the others are stopped too.
# Other ports (5000 is taken on some machines, e.g. by macOS AirPlay):
#   IDP_PORT=5010 PORTAL_PORT=5110 API_PORT=5210 ADMIN_PORT=5310 AUTHENTICATOR_PORT=5410 ./run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

readonly IDP_PORT="${IDP_PORT:-5000}"
readonly PORTAL_PORT="${PORTAL_PORT:-5100}"
readonly API_PORT="${API_PORT:-5200}"
readonly ADMIN_PORT="${ADMIN_PORT:-5300}"
readonly AUTHENTICATOR_PORT="${AUTHENTICATOR_PORT:-5400}"
readonly IDP_URL="http://localhost:$IDP_PORT"
readonly PORTAL_URL="http://localhost:$PORTAL_PORT"
readonly API_URL="http://localhost:$API_PORT"
readonly ADMIN_URL="http://localhost:$ADMIN_PORT"
readonly AUTHENTICATOR_URL="http://localhost:$AUTHENTICATOR_PORT"
readonly START_TIMEOUT_SECONDS=180

idp_pid=""
portal_pid=""
api_pid=""
admin_pid=""
authenticator_pid=""

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

# Prefixes every line of a process's output, so the logs can be told apart.
prefix() {
    local label=$1 line
    while IFS= read -r line; do printf '%s %s\n' "$label" "$line"; done
}

stop() {
    trap - EXIT INT TERM
    local pid
    for pid in $idp_pid $portal_pid $api_pid $admin_pid $authenticator_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for _ in $(seq 1 50); do
        local alive=""
        for pid in $idp_pid $portal_pid $api_pid $admin_pid $authenticator_pid; do
            kill -0 "$pid" 2>/dev/null && alive=yes
        done
        [[ -z $alive ]] && break
        sleep 0.2
    done
    for pid in $idp_pid $portal_pid $api_pid $admin_pid $authenticator_pid; do
        kill -KILL "$pid" 2>/dev/null || true
    done
}

on_signal() {
    say "Stopping Idp, the demo portal, the demo API, the admin area and the authenticator"
    stop
    exit 0
}

command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK is needed (https://dotnet.microsoft.com/download)."

answers localhost "$IDP_PORT" / && fail "something already answers on $IDP_URL; stop it first (or choose IDP_PORT)."
answers localhost "$PORTAL_PORT" / && fail "something already answers on $PORTAL_URL; stop it first (or choose PORTAL_PORT)."
answers localhost "$API_PORT" / && fail "something already answers on $API_URL; stop it first (or choose API_PORT)."
answers localhost "$ADMIN_PORT" / && fail "something already answers on $ADMIN_URL; stop it first (or choose ADMIN_PORT)."
answers localhost "$AUTHENTICATOR_PORT" / && fail "something already answers on $AUTHENTICATOR_URL; stop it first (or choose AUTHENTICATOR_PORT)."

say "Building Idp, the demo portal, the demo API, the admin area and the authenticator"
dotnet build src/Idp/Idp.csproj -nologo -v q
dotnet build samples/Portal/Portal.csproj -nologo -v q
dotnet build samples/Api/Api.csproj -nologo -v q
dotnet build src/Idp.Admin/Idp.Admin.csproj -nologo -v q
dotnet build samples/Authenticator/Authenticator.csproj -nologo -v q
idp_dll=$(dotnet msbuild src/Idp/Idp.csproj -nologo -getProperty:TargetPath)
portal_dll=$(dotnet msbuild samples/Portal/Portal.csproj -nologo -getProperty:TargetPath)
api_dll=$(dotnet msbuild samples/Api/Api.csproj -nologo -getProperty:TargetPath)
admin_dll=$(dotnet msbuild src/Idp.Admin/Idp.Admin.csproj -nologo -getProperty:TargetPath)
authenticator_dll=$(dotnet msbuild samples/Authenticator/Authenticator.csproj -nologo -getProperty:TargetPath)

trap on_signal INT TERM
trap stop EXIT

say "Starting Idp on $IDP_URL, the demo portal on $PORTAL_URL, the demo API on $API_URL, the admin area on $ADMIN_URL and the authenticator on $AUTHENTICATOR_URL"
# Each app runs from its project folder (its content root: appsettings, wwwroot, App_Data).
# The environment variables repeat the Development settings, so other ports only change the numbers;
# the demo portal is the first client in src/Idp/appsettings.Development.json. The API accepts Idp's access tokens
# (audience $IDP_URL/resources, Idp's default) and the portal calls it for its bank-details page.
(
    cd src/Idp
    export ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="$IDP_URL" Idp__Issuer="$IDP_URL"
    export Idp__Clients__0__RedirectUris__0="$PORTAL_URL/signin-idp"
    export Idp__Clients__0__PostLogoutRedirectUris__0="$PORTAL_URL/signed-out"
    export Idp__Clients__1__RedirectUris__0="$ADMIN_URL/signin-idp"
    export Idp__Clients__1__PostLogoutRedirectUris__0="$ADMIN_URL/signed-out"
    export Idp__Push__AuthenticatorUrl="$AUTHENTICATOR_URL" Idp__Push__AllowedOrigins__0="$AUTHENTICATOR_URL"
    exec dotnet "$idp_dll"
) > >(prefix "[idp]   ") 2>&1 &
idp_pid=$!
(
    cd samples/Portal
    export ASPNETCORE_ENVIRONMENT=Development Portal__Authority="$IDP_URL" Portal__ApiBaseUrl="$API_URL"
    export Kestrel__Endpoints__Http__Url="$PORTAL_URL"
    exec dotnet "$portal_dll"
) > >(prefix "[portal]") 2>&1 &
portal_pid=$!
(
    cd samples/Api
    export ASPNETCORE_ENVIRONMENT=Development Api__Authority="$IDP_URL" Kestrel__Endpoints__Http__Url="$API_URL"
    exec dotnet "$api_dll"
) > >(prefix "[api]   ") 2>&1 &
api_pid=$!
(
    cd samples/Authenticator
    export ASPNETCORE_ENVIRONMENT=Development Authenticator__IdpUrl="$IDP_URL" Kestrel__Endpoints__Http__Url="$AUTHENTICATOR_URL"
    exec dotnet "$authenticator_dll"
) > >(prefix "[auth]  ") 2>&1 &
authenticator_pid=$!

deadline=$((SECONDS + START_TIMEOUT_SECONDS))
# The admin area works on Idp's database (migrated by Idp) with Idp's key-encryption key: it starts once Idp answers.
until answers localhost "$IDP_PORT" /.well-known/openid-configuration; do
    kill -0 "$idp_pid" 2>/dev/null || fail "Idp stopped during start-up (see its log above)."
    ((SECONDS < deadline)) || fail "Idp did not answer within $START_TIMEOUT_SECONDS seconds."
    sleep 1
done
(
    cd src/Idp.Admin
    export ASPNETCORE_ENVIRONMENT=Development Kestrel__Endpoints__Http__Url="$ADMIN_URL" Idp__Issuer="$IDP_URL"
    export Idp__Database__ConnectionString="Data Source=$(cd ../Idp && pwd)/App_Data/idp.db"
    exec dotnet "$admin_dll"
) > >(prefix "[admin] ") 2>&1 &
admin_pid=$!

until answers localhost "$IDP_PORT" /.well-known/openid-configuration && answers localhost "$PORTAL_PORT" / \
    && answers localhost "$API_PORT" /api/profile && answers localhost "$ADMIN_PORT" /signed-out && answers localhost "$AUTHENTICATOR_PORT" /; do
    kill -0 "$idp_pid" 2>/dev/null || fail "Idp stopped during start-up (see its log above)."
    kill -0 "$portal_pid" 2>/dev/null || fail "the demo portal stopped during start-up (see its log above)."
    kill -0 "$api_pid" 2>/dev/null || fail "the demo API stopped during start-up (see its log above)."
    kill -0 "$admin_pid" 2>/dev/null || fail "the admin area stopped during start-up (see its log above)."
    kill -0 "$authenticator_pid" 2>/dev/null || fail "the authenticator stopped during start-up (see its log above)."
    ((SECONDS < deadline)) || fail "Idp, the demo portal, the demo API, the admin area and the authenticator did not answer within $START_TIMEOUT_SECONDS seconds."
    sleep 1
done

cat <<EOF

  Idp:                   $IDP_URL   (discovery: $IDP_URL/.well-known/openid-configuration)
  Open the demo portal:  $PORTAL_URL   (its "Change bank details" page calls the demo API and steps up)
  Demo API:              $API_URL/api/profile   (Bearer access tokens from Idp)
  Helpdesk and admin:    $ADMIN_URL   (sign in as the bootstrap administrator or the helpdesk agent Idp printed above)
  Companion app:         $AUTHENTICATOR_URL   (push approval: add the demo user, the SMS code is in $IDP_URL/dev/outbox)

  Sign in with the demo user Idp printed above. Press Ctrl-C to stop all five.

EOF

while kill -0 "$idp_pid" 2>/dev/null && kill -0 "$portal_pid" 2>/dev/null && kill -0 "$api_pid" 2>/dev/null \
    && kill -0 "$authenticator_pid" 2>/dev/null; do
    sleep 1
done
kill -0 "$idp_pid" 2>/dev/null || fail "Idp stopped; stopping the others too."
kill -0 "$portal_pid" 2>/dev/null || fail "the demo portal stopped; stopping the others too."
kill -0 "$api_pid" 2>/dev/null || fail "the demo API stopped; stopping the others too."
fail "the authenticator stopped; stopping the others too."
