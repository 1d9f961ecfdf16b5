#!/usr/bin/env bash
# The package's must-show, end to end, in a clean Debian 12 root (debootstrap) with its own network namespace
# (loopback only: nothing it starts can meet the host's ports):
#   1. build mailfilterd_<v1> and a newer <v2> (packaging/deb/build.sh), lintian on the package;
#   2. install <v1> with apt (its Depends come from the Debian mirror); the postinst creates the user, the
#      master key, the database and role in the local PostgreSQL, and applies the migrations;
#   3. systemd-analyze verify on the installed units; start mailfilter-authd and mailfilterd the way the units
#      do (their ExecStart lines, as User=/Group=/SupplementaryGroups=, NOTIFY_SOCKET: READY=1 awaited);
#   4. mailfilterctl config check, postfix-setup --apply, doctor; start Postfix; a message from alice to bob is
#      signed and encrypted in the queue and delivered decrypted (Authentication-Results: mailfilter=pass);
#   5. upgrade to <v2>: configuration, master key, keys and mail kept; a second message is delivered;
#   6. purge: nothing of ours is left (files, user, group, database, role, main.cf lines).
#
#   packaging/deb/e2e.sh [--debs V1.deb V2.deb]
#
# Needs root, debootstrap, the network to the Debian mirror. Caches the debootstrap tarball under
# artifacts/debootstrap/ (the only thing kept); everything else lives in a temporary directory that is removed.
# Every process it starts is stopped by PID; every mount is unmounted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mirror=${MAILFILTER_DEBIAN_MIRROR:-http://deb.debian.org/debian}
[ "$(id -u)" -eq 0 ] || { echo "e2e.sh: run as root (debootstrap, chroot, network namespaces)" >&2; exit 77; }

step() { printf '\n=== %s\n' "$*"; }
fail() { echo "e2e.sh: FAILED: $*" >&2; exit 1; }

