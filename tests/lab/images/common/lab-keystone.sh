#!/bin/sh
# How the lab's OpenStack services authenticate: a real Keystone on the controller, at
# http://127.0.0.1:5000/v3, with one user per service in the project "service" (roles admin and
# service), in the region regionOne, which Debian's packaged configuration files name. The password
# is the lab's own and guards nothing of Ceph's. Sourced by the recipes that
# name this file; build-images.sh puts it in their build context.
LAB_KEYSTONE=http://127.0.0.1:5000/v3

#   lab_auth FILE SECTION USER: keystoneauth's password plugin, as USER of the project "service".
lab_auth() {
  crudini --set "$1" "$2" auth_type password
  crudini --set "$1" "$2" auth_url "$LAB_KEYSTONE"
  crudini --set "$1" "$2" username "$3"
  crudini --set "$1" "$2" password lab
  crudini --set "$1" "$2" project_name service
  crudini --set "$1" "$2" user_domain_name Default
  crudini --set "$1" "$2" project_domain_name Default
}

#   lab_authtoken FILE USER: an API that checks every request's token with Keystone, and takes a
#   service token only from a user with the service role.
lab_authtoken() {
  lab_auth "$1" keystone_authtoken "$2"
  crudini --set "$1" keystone_authtoken www_authenticate_uri "$LAB_KEYSTONE"
  crudini --set "$1" keystone_authtoken service_token_roles_required true
}

#   nova_client_options NOVA_CONF: what every Nova service (api, conductor, scheduler on the
#   controller; nova-compute on the compute node) needs to reach the others, found in Keystone's
#   catalog. Nova sends a service token with its requests: Cinder lets a volume's attachment be
#   deleted only by a request that carries one (bug 2004555).
nova_client_options() {
  for s in placement neutron cinder service_user; do lab_auth "$1" $s nova; done
  crudini --set "$1" cinder os_region_name regionOne
  crudini --set "$1" service_user send_service_user_token true
  crudini --set "$1" DEFAULT transport_url rabbit://guest:guest@127.0.0.1:5672/
  crudini --set "$1" oslo_concurrency lock_path /var/lib/nova/tmp
}
