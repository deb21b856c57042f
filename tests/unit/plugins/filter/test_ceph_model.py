# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import re

import jinja2
import pytest
import yaml

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import FilterModule, ceph_model

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
FSID_DR = '0b8f2f5e-3d4c-4f3a-9a52-6f1f1c6c9e10'
FSID_EXT = '457eb676-33da-42ec-9a8c-9293d545c337'
UUID_A = 'b847ac99-0656-5a8d-aede-a851fa0fe693'
UUID_B = 'd0ea5d00-57e0-57c1-b080-d782a0394c56'
UUID_C = '5a1d6c0e-1f0e-4b7a-9d62-3c1c2b8d9e01'
KEY = 'AQBvaBFZAAAAABAA9VHgwCgQmXfJpPTd6hgG8Q=='

# Literal: what ceph_users creates today with its defaults. A deployment's users carry these caps.
TODAY_PROFILE = [
    {'name': 'client.glance', 'caps': {'mon': 'profile rbd', 'osd': 'profile rbd pool=images', 'mgr': 'profile rbd pool=images'}},
    {'name': 'client.cinder', 'caps': {
        'mon': 'profile rbd',
        'osd': 'profile rbd pool=volumes, profile rbd pool=vms, profile rbd-read-only pool=images',
        'mgr': 'profile rbd pool=volumes, profile rbd pool=vms'}},
    {'name': 'client.cinder-backup', 'caps': {'mon': 'profile rbd', 'osd': 'profile rbd pool=backups', 'mgr': 'profile rbd pool=backups'}},
]


# Literal: the capabilities 0.2's ceph_users role gave (its vars/main.yml), with its pool variables.
# The users of existing deployments carry these: the model must derive exactly the same.
CEPH_USERS_0_2 = """
__ceph_users_caps:
  profile:
    client.glance:
      mon: profile rbd
      osd: profile rbd pool={{ ceph_users_images_pool }}
      mgr: profile rbd pool={{ ceph_users_images_pool }}
    client.cinder:
      mon: profile rbd
      osd: >-
        profile rbd pool={{ ceph_users_volumes_pool }}, profile rbd pool={{ ceph_users_vms_pool }},
        profile rbd-read-only pool={{ ceph_users_images_pool }}
      mgr: profile rbd pool={{ ceph_users_volumes_pool }}, profile rbd pool={{ ceph_users_vms_pool }}
    client.cinder-backup:
      mon: profile rbd
      osd: profile rbd pool={{ ceph_users_backups_pool }}
      mgr: profile rbd pool={{ ceph_users_backups_pool }}
    client.nova:
      mon: profile rbd
      osd: profile rbd pool={{ ceph_users_vms_pool }}, profile rbd-read-only pool={{ ceph_users_images_pool }}
      mgr: profile rbd pool={{ ceph_users_vms_pool }}
  legacy:
    client.glance:
      mon: allow r
      osd: allow class-read object_prefix rbd_children, allow rwx pool={{ ceph_users_images_pool }}
    client.cinder:
      mon: allow r
      osd: >-
        allow class-read object_prefix rbd_children, allow rwx pool={{ ceph_users_volumes_pool }},
        allow rwx pool={{ ceph_users_vms_pool }}, allow rx pool={{ ceph_users_images_pool }}
    client.cinder-backup:
      mon: allow r
      osd: allow class-read object_prefix rbd_children, allow rwx pool={{ ceph_users_backups_pool }}
    client.nova:
      mon: allow r
      osd: >-
        allow class-read object_prefix rbd_children, allow rwx pool={{ ceph_users_vms_pool }},
        allow rx pool={{ ceph_users_images_pool }}
"""
CEPH_USERS_0_2_POOLS = {'ceph_users_images_pool': 'images', 'ceph_users_volumes_pool': 'volumes',
                        'ceph_users_vms_pool': 'vms', 'ceph_users_backups_pool': 'backups'}


def conf(fsid):
    """A minimal client configuration as ceph config generate-minimal-conf prints it."""
    return '# minimal ceph.conf for %s\n[global]\n\tfsid = %s\n\tmon_host = [v2:127.0.0.1:3300/0]\n' % (fsid, fsid)


def ceph_users_role_caps(style, **pools):
    """The caps 0.2's ceph_users role gave, rendered with its defaults (as Ansible would)."""
    caps = yaml.safe_load(CEPH_USERS_0_2)['__ceph_users_caps'][style]
    variables = dict(CEPH_USERS_0_2_POOLS)
    variables.update(pools)
    return dict((entity, dict((daemon, jinja2.Template(text).render(variables)) for daemon, text in spec.items()))
                for entity, spec in caps.items())


def model(**declaration):
    declaration.setdefault('nova', {'compute1': None})
    return ceph_model(declaration)


def fails(match, **declaration):
    declaration.setdefault('nova', {'compute1': None})
    with pytest.raises(AnsibleFilterError, match=match):
        ceph_model(declaration)


def test_registered_under_its_name():
    assert FilterModule().filters() == {'ceph_model': ceph_model}


# --- Defaults: today's behaviour ------------------------------------------------------------------

