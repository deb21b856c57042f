# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: ceph_node
short_description: What one OpenStack node is given - client configurations, keyrings and libvirt secrets
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    Turns the complete model (P(openstack_ceph.rbd.ceph_model#filter), with the configurations read) and what was
    read from the clusters into the explicit inputs of one node's roles: the client configuration of each
    cluster the node uses, the keyrings of each of its services with their keys, and, on a compute node,
    one libvirt secret per (cluster, user) with its UUID and key.
  - >-
    The result holds cephx keys: set it with C(no_log).
  - >-
    A keyring file that two services would own as different users (cinder-volume or cinder-backup and
    nova-compute on one node, both as C(client.cinder)) fails, saying to give Nova its own user there.
  - >-
    A missing key fails with a message that says where it comes from (the Ceph stage creates the users
    of a managed cluster; an external cluster's keys are given in C(openstack_ceph_keys)), unless
    O(allow_pending) (a check run, before the users exist): the key is then V(None).
options:
  _input:
    description: The model, from P(openstack_ceph.rbd.ceph_model#filter) given the configurations read.
    type: dict
    required: true
  host:
    description: The node's inventory name (it selects the node's Nova setting).
    type: str
    required: true
  kinds:
    description:
      - What the node runs, among V(glance), V(cinder_volume), V(cinder_backup) and V(nova_compute).
      - V(deploy), alone, is a deployment tool's host that writes the Ceph files of every service for every
        node (kolla-ansible's deploy host, P(openstack_ceph.rbd.kolla_config#filter)). It is given every cluster
        a service uses, every key a service uses, every libvirt secret and every compute host's Nova setting.
    type: list
    elements: str
    required: true
  confs:
    description: The minimal client configuration read from each managed cluster, by cluster name.
    type: dict
    required: true
  keys:
    description: "The keys read or given, cluster name to V({entity: key})."
    type: dict
    required: true
  allow_pending:
    description: Let keys be missing (check mode, before the Ceph stage has created the users).
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: This node's inputs
  ansible.builtin.set_fact:
    ceph_context_node: >-
      {{ ceph_context_model | openstack_ceph.rbd.ceph_node(inventory_hostname, ['nova_compute'],
         confs, keys, allow_pending=ansible_check_mode) }}
  no_log: true
'''

RETURN = r'''
_value:
  description:
    - >-
      V({clusters, keyrings, secrets, nova}). C(clusters), the clusters the node's keyrings are for, V({name,
      fsid, conf}) (an external cluster's conf is built from its fsid and mon_host). C(keyrings), by kind
      (all four kinds, empty when the node is not of that kind), lists of V({path, entity, key}), C(path)
      being C(/etc/ceph/<cluster>.<entity>.keyring) (M(openstack_ceph.rbd.ceph_keyring) items, less owner).
      C(secrets), on a compute node, V({cluster, entity, uuid, key}). C(nova), the node's Nova setting from
      the model, or V(None).
    - >-
      For the V(deploy) kind: C(keyrings) are empty; C(clusters) are all the clusters the services use; C(secrets)
      are all of them, and C(nova) is every compute host's setting, by host; C(keys) is V({cluster: {entity: key}})
      of every user the services use.
  type: dict
'''

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import _fail, _unique, refuse_shared_keyrings

NODE_KINDS = ('glance', 'cinder_volume', 'cinder_backup', 'nova_compute')
DEPLOY = 'deploy'


def ceph_node(model, host, kinds, confs, keys, allow_pending=False):
    """What one node is given: the clusters' client configurations, its keyrings by service and its libvirt
    secrets, with their keys. A key that is missing fails, naming where it should come from, unless
    allow_pending (a check run, in which ceph_users has not created the user yet)."""
    unknown = [k for k in kinds if k not in NODE_KINDS + (DEPLOY,)]
    if unknown:
        _fail('ceph_node: unknown node kinds %s; the kinds are %s.' % (', '.join(unknown), ', '.join(NODE_KINDS + (DEPLOY,))))
    if DEPLOY in kinds and len(kinds) > 1:
        _fail('ceph_node: the kind %s goes alone, not with %s.' % (DEPLOY, ', '.join(k for k in kinds if k != DEPLOY)))
    clusters = model['clusters']

    def keyed(cluster, entity):
        key = (keys.get(cluster) or {}).get(entity)
        if key is None and not allow_pending:
            if clusters[cluster]['mode'] == 'external':
                _fail('No key for %s of external cluster %r: give it in openstack_ceph_keys.%s[%r] (kept in '
                      'ansible-vault).' % (entity, cluster, cluster, entity))
            _fail('%s does not exist on cluster %r: run the Ceph stage (playbooks/ceph.yml), which creates it.'
                  % (entity, cluster))
        return key

    def node_clusters(names):
        out = []
        for name in names:
            cluster = clusters[name]
            if cluster['mode'] == 'external':
                conf = '[global]\nfsid = %s\nmon_host = %s\n' % (cluster['fsid'], cluster['mon_host'])
            else:
                conf = confs.get(name)
                if conf is None:
                    _fail('ceph_node: the client configuration of managed cluster %r was not read.' % name)
            out.append({'name': name, 'fsid': cluster['fsid'], 'conf': conf})
        return out

    keyrings = dict((kind, []) for kind in NODE_KINDS)
    used = []
    if DEPLOY in kinds:
        pairs = [(k['cluster'], k['entity']) for kind in NODE_KINDS[:3] for k in model['keyrings'][kind]]
        pairs += [(k['cluster'], k['entity']) for host_keyrings in model['keyrings']['nova_compute'].values()
                  for k in host_keyrings]
        pairs += [(s['cluster'], s['entity']) for s in model['secrets']]
        deploy_keys = {}
        for cluster, entity in _unique(pairs):
            deploy_keys.setdefault(cluster, {})[entity] = keyed(cluster, entity)
        secrets = [{'cluster': s['cluster'], 'entity': s['entity'], 'uuid': s['uuid'],
                    'key': deploy_keys[s['cluster']][s['entity']]} for s in model['secrets']]
        return {'clusters': node_clusters(_unique(pair[0] for pair in pairs)), 'keyrings': keyrings, 'secrets': secrets,
                'nova': dict(model['nova']), 'keys': deploy_keys}
    for kind in kinds:
        wanted = model['keyrings'][kind]
        if kind == 'nova_compute':
            wanted = wanted.get(host, [])
        keyrings[kind] = [{'path': '/etc/ceph/%s.%s.keyring' % (k['cluster'], k['entity']), 'entity': k['entity'],
                           'key': keyed(k['cluster'], k['entity'])} for k in wanted]
        used.extend(k['cluster'] for k in wanted)
    refuse_shared_keyrings(host, keyrings)
    secrets = []
    if 'nova_compute' in kinds:
        secrets = [{'cluster': s['cluster'], 'entity': s['entity'], 'uuid': s['uuid'],
                    'key': keyed(s['cluster'], s['entity'])} for s in model['secrets'] if host in s['hosts']]
    return {'clusters': node_clusters(_unique(used)), 'keyrings': keyrings, 'secrets': secrets,
            'nova': model['nova'].get(host) if 'nova_compute' in kinds else None}


def plain_conf(text):
    """A client configuration without the tab indentation ceph config generate-minimal-conf writes, which
    deployment tools' INI merges keep."""
    return ''.join(line.strip() + '\n' for line in text.splitlines() if line.strip())


def deploy_inputs(node, caller):
    """A deploy host's inputs (the kind deploy) as a deployment tool's filter uses them: the clusters'
    configurations without tabs, the keys, and the libvirt secrets' UUIDs by (cluster, entity)."""
    if not isinstance(node, dict) or 'keys' not in node:
        _fail('%s: node must be the deploy host\'s inputs, from ceph_node with the kinds [deploy].' % caller)
    return (dict((c['name'], plain_conf(c['conf'])) for c in node['clusters']), node['keys'],
            dict(((s['cluster'], s['entity']), s['uuid']) for s in node['secrets']))


def one_nova_setting(settings, why):
    """The one Nova setting all compute hosts share, and None; or None and a message naming the hosts of each
    setting (why: the reason the deployment tool needs one)."""
    keys = ('cluster', 'pool', 'user', 'secret_uuid')
    distinct = _unique(dict((k, v[k]) for k in keys) for v in settings.values())
    if len(distinct) <= 1:
        return (list(settings.values())[0] if settings else None), None
    hosts_of = ['%s (pool %s of cluster %s as client.%s)' % (
        ', '.join(sorted(h for h, v in settings.items() if all(v[k] == d[k] for k in keys))),
        d['pool'], d['cluster'], d['user']) for d in distinct]
    return None, ('Nova: the compute hosts have different settings: %s. %s, so no Nova file or variable is written.'
                  % ('; '.join(hosts_of), why))


class FilterModule(object):
    def filters(self):
        return {'ceph_node': ceph_node}
