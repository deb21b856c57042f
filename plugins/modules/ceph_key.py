#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ceph_key
short_description: Manage cephx users, their capabilities and keyring files
version_added: 0.1.0
description:
  - Create, update or delete one cephx entity (for example C(client.glance)), or a list of them in one
    call (O(users)), with the C(ceph) CLI.
  - Capabilities that drift are corrected with C(ceph auth caps); the key is not regenerated.
  - An existing secret (from a vault, for example) can be imported with O(secret); it travels on
    standard input, never on the command line.
  - Keys of both cephx key types are taken and reported (RV(key_type)), C(aes) (40 base64 characters,
    C(AQ...==)) and C(aes256k) (60 characters, C(Ag...=), the type Ceph 19.2.6 and 20.2.4 added).
  - Optionally writes a keyring file (O(dest)) holding only this entity's key, with the owner, group and
    mode you ask for. A file whose content drifted is rewritten, not just one that is missing.
  - When nothing changes the module makes a single read, C(ceph auth get) for O(name) and
    C(ceph auth ls) for O(users), however many users the list holds.
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
extends_documentation_fragment:
  - openstack_ceph.rbd.ceph_client
attributes:
  check_mode:
    support: full
    description: Reads run; writes are skipped; RV(ignore:changed) and the diff predict what a real run does.
  diff_mode:
    support: full
    description: Before and after of the capabilities, and whether the key and the keyring file change. Never the key.
  idempotent:
    support: full
    description: A second run with the same options reports no change.
