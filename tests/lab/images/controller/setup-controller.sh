#!/bin/sh
# Build-time set-up of the controller: databases, message broker, Keystone and the APIs, all on
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

# The build shares the host's network (the lab's dockerd has no bridge), and the set-up below starts
# MariaDB and Keystone on loopback: with a lab running, they could not listen, and the set-up would
# talk to the running lab's instead. Refuse rather.
for port in 3306 5000; do
  if python3 -c 'import socket, sys; sys.exit(socket.socket().connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0)' $port; then :; else
    echo "127.0.0.1:$port is in use (is a lab running? make lab-down): the controller's set-up needs it" >&2; exit 1
  fi
done

# MariaDB on loopback, started here only for the databases' set-up. Keystone, Nova, Placement and
# Neutron use it (Neutron's migrations cannot run on sqlite: ALTER of constraints); Glance and
# Cinder keep sqlite. The lab's database password is not a secret of the collection's: nothing of
# Ceph is in these databases.
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
mysqld_safe --bind-address=127.0.0.1 >/var/tmp/mysqld-build.log 2>&1 &
for _ in $(seq 180); do mysqladmin ping >/dev/null 2>&1 && break; sleep 1; done
mysqladmin ping >/dev/null 2>&1 || { echo "MariaDB did not start:" >&2; tail -n 20 /var/tmp/mysqld-build.log /var/log/mysql/error.log >&2; exit 1; }
rm -f /var/tmp/mysqld-build.log
mysql <<'SQL'
CREATE DATABASE keystone; CREATE DATABASE nova_api; CREATE DATABASE nova; CREATE DATABASE nova_cell0;
CREATE DATABASE placement; CREATE DATABASE neutron;
CREATE USER 'lab'@'127.0.0.1' IDENTIFIED BY 'lab';
GRANT ALL PRIVILEGES ON keystone.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON nova_api.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON nova.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON nova_cell0.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON placement.* TO 'lab'@'127.0.0.1';
GRANT ALL PRIVILEGES ON neutron.* TO 'lab'@'127.0.0.1';
SQL
db=mysql+pymysql://lab:lab@127.0.0.1
# shellcheck source=/dev/null  # tests/lab/images/common/lab-keystone.sh, copied in by the recipe
. /usr/share/osc-lab/lab-keystone.sh

# Keystone, under uwsgi from its init script, with fernet tokens. Its administrator is admin/lab in
# the project admin: /etc/openstack/clouds.yaml names that as the cloud "lab", for the tests and
# the openstack client on this node.
k=/etc/keystone/keystone.conf
crudini --set $k database connection "$db/keystone"
crudini --set $k token provider fernet
su -s /bin/sh keystone -c 'keystone-manage db_sync' >/dev/null 2>&1
keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone
keystone-manage credential_setup --keystone-user keystone --keystone-group keystone
keystone-manage bootstrap --bootstrap-password lab --bootstrap-region-id regionOne --bootstrap-admin-url "$LAB_KEYSTONE" \
  --bootstrap-internal-url "$LAB_KEYSTONE" --bootstrap-public-url "$LAB_KEYSTONE" >/dev/null 2>&1
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:5000 --ini /etc/keystone/keystone-uwsgi.ini --processes 2"' > /etc/default/keystone
mkdir -p /etc/openstack
cat > /etc/openstack/clouds.yaml <<YAML
clouds:
  lab:
    auth: {auth_url: '$LAB_KEYSTONE', username: admin, password: lab, project_name: admin,
           user_domain_name: Default, project_domain_name: Default}
    region_name: regionOne
YAML
chmod 0600 /etc/openstack/clouds.yaml
/etc/init.d/keystone start >/dev/null
for _ in $(seq 60); do curl -sf "$LAB_KEYSTONE" >/dev/null && break; sleep 1; done
# One user per service in the project "service", with the admin and service roles (a service token
# must carry the service role; Keystone makes that role at bootstrap from 2023.2 on), and the
# catalog: each API on loopback, public and internal.
python3 - <<'PY'
import openstack
c = openstack.connect(cloud='lab').identity
project = c.create_project(name='service', domain_id='default')
roles = dict((r.name, r) for r in c.roles())
if 'service' not in roles:
    roles['service'] = c.create_role(name='service')
for name in ('glance', 'cinder', 'nova', 'placement', 'neutron'):
    user = c.create_user(name=name, password='lab', domain_id='default')
    for role in ('admin', 'service'):
        c.assign_project_role_to_user(project, user, roles[role])
for name, kind, url in (('glance', 'image', 'http://127.0.0.1:9292'), ('cinderv3', 'volumev3', 'http://127.0.0.1:8776/v3'),
                        ('nova', 'compute', 'http://127.0.0.1:8774/v2.1'), ('placement', 'placement', 'http://127.0.0.1:8778'),
                        ('neutron', 'network', 'http://127.0.0.1:9696')):
    service = c.create_service(name=name, type=kind)
    for interface in ('public', 'internal'):
        c.create_endpoint(service_id=service.id, interface=interface, url=url, region_id='regionOne')
PY
/etc/init.d/keystone stop >/dev/null

