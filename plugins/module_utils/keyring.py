# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keyring files: their text, the checks that run before anything changes, and a write that
never leaves a key readable by others."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import re
import tempfile

from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import control_problem

CAP_TYPES = ('mon', 'osd', 'mgr', 'mds')
# TYPE.ID, the ID as ceph_cli.ENTITY_ID_RE. \Z, not $: '$' also matches before a trailing newline,
# which let 'client.x\n' through and into the cluster.
ENTITY_RE = re.compile(r'^(client|mgr|mon|osd|mds)\.[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}\Z')
ENTITY_FORM = ("TYPE.ID such as client.glance: TYPE is one of client, mgr, mon, osd, mds; the ID starts with a "
               "letter, digit or '_' and holds letters, digits, '_', '-' and '.' (at most 128)")


def entity_problem(name, param):
    """Why `name` is refused as a cephx entity, or None."""
    if not isinstance(name, str) or not ENTITY_RE.match(name):
        return "%s %r is not a cephx entity: use %s." % (param, name, ENTITY_FORM)
    return None


def keyring_text(entity, key, caps=None):
    lines = ['[%s]' % entity, '\tkey = %s' % key]
    for daemon in CAP_TYPES:
        if caps and daemon in caps:
            lines.append('\tcaps %s = "%s"' % (daemon, caps[daemon]))
    return '\n'.join(lines) + '\n'


OCTAL_MODE_RE = re.compile(r'^(0o)?[0-7]{1,6}\Z')


def file_mode(mode):
    """The bits of an octal mode ('0640', '0o640') or an int; ValueError for anything else."""
    if isinstance(mode, int) and not isinstance(mode, bool):
        return mode
    if not isinstance(mode, str) or not OCTAL_MODE_RE.match(mode):
        raise ValueError(mode)
    return int(mode, 8)


def mode_problem(mode, path):
    """Why `mode` is refused for a keyring at `path` (not octal, or readable by others), or None."""
    try:
        bits = file_mode(mode)
    except ValueError:
        return "mode must be an octal mode such as '0600', got %r." % (mode,)
    if bits < 0 or bits > 0o7777:
        return "mode must be an octal mode between 0000 and 07777 such as '0600', got %r." % (mode,)
    if bits & 0o007:
        return "mode %s lets every user read the keyring %s: use 0600 or 0640." % (mode, path)
    return None


def numeric_id(name, lookup):
    """A numeric ID as given, or the ID `lookup` finds for the name; None if no such name exists here."""
    if name.isdigit():
        return int(name)
    try:
        return lookup(name)[2]
    except KeyError:
        return None


def user_id(owner):
    """The UID of `owner` (a user name, or a numeric UID), or None if no such user exists here."""
    return numeric_id(owner, pwd.getpwnam)


def group_id(group):
    """The GID of `group` (a group name, or a numeric GID), or None if no such group exists here."""
    return numeric_id(group, grp.getgrnam)


def keyring_file_problem(path, owner, group, mode, where='', path_param='path', state='present', module=None):
    """What stands in the way of writing (state present) or removing (state absent) the keyring
    file at `path`, or None. Everything is checked locally, before anything changes; the message
    names the parameter (path_param, owner, group or mode) after `where` (the item, in a list).

    A missing directory, owner or group is only a warning in check mode (pass `module`): on a new
    node an earlier task of the same play (the package that creates /etc/ceph and the service user)
    makes them, which check mode cannot know. The real run fails on them before anything changes."""
    for param, value in ((path_param, path), ('owner', owner), ('group', group)):
        problem = control_problem(value, where + param)
        if problem:
            return problem
    if not path:
        return "%s%s must be the path of a keyring file." % (where, path_param)
    if os.path.isdir(path):
        return ("%s%s %s is a directory: give the path of the keyring file itself, such as %s."
                % (where, path_param, path, os.path.join(path, 'ceph.client.NAME.keyring')))
    if state == 'absent':
        return None
    problem = mode_problem(mode, path)
    if problem:
        return where + problem
    directory = os.path.dirname(path) or '.'
    if os.path.isdir(directory) and not os.access(directory, os.W_OK | os.X_OK):
        return "%s%s %s: its directory %s is not writable by this user." % (where, path_param, path, directory)
    problem = missing_prerequisite(path, directory, owner, group, where, path_param)
    if problem and module is not None and module.check_mode:
        module.warn(problem + " Check mode goes on, as if an earlier task of the play created it; a real run "
                              "fails here, before anything changes, unless one does.")
        return None
    return problem


def missing_prerequisite(path, directory, owner, group, where, path_param):
    if not os.path.isdir(directory):
        return "%s%s %s: its directory %s does not exist." % (where, path_param, path, directory)
    if owner and user_id(owner) is None:
        return "%sowner %r does not exist on this host (give a user name or a numeric UID)." % (where, owner)
    if group and group_id(group) is None:
        return "%sgroup %r does not exist on this host (give a group name or a numeric GID)." % (where, group)
    return None


def keyring_needs_write(path, content):
    try:
        with open(path, 'rb') as f:
            return f.read() != to_bytes(content)
    except (IOError, OSError):
        return True


def write_keyring(module, path, content, owner=None, group=None, mode='0600', what='keyring file'):
    """Write atomically: a temporary file in the same directory gets the final mode and owner
    before its content, then replaces the old file, so the key is never readable by others.
    keyring_file_problem() has checked the directory, owner, group and mode beforehand (for a
    configuration file, ceph_conf's checks)."""
    directory = os.path.dirname(path) or '.'
    uid = user_id(owner) if owner else -1
    gid = group_id(group) if group else -1
    if uid is None or gid is None:
        module.fail_json(msg="owner/group for %s does not exist on this host." % path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix='.%s-' % what.split()[0], dir=directory)
        with os.fdopen(fd, 'wb') as f:
            os.fchmod(f.fileno(), file_mode(mode))
            os.fchown(f.fileno(), uid, gid)
            f.write(to_bytes(content))
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, path)
    except (IOError, OSError) as e:
        module.fail_json(msg="could not write the %s %s: %s" % (what, path, to_native(e.strerror or e)))
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def remove_keyring(module, path):
    """Remove the keyring file at `path` if there is one; returns whether there was one."""
    if not os.path.lexists(path):
        return False
    if not module.check_mode:
        try:
            os.unlink(path)
        except (IOError, OSError) as e:
            module.fail_json(msg="could not remove the keyring file %s: %s" % (path, to_native(e.strerror or e)))
    return True


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
    if module.check_mode and ((owner and user_id(owner) is None) or (group and group_id(group) is None)):
        # Check mode, owner or group still to be created by an earlier task: the file changes.
        return True, content_changes
    if os.path.exists(path):
        file_args = module.load_file_common_arguments(dict(path=path, owner=owner, group=group, mode=mode), path=path)
        changed = module.set_fs_attributes_if_different(file_args, changed)
    return changed, content_changes