work=$(mktemp -d /tmp/mailfilter-deb-e2e.XXXXXX)
chr="$work/root"
ns="mailfilter-e2e-$$"
pids=()
cleanup() {
  set +e
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  done
  if [ -x "$chr/usr/sbin/postfix" ] && [ -f "$chr/var/spool/postfix/pid/master.pid" ]; then
    in_ns chroot "$chr" postfix stop >/dev/null 2>&1
  fi
  # Anything still running inside the root (started by a package script, say) is ours: found by its root, by PID.
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$chr" ] || continue
    case "$(cat "$p/cmdline" 2>/dev/null | tr '\0' ' ')" in *postgres*) ;; *) kill -TERM "${p#/proc/}" 2>/dev/null ;; esac
  done
  if [ -d "$chr/etc/postgresql" ]; then
    in_ns chroot "$chr" sh -c 'for c in /etc/postgresql/*/*; do pg_ctlcluster "$(basename "$(dirname "$c")")" "$(basename "$c")" stop -m fast; done' >/dev/null 2>&1
  fi
  sleep 1
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$chr" ] && kill -KILL "${p#/proc/}" 2>/dev/null
  done
  for m in dev/pts dev proc sys; do mountpoint -q "$chr/$m" && umount -l "$chr/$m"; done
  ip netns list 2>/dev/null | grep -qw "$ns" && ip netns delete "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
trap "exit 143" TERM INT

in_ns() { ip netns exec "$ns" "$@"; }
in_root() { in_ns chroot "$chr" "$@"; }

debs=()
if [ "${1:-}" = "--debs" ]; then debs=("$2" "$3"); fi
if [ ${#debs[@]} -eq 0 ]; then
  step "build two versions of the package"
  base=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -1)
  debs+=("$("$here/build.sh" --version "$base" --output "$work/debs" | tail -1)")
  debs+=("$("$here/build.sh" --version "$base.1" --output "$work/debs" | tail -1)")
fi
v1=$(dpkg-deb -f "${debs[0]}" Version); v2=$(dpkg-deb -f "${debs[1]}" Version)
dpkg --compare-versions "$v2" gt "$v1" || fail "$v2 is not newer than $v1"
ls -l "${debs[@]}"

step "lintian ${debs[0]##*/}"
if command -v lintian >/dev/null; then
  # lintian leaves a /tmp/mldbm-elf-* file behind on every run: give it a TMPDIR that is removed with $work.
  mkdir -p "$work/lintian-tmp"
  TMPDIR="$work/lintian-tmp" lintian --tag-display-limit 0 "${debs[0]}" | tee "$work/lintian.txt" || true
  grep -q '^E: ' "$work/lintian.txt" && fail "lintian reports errors"
  echo "lintian: no errors ($(grep -c '^W: ' "$work/lintian.txt" || true) warnings, listed with reasons in packaging/deb/README.md)"
fi

step "a clean Debian 12 root (debootstrap)"
cache="$root/artifacts/debootstrap"
mkdir -p "$cache"
tarball="$cache/bookworm-minbase.tgz"
if [ ! -f "$tarball" ]; then
  debootstrap --variant=minbase --make-tarball="$tarball.part" bookworm "$work/tarball-root" "$mirror" >"$work/debootstrap-tarball.log" 2>&1 \
    || { tail -20 "$work/debootstrap-tarball.log"; fail "debootstrap --make-tarball"; }
  mv "$tarball.part" "$tarball"; rm -rf "$work/tarball-root"
fi
debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$chr" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log"; fail debootstrap; }
mount -t proc proc "$chr/proc"
mount -t sysfs sysfs "$chr/sys"
mount --bind /dev "$chr/dev"
mount --bind /dev/pts "$chr/dev/pts"
cp /etc/resolv.conf "$chr/etc/resolv.conf"
echo "deb $mirror bookworm main" >"$chr/etc/apt/sources.list"
# Services the packages would start: only PostgreSQL (inside the namespace), as on a server; Postfix is
# started by this script after postfix-setup.
cat >"$chr/usr/sbin/policy-rc.d" <<'POLICY'
#!/bin/sh
case "$1" in postgresql) exit 0 ;; *) exit 101 ;; esac
POLICY
chmod 0755 "$chr/usr/sbin/policy-rc.d"
ip netns add "$ns"
ip -n "$ns" link set lo up
cat >"$chr/tmp/debconf" <<'DEBCONF'
postfix postfix/main_mailer_type select Local only
postfix postfix/mailname string mail.example.test
DEBCONF
chroot "$chr" debconf-set-selections /tmp/debconf
cp "${debs[@]}" "$chr/tmp/"
deb1=/tmp/${debs[0]##*/}; deb2=/tmp/${debs[1]##*/}

step "apt install $deb1 (Depends from the mirror)"
export DEBIAN_FRONTEND=noninteractive
chroot "$chr" apt-get update -q >"$work/apt.log" 2>&1 || { tail "$work/apt.log"; fail "apt-get update"; }
# Download with the network; install inside the namespace, so that what postinst starts (PostgreSQL) listens there.
chroot "$chr" apt-get install -y -q --download-only "$deb1" >>"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log"; fail "apt-get download"; }
in_root apt-get install -y -q "$deb1" | tee -a "$work/apt.log" | grep -E '^(Setting up|mailfilterd:|applied|database)' || true
in_root dpkg-query -W -f='${Status}\n' mailfilterd | grep -q "install ok installed" || { tail -40 "$work/apt.log"; fail "mailfilterd not installed"; }
deps=$(in_root dpkg-query -W -f='${Package} ${Status}\n' postfix libsodium23 postgresql)
echo "$deps"
grep -vq "install ok installed" <<<"$deps" && fail "a dependency is missing"

step "what postinst made"
in_root getent passwd mailfilter >/dev/null || fail "no user mailfilter"
in_root id -nG postfix | tr ' ' '\n' | grep -qx mailfilter || fail "postfix is not in group mailfilter"
# Owners as the root's own /etc/passwd names them (its uids mean other users on the host).
owner() { in_root stat -c "$1" "$2"; }
[ "$(owner '%a %U' /etc/mailfilter/master.key)" = "600 mailfilter" ] || fail "master key: $(owner '%a %U' /etc/mailfilter/master.key)"
[ "$(owner '%a %U %G' /etc/mailfilter/mailfilter.conf)" = "640 root mailfilter" ] || fail "config: $(owner '%a %U %G' /etc/mailfilter/mailfilter.conf)"
[ "$(owner '%a %U %G' /var/spool/postfix/mailfilter)" = "750 mailfilter postfix" ] || fail "milter socket directory: $(owner '%a %U %G' /var/spool/postfix/mailfilter)"
in_root runuser -u postgres -- psql -XAtc "SELECT max(version) FROM schema_migrations" mailfilter | grep -qx '[0-9]*' || fail "no migrations in database mailfilter"
cat "$chr/var/lib/mailfilter/.created-by-package"
key_sum=$(sha256sum <"$chr/etc/mailfilter/master.key")

