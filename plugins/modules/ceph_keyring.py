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
  - Each file's result says apart whether its content (the key) or its owner, group or mode was out of date,
    and what they were (RV(keyrings[].content_changed), RV(keyrings[].attributes_changed),
    RV(keyrings[].found)), so a run in check mode audits the files without writing them.
  - Keys of both cephx key types are taken, C(aes) (40 base64 characters, C(AQ...==)) and C(aes256k)
    (60 characters, C(Ag...=), the type Ceph 19.2.6 and 20.2.4 added). Before a key of type
    C(aes256k) is written, the version of this node's Ceph client library is read from the package database
    (C(dpkg-query), else C(rpm), for the package C(librados2)), once per call and only then; a client that
    cannot use such keys fails the task (in check mode too), see O(key_type_check).
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
  key_type_check:
    description:
      - What to do when a key of type C(aes256k) is about to be written to a node whose Ceph client cannot
        use it. Clients that can are Ceph 19.2.6 or later in 19.x, 20.2.4 or later in 20.x, and 21 or later;
        the version is that of the package C(librados2), which QEMU's librbd, C(python3-rados) and the
        C(ceph) CLI load. It is read only when such a key is about to be written (never for keys of type
        C(aes), nor for files already up to date), with one bounded query of the package database; no
        cluster is contacted.
      - V(fail) fails the task before the first file is touched, naming the node, the items and their
        entities, and the client version found. A version that cannot be read (C(librados2) not installed,
        no C(dpkg-query) or C(rpm)) fails too, except in check mode, where it is a warning because an
        earlier task of the play may install the client.
      - V(warn) writes the files and warns with the same message.
      - V(skip) does not check, for keys used by clients elsewhere (in containers, say) or a distribution
        that backported the key type to an older version.
    type: str
    choices: [fail, warn, skip]
    default: fail
    version_added: 0.3.0
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

- name: Keyrings read by services in containers, which bring their own Ceph client
  openstack_ceph.rbd.ceph_keyring:
    keyrings:
      - path: /etc/kolla/config/glance/ceph.client.glance.keyring
        entity: client.glance
        key: "{{ openstack_keys.users[0].key }}"
    key_type_check: skip  # this host's librados2 is not the one that reads them
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
    key_type:
      description: The type of the entity's key, as C(ceph-authtool --key-type) names it. Never the key.
      type: str
      choices: [aes, aes256k]
      version_added: 0.3.0
    changed:
      description: Whether the file's content, owner, group or mode changed (or would, in check mode).
      type: bool
    content_changed:
      description:
        - Whether the file's content was out of date (another key or entity, anything else in the file) or
          the file was missing, as found before the run. Check mode tells it without writing, so an audit can
          tell a wrong key from a wrong mode.
      type: bool
      version_added: 0.3.0
    attributes_changed:
      description:
        - Whether the existing file's owner, group or mode differed from those given, as found before the run.
          V(false) for a file that did not exist.
      type: bool
      version_added: 0.3.0
    found:
      description:
        - The file's owner, group (names, or numeric IDs that have no name here) and octal mode as found
          before the run; V(null) when there was no file.
      type: dict
      version_added: 0.3.0
      sample: {owner: glance, group: glance, mode: '0644'}
  sample:
    - path: /etc/ceph/ceph.client.glance.keyring
      entity: client.glance
      key_type: aes
      changed: false
      content_changed: false
      attributes_changed: false
      found: {owner: glance, group: glance, mode: '0640'}
'''

import grp
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CLIRunner, check_client_key_types, cephx_key_type, control_problem)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.keyring import (
    ensure_keyring_file, entity_problem, file_mode, group_id, keyring_file_problem, keyring_needs_write, keyring_text,
    user_id)


def label(index, item):
    path = item['path'] if not control_problem(item['path'], 'path') else repr(item['path'])
    return 'keyrings[%d] (%s)' % (index, path)


def validate(module):
    """Every item is checked before any file is touched; an error names the item, never a key."""
    paths = set()
    for index, item in enumerate(module.params['keyrings']):
        where = label(index, item) + ': '
        problem = entity_problem(item['entity'], where + 'entity')
        if problem:
            module.fail_json(msg=problem)
        item['key_type'] = cephx_key_type(module, item['key'], where + 'key')
        problem = keyring_file_problem(item['path'], item['owner'], item['group'], item['mode'], where=where,
                                       module=module)
        if problem:
            module.fail_json(msg=problem)
        real = os.path.realpath(item['path'])
        if real in paths:
            module.fail_json(msg='%sthe path is listed twice.' % where)
        paths.add(real)


def check_clients(module):
    """The keys about to be written (files whose content changes) must be of a type this node's Ceph client
    can use; checked before the first file is touched, in check mode too. Only keys of type aes256k make
    it read the client's version."""
    about_to_write = [('%s: %s' % (label(index, item), item['entity']), item['key_type'])
                      for index, item in enumerate(module.params['keyrings'])
                      if item['key_type'] == 'aes256k'
                      and keyring_needs_write(item['path'], keyring_text(item['entity'], item['key'].strip()))]
    if about_to_write:
        check_client_key_types(module, CLIRunner(module), about_to_write, module.params['key_type_check'])


def name_of(number, lookup):
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)


def found_attributes(item):
    """(owner, group and mode of the file as it is, or None; whether they differ from the item's)."""
    try:
        st = os.stat(item['path'])
    except OSError:
        return None, False
    found = dict(owner=name_of(st.st_uid, pwd.getpwuid), group=name_of(st.st_gid, grp.getgrgid),
                 mode='%04o' % stat.S_IMODE(st.st_mode))
    # An owner or group that does not exist yet (check mode, created by an earlier task) differs.
    differs = (item['owner'] is not None and user_id(item['owner']) != st.st_uid
               or item['group'] is not None and group_id(item['group']) != st.st_gid
               or file_mode(item['mode']) != stat.S_IMODE(st.st_mode))
    return found, differs


def ensure_keyring(module, item):
    path = item['path']
    found, attributes_differ = found_attributes(item)
    changed, content_changes = ensure_keyring_file(module, path, item['entity'], item['key'].strip(),
                                                   item['owner'], item['group'], item['mode'])
    diff = dict(before={'path': path, 'content': 'out of date' if content_changes else 'up to date'},
                after={'path': path, 'content': 'up to date'})
    return dict(path=path, entity=item['entity'], key_type=item['key_type'], changed=changed,
                content_changed=content_changes, attributes_changed=attributes_differ, found=found), diff


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
        )), key_type_check=dict(type='str', default='fail', choices=['fail', 'warn', 'skip'])),
        supports_check_mode=True,
    )
    validate(module)
    check_clients(module)
    results, diffs = [], []
    for item in module.params['keyrings']:
        result, diff = ensure_keyring(module, item)
        results.append(result)
        if result['changed']:
            diffs.append(diff)
    module.exit_json(changed=any(r['changed'] for r in results), keyrings=results, diff=diffs)


if __name__ == '__main__':
    main()
