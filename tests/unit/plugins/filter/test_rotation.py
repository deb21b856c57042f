# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rotation_plan and rotation_check: where the keys to rotate live, and what stops a rotation before any change."""

from __future__ import absolute_import, division, print_function

import copy

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import ceph_model
from ansible_collections.openstack_ceph.rbd.plugins.filter.rotation_check import rotation_check
from ansible_collections.openstack_ceph.rbd.plugins.filter.rotation_plan import rotation_plan

FSID = '457eb676-33da-42ec-9a8c-9293d545c337'
FSID_DR = '0b8f2f5e-3d4c-4f3a-9a52-6f1f1c6c9e10'
CONFS = {'ceph': '[global]\nfsid = %s\n' % FSID, 'dr': '[global]\nfsid = %s\n' % FSID_DR}
TWO = {'clusters': [{'name': 'ceph'}, {'name': 'dr'}],
       'glance_stores': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}],
       'cinder_backends': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}],
       'cinder_backup': {'cluster': 'dr'},
       'nova': {'compute1': None, 'compute2': {'cluster': 'dr'}}}
HOSTS = {'glance': ['ctl'], 'cinder_volume': ['ctl'], 'cinder_backup': ['ctl'], 'nova_compute': ['compute1', 'compute2']}
GROUPS = {'ceph_admin': ['admin'], 'all': ['admin', 'ctl', 'compute1', 'compute2']}
BEGAN = '2026-01-01T00:00:00Z'


def model():
    return ceph_model(copy.deepcopy(TWO), groups=GROUPS, confs=CONFS)


def test_glance_lives_in_the_controllers_keyrings_and_restarts_glance_api_only():
    plan = rotation_plan(model(), ['glance'], [], HOSTS, BEGAN)
    assert [(p['cluster'], p['entity']) for p in plan] == [('ceph', 'client.glance'), ('dr', 'client.glance')]
    assert plan[0]['keyrings'] == [{'host': 'ctl', 'path': '/etc/ceph/ceph.client.glance.keyring', 'kind': 'glance',
                                    'cluster': 'ceph', 'entity': 'client.glance'}]
    assert plan[0]['secrets'] == [] and plan[0]['services'] == [{'host': 'ctl', 'kind': 'glance'}]
    assert plan[0]['admin_host'] == 'admin'


def test_cinder_on_one_cluster_lives_in_keyrings_of_three_services_and_in_each_computes_secret():
    plan = rotation_plan(model(), ['client.cinder'], ['ceph'], HOSTS, BEGAN)
    assert len(plan) == 1 and plan[0]['cluster'] == 'ceph'
    assert sorted(set((k['host'], k['kind']) for k in plan[0]['keyrings'])) == [
        ('compute1', 'nova_compute'), ('ctl', 'cinder_backup'), ('ctl', 'cinder_volume')]
    # compute2's Nova uses dr, but its secret for ceph's Cinder backend holds ceph's key too.
    assert sorted(s['host'] for s in plan[0]['secrets']) == ['compute1', 'compute2']
    assert all(len(s['uuid']) == 36 for s in plan[0]['secrets'])


@pytest.mark.parametrize('args, words', [
    ((None, [], HOSTS, BEGAN), 'openstack_ceph_rotate_users must be a list'),
    ((['glance'], [], HOSTS), 'Give openstack_ceph_rotate_before'),
    ((['glance'], [], HOSTS, 'soon'), 'openstack_ceph_rotate_before must be a time'),
    ((['glance'], [], HOSTS, '2999-01-01'), 'in the future'),
    ((['glance'], [], HOSTS, None, 'des'), 'openstack_ceph_rotate_key_type must be aes or aes256k'),
    ((['glance'], ['nowhere'], HOSTS, BEGAN), 'openstack_ceph_rotate_clusters names nowhere'),
    ((['nova'], [], HOSTS, BEGAN), 'names nova, which no service uses'),
])
def test_bad_variables_are_refused_naming_the_variable(args, words):
    with pytest.raises(AnsibleFilterError, match=words):
        rotation_plan(model(), *args)


