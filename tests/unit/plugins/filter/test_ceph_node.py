# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ceph_node: what one node is given, from the model and what was read from the clusters."""

from __future__ import absolute_import, division, print_function

import copy

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import ceph_model
from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_node import FilterModule, ceph_node

FSID = '457eb676-33da-42ec-9a8c-9293d545c337'
FSID_DR = '0b8f2f5e-3d4c-4f3a-9a52-6f1f1c6c9e10'
CONF = '[global]\nfsid = %s\nmon_host = [v2:127.0.0.1:3300/0]\n' % FSID
CONF_DR = '[global]\nfsid = %s\nmon_host = [v2:127.0.0.1:3301/0]\n' % FSID_DR
KEYS = {'ceph': {'client.glance': 'KG', 'client.cinder': 'KC', 'client.cinder-backup': 'KB'},
        'dr': {'client.glance': 'DG', 'client.cinder': 'DC', 'client.cinder-backup': 'DB'}}
TWO = {'clusters': [{'name': 'ceph'}, {'name': 'dr'}],
       'glance_stores': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}],
       'cinder_backends': [{'name': 'ceph'}, {'name': 'dr', 'cluster': 'dr'}],
       'cinder_backup': {'cluster': 'dr'},
       'nova': {'compute1': None, 'compute2': {'cluster': 'dr'}}}


def two():
    return ceph_model(copy.deepcopy(TWO), confs={'ceph': CONF, 'dr': CONF_DR})


def test_registered_under_its_name():
    assert FilterModule().filters() == {'ceph_node': ceph_node}


def test_a_controller_gets_each_services_keyrings_and_the_confs_of_their_clusters():
    node = ceph_node(two(), 'ctl', ['glance', 'cinder_volume', 'cinder_backup'], {'ceph': CONF, 'dr': CONF_DR}, KEYS)
    assert node['clusters'] == [{'name': 'ceph', 'fsid': FSID, 'conf': CONF}, {'name': 'dr', 'fsid': FSID_DR, 'conf': CONF_DR}]
    assert node['keyrings']['glance'] == [
        {'path': '/etc/ceph/ceph.client.glance.keyring', 'entity': 'client.glance', 'key': 'KG'},
        {'path': '/etc/ceph/dr.client.glance.keyring', 'entity': 'client.glance', 'key': 'DG'}]
    assert [k['path'] for k in node['keyrings']['cinder_backup']] == [
        '/etc/ceph/dr.client.cinder-backup.keyring', '/etc/ceph/ceph.client.cinder.keyring', '/etc/ceph/dr.client.cinder.keyring']
    assert node['keyrings']['nova_compute'] == [] and node['secrets'] == [] and node['nova'] is None


def test_a_compute_node_gets_a_secret_per_backend_cluster_and_its_own_nova_setting():
    model = two()
    node = ceph_node(model, 'compute2', ['nova_compute'], {'ceph': CONF, 'dr': CONF_DR}, KEYS)
    assert node['nova']['cluster'] == 'dr'
    assert node['keyrings']['nova_compute'] == [{'path': '/etc/ceph/dr.client.cinder.keyring', 'entity': 'client.cinder', 'key': 'DC'}]
    assert node['clusters'] == [{'name': 'dr', 'fsid': FSID_DR, 'conf': CONF_DR}]
    secrets = dict((s['cluster'], s) for s in node['secrets'])
    assert set(secrets) == {'ceph', 'dr'}
    assert secrets['dr']['key'] == 'DC' and secrets['ceph']['key'] == 'KC'
    # The UUIDs Cinder's backends and Nova name are the secrets' UUIDs.
    backends = dict((b['cluster'], b['secret_uuid']) for b in model['cinder']['backends'])
    assert backends == dict((c, s['uuid']) for c, s in secrets.items())
    assert node['nova']['secret_uuid'] == secrets['dr']['uuid'] and secrets['dr']['uuid'] != secrets['ceph']['uuid']


def test_a_missing_key_says_where_it_comes_from():
    keys = {'ceph': {'client.glance': 'KG'}}
    with pytest.raises(AnsibleFilterError, match=r"client.cinder does not exist on cluster 'ceph': run the Ceph stage"):
        ceph_node(ceph_model({'nova': {'c1': None}}, confs={'ceph': CONF}), 'c1', ['nova_compute'], {'ceph': CONF}, keys)
    external = ceph_model({'clusters': [{'name': 'ext', 'fsid': FSID, 'mon_host': '192.0.2.1:6789'}], 'nova': {'c1': None}})
    with pytest.raises(AnsibleFilterError, match=r"give it in openstack_ceph_keys.ext\['client.cinder'\]"):
        ceph_node(external, 'c1', ['nova_compute'], {}, {})


def test_check_mode_lets_keys_be_missing():
    node = ceph_node(ceph_model({'nova': {'c1': None}}, confs={'ceph': CONF}), 'c1', ['nova_compute'], {'ceph': CONF}, {},
                     allow_pending=True)
    assert node['keyrings']['nova_compute'][0]['key'] is None and node['secrets'][0]['key'] is None


