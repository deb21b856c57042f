#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ceph_conf
short_description: Write a node's Ceph client configuration files and the directories its clients use, in one call
version_added: 0.3.0
description:
  - Ensures the directories of O(directories) (for example C(/etc/ceph), and QEMU's admin socket and log
    directories on a compute node), then writes each file of O(confs) (for example C(/etc/ceph/ceph.conf))
    with the content given. All of a node's Ceph client files in one module run, where the builtin modules
    take one run per file and per directory.
  - It never talks to the cluster. Read the cluster's minimal configuration once, for example with
    M(openstack_ceph.rbd.ceph_info), and give each node the text it should have.
  - A file whose content differs is written through a temporary file in the same directory, which gets
    its final owner and mode before the content goes in, then replaces the old one. A file whose content is
    up to date keeps it; only its owner, group or mode is fixed.
  - Every item is checked before the first directory or file is touched, in check mode too. An error names
    the item.
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
attributes:
  check_mode:
    support: full
    description: Directories and files are read and compared; nothing is written; RV(ignore:changed) says what would change.
  diff_mode:
    support: full
    description: For each file that changes, its old and new content; for each directory, whether it is created.
  idempotent:
    support: full
    description: A second run with the same options reports no change.
options:
  directories:
    description:
      - Directories to create when missing, in order, before any file is written. Missing parent directories
        are created too, with the same owner, group and mode.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path of the directory. No control characters (newline, tab...).
        type: path
        required: true
      owner:
        description: Owner, a user name or a numeric UID. A user name must exist on the target. Unchanged when omitted.
        type: str
      group:
        description: Group, a group name or a numeric GID. A group name must exist on the target. Unchanged when omitted.
        type: str
      mode:
        description: Octal mode, from V('0000') to V('07777'). Modes that let every user write are refused.
        type: raw
        default: '0755'
  confs:
    description:
      - Configuration files to write, each with its whole content.
      - A file's directory must exist, or be one of O(directories).
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description:
          - Absolute path of the file, such as C(/etc/ceph/dr.conf). Not a directory, not listed twice, no
            control characters.
        type: path
        required: true
      content:
        description:
          - The file's whole content, for example the cluster's minimal configuration and a C([client]) section.
          - A C(key) option, which would put a cephx key in the file, is refused unless O(confs[].mode) keeps
            other users from reading it; keep keys in keyring files.
        type: str
        required: true
      owner:
        description: Owner, a user name or a numeric UID. A user name must exist on the target. Unchanged when omitted.
        type: str
      group:
        description: Group, a group name or a numeric GID. A group name must exist on the target. Unchanged when omitted.
        type: str
      mode:
        description:
          - Octal mode, from V('0000') to V('07777'). Modes that let every user write the file are refused
            (a client reads where its keyring is from this file).
        type: raw
        default: '0644'
notes:
  - The content is shown in the diff; it must not hold secrets (see O(confs[].content)).
seealso:
  - module: openstack_ceph.rbd.ceph_info
  - module: openstack_ceph.rbd.ceph_keyring
'''

EXAMPLES = r'''
- name: Read the cluster's minimal client configuration once, on the admin host
  openstack_ceph.rbd.ceph_info:
    gather: [minimal_conf]
  run_once: true
  delegate_to: ceph-admin-1
  register: ceph_read

- name: The Ceph client files of a compute node, in one module run
  openstack_ceph.rbd.ceph_conf:
    directories:
      - path: /etc/ceph
      - path: /var/run/ceph/guests
        owner: libvirt-qemu
        group: libvirt-qemu
        mode: '0770'
      - path: /var/log/qemu
        owner: libvirt-qemu
        group: libvirt-qemu
        mode: '0770'
    confs:
      - path: /etc/ceph/ceph.conf
        content: |
          {{ ceph_read.minimal_conf | trim }}

          [client]
          rbd cache = true
          admin socket = /var/run/ceph/guests/$cluster-$type.$id.$pid.$cctid.asok
'''

RETURN = r'''
directories:
  description: One entry per item of O(directories), in order.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: Path of the directory.
      type: str
    changed:
      description: Whether it was created or its owner, group or mode changed (or would, in check mode).
      type: bool
  sample:
    - path: /etc/ceph
      changed: false
confs:
  description: One entry per item of O(confs), in order.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: Path of the file.
      type: str
    changed:
      description: Whether its content, owner, group or mode changed (or would, in check mode).
      type: bool
  sample:
    - path: /etc/ceph/ceph.conf
      changed: false
