# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: rotation_plan
short_description: Where the keys of the cephx users to rotate live - keyring files, libvirt secrets, services
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    From the complete model (P(openstack_ceph.rbd.ceph_model#filter), given the configurations read, so that the
    libvirt secrets have their UUIDs), the users to rotate and the clusters to rotate them on, says which
    (cluster, user) pairs get a new key, and for each the keyring files that hold it (host, path, the kind of
    service that reads it), the libvirt secrets that hold it (host, UUID), and so the services that restart.
  - >-
    It holds no key. A user or cluster that the declaration does not have, an external cluster (whose owner
    rotates its keys) and a user that no service uses on the clusters named fail, naming the variable.
options:
  _input:
    description: The model, from P(openstack_ceph.rbd.ceph_model#filter) given the configurations read.
    type: dict
    required: true
  users:
    description:
      - The users to rotate, as V(cinder) or V(client.cinder) (C(openstack_ceph_rotate_users)).
      - A string is a comma-separated list, as C(-e openstack_ceph_rotate_users=glance,cinder-backup) gives it.
    type: raw
    required: true
  clusters:
    description:
      - The clusters to rotate them on (C(openstack_ceph_rotate_clusters)). Empty or V(None), every managed
        cluster where a service uses one of the users. A string is a comma-separated list.
    type: raw
  hosts:
    description: The inventory's hosts of each kind of node, V({glance, cinder_volume, cinder_backup, nova_compute}).
    type: dict
    required: true
  before:
    description:
      - The time the rotation began (C(openstack_ceph_rotate_before)), checked here so that a mistake names the
        variable. Seconds since the epoch or ISO 8601 text; not in the future.
    type: raw
  key_type:
    description: The type the new keys get (C(openstack_ceph_rotate_key_type)), V(aes) or V(aes256k), or V(None).
    type: str
'''

EXAMPLES = r'''
- name: Plan the rotation of client.cinder's keys
  ansible.builtin.set_fact:
    plan: >-
      {{ model | openstack_ceph.rbd.rotation_plan(['cinder'], [], {'glance': groups['glance_api'],
         'cinder_volume': groups['cinder_volume'], 'cinder_backup': groups['cinder_backup'],
         'nova_compute': groups['nova_compute']}) }}
'''

RETURN = r'''
_value:
  description:
    - >-
      A list, one item per (cluster, user) to rotate, in the model's order: V({cluster, entity, admin_host,
      keyrings, secrets, services}). C(keyrings) are V({host, path, kind, cluster, entity}); C(secrets) V({host, uuid}); C(services)
      V({host, kind}), each kind of service on each host that reads one of the keyrings (the service stages
      restart those whose keyring changes). Secrets change no service: QEMU reads a secret when a guest starts.
  type: list
  elements: dict
'''

import time

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import _fail, _unique
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import time_problem

KINDS = ('glance', 'cinder_volume', 'cinder_backup', 'nova_compute')
VARIABLE = 'openstack_ceph_rotate_users'


def rotation_plan(model, users, clusters, hosts, before=None, key_type=None):
    users = _names(users)
    if not isinstance(users, (list, tuple)) or not users or not all(isinstance(u, str) and u for u in users):
        _fail('%s must be a list of user names such as [glance, cinder], got %r.' % (VARIABLE, users))
    if before is None and key_type is None:
        _fail('Give openstack_ceph_rotate_before (the time the rotation began: keys made before it are rotated), '
              'openstack_ceph_rotate_key_type (aes or aes256k: keys of another type are rotated), or both.')
    if before is not None:
        seconds, problem = time_problem(before, 'openstack_ceph_rotate_before')
        if problem:
            _fail(problem)
        if seconds > time.time() + 60:
            _fail('openstack_ceph_rotate_before is in the future: keys made now would be made before it, and every run '
                  'would rotate them again. Give the time the rotation began, the same for every run of it.')
    if key_type not in (None, 'aes', 'aes256k'):
        _fail('openstack_ceph_rotate_key_type must be aes or aes256k, got %r.' % (key_type,))
    entities = _unique(u if u.startswith('client.') else 'client.' + u for u in users)
    declared = model['clusters']
    clusters = _names(clusters)
    if clusters:
        if not isinstance(clusters, (list, tuple)):
            _fail('openstack_ceph_rotate_clusters must be a list of cluster names, got %r.' % (clusters,))
        unknown = [c for c in clusters if c not in declared]
        if unknown:
            _fail('openstack_ceph_rotate_clusters names %s, which openstack_ceph_clusters does not declare (it has %s).'
                  % (', '.join(map(str, unknown)), ', '.join(declared)))
        external = [c for c in clusters if declared[c]['mode'] == 'external']
        if external:
            _fail('openstack_ceph_rotate_clusters: %s is an external cluster; its owner rotates its keys. Put the new key '
                  'in openstack_ceph_keys and run site.yml, which writes it everywhere.' % ', '.join(external))
        names = [c for c in declared if c in clusters]
    else:
        names = [c for c in declared if declared[c]['mode'] == 'managed']

    def holders(cluster, entity):
        def keyring(host, kind):
            return {'host': host, 'path': '/etc/ceph/%s.%s.keyring' % (cluster, entity), 'kind': kind,
                    'cluster': cluster, 'entity': entity}
        keyrings = []
        for kind in KINDS[:3]:
            if any(k['cluster'] == cluster and k['entity'] == entity for k in model['keyrings'][kind]):
                keyrings += [keyring(h, kind) for h in hosts.get(kind) or []]
        for host, wanted in sorted(model['keyrings']['nova_compute'].items()):
            if host in (hosts.get('nova_compute') or []) and any(
                    k['cluster'] == cluster and k['entity'] == entity for k in wanted):
                keyrings.append(keyring(host, 'nova_compute'))
        secrets = [{'host': h, 'uuid': s['uuid']} for s in model['secrets']
                   if s['cluster'] == cluster and s['entity'] == entity for h in s['hosts']]
        return keyrings, secrets

    plan = []
    for cluster in names:
        for entity in entities:
            if entity not in declared[cluster]['entities']:
                continue
            keyrings, secrets = holders(cluster, entity)
            plan.append({'cluster': cluster, 'entity': entity, 'admin_host': declared[cluster]['admin_host'],
                         'keyrings': keyrings, 'secrets': secrets,
                         'services': _unique({'host': k['host'], 'kind': k['kind']} for k in keyrings)})
    for entity in entities:
        if not any(p['entity'] == entity for p in plan):
            _fail('%s names %s, which no service uses on %s (the users there: %s).' % (
                VARIABLE, entity[len('client.'):], 'cluster ' + ', '.join(names) if names else 'any managed cluster',
                ', '.join(_unique(e[len('client.'):] for c in names for e in declared[c]['entities'])) or 'none'))
    return plan


def _names(value):
    """A list as given, or the names of a comma-separated string (as -e name=a,b gives them)."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(',') if v.strip()]
    return value


class FilterModule(object):
    def filters(self):
        return {'rotation_plan': rotation_plan}
