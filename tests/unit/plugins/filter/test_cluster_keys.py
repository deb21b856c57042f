# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cluster_keys: the keys a ceph_key task looped over clusters read, as {cluster: {entity: key}}."""

from __future__ import absolute_import, division, print_function

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.cluster_keys import cluster_keys

KEY_A = 'AQBzr0dpAAAAABAAhOzYZvUHPLeuGNS7I2NX4w=='
KEY_B = 'AQB0r0dpAAAAABAAzUHp1i0pqhdQq2xL3IeVbg=='


def result(cluster, users, loop_var='cluster'):
    return {loop_var: {'name': cluster, 'cli': {}}, 'users': users, 'changed': False}


def test_keys_by_cluster_and_entity_without_users_that_have_none():
    results = [result('ceph', [{'entity': 'client.glance', 'key': KEY_A}, {'entity': 'client.cinder'}]),
               result('dr', [{'entity': 'client.cinder', 'key': KEY_B}])]
    assert cluster_keys(results, 'cluster') == {'ceph': {'client.glance': KEY_A}, 'dr': {'client.cinder': KEY_B}}


def test_a_skipped_item_gives_no_cluster_and_an_empty_loop_nothing():
    assert cluster_keys([{'skipped': True, 'cluster': {'name': 'ceph'}}, result('dr', [])], 'cluster') == {'dr': {}}
    assert cluster_keys([], 'cluster') == {}


@pytest.mark.parametrize('results, loop_var, message', [
    ({'results': []}, 'cluster', 'cluster_keys: give it the results of a registered looped task, got dict'),
    ([result('ceph', [])], '', 'loop_var must name'),
    ([result('ceph', [], loop_var='other')], 'cluster', 'results[0] has no cluster with a name'),
    ([{'cluster': {'name': 'ceph'}}], 'cluster', 'results[0] (cluster ceph) has no users'),
    (['text'], 'cluster', 'results[0] is not a task result'),
])
def test_bad_input_is_named(results, loop_var, message):
    with pytest.raises(AnsibleFilterError) as err:
        cluster_keys(results, loop_var)
    assert message in str(err.value)
    assert KEY_A not in str(err.value)