'''

import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import control_problem
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.keyring import (
    file_mode, group_id, user_id, write_keyring)

# A `key` option, which puts a cephx key in the file (a name without spaces or underscores, so no
# other spelling needs catching).
KEY_OPTION_RE = re.compile(r'^[ \t]*key[ \t]*=', re.MULTILINE)


def mode_problem(mode, where):
    try:
        bits = file_mode(mode)
    except ValueError:
        bits = -1
    if bits < 0 or bits > 0o7777:
        return "%smode must be an octal mode between 0000 and 07777 such as '0644', got %r." % (where, mode)
    if bits & 0o002:
        return "%smode %s lets every user write it: use 0644 or 0755 (0770 for a group)." % (where, mode)
    return None


def owner_problem(module, item, where, pending):
    """A missing owner or group: a failure, or in check mode a warning (an earlier task of the play,
    such as the package that makes the user, may create it). Returns the problem, or None."""
    for param, lookup in (('owner', user_id), ('group', group_id)):
        if item[param] and lookup(item[param]) is None:
            problem = ("%s%s %r does not exist on this host (give a name that exists or a numeric ID)."
                       % (where, param, item[param]))
            if not module.check_mode:
                return problem
            module.warn(problem + " Check mode goes on, as if an earlier task of the play created it; a real "
                                  "run fails here, before anything changes, unless one does.")
            pending.add(item['path'])
    return None


def validate(module):
    """Every item is checked before anything is touched; the message names the item. Returns the
    paths check mode cannot judge (owner or group still missing, directory still to be made)."""
    p = module.params
    seen, pending = set(), set()
    made = set()
    for kind in ('directories', 'confs'):
        for index, item in enumerate(p[kind]):
            label = item['path'] if not control_problem(item['path'], 'path') else repr(item['path'])
            where = '%s[%d] (%s): ' % (kind, index, label)
            for param in ('path', 'owner', 'group'):
                problem = control_problem(item[param], where + param)
                if problem:
                    module.fail_json(msg=problem)
            if not os.path.isabs(item['path']):
                module.fail_json(msg='%spath must be absolute.' % where)
            problem = mode_problem(item['mode'], where)
            if problem:
                module.fail_json(msg=problem)
            real = os.path.normpath(item['path'])
            if real in seen:
                module.fail_json(msg='%sthe path is listed twice.' % where)
            seen.add(real)
            problem = owner_problem(module, item, where, pending)
            if problem:
                module.fail_json(msg=problem)
            if kind == 'directories':
                if os.path.lexists(item['path']) and not os.path.isdir(item['path']):
                    module.fail_json(msg='%s%s exists and is not a directory.' % (where, item['path']))
                made.add(real)
                continue
            conf_problem(module, item, where, made, pending)
    return pending


def conf_problem(module, item, where, made, pending):
    path = item['path']
    if os.path.isdir(path):
        module.fail_json(msg='%s%s is a directory: give the path of the file itself.' % (where, path))
    if KEY_OPTION_RE.search(item['content']) and file_mode(item['mode']) & 0o004:
        module.fail_json(msg="%scontent sets a cephx key ('key ='), and mode %s lets every user read it: keep keys "
                             "in keyring files (openstack_ceph.rbd.ceph_keyring), or use mode 0640 or 0600."
                         % (where, item['mode']))
    directory = os.path.dirname(path)
    if os.path.normpath(directory) in made:
        if not os.path.isdir(directory):
            pending.add(path)
        return
    if not os.path.isdir(directory):
        problem = "%spath %s: its directory %s does not exist (add it to directories)." % (where, path, directory)
        if not module.check_mode:
            module.fail_json(msg=problem)
        module.warn(problem + " Check mode goes on, as if an earlier task of the play created it.")
        pending.add(path)
    elif not os.access(directory, os.W_OK | os.X_OK):
        module.fail_json(msg="%spath %s: its directory %s is not writable by this user." % (where, path, directory))


def attributes(module, item, changed):
    """Fix owner, group and mode (predicted in check mode); returns whether anything changed."""
    args = module.load_file_common_arguments(dict(path=item['path'], owner=item['owner'], group=item['group'],
                                                  mode=item['mode']), path=item['path'])
    return module.set_fs_attributes_if_different(args, changed)


def ensure_directory(module, item, pending):
    path = item['path']
    if item['path'] in pending:
        return True, {'path': path, 'state': 'absent or not as wanted'}
    missing = []
    head = os.path.normpath(path)
    while not os.path.isdir(head):
        missing.insert(0, head)
        head = os.path.dirname(head)
    before = {'path': path, 'state': 'absent' if missing else 'directory'}
    if missing and module.check_mode:
        return True, before
    for directory in missing:
        try:
            os.mkdir(directory, file_mode(item['mode']) & 0o777)
        except (IOError, OSError) as e:
            module.fail_json(msg="could not create the directory %s: %s" % (directory, to_native(e.strerror or e)))
        attributes(module, dict(item, path=directory), True)
    return attributes(module, item, bool(missing)), before


def read_text(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except (IOError, OSError):
        return None


def ensure_conf(module, item, pending):
    path, content = item['path'], item['content']
    old = read_text(path)
    content_changes = old != content
    if content_changes and not module.check_mode:
        write_keyring(module, path, content, item['owner'], item['group'], item['mode'], what='configuration file')
    diff = dict(before_header=path, after_header=path, before=old or '', after=content)
    if path in pending:
        return True, diff
    changed = content_changes
    if os.path.exists(path):
        changed = attributes(module, item, changed)
    return changed, diff


def main():
    common = dict(path=dict(type='path', required=True), owner=dict(type='str'), group=dict(type='str'))
    module = AnsibleModule(
        argument_spec=dict(
            directories=dict(type='list', elements='dict', default=[],
                             options=dict(common, mode=dict(type='raw', default='0755'))),
            confs=dict(type='list', elements='dict', default=[],
                       options=dict(common, content=dict(type='str', required=True),
                                    mode=dict(type='raw', default='0644'))),
        ),
        supports_check_mode=True,
    )
    pending = validate(module)
    directories, confs, diffs = [], [], []
    for item in module.params['directories']:
        changed, before = ensure_directory(module, item, pending)
        directories.append(dict(path=item['path'], changed=changed))
        if changed:
            diffs.append(dict(before=before, after={'path': item['path'], 'state': 'directory'}))
    for item in module.params['confs']:
        changed, diff = ensure_conf(module, item, pending)
        confs.append(dict(path=item['path'], changed=changed))
        if changed:
            diffs.append(diff)
    module.exit_json(changed=any(d['changed'] for d in directories + confs), directories=directories, confs=confs,
                     diff=diffs)


if __name__ == '__main__':
    main()