def test_defaults_are_todays_single_cluster():
    result = model()
    assert list(result['clusters']) == ['ceph']
    ceph = result['clusters']['ceph']
    assert ceph == {
        'name': 'ceph', 'mode': 'managed', 'admin_group': 'ceph_admin', 'admin_host': None, 'cli': {'cluster': 'ceph'},
        'fsid': None, 'mon_host': None, 'caps_style': 'profile',
        'pools': [{'name': p, 'application': 'rbd'} for p in ('images', 'volumes', 'vms', 'backups')],
        'users': TODAY_PROFILE,
        'entities': ['client.glance', 'client.cinder', 'client.cinder-backup'],
    }
    assert result['glance'] == {'layout': 'single', 'default': 'ceph', 'stores': [
        {'name': 'ceph', 'cluster': 'ceph', 'pool': 'images', 'entity': 'client.glance', 'user': 'glance', 'default': True}]}
    assert result['cinder'] == {
        'backends': [{'name': 'ceph', 'cluster': 'ceph', 'pool': 'volumes', 'entity': 'client.cinder', 'user': 'cinder',
                      'secret_uuid': None}],
        'backup': {'cluster': 'ceph', 'pool': 'backups', 'entity': 'client.cinder-backup', 'user': 'cinder-backup'}}
    assert result['nova'] == {'compute1': {'cluster': 'ceph', 'pool': 'vms', 'entity': 'client.cinder', 'user': 'cinder',
                                           'secret_uuid': None}}
    assert result['secrets'] == [{'cluster': 'ceph', 'entity': 'client.cinder', 'user': 'cinder', 'uuid': None, 'hosts': ['compute1']}]
    assert result['keyrings'] == {
        'glance': [{'cluster': 'ceph', 'entity': 'client.glance'}],
        'cinder_volume': [{'cluster': 'ceph', 'entity': 'client.cinder'}],
        'cinder_backup': [{'cluster': 'ceph', 'entity': 'client.cinder-backup'}, {'cluster': 'ceph', 'entity': 'client.cinder'}],
        'nova_compute': {'compute1': [{'cluster': 'ceph', 'entity': 'client.cinder'}]}}


def test_default_caps_are_exactly_the_ceph_users_roles():
    role = ceph_users_role_caps('profile')
    users = model()['clusters']['ceph']['users']
    assert [u['name'] for u in users] == ['client.glance', 'client.cinder', 'client.cinder-backup']
    for user in users:
        assert user['caps'] == role[user['name']], user['name']
    assert users == TODAY_PROFILE


def test_legacy_caps_are_exactly_the_ceph_users_roles():
    role = ceph_users_role_caps('legacy')
    users = model(clusters=[{'name': 'ceph', 'caps_style': 'legacy'}])['clusters']['ceph']['users']
    assert [u['name'] for u in users] == ['client.glance', 'client.cinder', 'client.cinder-backup']
    for user in users:
        assert user['caps'] == role[user['name']], user['name']
    osd = 'allow class-read object_prefix rbd_children, allow rwx pool=volumes, allow rwx pool=vms, allow rx pool=images'
    assert users[1]['caps'] == {'mon': 'allow r', 'osd': osd}


@pytest.mark.parametrize('style', ['profile', 'legacy'])
def test_a_separate_nova_user_gets_the_roles_client_nova_caps(style):
    # ceph_users_nova: true. client.cinder then needs no vms access (least privilege).
    role = ceph_users_role_caps(style)
    result = model(clusters=[{'name': 'ceph', 'caps_style': style}], nova={'compute1': {'user': 'nova'}})
    users = dict((u['name'], u['caps']) for u in result['clusters']['ceph']['users'])
    assert list(users) == ['client.glance', 'client.cinder', 'client.cinder-backup', 'client.nova']
    assert users['client.nova'] == role['client.nova']
    assert users['client.glance'] == role['client.glance']
    assert 'vms' not in users['client.cinder']['osd']
    assert result['keyrings']['nova_compute'] == {'compute1': [{'cluster': 'ceph', 'entity': 'client.nova'}]}
    assert [(s['entity'], s['hosts']) for s in result['secrets']] == [('client.cinder', ['compute1']), ('client.nova', ['compute1'])]


def test_renamed_pools_follow_the_role_variables():
    role = ceph_users_role_caps('profile', ceph_users_images_pool='glance-images', ceph_users_volumes_pool='cinder-volumes',
                                ceph_users_vms_pool='nova-vms', ceph_users_backups_pool='cinder-backups')
    result = model(glance_stores=[{'pool': 'glance-images'}], cinder_backends=[{'pool': 'cinder-volumes'}],
                   cinder_backup={'pool': 'cinder-backups'}, nova={'c1': {'pool': 'nova-vms'}, 'c2': {'pool': 'nova-vms'}})
    ceph = result['clusters']['ceph']
    assert [p['name'] for p in ceph['pools']] == ['glance-images', 'cinder-volumes', 'nova-vms', 'cinder-backups']
    for user in ceph['users']:
        assert user['caps'] == role[user['name']]


def test_none_means_not_set_except_for_cinder_backup():
    assert ceph_model({'clusters': None, 'glance_stores': None, 'cinder_backends': None, 'secret_uuids': None,
                       'nova': None, 'default_admin_group': None}) == ceph_model({})
    assert ceph_model({'cinder_backup': None})['cinder']['backup'] is None
    assert ceph_model({'cinder_backup': {}}) == ceph_model({})


def test_no_compute_host_no_vms_pool():
    ceph = ceph_model({})['clusters']['ceph']
    assert [p['name'] for p in ceph['pools']] == ['images', 'volumes', 'backups']
    assert ceph['users'][1]['caps']['osd'] == 'profile rbd pool=volumes, profile rbd-read-only pool=images'


def test_no_backup_no_backups_pool_and_no_user():
    ceph = model(cinder_backup=None)['clusters']['ceph']
    assert [p['name'] for p in ceph['pools']] == ['images', 'volumes', 'vms']
    assert [u['name'] for u in ceph['users']] == ['client.glance', 'client.cinder']
    assert model(cinder_backup=None)['keyrings']['cinder_backup'] == []


def test_users_given_as_entities_or_ids_are_the_same():
    a = model(glance_stores=[{'user': 'client.glance'}], cinder_backends=[{'user': 'client.cinder'}],
              cinder_backup={'user': 'client.cinder-backup'}, nova={'compute1': {'user': 'client.cinder'}})
    assert a == model()