options:
  name:
    description:
      - The cephx entity, C(TYPE.ID), for example V(client.glance) or V(client.cinder-backup).
      - C(TYPE) is one of C(client), C(mgr), C(mon), C(osd) and C(mds). C(ID) starts with a letter, a digit
        or C(_) and holds letters, digits, C(_), C(-) and C(.), at most 128 characters. Anything else
        (a space, a newline or another control character) is refused before the cluster is asked.
      - Exactly one of O(name) and O(users) is required.
    type: str
    aliases: [entity]
  users:
    description:
      - Several entities, managed in one call with one read of the cluster's auth database.
      - Each item is a dictionary with C(name) and any of O(state), O(caps) and O(secret). An option
        an item does not set falls back to the same option given at the top level.
      - O(return_key) applies to every item. Keyring files (O(dest)) are written for O(name) only.
      - Every item is checked before anything changes, also against the live read (what Ceph would refuse,
        and changes to the user the module runs as); an error names the item.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      name:
        description: The cephx entity, as O(name).
        type: str
        required: true
        aliases: [entity]
      state:
        description: As O(state). Falls back to the top-level O(state).
        type: str
        choices: [present, absent]
      caps:
        description: As O(caps). Falls back to the top-level O(caps).
        type: dict
      secret:
        description:
          - As O(secret). Falls back to the top-level O(secret). Masked in Ansible's output and logs
            like the top-level one.
        type: str
      rotate_if_created_before:
        description: As O(rotate_if_created_before). Falls back to the top-level one.
        type: raw
        version_added: 0.3.0
      key_type:
        description: As O(key_type). Falls back to the top-level one.
        type: str
        choices: [aes, aes256k]
        version_added: 0.3.0
  state:
    description:
      - V(present) creates the entity if needed and applies O(caps) and O(secret).
      - V(absent) deletes the entity (the keyring file at O(dest), if given, is removed too).
    type: str
    choices: [present, absent]
    default: present
  caps:
    description:
      - Capabilities per daemon type. Keys are C(mon), C(osd), C(mgr) and C(mds); values are non-empty cap
        strings such as V(profile rbd pool=images), without double quotes or control characters (newline,
        tab...). Runs of spaces count as one.
      - When given, this is the entity's whole set of capabilities; a daemon type left out gets none.
        When omitted, the capabilities of an existing entity are not managed.
      - V({}) creates a new entity without capabilities. Ceph cannot take every capability from an existing
        entity in place, so V({}) for an entity that has some is refused (in check mode too), and nothing
        changes.
    type: dict
  secret:
    description:
      - A base64 cephx key to give the entity, instead of letting Ceph generate one. A live key that
        differs is replaced.
      - Of type C(aes) (as C(ceph-authtool --gen-print-key --key-type aes) makes) or C(aes256k) (which only
        Ceph 19.2.6, 20.2.4 and later know). Anything else, including a key whose header does not match
        its length, is refused before the cluster is asked.
      - A new entity can get a key without capabilities. Ceph refuses a new key for an existing entity
        without capabilities; that is refused (in check mode too) unless O(caps) gives some.
      - Never logged, never on a command line.
    type: str
  rotate_if_created_before:
    description:
      - Give an existing entity a new key when its key was made before this time (the creation time a cephx
        key carries in its header). Seconds since the epoch, or ISO 8601 text such as V(2026-12-06T21:00:00Z)
        (no zone means UTC).
      - Give the time the rotation began, and the same value to every later run of it. A run that stops
        midway, run again, does not rotate a key that is already new. A time in the future is refused, since
        the new key would then be rotated again by every run.
      - The new key is made by the monitors with C(ceph auth rotate) where they have that command (Ceph 19
        and later; a pending key made earlier with C(ceph auth get-or-create-pending), which would stay valid
        next to the new key, is then cleared), else here, from the operating system's random source, and imported on standard input
        with the entity's capabilities. Where C(ceph auth rotate) gives a key of another type than the one
        wanted, that key is replaced at once by one of the wanted type.
      - The capabilities are kept (or set from O(caps) when given). An entity without capabilities cannot be
        given a new key (Ceph refuses the import); that is refused before anything changes.
      - Not with O(secret), which sets the key itself.
    type: raw
    version_added: 0.3.0
  key_type:
    description:
      - The type of a new key, V(aes) or V(aes256k) (which only Ceph 19.2.6, 20.2.4 and later take).
      - An existing entity whose key is of another type gets a new key of this type, made here and imported
        on standard input; that is how a key type is changed (CVE-2025-30156 asks for V(aes256k)). The
        monitors refuse a type they do not know; check every client that uses the key first.
      - For an entity created by this task, the key is made here with this type and imported.
      - Left out, a rotated key keeps the type it had, and a new entity gets the monitors' default.
      - Not with O(secret).
    type: str
    choices: [aes, aes256k]
    version_added: 0.3.0
  return_key:
    description:
      - "Return the key in RV(key). Give the task C(no_log: true) when you set this."
    type: bool
    default: false
  dest:
    description:
      - Write a keyring file for this entity at this path on the target. It holds the entity's name
        and key only, and is rewritten when its content differs.
      - Its directory must exist and be writable, and the path must not be a directory or hold control
        characters. This, O(owner), O(group) and O(mode) are checked before the cluster is read or changed,
        in check mode too, so a bad file option never leaves a user created without its file.
      - In check mode a missing directory, owner or group is a warning rather than a failure, because an
        earlier task of the play (the package that creates C(/etc/ceph) or the service user) may create
        it; the file is reported as changing. A real run fails on it before the cluster is read.
      - In check mode for an entity that does not exist yet, the file is reported as changing.
      - With O(state=absent) the file is removed; a directory at this path is refused.
    type: path
  owner:
    description: Owner of O(dest), a user name or a numeric UID. A user name must exist on the target.
    type: str
  group:
    description: Group of O(dest), a group name or a numeric GID. A group name must exist on the target.
    type: str
  mode:
    description:
      - Mode of O(dest), octal, from V('0000') to V('07777'), for example V('0600') or V('0640'). Modes that
        let others read the file are refused.
    type: raw
    default: '0600'
  allow_own_user_change:
    description:
      - Changing the caps or the key of, or deleting, the entity this module runs as (C(client.) plus the
        O(user) option, by default C(client.admin)) can lock you out of the cluster, so it is refused,
        in check mode too, unless this is V(true).
      - Reading its key, or giving it the caps it already has, is always allowed.
    type: bool
    default: false
    version_added: 0.2.0
requirements:
  - C(ceph) CLI on the target (package C(ceph-common)).
notes:
  - The key is added to the values Ansible masks in its output unless O(return_key=true).
seealso:
  - module: openstack_ceph.rbd.ceph_pool
