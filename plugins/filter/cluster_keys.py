# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: cluster_keys
short_description: The keys a ceph_key task looped over clusters read, by cluster and entity
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    Turns the registered result of a M(openstack_ceph.rbd.ceph_key) task with
    O(openstack_ceph.rbd.ceph_key#module:return_key), looped over clusters, into V({cluster: {entity: key}}).
    Users without a key (those that do not exist yet, in check mode) are left out.
  - It is the one place the collection reads keys out of such a result. The context step, C(playbooks/audit.yml) and
    C(playbooks/rotate.yml) use it, so that each cluster's keys are read once per run.
    P(openstack_ceph.rbd.cluster_values#filter) does the same for any other return value.
  - The value holds keys. Use it only in tasks with C(no_log).
positional: loop_var
extends_documentation_fragment:
  - openstack_ceph.rbd.cluster_results
'''

EXAMPLES = r'''
- name: Keep the keys read, for the context step
  ansible.builtin.set_fact:
    __openstack_ceph_keys: "{{ read_users.results | openstack_ceph.rbd.cluster_keys('cluster') }}"
  no_log: true
'''

RETURN = r'''
_value:
  description: "V({cluster: {entity: key}}); a skipped loop item gives no cluster."
  type: dict
  sample: {ceph: {client.glance: "<key>", client.cinder: "<key>"}}
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.cluster_values import per_cluster


def cluster_keys(results, loop_var):
    out = {}
    for name, index, result in per_cluster(results, loop_var, 'cluster_keys'):
        users = result.get('users')
        if not isinstance(users, list):
            raise AnsibleFilterError('cluster_keys: results[%d] (cluster %s) has no users: register a ceph_key task run '
                                     'with return_key.' % (index, name))
        out[name] = dict((u['entity'], u['key']) for u in users if isinstance(u, dict) and u.get('key'))
    return out


class FilterModule(object):
    def filters(self):
        return {'cluster_keys': cluster_keys}
