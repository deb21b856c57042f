#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ceph_keyring
short_description: Write cephx keyring files from keys you already hold
version_added: 0.2.0
description:
  - Writes one keyring file per item of O(keyrings), each holding one entity's name and key, with the
    owner, group and mode given. All the files of a host in one call.
  - It never talks to the cluster. Read the keys once, for example with
    M(openstack_ceph.rbd.ceph_key) and O(openstack_ceph.rbd.ceph_key#module:return_key=true), and push
    them to the hosts that need them with this module.
  - A new or out-of-date file is written through a temporary file in the same directory that gets
    its final mode and owner before the key goes in, then replaces the old one, so a key is never
    readable by others, not even for a moment.
  - A file whose content is up to date keeps its content; only its owner, group or mode is fixed.
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
attributes:
  check_mode:
    support: full
    description: Files are read and compared; nothing is written; RV(ignore:changed) says which files would change.
  diff_mode:
    support: full
    description: For each file that changes, whether its content is out of date. Never the key.
  idempotent:
    support: full
    description: A second run with the same keys reports no change.
options:
  keyrings:
    description:
      - The keyring files to write.
      - Every item is checked before the first file is touched, in check mode too. Its entity, key and
        mode; that its path is not a directory and its directory exists and is writable; that its
        owner and group exist. An error names the item.
      - In check mode a missing directory, owner or group is a warning rather than a failure, because an
        earlier task of the play (the package that creates C(/etc/ceph) or the service user) may create
        it; the item is reported as changing. A real run fails on it before the first file is touched.
    type: list
    elements: dict
    required: true
    suboptions:
      path:
        description:
          - Path of the keyring file. Its directory must exist; the path must not be a directory, be listed
            twice or hold control characters (newline, tab...).
        type: path
        required: true
      entity:
        description:
          - The cephx entity, C(TYPE.ID), for example V(client.glance).
          - C(TYPE) is one of C(client), C(mgr), C(mon), C(osd) and C(mds). C(ID) starts with a letter, a
            digit or C(_) and holds letters, digits, C(_), C(-) and C(.), at most 128 characters.
        type: str
        required: true
      key:
        description:
          - The entity's base64 cephx key. Never logged, never on a command line.
        type: str
        required: true
      owner:
        description:
          - Owner of the file, a user name or a numeric UID. A user name must exist on the target.
            Unchanged when omitted.
        type: str
      group:
        description:
          - Group of the file, a group name or a numeric GID. A group name must exist on the target.
            Unchanged when omitted.
        type: str
      mode:
        description:
          - Mode of the file, octal, from V('0000') to V('07777'), for example V('0600') or V('0640').
            Modes that let others read the file are refused.
        type: raw
        default: '0600'
notes:
  - "Give the task C(no_log: true): its arguments hold keys."
seealso:
  - module: openstack_ceph.rbd.ceph_key
'''

EXAMPLES = r'''
- name: Read the keys once, on the admin host
  openstack_ceph.rbd.ceph_key:
    users: [{name: client.glance}, {name: client.cinder}]
    return_key: true
  check_mode: true
  run_once: true
  delegate_to: ceph-admin-1
  register: openstack_keys
  no_log: true

- name: Push each controller the keyrings it needs, in one call per host
  openstack_ceph.rbd.ceph_keyring:
    keyrings:
      - path: /etc/ceph/ceph.client.glance.keyring
        entity: client.glance
        key: "{{ openstack_keys.users[0].key }}"
        owner: glance
        group: glance
        mode: '0640'
      - path: /etc/ceph/ceph.client.cinder.keyring
        entity: client.cinder
        key: "{{ openstack_keys.users[1].key }}"
        owner: cinder
        group: cinder
        mode: '0640'
  no_log: true
'''

RETURN = r'''
keyrings:
  description: One entry per item of O(keyrings), in order. Never the key.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: Path of the keyring file.
      type: str
    entity:
      description: The entity it holds.
      type: str
    changed:
      description: Whether the file's content, owner, group or mode changed (or would, in check mode).
      type: bool
  sample:
    - path: /etc/ceph/ceph.client.glance.keyring
      entity: client.glance
      changed: false
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import cephx_key_bytes, control_problem
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.keyring import (
    ensure_keyring_file, entity_problem, keyring_file_problem)


def validate(module):
    """Every item is checked before any file is touched; an error names the item, never a key."""
    paths = set()
    for index, item in enumerate(module.params['keyrings']):
        label = item['path'] if not control_problem(item['path'], 'path') else repr(item['path'])
        where = 'keyrings[%d] (%s): ' % (index, label)
        problem = entity_problem(item['entity'], where + 'entity')
        if problem:
            module.fail_json(msg=problem)
        cephx_key_bytes(module, item['key'], where + 'key')
        problem = keyring_file_problem(item['path'], item['owner'], item['group'], item['mode'], where=where,
                                       module=module)
        if problem:
            module.fail_json(msg=problem)
        real = os.path.realpath(item['path'])
        if real in paths:
            module.fail_json(msg='%sthe path is listed twice.' % where)
        paths.add(real)


def ensure_keyring(module, item):
    path = item['path']
    changed, content_changes = ensure_keyring_file(module, path, item['entity'], item['key'].strip(),
                                                   item['owner'], item['group'], item['mode'])
    diff = dict(before={'path': path, 'content': 'out of date' if content_changes else 'up to date'},
                after={'path': path, 'content': 'up to date'})
    return dict(path=path, entity=item['entity'], changed=changed), diff


def main():
    module = AnsibleModule(
        # no_log=False on the list: its key suboption is no_log itself, the paths and names are not secret.
        argument_spec=dict(keyrings=dict(type='list', elements='dict', required=True, no_log=False, options=dict(
            path=dict(type='path', required=True),
            entity=dict(type='str', required=True),
            key=dict(type='str', required=True, no_log=True),
            owner=dict(type='str'),
            group=dict(type='str'),
            mode=dict(type='raw', default='0600'),
        ))),
        supports_check_mode=True,
    )
    validate(module)
    results, diffs = [], []
    for item in module.params['keyrings']:
        result, diff = ensure_keyring(module, item)
        results.append(result)
        if result['changed']:
            diffs.append(diff)
    module.exit_json(changed=any(r['changed'] for r in results), keyrings=results, diff=diffs)


if __name__ == '__main__':
    main()
