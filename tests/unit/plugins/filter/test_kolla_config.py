# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""kolla_config: what kolla-ansible's external Ceph support is given, from the model."""

from __future__ import absolute_import, division, print_function

import copy

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import ceph_model
from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_node import ceph_node
from ansible_collections.openstack_ceph.rbd.plugins.filter.kolla_config import FilterModule, kolla_config

FSID = '457eb676-33da-42ec-9a8c-9293d545c337'
FSID_DR = '0b8f2f5e-3d4c-4f3a-9a52-6f1f1c6c9e10'
# As ceph config generate-minimal-conf writes it: options indented with a tab.
CONF = '# minimal ceph.conf for %s\n[global]\n\tfsid = %s\n\tmon_host = [v2:127.0.0.1:3300/0]\n' % (FSID, FSID)
CONF_DR = '[global]\n\tfsid = %s\n\tmon_host = [v2:127.0.0.1:3301/0]\n' % FSID_DR
CONFS = {'ceph': CONF, 'dr': CONF_DR}
KEYS = {'ceph': {'client.glance': 'KG', 'client.cinder': 'KC', 'client.cinder-backup': 'KB', 'client.nova': 'KN'},
        'dr': {'client.glance': 'DG', 'client.cinder': 'DC', 'client.cinder-backup': 'DB'}}
D = '/etc/kolla/config'


def confs_of(declaration):
    names = [c['name'] for c in declaration.get('clusters') or [{'name': 'ceph'}]]
    return dict((n, CONFS[n]) for n in names)


def given(declaration):
    confs = confs_of(declaration)
    model = ceph_model(copy.deepcopy(declaration), confs=confs)
    return kolla_config(model, ceph_node(model, 'deploy', ['deploy'], confs, KEYS), D + '/')


def one(declaration):
    model = ceph_model(declaration, confs={'ceph': CONF})
    return model, kolla_config(model, ceph_node(model, 'deploy', ['deploy'], {'ceph': CONF}, KEYS), D)


def by_path(items):
    return dict((i['path'], i) for i in items)


def test_registered_under_its_name():
    assert FilterModule().filters() == {'kolla_config': kolla_config}


def test_one_cluster_gives_each_service_its_files_named_as_kolla_ansible_reads_them():
    out = given({'nova': {'c1': None, 'c2': None}})
    assert out['services'] == ['glance-api', 'cinder-volume', 'cinder-backup', 'nova-compute']
    assert out['cannot'] == []
    keyrings = dict((i['path'], (i['entity'], i['key'])) for i in out['keyrings'])
    assert keyrings == {
        D + '/glance/ceph.client.glance.keyring': ('client.glance', 'KG'),
        D + '/cinder/cinder-volume/ceph.client.cinder.keyring': ('client.cinder', 'KC'),
        D + '/cinder/cinder-backup/ceph.client.cinder.keyring': ('client.cinder', 'KC'),
        D + '/cinder/cinder-backup/ceph.client.cinder-backup.keyring': ('client.cinder-backup', 'KB'),
        D + '/nova/ceph.client.cinder.keyring': ('client.cinder', 'KC')}
    confs = by_path(out['confs'])
    assert sorted(confs) == [D + '/cinder/ceph.conf', D + '/glance/ceph.conf', D + '/nova/ceph.conf']
    # No indentation: kolla-ansible's INI merge would keep the tabs.
    assert confs[D + '/glance/ceph.conf']['content'] == (
        '# minimal ceph.conf for %s\n[global]\nfsid = %s\nmon_host = [v2:127.0.0.1:3300/0]\n' % (FSID, FSID))
    assert out['dirs'] == [D + '/glance', D + '/cinder', D + '/cinder/cinder-volume', D + '/cinder/cinder-backup', D + '/nova']


def test_one_cluster_gives_the_variables_that_name_pools_users_and_the_models_secret():
    model, out = one({'nova': {'c1': None}})
    uuid = model['secrets'][0]['uuid']
    assert uuid and model['cinder']['backends'][0]['secret_uuid'] == uuid
    assert out['vars'] == {
        'glance_backend_ceph': True,
        'glance_ceph_backends': [{'name': 'ceph', 'type': 'rbd', 'cluster': 'ceph', 'pool': 'images', 'user': 'glance',
                                  'enabled': True}],
        'cinder_backend_ceph': True,
        'cinder_ceph_backends': [{'name': 'ceph', 'backend_name': 'ceph', 'cluster': 'ceph', 'pool': 'volumes',
                                  'user': 'cinder', 'enabled': True}],
        'cinder_backup_driver': 'ceph',
        'cinder_backup_ceph_backend': {'name': 'backup', 'cluster': 'ceph', 'pool': 'backups', 'user': 'cinder-backup'},
        'nova_backend_ceph': True,
        'nova_cell_ceph_backend': {'cluster': 'ceph', 'vms': {'user': 'cinder', 'pool': 'vms'},
                                   'volumes': {'user': 'cinder', 'pool': 'volumes'}},
        'cinder_rbd_secret_uuid': uuid}
    # kolla-ansible defines a secret per UUID: with one user, Nova's keeps the UUID of passwords.yml.
    assert 'rbd_secret_uuid' not in out['vars']
    assert any('rbd_secret_uuid (in passwords.yml)' in n for n in out['notes'])


