# Installs the Debian packages MailFilter's demo, tests and benchmarks use as real peers.
# Sourced by scripts/test.sh, scripts/demo.sh and bench/run.sh. Needs root (or sudo).
install_deps() {
  local pkgs=(postfix miltertest swaks opendkim opendkim-tools python3 libsodium23 age
              debootstrap lintian systemd man-db groff-base util-linux  # packaging/deb: build.sh, e2e.sh, systemd-analyze verify, man pages
              python3-dkim python3-nacl postgresql dovecot-core dovecot-lmtpd dovecot-imapd
              ca-certificates procps iproute2
              openssl     # the pipeline benchmark makes OpenDKIM's Ed25519 key
              e2fsprogs mount   # the Postfix benchmarks keep their mail on a loop-mounted ext4 (bench/Milter/MailDisk.cs)
              sasl2-bin libsasl2-modules   # saslpasswd2 and the PLAIN/LOGIN plugins: the lab's Postfix authenticates users (Cyrus sasldb)
              chromium chromium-driver)  # the registry tests drive a real headless browser (Selenium)
  install_npm_deps
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # Postfix must not configure or start a system instance: every test runs its own private one.
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  $sudo apt-get update -q
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian's packages may start services when first installed; the suite starts private instances
  # of its own, so stop the ones this install just started (and nothing that was running before).
  for svc in postgresql dovecot opendkim postfix; do
    case " ${missing[*]} " in *" $svc"*) $sudo service "$svc" stop >/dev/null 2>&1 || true ;; esac
  done
}

# The attachment store's S3 tests and benchmark run against s3rver (npm: an S3 implementation independent of MailFilter and of
# the AWS SDK), installed outside the repository under /opt/mailfilter-npm (tests/Attachments.Tests/Support/S3rverInstance.cs;
# $MAILFILTER_S3RVER overrides the path). Debian 12 has no python3-moto, the other choice the issue names.
install_npm_deps() {
  local prefix=/opt/mailfilter-npm
  [ -f "$prefix/node_modules/s3rver/bin/s3rver.js" ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! command -v npm >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends nodejs npm
  fi
  $sudo mkdir -p "$prefix"
  $sudo npm install --no-audit --no-fund --prefix "$prefix" s3rver@3.7.1 >/dev/null
}
