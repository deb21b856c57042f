#!/usr/bin/env bash
# Make sure a Docker engine answers: install docker.io and start dockerd when none runs.
# dockerd runs without a bridge or iptables rules: every lab container uses the host network,
# so nothing is ever sent to a private address range.
set -euo pipefail
log_dir=${LAB_LOG_DIR:-/var/log/osc-lab}

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
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "docker-engine: dockerd did not answer within 60 s; see $log_dir/dockerd.log" >&2
exit 1
