#!/usr/bin/env bash
# Installs hubctl as a command: publishes Hub.Cli (framework-dependent, ReadyToRun so it starts in well under a
# second) to a folder and links `hubctl` into a folder on PATH. Run it again after pulling to update.
#
#   scripts/install-hubctl.sh                 # root: /usr/local/bin/hubctl; others: ~/.local/bin/hubctl
#   HUBCTL_BIN=/opt/bin HUBCTL_LIB=/opt/lib/hubctl scripts/install-hubctl.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
  bin="${HUBCTL_BIN:-/usr/local/bin}"
  lib="${HUBCTL_LIB:-/usr/local/lib/hubctl}"
else
  bin="${HUBCTL_BIN:-$HOME/.local/bin}"
  lib="${HUBCTL_LIB:-$HOME/.local/lib/hubctl}"
fi

# The folder is replaced on every install: refuse anything that is not plainly hubctl's own.
case "$lib" in
  */hubctl) ;;
  *) echo "hubctl: HUBCTL_LIB must be a folder named hubctl (given: $lib)" >&2; exit 2 ;;
esac

case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) echo "hubctl: no .NET runtime identifier for $(uname -m)" >&2; exit 2 ;;
esac

echo "hubctl: publishing to $lib …"
rm -rf "$lib.new"
if ! output=$(dotnet publish Hub.Cli/Hub.Cli.csproj -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -o "$lib.new" --nologo -clp:ErrorsOnly 2>&1); then
  echo "$output" >&2
  echo "hubctl: the publish failed (above); nothing was installed" >&2
  exit 1
fi
rm -rf "$lib"
mv "$lib.new" "$lib"
mkdir -p "$bin"
ln -sf "$lib/hubctl" "$bin/hubctl"
echo "hubctl: installed $bin/hubctl"

case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "hubctl: $bin is not on your PATH; add it, e.g.  echo 'export PATH=\"$bin:\$PATH\"' >> ~/.bashrc && export PATH=\"$bin:\$PATH\"" ;;
esac