def test_default_admin_group_follows_the_inventorys_group_name():
    assert model(default_admin_group='mons')['clusters']['ceph']['admin_group'] == 'mons'
    assert model(clusters=[{'name': 'ceph', 'admin_group': 'x'}], default_admin_group='mons')['clusters']['ceph']['admin_group'] == 'x'
    ceph = model(clusters=[{'name': 'ceph', 'admin_host': 'mon1'}])['clusters']['ceph']
    assert (ceph['admin_group'], ceph['admin_host']) == (None, 'mon1')


def test_cli_passes_through_with_the_cluster_name():
    cli = {'conf': '/etc/ceph/x.conf', 'user': 'admin', 'keyring': '/etc/ceph/x.keyring', 'cli_prefix': ['cephadm', 'shell', '--'],
           'connect_timeout': 10}
    result = model(clusters=[{'name': 'dr', 'cli': cli}])['clusters']['dr']['cli']
    assert result == dict(cli, cluster='dr')
    assert model(clusters=[{'name': 'dr', 'cli': {'cluster': 'ceph'}}])['clusters']['dr']['cli'] == {'cluster': 'ceph'}


def test_declared_pools_and_pool_defaults():
    clusters = [{'name': 'ceph', 'pool_defaults': {'application': 'rbd', 'size': 3},
                 'pools': ['images', {'name': 'volumes', 'size': 2, 'pg_num': 64}, 'vms', 'backups', {'name': 'old', 'state': 'absent'}]}]
    pools = model(clusters=clusters)['clusters']['ceph']['pools']
    assert pools == [{'name': 'images', 'application': 'rbd', 'size': 3},
                     {'name': 'volumes', 'application': 'rbd', 'size': 2, 'pg_num': 64},
                     {'name': 'vms', 'application': 'rbd', 'size': 3},
                     {'name': 'backups', 'application': 'rbd', 'size': 3},
                     {'name': 'old', 'application': 'rbd', 'size': 3, 'state': 'absent'}]


def test_user_overrides_and_extra_users():
    caps = {'mon': 'profile rbd', 'osd': 'profile rbd pool=volumes, profile rbd pool=vms, profile rbd pool=images'}
    extra = {'mon': 'allow r', 'osd': 'allow rwx pool=metrics'}
    users = model(clusters=[{'name': 'ceph', 'users': {'cinder': {'caps': caps}, 'client.gnocchi': {'caps': extra}}}])
    users = users['clusters']['ceph']['users']
    assert users[1] == {'name': 'client.cinder', 'caps': caps}
    assert users[3] == {'name': 'client.gnocchi', 'caps': extra}
    assert users[0] == TODAY_PROFILE[0] and users[2] == TODAY_PROFILE[2]


@pytest.mark.parametrize('osd', [
    'allow rwx', 'allow *', 'profile rbd', 'allow rwx pool volumes, allow rwx pool=vms',
    "allow rw pool='volumes'; allow class-read object_prefix rbd_children, allow rwx pool=\"vms\"",
    'allow rw tag rbd *=*', 'allow pool volumes rwx, allow pool vms rwx',
])
def test_overrides_that_grant_the_pools(osd):
    model(clusters=[{'name': 'ceph', 'users': {'cinder': {'caps': {'mon': 'profile rbd', 'osd': osd}}}}])


# --- Several clusters ------------------------------------------------------------------------------

