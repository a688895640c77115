#!/usr/bin/env bash
# Installs hubctl as a command: publishes Hub.Cli (framework-dependent, ReadyToRun so it starts in well under a
# second) to a folder and links `hubctl` into a folder on PATH. Run it again after pulling to update.
#
#   scripts/install-hubctl.sh                 # root: /usr/local/bin/hubctl; others: ~/.local/bin/hubctl
#   HUBCTL_BIN=/opt/bin scripts/install-hubctl.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then
  bin="${HUBCTL_BIN:-/usr/local/bin}"
  lib="${HUBCTL_LIB:-/usr/local/lib/hubctl}"
else
  bin="${HUBCTL_BIN:-$HOME/.local/bin}"
  lib="${HUBCTL_LIB:-$HOME/.local/lib/hubctl}"
fi

echo "hubctl: publishing to $lib …"
rm -rf "$lib.new"
dotnet publish Hub.Cli/Hub.Cli.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$lib.new" --nologo -clp:ErrorsOnly >/dev/null
rm -rf "$lib"
mv "$lib.new" "$lib"
mkdir -p "$bin"
ln -sf "$lib/hubctl" "$bin/hubctl"
echo "hubctl: installed $bin/hubctl"

case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "hubctl: $bin is not on your PATH; add it, e.g.  echo 'export PATH=\"$bin:\$PATH\"' >> ~/.bashrc && export PATH=\"$bin:\$PATH\"" ;;
esac