def test_an_external_clusters_conf_comes_from_its_fsid_and_monitors():
    external = ceph_model({'clusters': [{'name': 'ext', 'fsid': FSID, 'mon_host': '192.0.2.1:6789'}], 'nova': {'c1': None}})
    node = ceph_node(external, 'c1', ['nova_compute'], {}, {'ext': {'client.cinder': 'K'}})
    assert node['clusters'] == [{'name': 'ext', 'fsid': FSID, 'conf': '[global]\nfsid = %s\nmon_host = 192.0.2.1:6789\n' % FSID}]


def test_unknown_kinds_and_unread_confs_fail():
    with pytest.raises(AnsibleFilterError, match='unknown node kinds nova'):
        ceph_node(two(), 'c1', ['nova'], {}, KEYS)
    with pytest.raises(AnsibleFilterError, match="configuration of managed cluster 'dr' was not read"):
        ceph_node(two(), 'compute2', ['nova_compute'], {'ceph': CONF}, KEYS)


def test_one_keyring_owned_by_cinder_and_by_nova_on_one_node_is_refused():
    # A hyperconverged node: cinder-volume and nova-compute both as client.cinder of ceph.
    with pytest.raises(AnsibleFilterError, match=r"Host compute1: /etc/ceph/ceph\.client\.cinder\.keyring would be "
                                                 r"written for Cinder and Nova.*openstack_ceph_nova: \{user: nova\}"):
        ceph_node(two(), 'compute1', ['cinder_volume', 'nova_compute'], {'ceph': CONF, 'dr': CONF_DR}, KEYS)
    # With its own user, Nova's keyring is another file and the node is fine.
    declaration = copy.deepcopy(TWO)
    declaration['nova']['compute1'] = {'user': 'nova'}
    model = ceph_model(declaration, confs={'ceph': CONF, 'dr': CONF_DR})
    keys = copy.deepcopy(KEYS)
    keys['ceph']['client.nova'] = 'KN'
    node = ceph_node(model, 'compute1', ['cinder_volume', 'nova_compute'], {'ceph': CONF, 'dr': CONF_DR}, keys)
    assert [k['path'] for k in node['keyrings']['nova_compute']] == ['/etc/ceph/ceph.client.nova.keyring']
    # Cinder's two services share their keyrings: one role writes them, as one user.
    ceph_node(two(), 'ctl', ['cinder_volume', 'cinder_backup'], {'ceph': CONF, 'dr': CONF_DR}, KEYS)


def test_the_model_refuses_a_host_in_the_cinder_and_nova_groups_with_one_user_before_anything_is_read():
    declaration = dict(copy.deepcopy(TWO), node_groups={'nova_compute': 'computes', 'cinder_volume': 'storage'})
    groups = {'computes': ['compute1', 'compute2'], 'storage': ['compute1'], 'cinder_backup': ['compute2'],
              'ceph_admin': ['mon1']}
    # compute1 runs cinder-volume and Nova as client.cinder of ceph; compute2's Nova is on dr, and its
    # cinder-backup needs dr's client.cinder keyring too.
    with pytest.raises(AnsibleFilterError, match=r'Host compute1: /etc/ceph/ceph\.client\.cinder\.keyring would be written '
                                                 r'for Cinder and Nova'):
        ceph_model(copy.deepcopy(declaration), groups=groups)
    groups['storage'] = []
    with pytest.raises(AnsibleFilterError, match=r'Host compute2: /etc/ceph/dr\.client\.cinder\.keyring'):
        ceph_model(copy.deepcopy(declaration), groups=groups)
    groups['cinder_backup'] = ['ctl']
    assert ceph_model(copy.deepcopy(declaration), groups=groups)['nova']['compute2']['cluster'] == 'dr'
    with pytest.raises(AnsibleFilterError, match=r'node_groups must map the kinds'):
        ceph_model(dict(copy.deepcopy(TWO), node_groups={'compute': 'x'}), groups=groups)


def test_a_deploy_host_gets_every_cluster_key_secret_and_nova_setting():
    model = two()
    node = ceph_node(model, 'deploy1', ['deploy'], {'ceph': CONF, 'dr': CONF_DR}, KEYS)
    assert [c['name'] for c in node['clusters']] == ['ceph', 'dr']
    # Every user some service uses, on the cluster it uses it on: client.cinder-backup only on dr.
    assert node['keys'] == {'ceph': {'client.glance': 'KG', 'client.cinder': 'KC'},
                            'dr': {'client.glance': 'DG', 'client.cinder': 'DC', 'client.cinder-backup': 'DB'}}
    assert sorted((s['cluster'], s['key']) for s in node['secrets']) == [('ceph', 'KC'), ('dr', 'DC')]
    assert set(node['nova']) == {'compute1', 'compute2'}
    assert all(v == [] for v in node['keyrings'].values())


def test_the_deploy_kind_goes_alone_and_a_missing_key_still_fails():
    with pytest.raises(AnsibleFilterError, match='the kind deploy goes alone, not with glance'):
        ceph_node(two(), 'd', ['deploy', 'glance'], {'ceph': CONF, 'dr': CONF_DR}, KEYS)
    keys = copy.deepcopy(KEYS)
    del keys['dr']['client.cinder-backup']
    with pytest.raises(AnsibleFilterError, match="client.cinder-backup does not exist on cluster 'dr'"):
        ceph_node(two(), 'd', ['deploy'], {'ceph': CONF, 'dr': CONF_DR}, keys)
