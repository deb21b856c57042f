# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible.plugins.filter.core import to_uuid

from ansible_collections.openstack_ceph.rbd.plugins.filter.rbd_secret_uuid import FilterModule, rbd_secret_uuid

FSID = '457eb676-33da-42ec-9a8c-9293d545c337'


def test_the_derivation_deployments_carry_is_pinned():
    # Literal values: a deployment's libvirt secrets, nova.conf and cinder.conf carry these. If this
    # test fails, every existing secret would be defined again under a new UUID.
    assert rbd_secret_uuid(FSID, 'cinder') == 'b847ac99-0656-5a8d-aede-a851fa0fe693'
    assert rbd_secret_uuid(FSID, 'client.nova') == 'd0ea5d00-57e0-57c1-b080-d782a0394c56'


@pytest.mark.parametrize('user', ['cinder', 'client.cinder', 'cinder-backup', 'nova'])
def test_it_is_the_roles_former_to_uuid_expression(user):
    entity = user if user.startswith('client.') else 'client.' + user
    assert rbd_secret_uuid(FSID, user) == to_uuid('%s:%s' % (FSID, entity))


def test_the_id_and_the_entity_name_give_the_same_secret():
    assert rbd_secret_uuid(FSID, 'cinder') == rbd_secret_uuid(FSID, 'client.cinder')


def test_each_cluster_and_user_gets_its_own_secret():
    other = '0b8f2f5e-3d4c-4f3a-9a52-6f1f1c6c9e10'
    uuids = set(rbd_secret_uuid(f, u) for f in (FSID, other) for u in ('cinder', 'nova'))
    assert len(uuids) == 4


@pytest.mark.parametrize('fsid', ['', None, 'not-a-uuid', FSID + '\n', FSID[:-1]])
def test_an_unknown_fsid_is_an_error_not_a_uuid_of_nothing(fsid):
    with pytest.raises(AnsibleFilterError, match='fsid must be a UUID'):
        rbd_secret_uuid(fsid, 'cinder')


@pytest.mark.parametrize('user', ['', 'client.', 'cin der', 'cinder\n', None, 'client.a/b'])
def test_a_bad_user_is_an_error(user):
    with pytest.raises(AnsibleFilterError, match='user must be a cephx user'):
        rbd_secret_uuid(FSID, user)


def test_registered_under_its_name():
    assert FilterModule().filters()['rbd_secret_uuid'] is rbd_secret_uuid