'''

EXAMPLES = r'''
- name: Glance reads and writes images, nothing else
  openstack_ceph.rbd.ceph_key:
    name: client.glance
    caps:
      mon: profile rbd
      osd: profile rbd pool=images
      mgr: profile rbd pool=images

- name: Cinder, with read-only access to Glance's images for copy-on-write clones
  openstack_ceph.rbd.ceph_key:
    name: client.cinder
    caps:
      mon: profile rbd
      osd: profile rbd pool=volumes, profile rbd pool=vms, profile rbd-read-only pool=images
      mgr: profile rbd pool=volumes, profile rbd pool=vms
    dest: /etc/ceph/ceph.client.cinder.keyring
    owner: cinder
    group: cinder
    mode: '0640'

- name: Import a key kept in a vault
  openstack_ceph.rbd.ceph_key:
    name: client.cinder-backup
    secret: "{{ vault_cinder_backup_key }}"
    caps:
      mon: profile rbd
      osd: profile rbd pool=backups
  no_log: true

- name: The OpenStack users in one call, one read when nothing changes
  openstack_ceph.rbd.ceph_key:
    users:
      - name: client.glance
        caps: {mon: profile rbd, osd: profile rbd pool=images, mgr: profile rbd pool=images}
      - name: client.cinder-backup
        caps: {mon: profile rbd, osd: profile rbd pool=backups, mgr: profile rbd pool=backups}

- name: Read several keys at once, to push them to the nodes that need them
  openstack_ceph.rbd.ceph_key:
    users: [{name: client.glance}, {name: client.cinder}]
    return_key: true
  check_mode: true  # a read only: users that do not exist are not created
  register: openstack_keys
  no_log: true

- name: Read a key once, to push it to the nodes that need it
  openstack_ceph.rbd.ceph_key:
    name: client.cinder
    return_key: true
  register: cinder_key
  no_log: true

- name: Rotate two keys made before the rotation began, and make them AES256K (a rerun rotates nothing again)
  openstack_ceph.rbd.ceph_key:
    users: [{name: client.glance}, {name: client.cinder-backup}]
    rotate_if_created_before: "2026-12-06T21:00:00Z"
    key_type: aes256k
    return_key: true
  register: rotated
  no_log: true
'''

RETURN = r'''
entity:
  description: The entity managed.
  returned: always
  type: str
  sample: client.glance
caps:
  description: Its capabilities after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  sample: {mon: profile rbd, osd: profile rbd pool=images}
key:
  description:
    - The entity's base64 key. Absent in check mode when the entity is still to be created.
    - In check mode, for an entity that would get a new key (RV(rotated)), the key it has now.
  returned: when O(return_key=true) and the entity exists
  type: str
key_type:
  description:
    - The type of the entity's key, as C(ceph-authtool --key-type) names it. Returned whether or not
      O(return_key) is set; it never reveals the key.
    - V(null) when the key is not known yet (check mode, entity still to be created without O(secret)) or is of
      a type this module does not know.
  returned: when O(state=present)
  type: str
  sample: aes256k
  version_added: 0.3.0
key_created:
  description:
    - When the entity's key was made, from the key's header, as ISO 8601 text in UTC. It never reveals the key.
    - V(null) when the key is not known yet (check mode, entity still to be created).
  returned: when O(state=present)
  type: str
  sample: "2026-12-06T21:14:03Z"
  version_added: 0.3.0
rotated:
  description:
    - Whether the entity got a new key (would get one, in check mode) because of O(rotate_if_created_before)
      or O(key_type).
  returned: when O(state=present)
  type: bool
  version_added: 0.3.0