step "systemd-analyze verify (the installed units)"
mkdir -p "$work/units/lib/systemd/system" "$work/units/usr/lib/mailfilter" "$work/units/bin"
cp -a /lib/systemd/system/*.target "$work/units/lib/systemd/system/"
cp "$chr"/lib/systemd/system/mailfilter*.service "$work/units/lib/systemd/system/"
cp -a "$chr/usr/lib/mailfilter/." "$work/units/usr/lib/mailfilter/"
cp /bin/kill "$work/units/bin/"
verify=$(systemd-analyze verify --man=no --root="$work/units" /lib/systemd/system/mailfilterd.service /lib/systemd/system/mailfilter-authd.service 2>&1) \
  || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify: $verify"
echo "accepted"

step "configure: example.test is ours"
conf="$chr/etc/mailfilter/mailfilter.conf"
sed -i 's/^#local_domains = example.org/local_domains = example.test/' "$conf"
grep -c '^local_domains = example.test' "$conf" | grep -qx 2 || fail "could not set local_domains"
in_root mailfilterctl config check

# A unit's start, without systemd: RuntimeDirectory, then ExecStart as User/Group/SupplementaryGroups with the
# unit's Environment and a NOTIFY_SOCKET this script reads.
notify_log="$work/notify.log"
python3 - "$chr/run/e2e-notify.sock" "$notify_log" <<'PY' &
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
pids+=($!)
unit_value() { sed -n "s/^$2=//p" "$chr/lib/systemd/system/$1.service" | head -1; }
start_unit() { # unit
  local unit=$1 exec user group supp env=()
  exec=$(unit_value "$unit" ExecStart); user=$(unit_value "$unit" User); group=$(unit_value "$unit" Group)
  supp=$(unit_value "$unit" SupplementaryGroups)
  read -r -a env <<<"$(unit_value "$unit" Environment)"
  in_root install -d -o "$user" -g "$group" -m "$(unit_value "$unit" RuntimeDirectoryMode)" "/run/$(unit_value "$unit" RuntimeDirectory)"
  local before; before=$(grep -c READY=1 "$notify_log" 2>/dev/null || true)
  local groups=(--clear-groups)
  [ -n "$supp" ] && groups=(--groups="$supp")
  # Not through a shell function: ip, chroot, setpriv and env each exec the next, so $! is the daemon's PID.
  # shellcheck disable=SC2086
  ip netns exec "$ns" chroot "$chr" setpriv --reuid="$user" --regid="$group" "${groups[@]}" \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin NOTIFY_SOCKET=/run/e2e-notify.sock "${env[@]}" $exec >>"$work/$unit.log" 2>&1 &
  pids+=($!)
  eval "pid_$(echo "$unit" | tr - _)=$!"
  for _ in $(seq 1 300); do
    [ "$(grep -c READY=1 "$notify_log" 2>/dev/null || true)" -gt "${before:-0}" ] && { echo "$unit: $(tail -1 "$notify_log")"; return 0; }
    sleep 0.1
  done
  cat "$work/$unit.log"; fail "$unit did not send READY=1"
}
stop_unit() { # unit
  local var="pid_$(echo "$1" | tr - _)" pid
  pid=${!var}
  kill -TERM "$pid"
  for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  fail "$1 did not stop on SIGTERM"
}

step "start mailfilter-authd and mailfilterd as their units do"
start_unit mailfilter-authd
start_unit mailfilterd
[ "$(owner '%G %a' /var/spool/postfix/mailfilter/milter.sock)" = "postfix 660" ] || fail "milter socket: $(owner '%G %a' /var/spool/postfix/mailfilter/milter.sock)"

step "mailfilterctl postfix-setup --apply; start Postfix"
in_root mailfilterctl postfix-setup --apply
# The test domain: bob's mailbox is delivered through mailfilterd's delivery agent.
in_root postconf -e 'virtual_mailbox_domains = example.test' 'smtpd_reject_unlisted_recipient = no' \
  'maillog_file = /var/log/postfix.log' 'defer_transports = lmtp'
in_root mailfilterctl doctor || true
in_root /usr/lib/postfix/configure-instance.sh - >/dev/null 2>&1 || true
in_root postfix start
for _ in $(seq 1 100); do in_ns bash -c 'exec 3<>/dev/tcp/127.0.0.1/25' 2>/dev/null && break; sleep 0.1; done

send() { # subject body
  in_ns swaks --server 127.0.0.1:25 --from alice@example.test --to bob@example.test \
    --header "Subject: $1" --body "$2" | grep -E '^<- *250 .*queued as' | sed 's/.*queued as //'
}
wait_for() { # description command...
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" && return 0; sleep 0.2; done
  tail -20 "$chr/var/log/postfix.log"; tail -20 "$work/mailfilterd.log"; fail "$what"
}

step "alice -> bob: signed and encrypted in the queue"
qid=$(send "e2e one" "the first secret line")
[ -n "$qid" ] || { tail -20 "$chr/var/log/postfix.log"; fail "the message was not accepted"; }
wait_for "queued" in_root postcat -q "$qid" >/dev/null
queued=$(in_root postcat -bh -q "$qid")
grep -q 'multipart/encrypted; protocol="application/vnd.mailfilter.envelope"' <<<"$queued" || fail "not encrypted in the queue"
grep -q 'the first secret line' <<<"$queued" && fail "plaintext in the queue"
grep -E "^<6>$qid: from=<alice@example.test>" "$work/mailfilterd.log" || fail "no log line for $qid"
grep -E "^<6>$qid: .*results=[^ ]*sign[^ ]*encrypt" "$work/mailfilterd.log" >/dev/null || fail "not signed and encrypted"

step "delivered decrypted"
in_root postconf -e 'defer_transports ='
in_root postfix reload >/dev/null
in_root postqueue -f
maildir="$chr/var/lib/mailfilter/maildir/example.test/bob/new"
wait_for "delivery into $maildir" sh -c "ls '$maildir'/* >/dev/null 2>&1"
delivered=$(cat "$maildir"/*)
grep -q 'the first secret line' <<<"$delivered" || fail "not decrypted"
grep -qE 'Authentication-Results: .*mailfilter=pass' <<<"$delivered" || fail "no mailfilter=pass"
grep -E 'Authentication-Results:|^Subject:' <<<"$delivered"
keys_before=$(in_root mailfilterctl keys list --json)

step "upgrade to $v2: configuration, keys and mail kept"
stop_unit mailfilterd
stop_unit mailfilter-authd
in_root apt-get install -y -q "$deb2" >>"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log"; fail "upgrade"; }
[ "$(in_root dpkg-query -W -f='${Version}' mailfilterd)" = "$v2" ] || fail "not upgraded"
[ "$(sha256sum <"$chr/etc/mailfilter/master.key")" = "$key_sum" ] || fail "the master key changed"
grep -q '^local_domains = example.test' "$conf" || fail "the configuration was replaced"
ls "$maildir"/* >/dev/null || fail "the delivered mail is gone"
start_unit mailfilter-authd
start_unit mailfilterd
[ "$(in_root mailfilterctl keys list --json)" = "$keys_before" ] || fail "the keys changed"
qid=$(send "e2e two" "the second secret line")
wait_for "second delivery" sh -c "grep -l 'the second secret line' '$maildir'/* >/dev/null 2>&1"
grep -h 'Authentication-Results' $(grep -l 'the second secret line' "$maildir"/*)
echo "kept: master key, configuration, keys, mail; the second message was decrypted with bob's old key"

step "purge: nothing of ours left"
in_root postfix stop >/dev/null
stop_unit mailfilterd
stop_unit mailfilter-authd
in_root apt-get purge -y -q mailfilterd >>"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log"; fail "purge"; }
# Any file whose name says mailfilter and that no installed package owns (dovecot ships a page about its own
# mail_filter plugin) would be a leftover of ours.
left=$(cd "$chr" && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \) -prune -o -iname '*mailfilter*' -print |
  while read -r f; do in_root dpkg -S "${f#.}" >/dev/null 2>&1 || echo "$f"; done)
[ -z "$left" ] || fail "left after purge: $left"
in_root dpkg-query -W -f='${Status}' mailfilterd 2>/dev/null | grep -qE 'installed|config-files|half' && fail "dpkg still has mailfilterd"
in_root getent passwd mailfilter && fail "user mailfilter left"
in_root getent group mailfilter && fail "group mailfilter left"
[ -z "$(in_root runuser -u postgres -- psql -XAtc "SELECT datname FROM pg_database WHERE datname = 'mailfilter' UNION ALL SELECT rolname FROM pg_roles WHERE rolname = 'mailfilter'")" ] \
  || fail "database or role mailfilter left"
in_root postconf -n | grep -i mailfilter && fail "main.cf still names mailfilter"
echo "nothing left"

step "e2e: PASSED"
