#!/usr/bin/env bash
# Builds mailfilterd_<version>_amd64.deb from a self-contained publish (no .NET runtime on the target).
#
#   packaging/deb/build.sh [--version X.Y.Z] [--output DIR]
#
# Version: Directory.Build.props unless given. Output: artifacts/deb/ (the .deb is the only file the
# caller needs). Needs the .NET SDK and dpkg-deb; the runtime packs come from the NuGet feed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)
out="$root/artifacts/deb"
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version=$2; shift 2 ;;
    --output) out=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument \"$1\" (try --help)" >&2; exit 64 ;;
  esac
done
case "$version" in
  [0-9]*) ;;
  *) echo "build.sh: version \"$version\" must start with a digit (Debian policy 5.6.12)" >&2; exit 64 ;;
esac

work="$out/build-$version"
stage="$work/root"
rm -rf "$work"; mkdir -p "$stage" "$out"
lib="$stage/usr/lib/mailfilter"
mkdir -p "$lib"

# packaging/publish.sh: self-contained, ReadyToRun, mailfilter-authd trimmed. Each program gets its own directory:
# their dependency closures differ in a few assembly versions (the ASP.NET Core framework against NuGet packages), so
# one shared directory could load the wrong one. mailfilterctl's files that mailfilterd has byte for byte become
# relative symbolic links to mailfilterd's copy (stored once in the .deb and on disk; the runtime follows them).
# mailfilter-authd shares nothing: its libraries are trimmed, and the runtime (libcoreclr.so, itself identical)
# loads System.Private.CoreLib from the directory it really lives in, so a linked runtime would give one program
# the other's library.
publish() { # project name
  "$root/packaging/publish.sh" "$root/$1" "$2" "$lib/$2" "$version" "$work/artifacts"
}
publish src/Filter/MailFilter.Filter.csproj mailfilterd
publish src/AuthServer/MailFilter.AuthServer.csproj mailfilter-authd
publish src/Cli/MailFilter.Cli.csproj mailfilterctl
(cd "$lib/mailfilterctl" && find . -type f ! -name 'mailfilterctl' ! -name 'mailfilterctl.*') | while read -r f; do
  if [ -f "$lib/mailfilterd/$f" ] && cmp -s "$lib/mailfilterctl/$f" "$lib/mailfilterd/$f"; then
    ln -sfn "../mailfilterd/${f#./}" "$lib/mailfilterctl/$f"
  fi
done

mkdir -p "$stage/usr/bin"
for p in mailfilterd mailfilter-authd mailfilterctl; do
  ln -s "../lib/mailfilter/$p/$p" "$stage/usr/bin/$p"
done

install -D -m 0640 "$here/mailfilter.conf" "$stage/etc/mailfilter/mailfilter.conf"
install -D -m 0644 "$here/systemd/mailfilterd.service" "$stage/lib/systemd/system/mailfilterd.service"
install -D -m 0644 "$here/systemd/mailfilter-authd.service" "$stage/lib/systemd/system/mailfilter-authd.service"
install -D -m 0644 "$here/completion/mailfilterctl" "$stage/usr/share/bash-completion/completions/mailfilterctl"
for page in "$here"/man/*.[0-9]; do
  section=${page##*.}
  install -D -m 0644 "$page" "$stage/usr/share/man/man$section/$(basename "$page")"
  gzip -9n "$stage/usr/share/man/man$section/$(basename "$page")"
done

doc="$stage/usr/share/doc/mailfilterd"
# lintian reads the overrides (and the reasons, in README.md) from here.
install -D -m 0644 "$here/debian/lintian-overrides" "$stage/usr/share/lintian/overrides/mailfilterd"
install -D -m 0644 "$here/debian/copyright" "$doc/copyright"
install -D -m 0644 "$here/debian/README.Debian" "$doc/README.Debian"
install -D -m 0644 "$root/postfix-conf/main.cf.snippet" "$doc/postfix-conf/main.cf.snippet"
install -D -m 0644 "$root/postfix-conf/README.md" "$doc/postfix-conf/README.md"
# The changelog's date is the last commit's, so that two builds of one commit are the same package.
when=$(git -C "$root" log -1 --format=%cD 2>/dev/null || date -R)
commit=$(git -C "$root" log -1 --format=%h 2>/dev/null || echo unknown)
printf 'mailfilterd (%s) bookworm; urgency=medium\n\n  * Built from commit %s.\n\n -- MailFilter <mailfilter@example.org>  %s\n' \
  "$version" "$commit" "$when" | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"

mkdir -p "$stage/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/debian/control.in" >"$stage/DEBIAN/control"
echo /etc/mailfilter/mailfilter.conf >"$stage/DEBIAN/conffiles"
for s in postinst prerm postrm; do install -m 0755 "$here/debian/$s" "$stage/DEBIAN/$s"; done
(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print | sed 's:^\./::' | sort | xargs -d '\n' md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/control" "$stage/DEBIAN/conffiles"

deb="$out/mailfilterd_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
rm -rf "$work"
echo "$deb"