def test_nova_with_its_own_user_names_both_secrets():
    model, out = one({'nova': {'c1': {'user': 'nova'}}})
    uuids = dict((s['entity'], s['uuid']) for s in model['secrets'])
    assert out['vars']['rbd_secret_uuid'] == uuids['client.nova']
    assert out['vars']['cinder_rbd_secret_uuid'] == uuids['client.cinder']
    assert out['vars']['nova_cell_ceph_backend']['vms'] == {'user': 'nova', 'pool': 'vms'}
    assert {D + '/nova/ceph.client.nova.keyring', D + '/nova/ceph.client.cinder.keyring'} <= set(by_path(out['keyrings']))


def test_two_clusters_write_what_kolla_ansible_can_express_and_say_what_it_cannot():
    out = given({'clusters': [{'name': 'ceph'}, {'name': 'dr'}],
                 'glance_stores': [{'name': 'dr', 'cluster': 'dr'}, {'name': 'ceph', 'default': True}],
                 'cinder_backends': [{'name': 'ceph'}, {'name': 'ceph-dr', 'cluster': 'dr'}],
                 'cinder_backup': {'cluster': 'dr'},
                 'nova': {'c1': None}})
    # The default store first: kolla-ansible's default is the first of glance_ceph_backends.
    assert [s['name'] for s in out['vars']['glance_ceph_backends']] == ['ceph', 'dr']
    assert [b['cluster'] for b in out['vars']['cinder_ceph_backends']] == ['ceph', 'dr']
    assert out['vars']['cinder_backup_ceph_backend']['cluster'] == 'dr'
    # cinder-backup reads every backend's keyring as well as its own.
    assert sorted(p.rsplit('/', 1)[1] for p in by_path(out['keyrings']) if '/cinder-backup/' in p) == [
        'ceph.client.cinder.keyring', 'dr.client.cinder-backup.keyring', 'dr.client.cinder.keyring']
    assert D + '/cinder/dr.conf' in by_path(out['confs'])
    assert out['cannot'] == [
        'Cinder backend ceph-dr (client.cinder on cluster dr): kolla-ansible writes cinder_rbd_secret_uuid into every '
        'backend and defines that secret with the key of client.cinder on cluster ceph, so Nova cannot attach this '
        "backend's volumes."]
    assert 'nova-compute' in out['services']


def test_compute_hosts_with_different_nova_settings_get_no_nova_files():
    out = given({'clusters': [{'name': 'ceph'}, {'name': 'dr'}],
                 'cinder_backends': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}],
                 'nova': {'c1': None, 'c2': None, 'c3': {'cluster': 'dr'}}})
    assert 'nova-compute' not in out['services']
    assert not [p for p in by_path(out['keyrings']) if '/nova/' in p]
    assert not set(out['vars']) & {'nova_backend_ceph', 'nova_cell_ceph_backend', 'cinder_rbd_secret_uuid'}
    assert out['cannot'] == [
        'Nova: the compute hosts have different settings: c1, c2 (pool vms of cluster ceph as client.cinder); c3 (pool '
        'vms of cluster dr as client.cinder). kolla-ansible takes one nova_cell_ceph_backend for every host from '
        'globals.d, so no Nova file or variable is written.']


def test_no_cinder_backend_on_novas_cluster_gives_no_nova_files():
    out = given({'clusters': [{'name': 'ceph'}, {'name': 'dr'}],
                 'cinder_backends': [{'name': 'dr', 'cluster': 'dr'}],
                 'nova': {'c1': None}})
    assert 'nova-compute' not in out['services']
    assert out['cannot'] == [
        "Nova: no Cinder backend is on Nova's cluster ceph. kolla-ansible defines the libvirt secret of volumes "
        '(cinder_rbd_secret_uuid) from a keyring of that cluster, so no Nova file or variable is written.']


def test_no_backup_and_no_compute_are_said():
    out = given({'cinder_backup': None, 'nova': {}})
    assert out['services'] == ['glance-api', 'cinder-volume']
    assert 'cinder_backup_driver' not in out['vars']
    assert [n.split(' ')[0] for n in out['notes']] == ['cinder-backup', 'No']


def test_a_nodes_inputs_that_are_not_the_deploy_kinds_are_refused():
    model = ceph_model({'nova': {'c1': None}}, confs={'ceph': CONF})
    node = ceph_node(model, 'c1', ['nova_compute'], {'ceph': CONF}, KEYS)
    with pytest.raises(AnsibleFilterError, match=r'ceph_node with the kinds \[deploy\]'):
        kolla_config(model, node, D)
