#!/usr/bin/env bash
# Publishes one MailFilter program the way the .deb ships it: self-contained (the target needs no .NET),
# ReadyToRun (precompiled: the JIT has less to do at start-up), trimmed where the project file says so
# (mailfilter-authd), no symbol files, no web content or appsettings (settings come from mailfilter.conf only).
#
#   packaging/publish.sh PROJECT PROGRAM OUTDIR [VERSION [ARTIFACTS-DIR]]
#
# Used by packaging/deb/build.sh for the package and by scripts/test.sh, whose tests start the published
# mailfilter-authd: what the tests run is what ships. ARTIFACTS-DIR keeps the intermediate files apart from the
# build output that tests may be running from at the same time (default: a temporary directory).
set -euo pipefail
if [ $# -lt 3 ]; then sed -n '2,10p' "$0"; exit 64; fi
project=$1 program=$2 out=$3 version=${4:-0.0.0} artifacts=${5:-}
if [ -z "$artifacts" ]; then
  artifacts=$(mktemp -d); trap 'rm -rf "$artifacts"' EXIT
fi
rm -rf "$out"
dotnet publish "$project" -c Release -r linux-x64 --self-contained true \
  -p:PublishReadyToRun=true -p:DebugType=none -p:DebugSymbols=false -p:Version="$version" \
  --artifacts-path "$artifacts" -o "$out" --nologo -v q -clp:ErrorsOnly
rm -rf "$out/wwwroot" "$out"/appsettings*.json "$out/web.config"
find "$out" -type f -exec chmod 0644 {} +
chmod 0755 "$out/$program"