rotated_because:
  description: Why the entity gets a new key, in words (its key's type, or when its key was made). Never the key.
  returned: when the key was (or, in check mode, would be) rotated
  type: list
  elements: str
  sample: ["its key was made 2025-03-02T10:00:00Z, before 2026-12-06T21:00:00Z"]
  version_added: 0.3.0
rotated_with:
  description: How the new key was made, V(auth rotate) (by the monitors) or V(auth import) (made here). Not in check mode.
  returned: when the key was rotated
  type: str
  sample: auth import
  version_added: 0.3.0
dest:
  description: Path of the keyring file written.
  returned: when O(dest) is set
  type: str
  sample: /etc/ceph/ceph.client.glance.keyring
users:
  description: With O(users), one entry per item, in order.
  returned: when O(users) is given
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    entity:
      description: The entity.
      type: str
    changed:
      description: Whether this entity changed (or would change, in check mode).
      type: bool
    caps:
      description: Its capabilities after the run, as RV(caps).
      type: dict
    key:
      description: Its key, as RV(key).
      type: str
      returned: when O(return_key=true) and the entity exists
    key_type:
      description: The type of its key, as RV(key_type).
      type: str
      returned: when its state is V(present)
      version_added: 0.3.0
    key_created:
      description: When its key was made, as RV(key_created).
      type: str
      returned: when its state is V(present)
      version_added: 0.3.0
    rotated:
      description: Whether it got a new key, as RV(rotated).
      type: bool
      returned: when its state is V(present)
      version_added: 0.3.0
    rotated_because:
      description: Why, as RV(rotated_because).
      type: list
      elements: str
      returned: when it was (or would be) rotated
      version_added: 0.3.0
    rotated_with:
      description: How, as RV(rotated_with).
      type: str
      returned: when it was rotated
      version_added: 0.3.0
  sample:
    - entity: client.glance
      changed: false
      caps: {mon: profile rbd, osd: profile rbd pool=images}
      key_type: aes
'''

import json
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CEPH_CLIENT_ARGUMENT_SPEC, CephCLI, cephx_key_bytes, cephx_key_created, cephx_key_raw, cephx_key_type_of,
    control_problem, new_cephx_key, time_problem)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.items import item_options, wanted_items
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.keyring import (
    CAP_TYPES, ensure_keyring_file, entity_problem as entity_name_problem, keyring_file_problem, keyring_text,
    remove_keyring)


def norm_caps(caps):
    return dict((k, ' '.join(str(v).split())) for k, v in (caps or {}).items())


def caps_args(caps):
    args = []
    for daemon in CAP_TYPES:
        if daemon in caps:
            args += [daemon, caps[daemon]]
    return args


def entity_problem(module, p, where):
    """What is wrong with one entity's options (`where` names the item of `users`), or None."""
    problem = entity_name_problem(p['name'], where + 'name')
    if problem:
        return problem
    if p['caps'] is not None:
        unknown = sorted(str(k) for k in set(p['caps']) - set(CAP_TYPES))
        if unknown:
            return "%scaps has unknown daemon type(s) %s: use %s." % (where, ', '.join(unknown), ', '.join(CAP_TYPES))
        for daemon, value in p['caps'].items():
            if not isinstance(value, str) or not value.strip() or '"' in value:
                return "%scaps.%s must be a non-empty cap string without double quotes." % (where, daemon)
            problem = control_problem(value, '%scaps.%s' % (where, daemon))
            if problem:
                return problem
    if p['secret'] is not None:
        cephx_key_bytes(module, p['secret'], where + 'secret')  # fails itself, naming the parameter only
        for other in ('rotate_if_created_before', 'key_type'):
            if p[other] is not None:
                return "%ssecret sets the key itself: it cannot go with %s." % (where, other)
    if p['rotate_if_created_before'] is not None:
        before, problem = time_problem(p['rotate_if_created_before'], where + 'rotate_if_created_before')
        if problem:
            return problem
        if before > time.time() + 60:
            return ("%srotate_if_created_before is %s, in the future: a key made now would be made before it, and "
                    "every run would rotate it again. Give the time the rotation began." % (where, iso_time(before)))
    return None


def iso_time(seconds):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(seconds)) if seconds is not None else None


ENTITY_OPTIONS = dict(
    name=dict(type='str', aliases=['entity']),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    caps=dict(type='dict'),
    secret=dict(type='str', no_log=True),
    rotate_if_created_before=dict(type='raw'),
    key_type=dict(type='str', choices=['aes', 'aes256k']),
)


def read_one(cli, entity):
    """The live entry of one entity (`ceph auth get`), or None."""
    rc, found, err = cli.ceph_json(['auth', 'get', entity], check_rc=False)
    if rc != 0 and 'failed to find' not in err and rc != 2:
        cli.fail(cli.argv('ceph', ['auth', 'get', entity]), rc, '', err, 'ceph auth get')
    return found[0] if rc == 0 and found else None


def read_all(cli):
    """Every entity's live entry by name, from one `ceph auth ls`. Keys of entities this call does
    not manage stay in this process: they are never returned."""
    dummy, dump, dummy2 = cli.ceph_json(['auth', 'ls'])
    return dict((e['entity'], e) for e in (dump or {}).get('auth_dump', []))


def plan_entity(module, p, live, where, own_entity):
    """What one entity needs, decided from the live read before anything is written (in check mode
    as in a real run). What Ceph would refuse, and a change to the user this module runs as without
    allow_own_user_change, fails here, naming the item."""
    entity = p['name']
    plan = dict(p=p, live=live, own=entity == own_entity, write=None)
    if p['state'] == 'absent':
        plan['changed'] = bool(live)
        if live:
            plan['write'] = (['auth', 'del', entity], None)
        return guard_own_user(module, plan, where, 'deleting it')

    live_caps = norm_caps(live['caps']) if live else {}
    want_caps = norm_caps(p['caps']) if p['caps'] is not None else live_caps
    key = live['key'] if live else None
    key_changes = False
    if p['secret'] is not None:
        want_key = p['secret'].strip()
        # The live key is compared as bytes whatever its type: a type this module does not know is a change.
        key_changes = live is None or cephx_key_raw(live['key']) != cephx_key_bytes(module, want_key, where + 'secret')
        key = want_key
    rotate = rotation_reasons(p, live) if live is not None and p['secret'] is None else []
    if live is None and p['secret'] is None and p['key_type'] is not None:
        # A new entity with the type asked for, whatever the monitors' default: made here, imported.
        key, key_changes = new_cephx_key(p['key_type']), True
    caps_change = live is not None and want_caps != live_caps
    if caps_change and not want_caps:
        module.fail_json(msg="%scaps: {} would take every capability from %s, which Ceph cannot do in place "
                             "('ceph auth caps' needs at least one). Leave caps out to keep the ones it has, "
                             "give the caps it should keep, or delete it (state: absent) and create it again "
                             "without caps." % (where, entity))
    if (key_changes or rotate) and live is not None and not want_caps:
        module.fail_json(msg="%s%s: Ceph cannot give %s a new key while it has no capabilities "
                             "('ceph auth import' refuses an entry without caps): give caps as well."
                         % (where, 'secret' if key_changes else 'rotate_if_created_before/key_type', entity))
    plan.update(changed=live is None or key_changes or caps_change or bool(rotate), key=key, key_changes=key_changes,
                live_caps=live_caps, want_caps=want_caps, rotate=rotate)
    if rotate:
        plan['want_type'] = p['key_type'] or cephx_key_type_of(live['key'])
        # An import (rotate_key) sets the caps with the key; after 'auth rotate' they are set apart.
        plan['write'] = (['auth', 'caps', entity] + caps_args(want_caps), None) if caps_change else None
        return guard_own_user(module, plan, where, 'replacing its key')
    if key_changes and live is None and not want_caps:
        # A new entity with a given key and no caps: 'auth import' refuses it, 'auth add' does not.
        plan['write'] = (['auth', 'add', entity, '-i', '-'], keyring_text(entity, key))
    elif key_changes:
        # One import sets key and caps together; the keyring travels on stdin.
        plan['write'] = (['auth', 'import', '-i', '-'], keyring_text(entity, key, want_caps))
    elif live is None:
        plan['write'] = (['auth', 'get-or-create', entity] + caps_args(want_caps) + ['--format', 'json'], None)
    elif caps_change:
        plan['write'] = (['auth', 'caps', entity] + caps_args(want_caps), None)
    if key_changes and live is not None:
        return guard_own_user(module, plan, where, 'replacing its key')
    return guard_own_user(module, plan, where, 'changing its caps')


def rotation_reasons(p, live):
    """Why an existing entity's key is to be replaced by a new one (rotate_if_created_before, key_type), or []."""
    reasons = []
    live_type = cephx_key_type_of(live['key'])
    if p['key_type'] is not None and live_type != p['key_type']:
        reasons.append('its key is of type %s, not %s' % (live_type or 'unknown', p['key_type']))
    if p['rotate_if_created_before'] is not None:
        before = time_problem(p['rotate_if_created_before'], 'rotate_if_created_before')[0]
        created = cephx_key_created(live['key'])
        if created is None or created < before:
            reasons.append('its key was made %s, before %s' % (iso_time(created) or 'at an unknown time', iso_time(before)))
    return reasons


def rotate_key(module, cli, plan, return_key):
    """Give an existing entity a new key of plan['want_type']: with 'ceph auth rotate' where the monitors have it
    and the type stays the same, else (or when the monitors made another type) a key made here, imported on stdin
    with the entity's caps. Returns (key, how)."""
    entity = plan['p']['name']
    if plan['want_type'] == cephx_key_type_of(plan['live']['key']):
        what = 'ceph auth rotate %s' % entity
        rc, out, err = cli.ceph(['auth', 'rotate', entity, '--format', 'json'], check_rc=False, what=what)
        if rc == 0:
            if pending_key_kept(out):
                # 'auth rotate' keeps a pending key made earlier, which would stay valid next to the new one.
                cli.ceph(['auth', 'clear-pending', entity], what='ceph auth clear-pending %s' % entity)
            key = rotated_key(out) or (read_one(cli, entity) or {}).get('key')
            if key is not None and not return_key:
                module.no_log_values.add(key)
            if key is not None and cephx_key_type_of(key) == plan['want_type']:
                return key, 'auth rotate'
        elif not (rc == 22 and ('no valid command found' in err or 'unrecognized command' in err)):
            cli.fail(cli.argv('ceph', ['auth', 'rotate', entity]), rc, '', err, what)
    key = new_cephx_key(plan['want_type'])
    if not return_key:
        module.no_log_values.add(key)
    args = ['auth', 'import', '-i', '-']
    rc, dummy, err = cli.ceph(args, data=keyring_text(entity, key, plan['want_caps']), check_rc=False,
                              what='ceph auth import %s' % entity)
    if rc != 0:
        cli.fail(cli.argv('ceph', args), rc, '', err, 'ceph auth import %s' % entity)
    return key, 'auth import'


def rotated_entry(out):
    """The entry in the output of 'ceph auth rotate --format json' (a list of entries, or one), or {}."""
    try:
        found = json.loads(out)
    except ValueError:
        return {}
    if isinstance(found, list) and found:
        found = found[0]
    return found if isinstance(found, dict) else {}


def rotated_key(out):
    return rotated_entry(out).get('key')


def pending_key_kept(out):
    return bool(rotated_entry(out).get('pending_key'))


def guard_own_user(module, plan, where, what):
    if plan['own'] and plan['changed'] and not module.params['allow_own_user_change']:
        module.fail_json(msg="%s%s is the user this module runs as (option user): %s could lock you out of the "
                             "cluster. Nothing was changed; set allow_own_user_change=true if you mean it, or run "
                             "the task as another user." % (where, plan['p']['name'], what))
    return plan


def apply_plan(module, cli, plan, return_key):
    """Carry out one entity's plan (writes skipped in check mode); returns (result, key) where key
    is None if unknown."""
    p, live = plan['p'], plan['live']
    entity = p['name']
    if live and not return_key:
        module.no_log_values.add(live['key'])
    how = None
    if plan.get('rotate') and not module.check_mode:
        plan['key'], how = rotate_key(module, cli, plan, return_key)
        if how == 'auth import':
            plan['write'] = None
    if plan['write'] and not module.check_mode:
        args, data = plan['write']
        what = 'ceph %s %s' % (' '.join(args[:2]), entity)
        rc, out, err = cli.ceph(args, data=data, check_rc=False, what=what)
        if rc != 0 and 'capability parse failed' in err:
            module.fail_json(msg="caps for %s were refused by Ceph: %s" % (entity, err.strip()), rc=rc, stderr=err)
        if rc != 0:
            cli.fail(cli.argv('ceph', args), rc, '', err, what)
        if args[1] == 'get-or-create':
            try:
                plan['key'] = json.loads(out)[0]['key']
            except (ValueError, LookupError, TypeError):
                module.fail_json(msg="%s: could not read the new key from its output; run the task again "
                                     "to converge." % what, rc=rc, stderr=err)
            if not return_key:
                module.no_log_values.add(plan['key'])
    if p['state'] == 'absent':
        return dict(entity=entity, changed=plan['changed'], caps={},
                    diff=dict(before={'entity': entity, 'state': 'present' if live else 'absent'},
                              after={'entity': entity, 'state': 'absent'})), None

    rotating = bool(plan['rotate'])
    # In check mode an entity to rotate keeps its key: the one it has now is reported.
    key = plan['key']
    result = dict(entity=entity, changed=plan['changed'], caps=plan['want_caps'], key_type=cephx_key_type_of(key),
                  key_created=iso_time(cephx_key_created(key)) if key is not None else None, rotated=rotating)
    if rotating:
        result['rotated_because'] = plan['rotate']
    if how:
        result['rotated_with'] = how
    if return_key and key is not None:
        result['key'] = key
    before = {'entity': entity, 'state': 'present' if live else 'absent', 'caps': plan['live_caps']}
    after = {'entity': entity, 'state': 'present', 'caps': plan['want_caps']}
    if (plan['key_changes'] or rotating) and live:
        before['key'] = 'old key (not shown), of type %s, made %s' % (
            cephx_key_type_of(live['key']), iso_time(cephx_key_created(live['key'])))
        after['key'] = 'new key (not shown)' + (', of type %s: %s' % (plan['want_type'], '; '.join(plan['rotate']))
                                                if rotating else '')
    result['diff'] = dict(before=before, after=after)
    return result, key


def validate_file(module):
    """Everything about dest that can be checked on this host, before the cluster is even read."""
    p = module.params
    if p['dest'] is None:
        return
    problem = keyring_file_problem(p['dest'], p['owner'], p['group'], p['mode'], path_param='dest', state=p['state'],
                                   module=module)
    if problem:
        module.fail_json(msg=problem)


def keyring_file(module, p, result, key):
    """Write the keyring file at dest (single-entity mode); updates result's changed and diff."""
    result['dest'] = p['dest']
    if p['state'] == 'absent':
        result['changed'] = remove_keyring(module, p['dest']) or result['changed']
        return
    file_changed, dummy = ensure_keyring_file(module, p['dest'], p['name'], key, p['owner'], p['group'], p['mode'])
    result['diff']['before']['keyring_file'] = 'out of date' if file_changed else 'up to date'
    result['diff']['after']['keyring_file'] = 'up to date'
    result['changed'] = result['changed'] or file_changed


def main():
    argument_spec = dict(
        ENTITY_OPTIONS,
        # Declared item by item so that Ansible masks an item's secret in its output and logs.
        users=dict(type='list', elements='dict', options=item_options(ENTITY_OPTIONS)),
        return_key=dict(type='bool', default=False),
        dest=dict(type='path'),
        owner=dict(type='str'),
        group=dict(type='str'),
        mode=dict(type='raw', default='0600'),
        allow_own_user_change=dict(type='bool', default=False),
    )
    argument_spec.update(CEPH_CLIENT_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_one_of=[('name', 'users')],
                           mutually_exclusive=[('name', 'users'), ('users', 'dest')])
    entities = wanted_items(module, ENTITY_OPTIONS, 'users', lambda p, where: entity_problem(module, p, where))
    validate_file(module)
    p = module.params
    return_key = p['return_key']
    cli = CephCLI(module)
    own_entity = 'client.%s' % cli.user_id

    if p['users'] is None:
        plan = plan_entity(module, entities[0], read_one(cli, entities[0]['name']), '', own_entity)
        result, key = apply_plan(module, cli, plan, return_key)
        if p['dest']:
            keyring_file(module, p, result, key)
        module.exit_json(**result)

    live = read_all(cli)
    # Every item is planned (and refused, if Ceph would refuse it) before the first write.
    plans = [plan_entity(module, e, live.get(e['name']), 'users[%d] (%s): ' % (index, e['name']), own_entity)
             for index, e in enumerate(entities)]
    results = [apply_plan(module, cli, plan, return_key)[0] for plan in plans]
    module.exit_json(changed=any(r['changed'] for r in results),
                     users=[dict((k, v) for k, v in r.items() if k != 'diff') for r in results],
                     diff=[r['diff'] for r in results if r['changed']])


if __name__ == '__main__':
    main()
