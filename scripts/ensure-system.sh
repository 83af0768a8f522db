#!/usr/bin/env bash
# Installs and starts the system parts stresshm's demo and tests need, when missing:
# Debian's python3-octavia (real Octavia 11 HM, API, db-manage), chromium (report test),
# debootstrap in CI (the tests build Debian roots with sid's and trixie's Octavia), Debian's
# python3-keystone (the library, keystone-manage and keystone-wsgi-public: no daemon, no
# apache; the Keystone test serves it itself on a loopback port) and a running MariaDB on
# 127.0.0.1:3306. As non-root it prints the command to run instead.
set -euo pipefail
need=()
[ -x /usr/bin/octavia-health-manager ] || need+=(python3-octavia)
/usr/bin/python3 -c 'import pymysql' 2>/dev/null || need+=(python3-pymysql)
# a real Keystone for the api-bench authentication test (not the `keystone` package: it would start a daemon)
[ -x /usr/bin/keystone-wsgi-public ] || need+=(python3-keystone)
# the addon links the system zlib statically (Python's deflate, byte for byte); the encode bench links OpenSSL
dpkg -s zlib1g-dev >/dev/null 2>&1 || need+=(zlib1g-dev)
dpkg -s libssl-dev >/dev/null 2>&1 || need+=(libssl-dev)
# the fault tests type Ctrl-C into a real terminal
command -v tmux >/dev/null 2>&1 || need+=(tmux)
if [ "${CI:-}" = true ] && [ ! -x /usr/sbin/debootstrap ]; then need+=(debootstrap); fi
if [ "${WITH_CHROMIUM:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then need+=(chromium); fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "stresshm: missing system packages; run: sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    exit 3
  fi
  echo "stresshm: installing ${need[*]} (Debian packages)..."
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
if ! mysqladmin -h127.0.0.1 -uroot ping >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && [ -x /usr/sbin/mariadbd ]; then
    echo "stresshm: starting MariaDB..."
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 1 60); do mysqladmin -h127.0.0.1 -uroot ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
  mysqladmin -h127.0.0.1 -uroot ping >/dev/null 2>&1 || { echo "stresshm: MariaDB is not reachable on 127.0.0.1:3306" >&2; exit 3; }
fi
