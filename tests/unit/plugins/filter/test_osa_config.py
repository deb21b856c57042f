# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""osa_config: what OpenStack-Ansible's ceph_client (keys from files) and service roles are given, from the model."""

from __future__ import absolute_import, division, print_function

import copy

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import ceph_model
from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_node import ceph_node
from ansible_collections.openstack_ceph.rbd.plugins.filter.osa_config import FilterModule, osa_config

FSID = '457eb676-33da-42ec-9a8c-9293d545c337'
FSID_DR = '0b8f2f5e-3d4c-4f3a-9a52-6f1f1c6c9e10'
CONFS = {'ceph': '[global]\n\tfsid = %s\n\tmon_host = [v2:127.0.0.1:3300/0]\n' % FSID,
         'dr': '[global]\n\tfsid = %s\n\tmon_host = [v2:127.0.0.1:3301/0]\n' % FSID_DR}
KEYS = {'ceph': {'client.glance': 'KG', 'client.cinder': 'KC', 'client.cinder-backup': 'KB', 'client.nova': 'KN',
                 'client.cinder2': 'KC2'},
        'dr': {'client.glance': 'DG', 'client.cinder': 'DC', 'client.cinder-backup': 'DB'}}
D = '/etc/openstack_deploy/ceph-keyrings'

# The OpenStack-Ansible variables this filter may write, and where stable/2025.1 defines or reads each one
# (openstack-ansible-ceph_client f95b81d, os_glance 297f064, os_nova 65a3ab6, os_cinder 2af537c,
# openstack-ansible cddf540af). docs/guide/openstack-ansible.md cites the same places.
OSA_VARIABLES = {
    'ceph_keyrings_dir': 'ceph_client defaults/main.yml:90 (commented), tasks/ceph_auth.yml:26',
    'ceph_conf_file': 'ceph_client defaults/main.yml:72 (commented), tasks/ceph_config.yml:39',
    'ceph_extra_confs': 'ceph_client tasks/ceph_auth.yml:117,129; doc/source/configure-ceph.rst',
    'glance_default_store': 'os_glance defaults/main.yml:83',
    'glance_ceph_client': 'os_glance defaults/main.yml:273; ceph_client defaults/main.yml:93',
    'glance_rbd_store_pool': 'os_glance defaults/main.yml:274',
    'cinder_ceph_client': 'ceph_client defaults/main.yml:94',
    'cinder_ceph_client_uuid': 'openstack-ansible etc/openstack_deploy/user_secrets.yml:82',
    'cinder_backends': 'os_cinder defaults/main.yml:294 (commented), tasks/cinder_backends.yml:36',
    'cinder_service_backup_program_enabled': 'os_cinder defaults/main.yml:221',
    'cinder_service_backup_driver': 'os_cinder defaults/main.yml:224',
    'cinder_service_backup_ceph_user': 'os_cinder defaults/main.yml:241',
    'cinder_service_backup_ceph_pool': 'os_cinder defaults/main.yml:242',
    'cinder_backup_ceph_client': 'ceph_client defaults/main.yml:96',
    'ceph_cinder_backup_enabled': 'ceph_client defaults/main.yml:125',
    'nova_libvirt_images_rbd_pool': 'os_nova defaults/main.yml:391',
    'nova_ceph_client': 'os_nova defaults/main.yml:392; ceph_client defaults/main.yml:116',
    'nova_ceph_client_uuid': 'openstack-ansible inventory/group_vars/nova_all/defaults.yml:16',
}
# The keys of a ceph_extra_confs item (ceph_client doc/source/configure-ceph.rst, tasks/ceph_config_extra.yml).
EXTRA_CONF_KEYS = {'src', 'dest', 'mon_host', 'client_name', 'keyring_src', 'keyring_dest', 'secret_uuid', 'cluster_name'}


def given(declaration):
    names = [c['name'] for c in declaration.get('clusters') or [{'name': 'ceph'}]]
    confs = dict((n, CONFS[n]) for n in names)
    model = ceph_model(copy.deepcopy(declaration), confs=confs)
    return model, osa_config(model, ceph_node(model, 'deploy', ['deploy'], confs, KEYS), D + '/')


def wrote(declaration):
    return given(declaration)[1]


def files(out):
    return dict((i['path'], (i['entity'], i['key'])) for i in out['keyrings'])


def test_registered_under_its_name():
    assert FilterModule().filters() == {'osa_config': osa_config}


def test_one_cluster_gives_the_keyrings_dir_and_the_user_variables():
    model, out = given({'nova': {'c1': None}})
    uuid = model['secrets'][0]['uuid']
    assert out['services'] == ['glance-api', 'cinder-volume', 'cinder-backup', 'nova-compute']
    assert out['cannot'] == []
    # ceph_client reads <ceph_keyrings_dir>/<user>.keyring: no cluster in the name.
    assert files(out) == {D + '/glance.keyring': ('client.glance', 'KG'), D + '/cinder.keyring': ('client.cinder', 'KC'),
                          D + '/cinder-backup.keyring': ('client.cinder-backup', 'KB')}
    assert out['confs'] == []
    assert out['vars'] == {
        'ceph_keyrings_dir': D,
        # The text, without the tabs ceph config generate-minimal-conf writes.
        'ceph_conf_file': '[global]\nfsid = %s\nmon_host = [v2:127.0.0.1:3300/0]\n' % FSID,
        'glance_default_store': 'rbd', 'glance_ceph_client': 'glance', 'glance_rbd_store_pool': 'images',
        'cinder_ceph_client': 'cinder', 'cinder_ceph_client_uuid': uuid,
        'cinder_backends': {'ceph': {'volume_driver': 'cinder.volume.drivers.rbd.RBDDriver', 'volume_backend_name': 'ceph',
                                     'rbd_pool': 'volumes', 'rbd_ceph_conf': '/etc/ceph/ceph.conf', 'rbd_user': 'cinder',
                                     'rbd_secret_uuid': uuid, 'report_discard_supported': True}},
        'cinder_service_backup_program_enabled': True,
        'cinder_service_backup_driver': 'cinder.backup.drivers.ceph.CephBackupDriver',
        'cinder_service_backup_ceph_user': 'cinder-backup', 'cinder_service_backup_ceph_pool': 'backups',
        'cinder_backup_ceph_client': 'cinder-backup', 'ceph_cinder_backup_enabled': True,
        'nova_libvirt_images_rbd_pool': 'vms', 'nova_ceph_client': 'cinder', 'nova_ceph_client_uuid': uuid}