# Glance: v2 API behind Keystone, sqlite, on loopback. Glance 33 (sid, for forky) runs under
# uwsgi from its init script (which then sets UWSGI_INI_PATH) and has no bind_host any more;
# older ones run their own server, though trixie's Glance 30 already ships the uwsgi ini file.
g=/etc/glance/glance-api.conf
if grep -q '^UWSGI_INI_PATH=' /etc/init.d/glance-api; then
  # Two workers, not the packaged eight (each takes about 30 s of CPU to start on this machine);
  # options after --ini override the file's.
  echo 'DAEMON_ARGS="--http-socket 127.0.0.1:9292 --ini /etc/glance/glance-api-uwsgi.ini --processes 2"' \
    > /etc/default/glance-api
else
  crudini --set $g DEFAULT bind_host 127.0.0.1
fi
crudini --set $g database connection sqlite:////var/lib/glance/glance.sqlite
crudini --set $g paste_deploy flavor keystone
lab_authtoken $g glance
su -s /bin/sh glance -c 'glance-manage db_sync' >/dev/null 2>&1

# Cinder: Keystone, sqlite, RabbitMQ's guest user (allowed from loopback). Its [nova] user is the
# one it calls Nova with on its own account.
cc=/etc/cinder/cinder.conf
crudini --set $cc DEFAULT auth_strategy keystone
lab_authtoken $cc cinder
lab_auth $cc nova cinder
crudini --set $cc DEFAULT transport_url rabbit://guest:guest@127.0.0.1:5672/
crudini --set $cc DEFAULT osapi_volume_listen 127.0.0.1
crudini --set $cc DEFAULT glance_api_servers http://127.0.0.1:9292
crudini --set $cc database connection sqlite:////var/lib/cinder/cinder.sqlite
su -s /bin/sh cinder -c 'cinder-manage db sync' >/dev/null 2>&1
# cinder-api runs under uwsgi from its init script, which reads this file last.
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:8776 --ini /etc/cinder/cinder-api-uwsgi.ini --processes 2"' \
  > /etc/default/cinder-api
# The packages' scripts could not enable the Cinder units while the image was built.
systemctl enable cinder-api cinder-scheduler cinder-volume cinder-backup >/dev/null 2>&1

# Nova's control plane, Placement and Neutron (issue 13): what a boot through Nova's API needs.
p=/etc/placement/placement.conf
crudini --set $p placement_database connection "$db/placement"
crudini --set $p api auth_strategy keystone
lab_authtoken $p placement
su -s /bin/sh placement -c 'placement-manage db sync' >/dev/null
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:8778 --ini /etc/placement/placement-api-uwsgi.ini --processes 2"' \
  > /etc/default/placement-api

# Neutron: only its API, to answer Nova's port and network listings (a server booted with
# "networks": "none" has none); no agent, no RPC server.
n=/etc/neutron/neutron.conf
crudini --set $n database connection "$db/neutron"
crudini --set $n DEFAULT auth_strategy keystone
lab_authtoken $n neutron
crudini --set $n DEFAULT core_plugin ml2
crudini --set $n DEFAULT service_plugins ''
crudini --set $n DEFAULT notify_nova_on_port_status_changes false
crudini --set $n DEFAULT notify_nova_on_port_data_changes false
crudini --set $n DEFAULT transport_url rabbit://guest:guest@127.0.0.1:5672/
su -s /bin/sh neutron -c "neutron-db-manage --config-file $n --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade heads" >/dev/null
# Its init script is named neutron-api but reads /etc/default/neutron-server.
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:9696 --ini /etc/neutron/neutron-api-uwsgi.ini --processes 1"' \
  > /etc/default/neutron-server

# Nova's control plane, behind Keystone with its default policies.
c=/etc/nova/nova.conf
crudini --set $c DEFAULT my_ip 127.0.0.1
crudini --set $c api auth_strategy keystone
lab_authtoken $c nova
crudini --set $c api_database connection "$db/nova_api"
crudini --set $c database connection "$db/nova"
crudini --set $c scheduler discover_hosts_in_cells_interval 10
crudini --set $c vnc enabled false
nova_client_options $c
su -s /bin/sh nova -c 'nova-manage api_db sync && nova-manage cell_v2 map_cell0 && nova-manage cell_v2 create_cell --name cell1 && nova-manage db sync' >/dev/null
echo 'DAEMON_ARGS="--http-socket 127.0.0.1:8774 --ini /etc/nova/nova-api-uwsgi.ini --processes 2"' \
  > /etc/default/nova-api
mysqladmin shutdown
systemctl enable keystone placement-api neutron-api nova-api nova-conductor nova-scheduler >/dev/null 2>&1
# bookworm's MariaDB package enables socket activation, with systemd listening on *:3306; the
# service alone binds 127.0.0.1 (Debian's 50-server.cnf).
systemctl disable mariadb.socket >/dev/null 2>&1 || true
# Not needed, and they would listen on every address: the RPC server (agents) and Nova's metadata API.
systemctl disable neutron-rpc-server nova-api-metadata >/dev/null 2>&1 || true
