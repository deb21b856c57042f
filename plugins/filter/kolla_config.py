# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: kolla_config
short_description: The Ceph files and variables kolla-ansible's external Ceph support reads, from the model
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    Turns the complete model and a deploy host's inputs (P(openstack_ceph.rbd.ceph_node#filter) with the kind
    V(deploy)) into what kolla-ansible (2025.1) reads from its custom configuration directory
    (C(node_custom_config)): each service's cluster configurations, C(<cluster>.conf), and keyrings,
    C(<cluster>.client.<user>.keyring), in C(glance/), C(cinder/), C(cinder/cinder-volume/),
    C(cinder/cinder-backup/) and C(nova/); and the variables that name them (C(glance_ceph_backends),
    C(cinder_ceph_backends), C(cinder_backup_ceph_backend), C(nova_cell_ceph_backend), the libvirt secrets'
    UUIDs C(cinder_rbd_secret_uuid) and C(rbd_secret_uuid)).
  - >-
    What kolla-ansible cannot express is listed in C(cannot), in words, and left out or written as kolla-ansible
    can take it. kolla-ansible names one libvirt secret in every Cinder backend (C(cinder_rbd_secret_uuid)) and
    defines it on Nova's cluster only: a backend with another cluster or user cannot have its volumes attached by
    Nova. Variables given in C(globals.d) apply to every host, so compute hosts with different Nova settings get
    no Nova files or variables at all.
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
  config_dir:
    description: kolla-ansible's custom configuration directory, C(node_custom_config) (C(/etc/kolla/config)).
    type: str
    required: true
'''

EXAMPLES = r'''
- name: What kolla-ansible is given
  ansible.builtin.set_fact:
    kolla: "{{ ceph_context_model | openstack_ceph.rbd.kolla_config(ceph_context_node, '/etc/kolla/config') }}"
  no_log: true
'''

RETURN = r'''
_value:
  description:
    - >-
      V({dirs, confs, keyrings, vars, services, cannot, notes}). C(dirs), the directories the files go in.
      C(confs), V({path, content}), each cluster's client configuration without indentation. C(keyrings),
      M(openstack_ceph.rbd.ceph_keyring) items V({path, entity, key}). C(vars), the variables for kolla-ansible
      (a C(globals.d) file). C(services), the kolla-ansible services given files, among V(glance-api),
      V(cinder-volume), V(cinder-backup) and V(nova-compute). C(cannot), what kolla-ansible cannot express, in
      words. C(notes), what the operator still sets in C(globals.yml).
  type: dict
