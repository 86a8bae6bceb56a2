#!/bin/sh
# Install the Debian packages lantian needs to build, test and run, if any
# are missing (with --tests, also those only the tests need).  Uses sudo
# when not run as root.
set -eu

packages="build-essential autoconf automake autoconf-archive pkg-config
libncurses-dev libsqlite3-dev libgit2-dev libsodium-dev libjansson-dev
libcmocka-dev libarchive-dev libssl-dev minisign sqlite3 git python3 tmux gettext
openssh-server openssh-client lighttpd lighttpd-mod-openssl openssl
procps"

# --tests: what only the test suite needs besides: a browser that renders
# an evidence bundle's report, with a Chinese font; man for the manual
# page; what builds and checks the Debian package; GNU time, which
# measures the peak memory of a sync (tests/sync/hostile.sh).
if [ "${1:-}" = --tests ]; then
	packages="$packages chromium fonts-wqy-microhei fontconfig man-db
debhelper lintian dpkg-dev clang time"
fi

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "lantian: installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "lantian: need root (or sudo) to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
# shellcheck disable=SC2086
$sudo apt-get install -y -q $missing
