# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: cluster_values
short_description: One value of each result of a task looped over clusters, by cluster
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    Turns the registered result of a task looped over clusters (each loop item a cluster with a C(name)) into
    V({cluster: value}), the value being one return value of that cluster's result, for example the
    C(minimal_conf) that M(openstack_ceph.rbd.ceph_info) read.
  - Skipped loop items give no cluster. A result without the return value is an error that names it.
  - The Ceph stage, the context step and C(playbooks/rotate.yml) use it to hand on each cluster's client
    configuration, read once per run. P(openstack_ceph.rbd.cluster_keys#filter) does the same for keys.
positional: loop_var, key
options:
  key:
    description: The return value to take from each result.
    type: str
    required: true
extends_documentation_fragment:
  - openstack_ceph.rbd.cluster_results
'''

EXAMPLES = r'''
- name: Each cluster's minimal client configuration, read once
  ansible.builtin.set_fact:
    ceph_context_confs: "{{ read_confs.results | openstack_ceph.rbd.cluster_values('cluster', 'minimal_conf') }}"
'''

RETURN = r'''
_value:
  description: "V({cluster: value}); a skipped loop item gives no cluster."
  type: dict
  sample: {ceph: "[global]\n\tfsid = 7c4d...\n\tmon_host = [v2:192.0.2.10:3300/0,v1:192.0.2.10:6789/0]\n"}
'''

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types


def per_cluster(results, loop_var, caller):
    """(cluster name, result) of each result of a task looped over clusters that was not skipped; errors
    named after the filter that called."""
    if not isinstance(loop_var, string_types) or not loop_var:
        raise AnsibleFilterError('%s: loop_var must name the looped task\'s loop variable, got %r.' % (caller, loop_var))
    if not isinstance(results, list):
        raise AnsibleFilterError('%s: give it the results of a registered looped task, got %s.' % (caller, type(results).__name__))
    for index, result in enumerate(results):
        if not isinstance(result, dict):
            raise AnsibleFilterError('%s: results[%d] is not a task result.' % (caller, index))
        if result.get('skipped'):
            continue
        cluster = result.get(loop_var)
        if not isinstance(cluster, dict) or not isinstance(cluster.get('name'), string_types):
            raise AnsibleFilterError('%s: results[%d] has no %s with a name: is loop_var the loop variable of the task?'
                                     % (caller, index, loop_var))
        yield cluster['name'], index, result


def cluster_values(results, loop_var, key):
    if not isinstance(key, string_types) or not key:
        raise AnsibleFilterError('cluster_values: key must name a return value of the looped task, got %r.' % (key,))
    out = {}
    for name, index, result in per_cluster(results, loop_var, 'cluster_values'):
        if key not in result:
            raise AnsibleFilterError('cluster_values: results[%d] (cluster %s) has no %s.' % (index, name, key))
        out[name] = result[key]
    return out


class FilterModule(object):
    def filters(self):
        return {'cluster_values': cluster_values}