'''

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import _unique
from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_node import deploy_inputs, one_nova_setting


def _keyring(config_dir, subdir, cluster, user):
    return '%s/%s/%s.client.%s.keyring' % (config_dir, subdir, cluster, user)


def kolla_config(model, node, config_dir):
    config_dir = config_dir.rstrip('/')
    confs, keys, uuid_of = deploy_inputs(node, 'kolla_config')
    out = {'dirs': [], 'confs': [], 'keyrings': [], 'vars': {}, 'services': [], 'cannot': [], 'notes': []}

    def add_files(subdir, clusters, users, conf_subdir=None):
        """Conf files of clusters in subdir (or conf_subdir), keyrings of (cluster, user) pairs in subdir."""
        conf_dir = '%s/%s' % (config_dir, conf_subdir or subdir)
        for d in (conf_dir, '%s/%s' % (config_dir, subdir)):
            if d not in out['dirs']:
                out['dirs'].append(d)
        for cluster in clusters:
            conf = {'path': '%s/%s.conf' % (conf_dir, cluster), 'content': confs[cluster]}
            if conf not in out['confs']:
                out['confs'].append(conf)
        for cluster, user in users:
            entity = 'client.%s' % user
            item = {'path': _keyring(config_dir, subdir, cluster, user), 'entity': entity,
                    'key': keys[cluster][entity]}
            if item not in out['keyrings']:
                out['keyrings'].append(item)

    # Glance: kolla-ansible makes a store of each glance_ceph_backends item, the first one the default.
    stores = sorted(model['glance']['stores'], key=lambda s: not s['default'])
    if stores:
        add_files('glance', [s['cluster'] for s in stores], [(s['cluster'], s['user']) for s in stores])
        out['vars']['glance_backend_ceph'] = True
        out['vars']['glance_ceph_backends'] = [
            {'name': s['name'], 'type': 'rbd', 'cluster': s['cluster'], 'pool': s['pool'], 'user': s['user'],
             'enabled': True} for s in stores]
        out['services'].append('glance-api')

    backends = model['cinder']['backends']
    backup = model['cinder']['backup']
    if backends:
        add_files('cinder/cinder-volume', [b['cluster'] for b in backends], [(b['cluster'], b['user']) for b in backends],
                  conf_subdir='cinder')
        out['vars']['cinder_backend_ceph'] = True
        out['vars']['cinder_ceph_backends'] = [
            {'name': b['name'], 'backend_name': b['name'], 'cluster': b['cluster'], 'pool': b['pool'], 'user': b['user'],
             'enabled': True} for b in backends]
        out['services'].append('cinder-volume')
    if backup:
        # kolla-ansible's cinder-backup reads the keyring of every Cinder backend as well as its own.
        pairs = [(b['cluster'], b['user']) for b in backends] + [(backup['cluster'], backup['user'])]
        add_files('cinder/cinder-backup', _unique(pair[0] for pair in pairs), _unique(pairs), conf_subdir='cinder')
        out['vars']['cinder_backup_driver'] = 'ceph'
        out['vars']['cinder_backup_ceph_backend'] = {
            'name': 'backup', 'cluster': backup['cluster'], 'pool': backup['pool'], 'user': backup['user']}
        out['services'].append('cinder-backup')
    else:
        out['notes'].append('cinder-backup does not use Ceph in the model, and kolla-ansible\'s default '
                            'cinder_backup_driver is ceph: set cinder_backup_driver, or enable_cinder_backup: false, '
                            'in globals.yml.')

    settings = node['nova']
    nova, differ = one_nova_setting(settings, 'kolla-ansible takes one nova_cell_ceph_backend for every host from globals.d')
    if differ:
        out['cannot'].append(differ)
    if nova is not None:
        volumes = [b for b in backends if b['cluster'] == nova['cluster']]
        if backends and not volumes:
            out['cannot'].append(
                'Nova: no Cinder backend is on Nova\'s cluster %s. kolla-ansible defines the libvirt secret of '
                'volumes (cinder_rbd_secret_uuid) from a keyring of that cluster, so no Nova file or variable is '
                'written.' % nova['cluster'])
            nova = None
    if nova is not None:
        volume = volumes[0] if volumes else None
        users = [(nova['cluster'], nova['user'])] + ([(nova['cluster'], volume['user'])] if volume else [])
        add_files('nova', [nova['cluster']], _unique(users))
        out['vars']['nova_backend_ceph'] = True
        out['vars']['nova_cell_ceph_backend'] = {
            'cluster': nova['cluster'],
            'vms': {'user': nova['user'], 'pool': nova['pool']},
            'volumes': {'user': (volume or nova)['user'], 'pool': (volume or {'pool': nova['pool']})['pool']}}
        if volume:
            out['vars']['cinder_rbd_secret_uuid'] = uuid_of[(nova['cluster'], volume['entity'])]
        if not volume or volume['entity'] != nova['entity']:
            out['vars']['rbd_secret_uuid'] = uuid_of[(nova['cluster'], nova['entity'])]
        else:
            # kolla-ansible defines two secrets, one per UUID; with one user, the second keeps its own UUID.
            out['notes'].append('Nova\'s disks use the secret kolla-ansible names rbd_secret_uuid (in passwords.yml), '
                                'which holds the same key as cinder_rbd_secret_uuid: Nova and Cinder are one user, '
                                'client.%s.' % nova['user'])
        for b in backends:
            if (b['cluster'], b['entity']) != (nova['cluster'], volume['entity']):
                out['cannot'].append(
                    'Cinder backend %s (client.%s on cluster %s): kolla-ansible writes cinder_rbd_secret_uuid into '
                    'every backend and defines that secret with the key of client.%s on cluster %s, so Nova cannot '
                    'attach this backend\'s volumes.' % (b['name'], b['user'], b['cluster'], volume['user'],
                                                         nova['cluster']))
        out['services'].append('nova-compute')
    elif not settings:
        out['notes'].append('No compute host is in the inventory: no Nova file or variable is written.')
    return out


class FilterModule(object):
    def filters(self):
        return {'kolla_config': kolla_config}
