#!/usr/bin/env bash
# Runs the whole test suite on a machine of this kind: installs what the tests need and is missing
# (redis-server, xmlsec1, Node.js, Chromium for the console's browser tests, and for the fault suite Patroni with etcd and HAProxy, all from Debian; the PostgreSQL server binaries are expected preinstalled, else installed
# too; the Node.js gRPC client's packages from npm),
# builds, runs every test against real PostgreSQL and Redis processes the tests start themselves, and prints
# one plain line: "N passed, N failed".
#   --reliability   then also runs the 10-minute soak (Hub.Benchmarks soak: mixed load at half of peak; memory
#                   flat, p99 steady, no error), which the default run leaves out for time.
set -euo pipefail
cd "$(dirname "$0")/.."
soak=false
for arg in "$@"; do
  case "$arg" in
    --reliability) soak=true ;;
    *) echo "usage: scripts/test.sh [--reliability]" >&2; exit 2 ;;
  esac
done

need=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need+=(redis-server)
command -v xmlsec1 >/dev/null 2>&1 || need+=(xmlsec1)
# The fault suite's PostgreSQL cluster (Patroni over etcd; python3-etcd is the DCS client it is configured for) and
# the HTTP/2 load balancer in front of several hub replicas.
[ -x /usr/bin/patroni ] || need+=(patroni)
python3 -c 'import etcd' >/dev/null 2>&1 || need+=(python3-etcd)
[ -x /usr/bin/etcd ] || need+=(etcd-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
# The web console's browser tests drive Debian's Chromium headless (Playwright for .NET, the system browser).
[ -x /usr/bin/chromium ] || need+=(chromium)
# ... with a font for the Chinese text on its pages (a user's own browser has one; a bare server does not).
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
# The load harness's independent load generator (its smoke test drives h2load; docs/benchmarks.md).
command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing ${need[*]} ..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "Missing ${need[*]}: install them (sudo apt-get install ${need[*]}) and run again." >&2
    exit 2
  fi
fi

# The non-.NET gRPC client the interoperability test runs (@grpc/grpc-js, pinned by its lockfile).
if [ ! -d tools/node-client/node_modules/@grpc/grpc-js ]; then
  (cd tools/node-client && npm ci --no-audit --no-fund --loglevel=error)
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet build Hub.sln -c Release --nologo -clp:ErrorsOnly
status=0
dotnet test Hub.sln -c Release --no-build --nologo \
  --logger "trx;LogFileName=hub.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" || status=$?

trx=$(find "$results" -name '*.trx' | head -n 1)
if [ -z "$trx" ]; then
  echo "0 passed, 1 failed"
  echo "no test results were written" >&2
  exit 1
fi
passed=$(grep -o '<Counters [^>]*' "$trx" | grep -o 'passed="[0-9]*"' | grep -o '[0-9]*')
failed=$(grep -o '<Counters [^>]*' "$trx" | grep -o 'failed="[0-9]*"' | grep -o '[0-9]*')
if [ "$failed" -ne 0 ]; then
  # Named again here, with the first line of each message, so that the end of a long log says what failed.
  python3 - "$trx" <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in ET.parse(sys.argv[1]).getroot().iterfind(".//t:UnitTestResult", ns):
    if r.get("outcome") == "Failed":
        message = r.findtext(".//t:Message", default="", namespaces=ns).strip().splitlines()
        print("FAILED " + r.get("testName") + (": " + message[0][:300] if message else ""))
PY
fi
echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi

if [ "$soak" = true ]; then
  echo "soak: 10 minutes of mixed load at half of peak ..."
  dotnet Hub.Benchmarks/bin/Release/net10.0/Hub.Benchmarks.dll soak --minutes 10
fi
