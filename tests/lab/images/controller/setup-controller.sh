#!/bin/sh
# Build-time set-up of the controller: databases, message broker and no-auth APIs, all on
# loopback (the lab's containers share the host's network).
set -e
# RabbitMQ and its port mapper listen on loopback only.
cat >> /etc/rabbitmq/rabbitmq-env.conf <<'ENV'
NODE_IP_ADDRESS=127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
ENV
mkdir -p /etc/systemd/system/rabbitmq-server.service.d
printf '[Service]\nEnvironment=ERL_EPMD_ADDRESS=127.0.0.1\n' > /etc/systemd/system/rabbitmq-server.service.d/loopback.conf
mkdir -p /etc/systemd/system/epmd.socket.d
printf '[Socket]\nListenStream=\nListenStream=127.0.0.1:4369\n' > /etc/systemd/system/epmd.socket.d/loopback.conf

# Glance: v2 API without Keystone, sqlite, on loopback. Glance 33 (sid, for forky) runs under
# uwsgi from its init script (which then sets UWSGI_INI_PATH) and has no bind_host any more;
# older ones run their own server, though trixie's Glance 30 already ships the uwsgi ini file.
if grep -q '^UWSGI_INI_PATH=' /etc/init.d/glance-api; then
  # Two workers, not the packaged eight (each takes about 30 s of CPU to start on this machine);
  # options after --ini override the file's.
  echo 'DAEMON_ARGS="--http-socket 127.0.0.1:9292 --ini /etc/glance/glance-api-uwsgi.ini --processes 2"' \
    > /etc/default/glance-api
else
  crudini --set /etc/glance/glance-api.conf DEFAULT bind_host 127.0.0.1
fi
crudini --set /etc/glance/glance-api.conf database connection sqlite:////var/lib/glance/glance.sqlite
crudini --set /etc/glance/glance-api.conf paste_deploy flavor ''
# Without Keystone every request is the lab's administrator. Glance's unauthenticated context is
# is_admin but has no roles, and Glance 33's rules ask for role:admin (add_image: 'rule:context_is_admin
# or (role:member and ...)'), so it answered 403 to an image upload; older Glance let it through.
printf '"context_is_admin": ""\n' > /etc/glance/policy.yaml
chown root:glance /etc/glance/policy.yaml
chmod 0640 /etc/glance/policy.yaml
su -s /bin/sh glance -c 'glance-manage db_sync' >/dev/null 2>&1

# Cinder: no auth, sqlite, RabbitMQ's guest user (allowed from loopback).
crudini --set /etc/cinder/cinder.conf DEFAULT auth_strategy noauth
crudini --set /etc/cinder/cinder.conf DEFAULT transport_url rabbit://guest:guest@127.0.0.1:5672/
crudini --set /etc/cinder/cinder.conf DEFAULT osapi_volume_listen 127.0.0.1
# Cinder reaches Glance directly (no Keystone catalog), to create volumes from images.
crudini --set /etc/cinder/cinder.conf DEFAULT glance_api_servers http://127.0.0.1:9292
crudini --set /etc/cinder/cinder.conf database connection sqlite:////var/lib/cinder/cinder.sqlite
su -s /bin/sh cinder -c 'cinder-manage db sync' >/dev/null 2>&1
# cinder-api runs under uwsgi from its init script, which reads this file last.
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:8776 --ini /etc/cinder/cinder-api-uwsgi.ini --processes 2"' \
  > /etc/default/cinder-api
# The packages' scripts could not enable the Cinder units while the image was built.
systemctl enable cinder-api cinder-scheduler cinder-volume cinder-backup >/dev/null 2>&1