def test_an_external_cluster_is_its_owners_to_rotate():
    declared = copy.deepcopy(TWO)
    declared['clusters'][1].update(fsid=FSID_DR, mon_host='[v2:192.0.2.1:3300]')
    with pytest.raises(AnsibleFilterError, match='dr is an external cluster'):
        rotation_plan(ceph_model(declared, groups=GROUPS, confs={'ceph': CONFS['ceph']}), ['glance'], ['dr'], HOSTS, BEGAN)


def state(plan, **kw):
    base = dict(exists=True, rotate=True, because=['its key was made 2025-01-01T00:00:00Z, before ' + BEGAN],
                key_type='aes', key_created='2025-01-01T00:00:00Z', mon_versions=['18.2.7'], allowed_types=None)
    base.update(kw)
    return [dict(base, cluster=p['cluster'], entity=p['entity']) for p in plan]


def test_a_plain_rotation_says_where_the_key_lives_and_refuses_nothing():
    plan = rotation_plan(model(), ['glance'], ['ceph'], HOSTS, BEGAN)
    check = rotation_check(plan, state(plan), {}, {})
    assert check['refusals'] == [] and check['rotate'] == [{'cluster': 'ceph', 'entity': 'client.glance'}]
    assert 'client.glance on cluster ceph gets a new key: its key was made' in check['lines'][0]
    assert 'ctl:/etc/ceph/ceph.client.glance.keyring' in check['lines'][0] and 'ctl:glance-api' in check['lines'][0]


def test_running_guests_refuse_the_rotation_unless_forced():
    plan = rotation_plan(model(), ['cinder'], ['ceph'], HOSTS, BEGAN)
    uuid = [s['uuid'] for s in plan[0]['secrets'] if s['host'] == 'compute1'][0]
    guests = {'compute1': [['instance-0001', uuid], ['instance-0002', 'aaaaaaaa-0000-0000-0000-000000000000']]}
    check = rotation_check(plan, state(plan), guests, {})
    assert len(check['refusals']) == 1 and 'instance-0001 on compute1' in check['refusals'][0]
    assert 'instance-0002' not in check['refusals'][0] and 'openstack_ceph_rotate_force' in check['refusals'][0]
    assert rotation_check(plan, state(plan), guests, {}, force=True)['refusals'] == []


def test_aes256k_is_refused_where_monitors_or_clients_cannot_use_it():
    plan = rotation_plan(model(), ['glance'], ['ceph'], HOSTS, None, 'aes256k')
    check = rotation_check(plan, state(plan), {}, {'ctl': {'version': '18.2.7+ds-1', 'aes256k': False}}, 'aes256k')
    assert any('the monitors run Ceph 18.2.7' in r for r in check['refusals'])
    assert any('ctl (librados2 18.2.7+ds-1)' in r for r in check['refusals'])
    ok = rotation_check(plan, state(plan, mon_versions=['20.2.4']), {}, {'ctl': {'version': '20.2.4-1', 'aes256k': True}},
                        'aes256k')
    assert ok['refusals'] == []


def test_a_type_the_monitors_do_not_allow_is_refused_and_a_missing_user_too():
    plan = rotation_plan(model(), ['glance'], ['ceph'], HOSTS, None, 'aes')
    check = rotation_check(plan, state(plan, allowed_types=['aes256k'], key_type='aes256k'), {}, {}, 'aes')
    assert 'allow keys of type aes256k only' in check['refusals'][0]
    missing = rotation_check(plan, state(plan, exists=False), {}, {})
    assert 'does not exist: run site.yml' in missing['refusals'][0] and missing['rotate'] == []


def test_a_user_already_rotated_is_not_rotated_again():
    plan = rotation_plan(model(), ['glance'], ['ceph'], HOSTS, BEGAN)
    check = rotation_check(plan, state(plan, rotate=False, because=[]), {}, {})
    assert check['rotate'] == [] and 'not rotated again' in check['lines'][0]


def test_names_given_on_the_command_line_as_a_comma_separated_string():
    plan = rotation_plan(model(), 'glance, cinder-backup', 'dr', HOSTS, BEGAN)
    assert [(p['cluster'], p['entity']) for p in plan] == [('dr', 'client.glance'), ('dr', 'client.cinder-backup')]
