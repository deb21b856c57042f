# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: osa_config
short_description: The Ceph files and user variables OpenStack-Ansible's ceph_client role takes from files, from the model
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    Turns the complete model and a deploy host's inputs (P(openstack_ceph.rbd.ceph_node#filter) with the kind
    V(deploy)) into what OpenStack-Ansible (2025.1) reads when its C(ceph_client) role takes the keys from files
    instead of the monitors: a keyrings directory (C(ceph_keyrings_dir)) holding C(<user>.keyring) for the users of
    the main cluster, whose configuration is given as text (C(ceph_conf_file)), and, for Cinder backends on other clusters, C(<cluster>.conf) and
    C(<cluster>.client.<user>.keyring) named by C(ceph_extra_confs); and the user variables that select the RBD
    store, backends, backup driver, Nova's pool and the libvirt secrets' UUIDs.
  - >-
    The main cluster is Nova's (else Glance's default store's, else the first backend's). OpenStack-Ansible's
    Glance and Nova roles name C(/etc/ceph/ceph.conf) only, so it is written there on the hosts, whatever its name
    in the model.
  - >-
    What OpenStack-Ansible cannot express is listed in C(cannot) and left out - Glance stores other than the default,
    a Glance or cinder-backup on another cluster, compute hosts with different Nova settings, Nova with its own user
    next to Cinder's, a second user on one cluster for Cinder.
  - >-
    The result holds cephx keys (C(keyrings)): set it with C(no_log).
