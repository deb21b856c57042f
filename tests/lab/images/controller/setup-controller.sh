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
