#!/usr/bin/env bash
# A throwaway single-node Ceph cluster (mon + mgr + one memstore OSD, cephx on) bound to
# 127.0.0.1, living entirely in one directory: never reads or writes /etc/ceph.
#
#   ceph-mini-cluster.sh start DIR [MON_PORT [MON_OPTION=VALUE...]]
#                                   -> DIR/ceph.conf, DIR/ceph.client.admin.keyring
#   ceph-mini-cluster.sh stop DIR
#
# MON_OPTION=VALUE pairs go in the [mon] section before the monitor first starts. Some options only
# act from there: the ticket lifetimes (auth_mon_ticket_ttl, auth_service_ticket_ttl) apply to the
# rotating service secrets the monitor makes, and those made at its first start keep theirs.
#
# Clients use:  ceph --conf DIR/ceph.conf --keyring DIR/ceph.client.admin.keyring ...
set -euo pipefail

cmd=${1:?usage: $0 start|stop DIR [MON_PORT]}
dir=${2:?usage: $0 start|stop DIR [MON_PORT]}
port=${3:-3300}
mon_options=("${@:4}")

stop_cluster() {
  local pidfile
  for pidfile in "$dir"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  # Give daemons a moment, then make sure nothing of ours is left.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pgrep -f -- "--conf $dir/ceph.conf" >/dev/null || break
    sleep 0.3
  done
  pkill -9 -f -- "--conf $dir/ceph.conf" 2>/dev/null || true
}

# Daemons fork into the background; detach them from our terminal and output so a test runner
# never waits on them.
daemon() {
  setsid "$@" </dev/null >>"$dir/log/daemons.out" 2>&1
}

start_cluster() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir"/{run,log,mon/a,mgr/x,osd/0}
  local fsid conf admin_kr mon_kr osd_uuid osd_key class_dir lib
  fsid=$(cat /proc/sys/kernel/random/uuid)
  conf=$dir/ceph.conf
  admin_kr=$dir/ceph.client.admin.keyring
  mon_kr=$dir/mon.keyring

  class_dir=
  for lib in /usr/lib/*/rados-classes/libcls_rbd.so /usr/lib64/rados-classes/libcls_rbd.so; do
    if [ -e "$lib" ]; then class_dir=$(dirname "$lib"); break; fi
  done
  [ -n "$class_dir" ] || { echo "ceph-mini-cluster: no libcls_rbd.so (is ceph-osd installed?)" >&2; exit 1; }
  local option
  for option in "${mon_options[@]}"; do
    [[ $option =~ ^[a-z_]+=[A-Za-z0-9_.,:/-]+$ ]] || { echo "ceph-mini-cluster: not a MON_OPTION=VALUE: $option" >&2; exit 2; }
  done
  cat >"$conf" <<CONF
[global]
fsid = $fsid
mon_host = v2:127.0.0.1:$port/0
public_network = 127.0.0.0/8
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
run_dir = $dir/run
admin_socket = $dir/run/\$cluster-\$name.asok
log_file = $dir/log/\$cluster-\$name.log
pid_file = $dir/run/\$name.pid
osd_objectstore = memstore
memstore_device_bytes = 2147483648
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
# A throwaway cluster on a shared disk: do not warn about the host's free space.
mon_data_avail_warn = 2
auth_allow_insecure_global_id_reclaim = false
osd_crush_chooseleaf_type = 0
mon_max_pg_per_osd = 1000
ms_bind_ipv4 = true
ms_bind_ipv6 = false
[mon]
mon_data = $dir/mon/\$id
keyring = $dir/mon/\$id/keyring
mon_cluster_log_file = $dir/log/cluster.log
$(for option in "${mon_options[@]}"; do printf '%s = %s\n' "${option%%=*}" "${option#*=}"; done)
[mgr]
mgr_data = $dir/mgr/\$id
keyring = $dir/mgr/\$id/keyring
mgr_disabled_modules = dashboard,restful,prometheus
[osd]
osd_data = $dir/osd/\$id
# Debian's Ceph 18 and 20 build in a relative default (lib/x86_64-linux-gnu/rados-classes),
# which the OSD resolves from its working directory: without this, every object class call
# (rbd create, rbd_directory) fails with "(95) Operation not supported".
osd_class_dir = $class_dir
keyring = $dir/osd/\$id/keyring
osd_max_object_name_len = 256
osd_max_object_namespace_len = 64
[client]
keyring = $admin_kr
CONF

  ceph-authtool --create-keyring "$mon_kr" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool --create-keyring "$admin_kr" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$mon_kr" --import-keyring "$admin_kr" >/dev/null
  chmod 0600 "$mon_kr" "$admin_kr"
  monmaptool --create --addv a "[v2:127.0.0.1:$port]" --fsid "$fsid" "$dir/monmap" >/dev/null
  ceph-mon --conf "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$mon_kr" >/dev/null 2>&1
  daemon ceph-mon --conf "$conf" -i a

  local c=(ceph --conf "$conf" --keyring "$admin_kr" --connect-timeout 20)
  "${c[@]}" auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
    -o "$dir/mgr/x/keyring" >/dev/null 2>&1
  daemon ceph-mgr --conf "$conf" -i x

  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  osd_key=$(ceph-authtool --gen-print-key)
  # The OSD secret goes through a 0600 file, never argv.
  ( umask 077; printf '{"cephx_secret": "%s"}' "$osd_key" >"$dir/osd-secrets.json" )
  "${c[@]}" osd new "$osd_uuid" -i "$dir/osd-secrets.json" >/dev/null 2>&1
  rm -f "$dir/osd-secrets.json"
  ( umask 077; printf '[osd.0]\n\tkey = %s\n' "$osd_key" >"$dir/osd/0/keyring" )
  ceph-osd --conf "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" --no-mon-config >/dev/null 2>&1
  daemon ceph-osd --conf "$conf" -i 0

  # Wait (bounded) until the OSD is up and in.

  for _ in $(seq 1 120); do
    if "${c[@]}" osd stat -f json 2>/dev/null | grep -q '"num_up_osds":1'; then
      echo "$dir/ceph.conf"
      return 0
    fi
    sleep 0.5
  done
  echo "ceph-mini-cluster: OSD did not come up within 60 s; logs in $dir/log" >&2
  return 1
}

case "$cmd" in
  start) start_cluster ;;
  stop) stop_cluster ;;
  *) echo "usage: $0 start|stop DIR [MON_PORT]" >&2; exit 2 ;;
esac