TWO_CLUSTERS = dict(
    clusters=[{'name': 'ceph'}, {'name': 'dr', 'admin_group': 'ceph_admin_dr', 'cli': {'connect_timeout': 10}}],
    glance_stores=[{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr', 'pool': 'images-dr'}],
    cinder_backends=[{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr', 'pool': 'volumes-dr', 'options': {'rbd_max_clone_depth': 3}}],
    cinder_backup={'cluster': 'dr'},
    nova={'compute1': None, 'compute2': {'cluster': 'dr'}},
)


def test_two_clusters():
    result = ceph_model(copy.deepcopy(TWO_CLUSTERS))
    ceph, dr = result['clusters']['ceph'], result['clusters']['dr']
    assert (dr['mode'], dr['admin_group'], dr['cli']) == ('managed', 'ceph_admin_dr', {'connect_timeout': 10, 'cluster': 'dr'})
    assert [p['name'] for p in ceph['pools']] == ['images', 'volumes', 'vms']
    assert [p['name'] for p in dr['pools']] == ['images-dr', 'volumes-dr', 'vms', 'backups']
    assert ceph['users'] == [
        TODAY_PROFILE[0],
        {'name': 'client.cinder', 'caps': {'mon': 'profile rbd',
                                           'osd': 'profile rbd pool=volumes, profile rbd pool=vms, profile rbd-read-only pool=images',
                                           'mgr': 'profile rbd pool=volumes, profile rbd pool=vms'}}]
    assert dr['users'] == [
        {'name': 'client.glance', 'caps': {'mon': 'profile rbd', 'osd': 'profile rbd pool=images-dr', 'mgr': 'profile rbd pool=images-dr'}},
        {'name': 'client.cinder', 'caps': {'mon': 'profile rbd',
                                           'osd': 'profile rbd pool=volumes-dr, profile rbd pool=vms, profile rbd-read-only pool=images-dr',
                                           'mgr': 'profile rbd pool=volumes-dr, profile rbd pool=vms'}},
        TODAY_PROFILE[2]]
    assert ceph['entities'] == ['client.glance', 'client.cinder']
    assert dr['entities'] == ['client.glance', 'client.cinder', 'client.cinder-backup']
    assert result['glance']['layout'] == 'multi' and result['glance']['default'] == 'ceph'
    assert [s['default'] for s in result['glance']['stores']] == [True, False]
    assert result['cinder']['backends'][1] == {'name': 'dr', 'cluster': 'dr', 'pool': 'volumes-dr', 'entity': 'client.cinder',
                                               'user': 'cinder', 'secret_uuid': None, 'options': {'rbd_max_clone_depth': 3}}
    assert result['cinder']['backup']['cluster'] == 'dr'
    assert result['nova']['compute2']['cluster'] == 'dr'
    # Every compute needs both backends' secrets; compute2's Nova uses dr's one.
    assert result['secrets'] == [
        {'cluster': 'ceph', 'entity': 'client.cinder', 'user': 'cinder', 'uuid': None, 'hosts': ['compute1', 'compute2']},
        {'cluster': 'dr', 'entity': 'client.cinder', 'user': 'cinder', 'uuid': None, 'hosts': ['compute1', 'compute2']}]
    assert result['keyrings']['cinder_backup'] == [{'cluster': 'dr', 'entity': 'client.cinder-backup'},
                                                   {'cluster': 'ceph', 'entity': 'client.cinder'},
                                                   {'cluster': 'dr', 'entity': 'client.cinder'}]
    assert result['keyrings']['nova_compute'] == {'compute1': [{'cluster': 'ceph', 'entity': 'client.cinder'}],
                                                  'compute2': [{'cluster': 'dr', 'entity': 'client.cinder'}]}


def test_services_use_the_first_cluster_by_default():
    result = model(clusters=[{'name': 'prod'}])
    assert result['glance']['stores'][0]['cluster'] == 'prod'
    assert [p['name'] for p in result['clusters']['prod']['pools']] == ['images', 'volumes', 'vms', 'backups']
    assert result['clusters']['prod']['users'] == TODAY_PROFILE


def test_glance_default_store_can_be_chosen():
    result = ceph_model(dict(TWO_CLUSTERS, glance_stores=[{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr', 'default': True}]))
    assert result['glance']['default'] == 'dr'
    assert [s['default'] for s in result['glance']['stores']] == [False, True]


def test_one_user_for_several_services_gets_the_union():
    result = model(glance_stores=[{'user': 'openstack'}], cinder_backends=[{'user': 'openstack'}],
                   cinder_backup={'user': 'openstack'}, nova={'c1': {'user': 'openstack'}})
    assert result['clusters']['ceph']['users'] == [{'name': 'client.openstack', 'caps': {
        'mon': 'profile rbd',
        'osd': 'profile rbd pool=images, profile rbd pool=volumes, profile rbd pool=vms, profile rbd pool=backups',
        'mgr': 'profile rbd pool=images, profile rbd pool=volumes, profile rbd pool=vms, profile rbd pool=backups'}}]


def test_per_zone_nova_pools_on_one_cluster_are_ordered_by_host():
    nova = {'z2-c1': {'pool': 'vms-z2'}, 'z1-c1': {'pool': 'vms-z1'}, 'z1-c2': {'pool': 'vms-z1'}}
    users = model(nova=nova)['clusters']['ceph']['users']
    assert users[1]['caps']['mgr'] == 'profile rbd pool=volumes, profile rbd pool=vms-z1, profile rbd pool=vms-z2'


def test_external_cluster():
    result = ceph_model(dict(copy.deepcopy(TWO_CLUSTERS),
                             clusters=[{'name': 'ceph'}, {'name': 'dr', 'fsid': FSID_DR.upper(), 'mon_host': '192.0.2.10:6789'}]))
    dr = result['clusters']['dr']
    assert dr == {'name': 'dr', 'mode': 'external', 'admin_group': None, 'admin_host': None, 'cli': {}, 'fsid': FSID_DR,
                  'mon_host': '192.0.2.10:6789', 'caps_style': None, 'pools': [], 'users': [],
                  'entities': ['client.glance', 'client.cinder', 'client.cinder-backup']}
    assert [u['name'] for u in result['clusters']['ceph']['users']] == ['client.glance', 'client.cinder']


# --- Brownfield: pinned UUIDs ----------------------------------------------------------------------

def test_brownfield_pins():
    declaration = dict(copy.deepcopy(TWO_CLUSTERS), secret_uuids=[
        {'cluster': 'ceph', 'user': 'cinder', 'uuid': UUID_A.upper()},
        {'cluster': 'dr', 'user': 'client.cinder', 'uuid': UUID_B}])
    result = ceph_model(declaration)
    assert [(s['cluster'], s['uuid']) for s in result['secrets']] == [('ceph', UUID_A), ('dr', UUID_B)]
    assert [b['secret_uuid'] for b in result['cinder']['backends']] == [UUID_A, UUID_B]
    assert result['nova']['compute1']['secret_uuid'] == UUID_A
    assert result['nova']['compute2']['secret_uuid'] == UUID_B


def test_a_backends_pin_also_names_novas_secret():
    result = model(cinder_backends=[{'secret_uuid': UUID_C}], secret_uuids=[{'user': 'cinder', 'uuid': UUID_C}])
    assert result['nova']['compute1']['secret_uuid'] == UUID_C
    assert result['secrets'][0]['uuid'] == UUID_C
    assert model(nova={'compute1': {'secret_uuid': UUID_C}})['cinder']['backends'][0]['secret_uuid'] == UUID_C
    assert model(cinder_backends=[{'secret_uuid': ''}])['cinder']['backends'][0]['secret_uuid'] is None


# --- Keys never pass -------------------------------------------------------------------------------

@pytest.mark.parametrize('declaration', [
    dict(clusters=[{'name': 'ceph', 'fsid': FSID_EXT, 'mon_host': 'm', 'keys': {'client.cinder': KEY}}]),
    dict(clusters=[{'name': 'ceph', 'users': {'client.x': {'caps': {'mon': 'allow r'}, 'secret': KEY}}}]),
    dict(cinder_backends=[{'name': 'ceph', 'key': KEY}]),
    dict(glance_stores=[{'name': 'ceph', 'secret': KEY}]),
    dict(cinder_backup={'keys': {'client.cinder-backup': KEY}}),
    dict(nova={'compute1': {'key': KEY}}),
    dict(secret_uuids=[{'user': 'cinder', 'uuid': UUID_A, 'secret': KEY}]),
    dict(clusters=[{'name': 'ceph', 'users': {'client.x': {'caps': {'mon': 'allow r'}, 'secret': KEY + '\n'}}}]),
])
def test_a_key_anywhere_is_refused_without_being_shown(declaration):
    with pytest.raises(AnsibleFilterError) as error:
        ceph_model(declaration)
    assert KEY not in str(error.value)
    assert re.search(r'never carries cephx keys|control characters', str(error.value))


def test_no_key_in_any_output():
    for declaration in (model(), ceph_model(copy.deepcopy(TWO_CLUSTERS))):
        text = json.dumps(declaration)
        assert 'AQ' not in text
        assert not re.search(r'"(key|keys|secret)"', text)


def test_the_input_is_not_changed():
    declaration = copy.deepcopy(TWO_CLUSTERS)
    ceph_model(declaration)
    assert declaration == TWO_CLUSTERS


# --- Refused declarations --------------------------------------------------------------------------

@pytest.mark.parametrize('declaration, message', [
    # Services naming clusters that do not exist.
    (dict(TWO_CLUSTERS, cinder_backends=[{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr2'}]),
     r"^openstack_ceph_cinder_backends\[1\] \(dr\): cluster 'dr2' is not declared in openstack_ceph_clusters \(declared: ceph, dr\)\.$"),
    (dict(glance_stores=[{'cluster': 'dr'}]), r"^openstack_ceph_glance_stores\[0\] \(ceph\): cluster 'dr' is not declared"),
    (dict(cinder_backup={'cluster': 'dr'}), r"^openstack_ceph_cinder_backup: cluster 'dr' is not declared"),
    (dict(nova={'compute1': None, 'compute7': {'cluster': 'dr'}}), r"^openstack_ceph_nova \(host compute7\): cluster 'dr' is not declared"),
    (dict(secret_uuids=[{'cluster': 'dr', 'user': 'cinder', 'uuid': UUID_A}]),
     r"^openstack_ceph_secret_uuids\[0\]: cluster 'dr' is not declared"),
    # Clusters.
    (dict(clusters=[{'name': 'ceph'}, {'name': 'ceph', 'admin_host': 'x'}]),
     r"^openstack_ceph_clusters\[1\] \(ceph\): the cluster name 'ceph' is declared twice"),
    (dict(clusters=[{'name': 'a', 'fsid': FSID_EXT, 'mon_host': 'm'}, {'name': 'b', 'fsid': FSID_EXT.upper(), 'mon_host': 'n'}]),
     r"^openstack_ceph_clusters\[1\] \(b\): fsid 457eb676-33da-42ec-9a8c-9293d545c337 is also the fsid of cluster 'a'"),
    (dict(clusters=[]), r'^openstack_ceph_clusters must declare at least one cluster'),
    (dict(clusters={'name': 'ceph'}), r'^openstack_ceph_clusters must be a list, got dict'),
    (dict(clusters=['ceph']), r"^openstack_ceph_clusters\[0\] must be a dictionary, got 'ceph'"),
    (dict(clusters=[{'name': 'ceph\n'}]), r"^openstack_ceph_clusters\[0\]\.name must not contain control characters"),
    (dict(clusters=[{'name': '1ceph'}]), r"^openstack_ceph_clusters\[0\] \(1ceph\): name '1ceph' is not a valid Ceph cluster name"),
    (dict(clusters=[{'name': 'a/b'}]), r"^openstack_ceph_clusters\[0\] \(a/b\): name 'a/b' is not a valid Ceph cluster name"),
    (dict(clusters=[{'name': 'x' * 65}]), r"is not a valid Ceph cluster name"),
    (dict(clusters=[{}]), r"^openstack_ceph_clusters\[0\]: name None is not a valid Ceph cluster name"),
    (dict(clusters=[{'name': 'ceph', 'admin_grup': 'x'}]), r"^openstack_ceph_clusters\[0\] \(ceph\): unknown keys 'admin_grup'"),
    (dict(clusters=[{'name': 'ceph', 'admin_group': 'a', 'admin_host': 'b'}]), r'give admin_group or admin_host, not both'),
    (dict(clusters=[{'name': 'ceph', 'admin_host': 'a b'}]), r"admin_host must be an inventory host name, got 'a b'"),
    (dict(clusters=[{'name': 'ceph', 'admin_group': ''}]), r"admin_group must be an inventory group name, got ''"),
    (dict(default_admin_group=''), r"^openstack_ceph_group_admin must be an inventory group name"),
    (dict(clusters=[{'name': 'ceph', 'cli': ['--conf']}]), r"^openstack_ceph_clusters\[0\] \(ceph\): cli must be a dictionary"),
    (dict(clusters=[{'name': 'ceph', 'caps_style': 'new'}]), r"caps_style must be 'profile' or 'legacy', got 'new'"),
    (dict(clusters=[{'name': 'ceph', 'pool_defaults': {'name': 'x'}}]), r'pool_defaults must be a dictionary of ceph_pool options other than name'),
    (dict(clusters=[{'name': 'ceph', 'fsid': FSID_EXT}]), r'an external cluster needs both fsid and mon_host \(got only fsid\)'),
    (dict(clusters=[{'name': 'ceph', 'mon_host': 'm'}]), r'an external cluster needs both fsid and mon_host \(got only mon_host\)'),
    (dict(clusters=[{'name': 'ceph', 'fsid': 'nope', 'mon_host': 'm'}]), r"fsid must be a UUID .*, got 'nope'"),
    (dict(clusters=[{'name': 'ceph', 'fsid': FSID_EXT + '\n', 'mon_host': 'm'}]), r'^openstack_ceph_clusters\[0\]\.fsid must not contain control'),
    (dict(clusters=[{'name': 'ceph', 'fsid': FSID_EXT, 'mon_host': ' '}]), r"mon_host must be the monitors' addresses"),
    (dict(clusters=[{'name': 'ceph', 'fsid': FSID_EXT, 'mon_host': 'm', 'pools': ['images']}]),
     r'^openstack_ceph_clusters\[0\] \(ceph\): pools only apply to a managed cluster, and this one is external'),
    (dict(clusters=[{'name': 'ceph', 'fsid': FSID_EXT, 'mon_host': 'm', 'admin_group': 'g', 'users': {}}]),
     r'admin_group, users only apply to a managed cluster'),
    # Pools.
    (dict(clusters=[{'name': 'ceph', 'pools': 'images'}]), r'pools must be a list of pool names'),
    (dict(clusters=[{'name': 'ceph', 'pools': ['images', {'size': 3}]}]),
     r"^openstack_ceph_clusters\[0\] \(ceph\): pools\[1\] must be a pool name or a dictionary with name"),
    (dict(clusters=[{'name': 'ceph', 'pools': ['images', 'bad pool']}]),
     r"^openstack_ceph_clusters\[0\] \(ceph\): pools\[1\]: name 'bad pool' is not a valid pool name"),
    (dict(clusters=[{'name': 'ceph', 'pools': ['images', 'images']}]), r"pools\[1\] \(images\): the pool is listed twice"),
    (dict(clusters=[{'name': 'ceph', 'pools': ['images', 'volumes', 'backups']}]),
     r"^openstack_ceph_nova \(host compute1\): pool 'vms' is not in the pools of cluster 'ceph' \(openstack_ceph_clusters\[0\] \(ceph\): pools\)"),
    (dict(clusters=[{'name': 'ceph', 'pools': ['images', 'volumes', 'vms', {'name': 'backups', 'state': 'absent'}]}]),
     r"^openstack_ceph_cinder_backup: pool 'backups' is used by a service, and .* gives it state 'absent'"),
    (dict(cinder_backends=[{'pool': 'vol\tumes'}]), r"^openstack_ceph_cinder_backends\[0\]\.pool must not contain control characters"),
    (dict(cinder_backends=[{'pool': '.volumes'}]), r"^openstack_ceph_cinder_backends\[0\] \(ceph\): pool '.volumes' is not a valid pool name"),
    (dict(glance_stores=[{'pool': ''}]), r"pool '' is not a valid pool name"),
    (dict(nova={'compute1': {'pool': None}}), r"^openstack_ceph_nova \(host compute1\): pool None is not a valid pool name"),
    # Users.
    (dict(cinder_backends=[{'user': 'cin der'}]), r"^openstack_ceph_cinder_backends\[0\] \(ceph\): user 'cin der' is not a valid cephx user"),
    (dict(cinder_backup={'user': 'client.'}), r"^openstack_ceph_cinder_backup: user 'client.' is not a valid cephx user"),
    (dict(nova={'compute1': {'user': ''}}), r"user must be a cephx user such as cinder or client.cinder, got ''"),
    (dict(secret_uuids=[{'user': 'a/b', 'uuid': UUID_A}]), r"^openstack_ceph_secret_uuids\[0\]: user 'a/b' is not a valid cephx user"),
    (dict(clusters=[{'name': 'ceph', 'users': []}]), r'users must be a dictionary, user to \{caps'),
    (dict(clusters=[{'name': 'ceph', 'users': {'cinder': {'caps': {'osd': 'allow rwx'}}, 'client.cinder': {'caps': {'osd': 'allow rwx'}}}}]),
     r'users.client.cinder: client.cinder is given twice'),
    (dict(clusters=[{'name': 'ceph', 'users': {'x': {'caps': {'mon': 'allow r'}, 'state': 'absent'}}}]),
     r"users.x takes caps only .*, got keys 'caps', 'state'"),
    (dict(clusters=[{'name': 'ceph', 'users': {'x': {}}}]), r'users.x takes caps only .*, got keys none'),
    (dict(clusters=[{'name': 'ceph', 'users': {'x': {'caps': {}}}}]), r'users.x: caps must be a dictionary such as'),
    (dict(clusters=[{'name': 'ceph', 'users': {'x': {'caps': {'osds': 'allow r'}}}}]),
     r"users.x: caps must map mon, osd, mgr, mds to capability strings, got 'osds'"),
    (dict(clusters=[{'name': 'ceph', 'users': {'x': {'caps': {'osd': ['allow r']}}}}]), r'caps must map mon, osd, mgr, mds to capability strings'),
    (dict(clusters=[{'name': 'ceph', 'users': {'x': 'allow r'}}]), r'users.x must be a dictionary with caps'),
    # An override that leaves a service without its pool.
    (dict(clusters=[{'name': 'ceph', 'users': {'cinder': {'caps': {'mon': 'profile rbd', 'osd': 'profile rbd pool=volumes'}}}}]),
     r"^openstack_ceph_nova \(host compute1\): client.cinder is given pool 'vms' on cluster 'ceph', but openstack_ceph_clusters\[0\] "
     r"\(ceph\): users.cinder replaces its capabilities with osd caps that grant no write access to that pool"),
    (dict(clusters=[{'name': 'ceph', 'users': {'client.glance': {'caps': {'mon': 'profile rbd', 'osd': 'profile rbd-read-only pool=images'}}}}]),
     r"^openstack_ceph_glance_stores\[0\] \(ceph\): client.glance is given pool 'images'"),
    (dict(clusters=[{'name': 'ceph', 'users': {'cinder-backup': {'caps': {'mon': 'allow r', 'osd': 'allow r pool=backups, allow rx'}}}}]),
     r"^openstack_ceph_cinder_backup: client.cinder-backup is given pool 'backups'"),
    (dict(clusters=[{'name': 'ceph', 'users': {'cinder-backup': {'caps': {'mon': 'allow r'}}}}]), r"osd: ''"),
    (dict(clusters=[{'name': 'ceph', 'users': {'cinder-backup': {'caps': {'osd': 'allow rwx namespace=ns'}}}}]), r'grant no write access'),
    (dict(clusters=[{'name': 'ceph', 'users': {'cinder-backup': {'caps': {'osd': 'allow rwx pool=backups2'}}}}]), r'grant no write access'),
    (dict(clusters=[{'name': 'ceph', 'users': {'cinder-backup': {'caps': {'osd': 'profile rbd-read-only'}}}}]), r'grant no write access'),
    # Cinder backends.
    (dict(cinder_backends=[{'name': 'a'}, {'name': 'b'}, {'name': 'a', 'pool': 'v2'}]),
     r"^openstack_ceph_cinder_backends\[2\] \(a\): the backend name 'a' is used twice in openstack_ceph_cinder_backends\.$"),
    (dict(cinder_backends=[{'name': 'ceph'}, {}]), r"^openstack_ceph_cinder_backends\[1\] \(ceph\): the backend name 'ceph' is used twice"),
    (dict(cinder_backends=[{'name': 'DEFAULT'}]), r"^openstack_ceph_cinder_backends\[0\] \(DEFAULT\): name 'DEFAULT' is not a valid Cinder backend name"),
    (dict(cinder_backends=[{'name': 'backend_defaults'}]), r"name 'backend_defaults' is not a valid Cinder backend name"),
    (dict(cinder_backends=[{'name': 'a b'}]), r"name 'a b' is not a valid Cinder backend name"),
    (dict(cinder_backends=[{'name': 'ceph', 'cluster_name': 'dr'}]),
     r"^openstack_ceph_cinder_backends\[0\] \(ceph\): cluster_name is not taken here; give cluster"),
    (dict(cinder_backends=[{'name': 'ceph', 'fsid': FSID_EXT}]), r'fsid is not taken here'),
    (dict(cinder_backends=[{'name': 'ceph', 'ceph_conf': '/etc/ceph/dr.conf'}]), r'ceph_conf is not taken here'),
    (dict(cinder_backends=[{'name': 'ceph', 'secret_uuid': 'x'}]), r"^openstack_ceph_cinder_backends\[0\] \(ceph\): secret_uuid must be a UUID"),
    (dict(cinder_backends='ceph'), r'^openstack_ceph_cinder_backends must be a list, got str'),
    (dict(cinder_backup='ceph'), r'^openstack_ceph_cinder_backup must be a dictionary .* or null'),
    # Glance stores.
    (dict(glance_stores=[{'name': 'a'}, {'name': 'a', 'cluster': 'ceph'}]),
     r"^openstack_ceph_glance_stores\[1\] \(a\): the store name 'a' is used twice in openstack_ceph_glance_stores\.$"),
    (dict(glance_stores=[{'name': 'a', 'default': True}, {'name': 'b', 'default': True}]),
     r"^openstack_ceph_glance_stores\[1\] \(b\): only one store can be the default, and 'a' already is\.$"),
    (dict(glance_stores=[{'name': 'a', 'default': 'perhaps'}]), r"default must be true or false, got 'perhaps'"),
    (dict(glance_stores=[{'name': 'glance_store'}]), r"name 'glance_store' is not a valid Glance store name"),
    (dict(glance_stores=[{'name': 'os_glance_staging_store'}]), r'is not a valid Glance store name'),
    (dict(glance_stores=[{'name': 'a.b'}]), r'is not a valid Glance store name'),
    # Nova.
    (dict(nova=['compute1']), r'^openstack_ceph_nova: the filter takes a dictionary, compute host to its openstack_ceph_nova, got list'),
    (dict(nova={'compute1': 'vms'}), r"^openstack_ceph_nova \(host compute1\) must be a dictionary"),
    (dict(nova={'compute1': {'name': 'x'}}), r'name is not taken here'),
    (dict(nova={'compute1': {'secret_uuid': 'nope'}}), r"^openstack_ceph_nova \(host compute1\): secret_uuid must be a UUID"),
    # Pinned UUIDs.
    (dict(TWO_CLUSTERS, secret_uuids=[{'cluster': 'ceph', 'user': 'cinder', 'uuid': UUID_A}, {'cluster': 'dr', 'user': 'cinder', 'uuid': UUID_A}]),
     r"^openstack_ceph_secret_uuids\[1\]: secret UUID b847ac99-0656-5a8d-aede-a851fa0fe693 is pinned for client.cinder on cluster 'dr' and, "
     r"by openstack_ceph_secret_uuids\[0\], for client.cinder on cluster 'ceph': a UUID names one libvirt secret\.$"),
    (dict(nova={'compute1': {'user': 'nova', 'secret_uuid': UUID_A}}, cinder_backends=[{'secret_uuid': UUID_A.upper()}]),
     r"^openstack_ceph_nova \(host compute1\): secret UUID .* is pinned for client.nova on cluster 'ceph' and, by "
     r"openstack_ceph_cinder_backends\[0\] \(ceph\), for client.cinder"),
    (dict(secret_uuids=[{'user': 'cinder', 'uuid': UUID_A}, {'user': 'cinder', 'uuid': UUID_B}]),
     r"^openstack_ceph_secret_uuids\[1\]: secret UUID d0ea5d00-57e0-57c1-b080-d782a0394c56 for client.cinder on cluster 'ceph' differs from "
     r"b847ac99-0656-5a8d-aede-a851fa0fe693 given by openstack_ceph_secret_uuids\[0\]"),
    (dict(cinder_backends=[{'secret_uuid': UUID_A}], secret_uuids=[{'user': 'cinder', 'uuid': UUID_B}]),
     r'^openstack_ceph_secret_uuids\[0\]: secret UUID .* differs from .* given by openstack_ceph_cinder_backends\[0\] \(ceph\)'),
    (dict(secret_uuids=[{'user': 'glance', 'uuid': UUID_A}]),
     r"^openstack_ceph_secret_uuids\[0\]: no compute node needs a libvirt secret for client.glance on cluster 'ceph'"),
    (dict(secret_uuids=[{'user': 'cinder-backup', 'uuid': UUID_A}]), r'the pin is for a pair nothing uses'),
    (dict(secret_uuids=[{'user': 'cinder', 'uuid': 'nope'}]), r"^openstack_ceph_secret_uuids\[0\]: uuid must be a UUID"),
    (dict(secret_uuids=[{'user': 'cinder'}]), r"^openstack_ceph_secret_uuids\[0\] must be \{cluster, user, uuid\}, got keys 'user'"),
    (dict(secret_uuids=[{'user': 'cinder', 'uuid': UUID_A, 'usage': 'x'}]), r'must be \{cluster, user, uuid\}'),
    # The input itself.
    (dict(clusters=[{'name': 'ceph', 'cli': {'conf\n': 'x'}}]), r'^openstack_ceph_clusters\[0\]\.cli: a key must not contain control characters'),
    (dict(glance_stores=[{'name': 'ceph', 'options': {'x': ['a\x00']}}]), r'^openstack_ceph_glance_stores\[0\]\.options\.x\[0\] must not contain control'),
    (dict(nova={'compute1\n': None}), r'^openstack_ceph_nova: a key must not contain control characters'),
    (dict(storage=[]), r"^ceph_model: unknown keys 'storage'"),
])
def test_refused(declaration, message):
    fails(message, **copy.deepcopy(declaration))


def test_the_input_must_be_a_dictionary():
    for value in (None, [], 'ceph'):
        with pytest.raises(AnsibleFilterError, match='the input must be a dictionary'):
            ceph_model(value)


def test_control_characters_are_refused_without_showing_the_value():
    with pytest.raises(AnsibleFilterError) as error:
        model(clusters=[{'name': 'ceph', 'cli': {'keyring': '/etc/ceph/x\nAQB'}}])
    assert 'AQB' not in str(error.value)
    assert str(error.value).startswith('openstack_ceph_clusters[0].cli.keyring must not contain control characters')


# --- With what was read: configurations (fsids) and admin hosts ----------------------------------------------------

def test_derived_secret_uuids_are_the_ones_deployments_carry():
    """Not pinned, a secret's UUID is derived from the cluster's fsid and the user as 0.1 and 0.2 derived
    it: pinned literals, so a change of derivation (which would define every existing secret again under
    a new UUID) fails here."""
    result = ceph_model({'cinder_backends': [{'name': 'ceph'}, {'name': 'nova-user', 'user': 'nova'}],
                         'nova': {'compute1': None}}, confs={'ceph': conf(FSID_EXT)})
    assert result['clusters']['ceph']['fsid'] == FSID_EXT
    assert [b['secret_uuid'] for b in result['cinder']['backends']] == [UUID_A, UUID_B]
    assert result['nova']['compute1']['secret_uuid'] == UUID_A
    assert [(s['entity'], s['uuid']) for s in result['secrets']] == [('client.cinder', UUID_A), ('client.nova', UUID_B)]


def test_a_pin_wins_over_the_derived_uuid():
    result = ceph_model({'nova': {'compute1': {'secret_uuid': UUID_C}}}, confs={'ceph': conf(FSID_EXT)})
    assert result['nova']['compute1']['secret_uuid'] == UUID_C
    assert result['cinder']['backends'][0]['secret_uuid'] == UUID_C


def test_an_external_clusters_uuid_is_derived_from_its_given_fsid():
    result = ceph_model({'clusters': [{'name': 'ext', 'fsid': FSID_EXT, 'mon_host': '192.0.2.10:6789'}],
                         'nova': {'compute1': None}})
    assert result['nova']['compute1']['secret_uuid'] == UUID_A


def test_two_managed_clusters_with_one_fsid_are_refused():
    with pytest.raises(AnsibleFilterError, match=r"openstack_ceph_clusters\[1\] \(dr\): cluster 'dr' has fsid .* as cluster 'ceph'"):
        ceph_model(copy.deepcopy(TWO_CLUSTERS), confs={'ceph': conf(FSID_DR), 'dr': conf(FSID_DR.upper())})


def test_confs_only_for_managed_clusters_and_with_an_fsid():
    with pytest.raises(AnsibleFilterError, match="confs names 'nope'"):
        ceph_model({'nova': {}}, confs={'nope': conf(FSID_DR)})
    with pytest.raises(AnsibleFilterError, match='must be a UUID'):
        ceph_model({'nova': {}}, confs={'ceph': conf('not-a-uuid')})
    with pytest.raises(AnsibleFilterError, match="configuration read from cluster 'ceph' has no fsid line"):
        ceph_model({'nova': {}}, confs={'ceph': '[global]\nmon_host = 127.0.0.1\n'})


def test_admin_hosts_from_the_inventory_groups():
    declaration = dict(copy.deepcopy(TWO_CLUSTERS))
    declaration['clusters'] = [{'name': 'ceph'}, {'name': 'dr', 'admin_host': 'mon-dr-1'}]
    result = ceph_model(declaration, groups={'ceph_admin': ['mon1', 'mon2'], 'all': ['mon1']})
    assert result['clusters']['ceph']['admin_host'] == 'mon1'
    assert result['clusters']['dr']['admin_host'] == 'mon-dr-1'
    with pytest.raises(AnsibleFilterError, match=r"openstack_ceph_clusters\[0\] \(ceph\): no host in group 'ceph_admin'"):
        ceph_model(declaration, groups={'ceph_admin': []})
    with pytest.raises(AnsibleFilterError, match=r"no host in group 'ceph_admin'"):
        ceph_model(declaration, groups={})
