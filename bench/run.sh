#!/usr/bin/env bash
# Runs MailFilter's benchmarks and writes their results into docs/benchmarks.md (each into its own
# section, with the machine and the date). One command:
# bench/run.sh [milter] [mime] [crypto] [authd] [outbound] [links] [pipeline] [registry] [conflicts] [attachments] [package] [fuzz]
# (default: all but package and fuzz; "fuzz" is the long 1,000,000-case MIME mutation run). Runs as root
# (the milter benchmark starts private Postfix instances and keeps their mail on a loop-mounted ext4 it makes). Close other work first: the numbers are
# only as quiet as the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi
# shellcheck source=scripts/deps.sh
. scripts/deps.sh
install_deps

what=("$@")
[ ${#what[@]} -eq 0 ] && what=(milter mime crypto authd outbound links pipeline registry conflicts attachments)
out="$(pwd)/docs/benchmarks.md"
dotnet build src/Filter/MailFilter.Filter.csproj -c Release --nologo -v q -clp:ErrorsOnly
for b in "${what[@]}"; do
  case "$b" in
    milter)
      dotnet build bench/Milter -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/Milter/bin/Release/net10.0/MailFilter.Bench.Milter.dll all ;;
    mime)
      dotnet run -c Release --project bench/Mime -- bench --write "$out" ;;
    crypto)
      dotnet run -c Release --project bench/Crypto -- --write "$out" ;;
    authd)
      dotnet build src/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet build bench/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/AuthServer/bin/Release/net10.0/MailFilter.Bench.AuthServer.dll ;;
    outbound)
      dotnet build src/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet build bench/Outbound -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/Outbound/bin/Release/net10.0/MailFilter.Bench.Outbound.dll ;;
    links)
      dotnet build src/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet build bench/Outbound -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/Outbound/bin/Release/net10.0/MailFilter.Bench.Outbound.dll links ;;
    pipeline)
      dotnet build src/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet build bench/Milter -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/Milter/bin/Release/net10.0/MailFilter.Bench.Milter.dll pipeline ;;
    registry)
      dotnet build src/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet build bench/Registry -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/Registry/bin/Release/net10.0/MailFilter.Bench.Registry.dll ;;
    conflicts)
      dotnet build src/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet build bench/Conflicts -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/Conflicts/bin/Release/net10.0/MailFilter.Bench.Conflicts.dll ;;
    attachments)
      dotnet build src/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet build bench/Attachments -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/Attachments/bin/Release/net10.0/MailFilter.Bench.Attachments.dll ;;
    fuzz)
      dotnet run -c Release --project bench/Mime -- fuzz --cases 1000000 --write "$out" ;;
    package)
      packaging/deb/build.sh >/dev/null
      dotnet build src/AuthServer -c Release --nologo -v q -clp:ErrorsOnly
      dotnet build bench/Package -c Release --nologo -v q -clp:ErrorsOnly
      dotnet bench/Package/bin/Release/net10.0/MailFilter.Bench.Package.dll --deb "$(ls -t artifacts/deb/mailfilterd_*_amd64.deb | head -1)" --runs 10 --load-seconds 30 ;;
    *)
      echo "bench/run.sh: unknown benchmark \"$b\" (milter, mime, crypto, authd, outbound, links, pipeline, registry, conflicts, attachments, package, fuzz)" >&2; exit 64 ;;
  esac
done
echo "results in $out"
