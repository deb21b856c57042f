# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keyring files: their text, and a write that never leaves a key readable by others."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import re
import tempfile

from ansible.module_utils.common.text.converters import to_bytes

CAP_TYPES = ('mon', 'osd', 'mgr', 'mds')
ENTITY_RE = re.compile(r'^(client|mgr|mon|osd|mds)\.[A-Za-z0-9_.\-]+$')


def keyring_text(entity, key, caps=None):
    lines = ['[%s]' % entity, '\tkey = %s' % key]
    for daemon in CAP_TYPES:
        if caps and daemon in caps:
            lines.append('\tcaps %s = "%s"' % (daemon, caps[daemon]))
    return '\n'.join(lines) + '\n'


def file_mode(mode):
    return mode if isinstance(mode, int) else int(str(mode), 8)


def mode_problem(mode, path):
    """Why `mode` is refused for a keyring at `path` (not octal, or readable by others), or None."""
    try:
        bits = file_mode(mode)
    except ValueError:
        return "mode must be an octal mode such as '0600', got %r." % (mode,)
    if bits & 0o007:
        return "mode %s lets every user read the keyring %s: use 0600 or 0640." % (mode, path)
    return None


def keyring_needs_write(path, content):
    try:
        with open(path, 'rb') as f:
            return f.read() != to_bytes(content)
    except (IOError, OSError):
        return True


def write_keyring(module, path, content, owner=None, group=None, mode='0600'):
    """Write atomically: a temporary file in the same directory gets the final mode and owner
    before its content, then replaces the old file, so the key is never readable by others."""
    directory = os.path.dirname(path) or '.'
    if not os.path.isdir(directory):
        module.fail_json(msg="directory %s of keyring %s does not exist." % (directory, path))
    uid = gid = -1
    try:
        if owner:
            uid = pwd.getpwnam(owner).pw_uid
        if group:
            gid = grp.getgrnam(group).gr_gid
    except KeyError as e:
        module.fail_json(msg="owner/group for %s does not exist on this host: %s" % (path, e))
    fd, tmp = tempfile.mkstemp(prefix='.keyring-', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as f:
            os.fchmod(f.fileno(), file_mode(mode))
            os.fchown(f.fileno(), uid, gid)
            f.write(to_bytes(content))
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ensure_keyring_file(module, path, entity, key, owner=None, group=None, mode='0600'):
    """One entity's keyring file at `path` with this owner, group and mode; in check mode only
    predicted. `key` None means not known yet (check mode, entity still to be created): the file
    counts as changing. Returns (changed, content_changes)."""
    if key is None:
        content_changes = True
    else:
        content = keyring_text(entity, key)
        content_changes = keyring_needs_write(path, content)
        if content_changes and not module.check_mode:
            write_keyring(module, path, content, owner, group, mode)
    changed = content_changes
    if os.path.exists(path):
        file_args = module.load_file_common_arguments(dict(path=path, owner=owner, group=group, mode=mode), path=path)
        changed = module.set_fs_attributes_if_different(file_args, changed)
    return changed, content_changes
