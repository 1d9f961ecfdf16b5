#!/usr/bin/env bash
# Runs the whole MailFilter test suite on a fresh Debian 12 machine with the .NET SDK:
# installs the real peers the tests start (Postfix, miltertest, ...), restores, builds, runs every
# test project, and ends with one summary line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# shellcheck source=scripts/deps.sh
. scripts/deps.sh
install_deps

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

dotnet restore MailFilter.sln --nologo -v q
dotnet build MailFilter.sln --no-restore --nologo -v q -c Release -clp:ErrorsOnly
# The tests start mailfilter-authd as the package ships it (self-contained, ReadyToRun, trimmed: see
# packaging/publish.sh), so a library part the trimming dropped shows up here, not on a mail server.
packaging/publish.sh src/AuthServer/MailFilter.AuthServer.csproj mailfilter-authd "$root/artifacts/published/mailfilter-authd"
export MAILFILTER_AUTHD_PROGRAM="$root/artifacts/published/mailfilter-authd/mailfilter-authd"

# One trx file per test project; the summary is computed from them, not scraped from console text.
set +e
# Each test project writes its trx into artifacts/test-results/<project>/ (tests/Directory.Build.props).
dotnet test MailFilter.sln --no-build -c Release --nologo \
  --logger "trx" --logger "console;verbosity=normal" \
  -- RunConfiguration.TreatNoTestsAsError=false "$@"
rc=$?
set -e
python3 scripts/trx-summary.py "$results" "$rc"