# Nova's control plane, Placement and Neutron (issue 13): what a boot through Nova's API needs.
# Neutron's migrations cannot run on sqlite (ALTER of constraints), so these three use MariaDB,
# on loopback, started here only for the database set-up. The lab's database password is not a
# secret of the collection's: nothing of Ceph is in these databases.
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
mysqld_safe --bind-address=127.0.0.1 >/var/tmp/mysqld-build.log 2>&1 &
for _ in $(seq 180); do mysqladmin ping >/dev/null 2>&1 && break; sleep 1; done
mysqladmin ping >/dev/null 2>&1 || { echo "MariaDB did not start:" >&2; tail -20 /var/tmp/mysqld-build.log /var/log/mysql/error.log >&2; exit 1; }
rm -f /var/tmp/mysqld-build.log
mysql <<'SQL'
CREATE DATABASE nova_api; CREATE DATABASE nova; CREATE DATABASE nova_cell0;
CREATE DATABASE placement; CREATE DATABASE neutron;
CREATE USER 'lab'@'127.0.0.1' IDENTIFIED BY 'lab';
GRANT ALL PRIVILEGES ON nova_api.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON nova.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON nova_cell0.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON placement.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON neutron.* TO 'lab'@'127.0.0.1';
SQL
db=mysql+pymysql://lab:lab@127.0.0.1

# Placement without Keystone: noauth2 takes "X-Auth-Token: admin:admin" as the admin.
crudini --set /etc/placement/placement.conf placement_database connection "$db/placement"
crudini --set /etc/placement/placement.conf api auth_strategy noauth2
su -s /bin/sh placement -c 'placement-manage db sync' >/dev/null
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:8778 --ini /etc/placement/placement-api-uwsgi.ini --processes 2"' \
  > /etc/default/placement-api

# Neutron: only its API, to answer Nova's port and network listings (a server booted with
# "networks": "none" has none); no agent, no RPC server.
n=/etc/neutron/neutron.conf
crudini --set $n database connection "$db/neutron"
crudini --set $n DEFAULT auth_strategy noauth
crudini --set $n DEFAULT core_plugin ml2
crudini --set $n DEFAULT service_plugins ''
crudini --set $n DEFAULT notify_nova_on_port_status_changes false
crudini --set $n DEFAULT notify_nova_on_port_data_changes false
crudini --set $n DEFAULT transport_url rabbit://guest:guest@127.0.0.1:5672/
su -s /bin/sh neutron -c "neutron-db-manage --config-file $n --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade heads" >/dev/null
# Its init script is named neutron-api but reads /etc/default/neutron-server.
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:9696 --ini /etc/neutron/neutron-api-uwsgi.ini --processes 1"' \
  > /etc/default/neutron-server

# Nova's control plane without Keystone. nova-api: noauth2 ("X-Auth-Token: admin:admin" is the
# admin) with the pre-2023 policy defaults, which let an admin context without roles through.
# Placement, Neutron and Cinder are reached with the same fixed token (keystoneauth's admin_token
# plugin); Glance through the service-user wrapper, which sends a request without a user token.
c=/etc/nova/nova.conf
crudini --set $c DEFAULT my_ip 127.0.0.1
crudini --set $c api auth_strategy noauth2
crudini --set $c oslo_policy enforce_new_defaults false
crudini --set $c api_database connection "$db/nova_api"
crudini --set $c database connection "$db/nova"
crudini --set $c scheduler discover_hosts_in_cells_interval 10
crudini --set $c vnc enabled false
# shellcheck source=/dev/null  # tests/lab/images/common/nova-client.sh, copied in by the recipe
. /usr/share/osc-lab/nova-client.sh
nova_client_options $c
su -s /bin/sh nova -c 'nova-manage api_db sync && nova-manage cell_v2 map_cell0 && nova-manage cell_v2 create_cell --name cell1 && nova-manage db sync' >/dev/null
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:8774 --ini /etc/nova/nova-api-uwsgi.ini --processes 2"' \
  > /etc/default/nova-api
mysqladmin shutdown
systemctl enable placement-api neutron-api nova-api nova-conductor nova-scheduler >/dev/null 2>&1
# Not needed, and they would listen on every address: the RPC server (agents) and Nova's metadata API.
systemctl disable neutron-rpc-server nova-api-metadata >/dev/null 2>&1 || true
