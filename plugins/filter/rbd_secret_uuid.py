# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: rbd_secret_uuid
short_description: The UUID of the libvirt secret that holds a cephx user's key for one cluster
version_added: 0.2.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - Derives the UUID of the libvirt secret for one (cluster, cephx user) pair from the cluster's fsid
    and the user, so that the secret on every compute node, Nova's C([libvirt] rbd_secret_uuid) and each
    Cinder backend's C(rbd_secret_uuid) agree without anyone choosing or storing a UUID.
  - It is the one place the collection derives this UUID. The derivation is fixed, since a
    deployment's secrets carry it. It is Ansible's C(to_uuid) of the text C(<fsid>:client.<id>), a
    name-based (version 5) UUID.
  - Two clusters have different fsids, so the same user gets a different secret on each.
positional: user
options:
  _input:
    description: The cluster's fsid, as C(ceph fsid) prints it.
    type: str
    required: true
  user:
    description: The cephx user, as its ID (V(cinder)) or its entity name (V(client.cinder)).
    type: str
    required: true
'''

EXAMPLES = r'''
- name: The UUID of client.cinder's secret on the cluster whose fsid was read
  ansible.builtin.debug:
    msg: "{{ ceph_fsid | openstack_ceph.rbd.rbd_secret_uuid('cinder') }}"
'''

RETURN = r'''
_value:
  description: The UUID, lower case, in the form C(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).
  type: str
  sample: b847ac99-0656-5a8d-aede-a851fa0fe693
'''

import uuid

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import ENTITY_ID_RE, UUID_RE

# Ansible's own namespace for to_uuid: the UUIDs already deployed were made in it.
ANSIBLE_UUID_NAMESPACE = uuid.UUID('361E6D51-FAEC-444A-9079-341386DA8E2E')


def rbd_secret_uuid(fsid, user):
    if not isinstance(fsid, string_types) or not UUID_RE.match(fsid):
        raise AnsibleFilterError("rbd_secret_uuid: the cluster's fsid must be a UUID, got %r: read it from the "
                                 "cluster (an admin host) or give it for an external cluster." % (fsid,))
    if not isinstance(user, string_types):
        raise AnsibleFilterError('rbd_secret_uuid: the user must be a cephx user such as cinder, got %r.' % (user,))
    user_id = user[len('client.'):] if user.startswith('client.') else user
    if not ENTITY_ID_RE.match(user_id):
        raise AnsibleFilterError('rbd_secret_uuid: the user must be a cephx user such as cinder or client.cinder, '
                                 'got %r.' % (user,))
    return str(uuid.uuid5(ANSIBLE_UUID_NAMESPACE, '%s:client.%s' % (fsid, user_id)))


class FilterModule(object):
    def filters(self):
        return {'rbd_secret_uuid': rbd_secret_uuid}
