#!/bin/sh
# How every Nova service of the lab (api, conductor, scheduler on the controller; nova-compute on
# the compute node) reaches the other services without Keystone. Sourced by the recipes that name
# it; build-images.sh puts it in their build context.
#   nova_client_options NOVA_CONF
nova_client_options() {
  for s in placement neutron; do
    port=$([ "$s" = placement ] && echo 8778 || echo 9696)
    # keystoneauth's admin_token plugin: a fixed endpoint and the token the noauth APIs read as admin.
    crudini --set "$1" $s auth_type admin_token
    crudini --set "$1" $s endpoint "http://127.0.0.1:$port"
    crudini --set "$1" $s endpoint_override "http://127.0.0.1:$port"
    crudini --set "$1" $s token admin:admin
  done
  # Cinder's noauth takes any user:project token; Nova uses this plugin for an admin context
  # without a token of its own, which is what noauth2 gives.
  crudini --set "$1" cinder auth_type admin_token
  crudini --set "$1" cinder endpoint http://127.0.0.1:8776/v3
  crudini --set "$1" cinder token admin:admin
  crudini --set "$1" cinder endpoint_template http://127.0.0.1:8776/v3
  # Glance (no auth in the lab): the service-user wrapper lets a request without a user token out.
  crudini --set "$1" glance api_servers http://127.0.0.1:9292
  crudini --set "$1" service_user send_service_user_token true
  crudini --set "$1" service_user auth_type admin_token
  crudini --set "$1" service_user endpoint http://127.0.0.1:9292
  crudini --set "$1" service_user token admin:admin
  crudini --set "$1" DEFAULT transport_url rabbit://guest:guest@127.0.0.1:5672/
  crudini --set "$1" oslo_concurrency lock_path /var/lib/nova/tmp
}
