#!/usr/bin/env bash
# Make sure a Docker engine answers, or stop the one this script started.
#
#   docker-engine.sh [start]   install docker.io and start dockerd when no engine answers
#   docker-engine.sh stop      stop dockerd if (and only if) this script started it
#
# dockerd runs without a bridge or iptables rules: every lab container uses the host network,
# so nothing is ever sent to a private address range.
set -euo pipefail
log_dir=${LAB_LOG_DIR:-/var/log/osc-lab}
pid_file=/run/osc-lab-dockerd.pid

case "${1:-start}" in
start)
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io
  fi
  mkdir -p "$log_dir"
  setsid dockerd --bridge=none --iptables=false --ip6tables=false \
    </dev/null >>"$log_dir/dockerd.log" 2>&1 &
  echo $! >"$pid_file"
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
      exit 0
    fi
    sleep 1
  done
  echo "docker-engine: dockerd did not answer within 60 s; see $log_dir/dockerd.log" >&2
  exit 1
  ;;
stop)
  [ -f "$pid_file" ] || exit 0
  pid=$(cat "$pid_file")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  rm -f "$pid_file"
  ;;
*) echo "usage: $0 [start|stop]" >&2; exit 2 ;;
esac
