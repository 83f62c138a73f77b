#!/bin/sh
# Unpacks proftpd and pure-ftpd from Debian's packages into a folder of the lab's own.
# They conflict with vsftpd as packages (all three provide ftp-server), so they are never installed:
# `apt-get download` fetches the .deb files and `dpkg -x` extracts them; nothing is configured, no
# daemon starts, the system's package state is unchanged. Libraries they need that the system lacks are
# extracted beside them and found through LD_LIBRARY_PATH (see servers.ts).
# Idempotent: a second run with both binaries present and all libraries resolved does nothing.
# Usage: test/lab/install-servers.sh [DEST]   (default: <repo>/.lab-tmp/servers, or $FTPDOCTOR_LAB_SERVERS)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-${FTPDOCTOR_LAB_SERVERS:-$here/../../.lab-tmp/servers}}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
root="$dest/root"
libpath="$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu"

# The binaries and modules; mod_tls lives in proftpd-mod-crypto.
servers="proftpd-core proftpd-mod-crypto pure-ftpd"
# Their libraries that a system with vsftpd usually lacks; each is fetched only if not installed.
libraries="libhiredis0.14 libmemcached11 libmemcachedutil2 libhashkit2 libpcre2-posix3"

unresolved() {
  LD_LIBRARY_PATH="$libpath" ldd "$1" 2>/dev/null | grep -c 'not found' || true
}

ready() {
  [ -x "$root/usr/sbin/proftpd" ] && [ -x "$root/usr/sbin/pure-ftpd" ] &&
    [ -f "$root/usr/lib/proftpd/mod_tls.so" ] &&
    [ "$(unresolved "$root/usr/sbin/proftpd")" = 0 ] &&
    [ "$(unresolved "$root/usr/sbin/pure-ftpd")" = 0 ] &&
    [ "$(unresolved "$root/usr/lib/proftpd/mod_tls.so")" = 0 ]
}

if ready; then
  echo "install-servers: proftpd and pure-ftpd already unpacked in $root"
  exit 0
fi

wanted="$servers"
for lib in $libraries; do
  if ! dpkg-query -W -f='${Status}' "$lib" 2>/dev/null | grep -q 'install ok installed'; then
    wanted="$wanted $lib"
  fi
done

debs="$dest/debs"
mkdir -p "$debs" "$root"
# apt-get download writes into the current directory; _apt needs to be able to write there.
chmod 0777 "$debs"
(cd "$debs" && apt-get download $wanted)
for deb in "$debs"/*.deb; do
  dpkg -x "$deb" "$root"
done

if ! ready; then
  echo "install-servers: unresolved libraries remain:" >&2
  for bin in "$root/usr/sbin/proftpd" "$root/usr/sbin/pure-ftpd" "$root/usr/lib/proftpd/mod_tls.so"; do
    LD_LIBRARY_PATH="$libpath" ldd "$bin" | grep 'not found' >&2 || true
  done
  exit 1
fi
echo "install-servers: proftpd and pure-ftpd unpacked in $root"
