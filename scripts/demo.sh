#!/usr/bin/env bash
# The MailFilter demo on a fresh Debian 12 machine with the .NET SDK: installs what it needs, builds,
# runs mailfilterd in front of a private Postfix on loopback, sends sample mail through it, shows what
# was delivered, and stops everything it started. Runs as root (Postfix instances need it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi

# shellcheck source=scripts/deps.sh
. scripts/deps.sh
install_deps

echo "==> building (Release)"
dotnet build src/Filter/MailFilter.Filter.csproj -c Release --nologo -v q -clp:ErrorsOnly
dotnet build tools/Demo/MailFilter.Demo.csproj -c Release --nologo -v q -clp:ErrorsOnly
exec dotnet tools/Demo/bin/Release/net10.0/mailfilter-demo.dll "$@"
