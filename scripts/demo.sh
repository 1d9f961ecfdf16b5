#!/usr/bin/env bash
# The MailFilter demo on a fresh Debian 12 machine with the .NET SDK: installs what it needs, builds,
# starts one mail domain on loopback (its own PostgreSQL, mailfilter-authd, Dovecot, mailfilterd and a
# private Postfix), sends alice's message with an attachment to bob, shows the queue holding ciphertext
# and bob's mailbox holding the original with a pass result, and stops everything it started.
# Runs as root (the Postfix and Dovecot instances need it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi

# shellcheck source=scripts/deps.sh
. scripts/deps.sh
install_deps

echo "==> building (Release)"
dotnet build src/Filter/MailFilter.Filter.csproj -c Release --nologo -v q -clp:ErrorsOnly
dotnet build src/AuthServer/MailFilter.AuthServer.csproj -c Release --nologo -v q -clp:ErrorsOnly
dotnet build tools/Demo/MailFilter.Demo.csproj -c Release --nologo -v q -clp:ErrorsOnly
exec dotnet tools/Demo/bin/Release/net10.0/mailfilter-demo.dll "$@"