options:
  _input:
    description: The model, from P(openstack_ceph.rbd.ceph_model#filter) given the configurations read.
    type: dict
    required: true
  node:
    description: The deploy host's inputs, P(openstack_ceph.rbd.ceph_node#filter) with the kinds V([deploy]).
    type: dict
    required: true
  keyrings_dir:
    description: The keyrings directory on the deploy host, C(ceph_keyrings_dir) (C(/etc/openstack_deploy/ceph-keyrings)).
    type: str
    required: true
'''

EXAMPLES = r'''
- name: What OpenStack-Ansible is given
  ansible.builtin.set_fact:
    osa: "{{ ceph_context_model | openstack_ceph.rbd.osa_config(ceph_context_node, '/etc/openstack_deploy/ceph-keyrings') }}"
  no_log: true
'''

RETURN = r'''
_value:
  description:
    - >-
      V({dirs, confs, keyrings, vars, services, cannot, notes}), as P(openstack_ceph.rbd.kolla_config#filter) returns
      them. C(vars) are OpenStack-Ansible user variables (a C(user_*.yml) file). C(services), among V(glance-api),
      V(cinder-volume), V(cinder-backup) and V(nova-compute).
  type: dict
'''

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import _unique
from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_node import deploy_inputs, one_nova_setting

RBD_DRIVER = 'cinder.volume.drivers.rbd.RBDDriver'
CEPH_BACKUP_DRIVER = 'cinder.backup.drivers.ceph.CephBackupDriver'


def _set(values):
    """Without the values that are not known (a secret's UUID when no compute host uses the pair)."""
    return dict((k, v) for k, v in values.items() if v is not None)


def osa_config(model, node, keyrings_dir):
    keyrings_dir = keyrings_dir.rstrip('/')
    confs, keys, uuid_of = deploy_inputs(node, 'osa_config')
    out = {'dirs': [keyrings_dir], 'confs': [], 'keyrings': [], 'vars': {}, 'services': [], 'cannot': [], 'notes': []}
    variables = out['vars']

    nova, differ = one_nova_setting(node['nova'], 'OpenStack-Ansible\'s user variables apply to every host')
    if differ:
        out['cannot'].append(differ)
    stores = model['glance']['stores']
    default_store = ([s for s in stores if s['default']] or stores[:1] or [None])[0]
    backends = model['cinder']['backends']
    backup = model['cinder']['backup']
    main = (nova or default_store or (backends[:1] or [None])[0] or backup or {}).get('cluster')
    if main is None:
        out['notes'].append('No service uses Ceph in the model: nothing is written.')
        return out

    def keyring(path, cluster, user):
        item = {'path': path, 'entity': 'client.%s' % user, 'key': keys[cluster]['client.%s' % user]}
        if item not in out['keyrings']:
            out['keyrings'].append(item)

    def main_keyring(user):
        # ceph_client reads <ceph_keyrings_dir>/<user>.keyring for the main cluster's users.
        keyring('%s/%s.keyring' % (keyrings_dir, user), main, user)

    variables['ceph_keyrings_dir'] = keyrings_dir
    # ceph_client takes the main cluster's configuration as text, and writes it as /etc/ceph/ceph.conf.
    variables['ceph_conf_file'] = confs[main]

    if default_store and default_store['cluster'] == main:
        main_keyring(default_store['user'])
        variables.update({'glance_default_store': 'rbd', 'glance_ceph_client': default_store['user'],
                          'glance_rbd_store_pool': default_store['pool']})
        out['services'].append('glance-api')
    elif default_store:
        out['cannot'].append(
            'Glance: the default store %s is on cluster %s, not on %s, the cluster OpenStack-Ansible writes as '
            '/etc/ceph/ceph.conf, the only one its Glance role names; no Glance variable is written.'
            % (default_store['name'], default_store['cluster'], main))
    for store in stores:
        if store is not default_store and default_store['cluster'] == main:
            out['cannot'].append(
                'Glance store %s (pool %s of cluster %s): OpenStack-Ansible\'s Glance role writes one RBD store; only '
                'the default store, %s, is written.' % (store['name'], store['pool'], store['cluster'],
                                                        default_store['name']))

    main_users = _unique(b['user'] for b in backends if b['cluster'] == main)
    extra_users = {}
    cinder_backends = {}
    for b in backends:
        if b['cluster'] == main:
            if b['user'] != main_users[0]:
                out['cannot'].append(
                    'Cinder backend %s: client.%s on cluster %s, where other backends use client.%s; '
                    'OpenStack-Ansible\'s ceph_client writes one Cinder user\'s keyring for the main cluster; not '
                    'written.' % (b['name'], b['user'], main, main_users[0]))
                continue
            conf = '/etc/ceph/ceph.conf'
        else:
            if b['cluster'] == 'ceph':
                out['cannot'].append(
                    'Cinder backend %s: its cluster is named ceph, and /etc/ceph/ceph.conf is the main cluster\'s (%s) '
                    'on OpenStack-Ansible\'s hosts; not written.' % (b['name'], main))
                continue
            if extra_users.setdefault(b['cluster'], b['user']) != b['user']:
                out['cannot'].append(
                    'Cinder backend %s: client.%s on cluster %s, where another backend uses client.%s; '
                    'OpenStack-Ansible\'s ceph_extra_confs gives one user per cluster; not written.'
                    % (b['name'], b['user'], b['cluster'], extra_users[b['cluster']]))
                continue
            conf = '/etc/ceph/%s.conf' % b['cluster']
        cinder_backends[b['name']] = _set({
            'volume_driver': RBD_DRIVER, 'volume_backend_name': b['name'], 'rbd_pool': b['pool'],
            'rbd_ceph_conf': conf, 'rbd_user': b['user'], 'rbd_secret_uuid': uuid_of.get((b['cluster'], b['entity'])),
            'report_discard_supported': True})
    if main_users:
        main_keyring(main_users[0])
        variables['cinder_ceph_client'] = main_users[0]
        variables.update(_set({'cinder_ceph_client_uuid': uuid_of.get((main, 'client.%s' % main_users[0]))}))
    extra = []
    for cluster, user in extra_users.items():
        path = '%s/%s.client.%s.keyring' % (keyrings_dir, cluster, user)
        keyring(path, cluster, user)
        out['confs'].append({'path': '%s/%s.conf' % (keyrings_dir, cluster), 'content': confs[cluster]})
        extra.append(_set({
            'src': '%s/%s.conf' % (keyrings_dir, cluster), 'dest': '/etc/ceph/%s.conf' % cluster,
            'client_name': user, 'keyring_src': path, 'keyring_dest': '/etc/ceph/%s.client.%s.keyring' % (cluster, user),
            'secret_uuid': uuid_of.get((cluster, 'client.%s' % user))}))
    if cinder_backends:
        variables['cinder_backends'] = cinder_backends
        out['services'].append('cinder-volume')
    if extra:
        variables['ceph_extra_confs'] = extra

    if backup and backup['cluster'] == main:
        main_keyring(backup['user'])
        variables.update({'cinder_service_backup_program_enabled': True,
                          'cinder_service_backup_driver': CEPH_BACKUP_DRIVER,
                          'cinder_service_backup_ceph_user': backup['user'],
                          'cinder_service_backup_ceph_pool': backup['pool'],
                          'cinder_backup_ceph_client': backup['user'], 'ceph_cinder_backup_enabled': True})
        out['services'].append('cinder-backup')
        if not cinder_backends:
            out['notes'].append('OpenStack-Ansible sets up the Ceph client on Cinder hosts only when a backend in '
                                'cinder_backends uses RBD: with none, cinder-backup has no Ceph files.')
    elif backup:
        out['cannot'].append(
            'cinder-backup: its cluster is %s, not %s; OpenStack-Ansible\'s cinder.conf gives cinder-backup no Ceph '
            'configuration file but /etc/ceph/ceph.conf, the main cluster\'s; not written.' % (backup['cluster'], main))

    if nova:
        cinder_user = main_users[0] if main_users else None
        if cinder_user and cinder_user != nova['user']:
            out['cannot'].append(
                'Nova: its user, client.%s, is not Cinder\'s, client.%s; OpenStack-Ansible defines one libvirt secret '
                'on the compute hosts for the main cluster, for Nova\'s user, so Nova could not attach volumes; no Nova '
                'variable is written.' % (nova['user'], cinder_user))
        else:
            main_keyring(nova['user'])
            variables.update(_set({'nova_libvirt_images_rbd_pool': nova['pool'], 'nova_ceph_client': nova['user'],
                                   'nova_ceph_client_uuid': uuid_of.get((main, nova['entity']))}))
            out['services'].append('nova-compute')
    elif not node['nova']:
        out['notes'].append('No compute host is in the inventory: no Nova variable is written.')
    return out


class FilterModule(object):
    def filters(self):
        return {'osa_config': osa_config}
