#!/usr/bin/env bash
# A throwaway libvirtd whose state lives in one directory: it runs in a private mount namespace
# with DIR's subdirectories bound over /etc/libvirt, /run/libvirt, /var/lib/libvirt, ... so the
# host's libvirt (if any) is never touched.
#
#   libvirtd-sandbox.sh start DIR   -> prints the URI: qemu:///system?socket=DIR/run/libvirt-sock
#   libvirtd-sandbox.sh stop DIR
set -euo pipefail
cmd=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}

case "$cmd" in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir"/{etc,run,lib,cache,log}
  cp -a /etc/libvirt/. "$dir/etc/"
  rm -rf "$dir/etc/secrets" "$dir/etc/storage"
  mkdir -p /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
  setsid unshare --mount --propagation private sh -c "
    mount --bind '$dir/etc' /etc/libvirt &&
    mount --bind '$dir/run' /run/libvirt &&
    mount --bind '$dir/lib' /var/lib/libvirt &&
    mount --bind '$dir/cache' /var/cache/libvirt &&
    mount --bind '$dir/log' /var/log/libvirt &&
    exec libvirtd --pid-file '$dir/run/libvirtd.pid'" </dev/null >"$dir/libvirtd.log" 2>&1 &
  uri="qemu:///system?socket=$dir/run/libvirt-sock"
  for _ in $(seq 1 100); do
    if [ -S "$dir/run/libvirt-sock" ] && virsh -q -c "$uri" uri >/dev/null 2>&1; then
      echo "$uri"
      exit 0
    fi
    sleep 0.1
  done
  echo "libvirtd-sandbox: libvirtd did not answer within 10 s; see $dir/libvirtd.log" >&2
  exit 1
  ;;
stop)
  if [ -f "$dir/run/libvirtd.pid" ]; then
    pid=$(cat "$dir/run/libvirtd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  ;;
*) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