def test_every_variable_written_is_one_openstack_ansible_reads():
    one = wrote({'nova': {'c1': None}})
    two = wrote({'clusters': [{'name': 'ceph'}, {'name': 'dr'}],
                 'cinder_backends': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}], 'nova': {'c1': None}})
    written = set(one['vars']) | set(two['vars'])
    assert written <= set(OSA_VARIABLES), written - set(OSA_VARIABLES)
    for item in two['vars']['ceph_extra_confs']:
        assert set(item) <= EXTRA_CONF_KEYS


def test_a_backend_on_another_cluster_goes_through_ceph_extra_confs_with_its_own_secret():
    model, out = given({'clusters': [{'name': 'ceph'}, {'name': 'dr'}],
                        'cinder_backends': [{'name': 'ceph'}, {'name': 'ceph-dr', 'cluster': 'dr'}],
                        'nova': {'c1': None}})
    uuids = dict((s['cluster'], s['uuid']) for s in model['secrets'])
    assert out['vars']['ceph_extra_confs'] == [{
        'src': D + '/dr.conf', 'dest': '/etc/ceph/dr.conf', 'client_name': 'cinder',
        'keyring_src': D + '/dr.client.cinder.keyring', 'keyring_dest': '/etc/ceph/dr.client.cinder.keyring',
        'secret_uuid': uuids['dr']}]
    backend = out['vars']['cinder_backends']['ceph-dr']
    assert (backend['rbd_ceph_conf'], backend['rbd_secret_uuid']) == ('/etc/ceph/dr.conf', uuids['dr'])
    assert files(out)[D + '/dr.client.cinder.keyring'] == ('client.cinder', 'DC')
    assert [c['path'] for c in out['confs']] == [D + '/dr.conf']
    assert out['cannot'] == []


def test_the_lab_layout_says_what_openstack_ansible_cannot_express():
    out = wrote({'clusters': [{'name': 'ceph'}, {'name': 'dr'}],
                 'glance_stores': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}],
                 'cinder_backends': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}],
                 'cinder_backup': {'cluster': 'dr'}, 'nova': {'c1': None}})
    assert out['services'] == ['glance-api', 'cinder-volume', 'nova-compute']
    assert out['cannot'] == [
        "Glance store dr (pool images of cluster dr): OpenStack-Ansible's Glance role writes one RBD store; only the "
        'default store, ceph, is written.',
        "cinder-backup: its cluster is dr, not ceph; OpenStack-Ansible's cinder.conf gives cinder-backup no Ceph "
        "configuration file but /etc/ceph/ceph.conf, the main cluster's; not written."]
    assert 'cinder_service_backup_driver' not in out['vars']


def test_nova_with_its_own_user_next_to_cinders_is_refused_and_differing_hosts_too():
    out = wrote({'nova': {'c1': {'user': 'nova'}}})
    assert 'nova-compute' not in out['services'] and 'nova_ceph_client' not in out['vars']
    assert out['cannot'][0].startswith("Nova: its user, client.nova, is not Cinder's, client.cinder")
    out = wrote({'clusters': [{'name': 'ceph'}, {'name': 'dr'}], 'nova': {'c1': None, 'c2': {'cluster': 'dr'}},
                 'cinder_backends': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}]})
    assert "OpenStack-Ansible's user variables apply to every host" in out['cannot'][0]
    assert 'nova_libvirt_images_rbd_pool' not in out['vars']


def test_a_second_cinder_user_on_one_cluster_is_not_written():
    out = wrote({'cinder_backends': [{'name': 'a'}, {'name': 'b', 'user': 'cinder2'}], 'nova': {}})
    assert list(out['vars']['cinder_backends']) == ['a']
    assert out['cannot'] == [
        "Cinder backend b: client.cinder2 on cluster ceph, where other backends use client.cinder; OpenStack-Ansible's "
        "ceph_client writes one Cinder user's keyring for the main cluster; not written."]
    assert 'nova-compute' not in out['services'] and out['notes'][-1].startswith('No compute host')


def test_a_nodes_inputs_that_are_not_the_deploy_kinds_are_refused():
    model = ceph_model({'nova': {'c1': None}}, confs={'ceph': CONFS['ceph']})
    node = ceph_node(model, 'c1', ['nova_compute'], {'ceph': CONFS['ceph']}, KEYS)
    with pytest.raises(AnsibleFilterError, match=r'ceph_node with the kinds \[deploy\]'):
        osa_config(model, node, D)
