# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cluster_values: one return value of each result of a task looped over clusters, as {cluster: value}."""

from __future__ import absolute_import, division, print_function

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.cluster_values import cluster_values

CONF = '[global]\n\tfsid = 7c4d2f4e-2b1d-4a52-9a5e-3f0c1c3f9e11\n\tmon_host = [v2:192.0.2.10:3300/0]\n'


def result(cluster, loop_var='cluster', **values):
    out = {loop_var: {'name': cluster, 'cli': {}}, 'changed': False}
    out.update(values)
    return out


def test_each_clusters_value_by_its_name_and_a_skipped_item_gives_none():
    results = [result('ceph', minimal_conf=CONF), {'skipped': True, 'cluster': {'name': 'old'}},
               result('dr', minimal_conf='')]
    assert cluster_values(results, 'cluster', 'minimal_conf') == {'ceph': CONF, 'dr': ''}
    assert cluster_values([], 'cluster', 'minimal_conf') == {}


@pytest.mark.parametrize('results, loop_var, key, message', [
    ({'results': []}, 'cluster', 'minimal_conf', 'cluster_values: give it the results of a registered looped task, got dict'),
    ([result('ceph')], '', 'minimal_conf', 'cluster_values: loop_var must name'),
    ([result('ceph')], 'cluster', '', 'cluster_values: key must name a return value'),
    ([result('ceph', loop_var='other')], 'cluster', 'minimal_conf', 'results[0] has no cluster with a name'),
    ([result('ceph', minimal_conf=CONF), result('dr')], 'cluster', 'minimal_conf', 'results[1] (cluster dr) has no minimal_conf'),
    ([None], 'cluster', 'minimal_conf', 'results[0] is not a task result'),
])
def test_bad_input_is_named(results, loop_var, key, message):
    with pytest.raises(AnsibleFilterError) as err:
        cluster_values(results, loop_var, key)
    assert message in str(err.value)
