# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: rotation_check
short_description: A key rotation's plan in words, and what must stop it before anything changes
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    Takes the plan of P(openstack_ceph.rbd.rotation_plan#filter) and what was read before any change (the keys'
    state in Ceph, the running guests' secrets, the nodes' Ceph clients) and says, per (cluster, user), what the
    rotation does, and what refuses it. A user that does not exist; a key type the monitors or a node's client
    cannot use; a user that running guests use, unless O(force).
  - It holds no key, and is given none.
options:
  _input:
    description: The plan, from P(openstack_ceph.rbd.rotation_plan#filter).
    type: list
    elements: dict
    required: true
  state:
    description:
      - Per (cluster, user) of the plan, V({cluster, entity, exists, rotate, because, key_type, key_created, mon_versions,
        allowed_types}), read from the cluster before any change (C(rotate), whether the key would be rotated, and
        C(because), why; C(mon_versions), the monitors' Ceph versions; C(allowed_types), the key types the monitors'
        map allows, or V(None) where it names none).
    type: list
    elements: dict
    required: true
  guests:
    description: "The running guests' Ceph secrets on each compute node: V({host: [[domain, secret UUID], ...]})."
    type: dict
    required: true
  clients:
    description: "Each node's Ceph client, V({host: {version, aes256k}}) (M(openstack_ceph.rbd.ceph_info)'s RV(ignore:client)); needed for V(aes256k)."
    type: dict
    required: true
  key_type:
    description: The type the new keys get, or V(None) to keep each key's type.
    type: str
  force:
    description: Rotate users that running guests use.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Refuse, before anything changes, what would break
  ansible.builtin.fail:
    msg: "{{ check.refusals | join(' ') }}"
  when: check.refusals | length > 0
  vars:
    check: "{{ plan | openstack_ceph.rbd.rotation_check(state, guests, clients, 'aes256k', false) }}"
'''

RETURN = r'''
_value:
  description:
    - V({lines, refusals, rotate}). C(lines), the plan in words, one per (cluster, user); C(refusals), what stops the
      rotation, each naming the user and what to do; C(rotate), the V({cluster, entity}) whose key is to be replaced.
  type: dict
'''

from ansible_collections.openstack_ceph.rbd.plugins.filter.ceph_model import _unique
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    AES256K_CLIENTS_TEXT, client_can_use, release_of)

SERVICE_NAMES = {'glance': 'glance-api', 'cinder_volume': 'cinder-volume', 'cinder_backup': 'cinder-backup',
                 'nova_compute': 'nova-compute'}


def rotation_check(plan, state, guests, clients, key_type=None, force=False):
    """The plan in words, and what must stop the rotation before anything changes.

    state: per (cluster, entity) of the plan, {cluster, entity, exists, rotate, because, key_type, key_created,
    mon_versions, allowed_types}, from a read of the cluster (no key). guests: {host: [[domain, secret uuid], ...]}, the running
    guests' Ceph secrets on each compute node. clients: {host: {version, aes256k}}, read when key_type is aes256k."""
    lines, refusals = [], []
    for pair in plan:
        name = '%s on cluster %s' % (pair['entity'], pair['cluster'])
        found = [s for s in state if s['cluster'] == pair['cluster'] and s['entity'] == pair['entity']]
        if not found or not found[0]['exists']:
            refusals.append('%s does not exist: run site.yml (or playbooks/ceph.yml) first, which creates it.' % name)
            continue
        now = found[0]
        held = set((s['host'], s['uuid']) for s in pair['secrets'])
        using = ['%s on %s' % (domain, host) for host in sorted(guests or {})
                 for domain, uuid in (guests[host] or []) if (host, uuid) in held]
        if now['rotate']:
            what = 'gets a new key%s: %s' % (' of type %s' % key_type if key_type else '', '; '.join(now['because']))
        else:
            what = ('not rotated again: its key, of type %s, was made %s; its keyrings and secrets are brought up to date'
                    % (now['key_type'], now['key_created']))
        lines.append('%s %s. Keyring files: %s. Libvirt secrets: %s. Services restarted where '
                     'their keyring changes: %s. Running guests using it: %s.' % (
                         name, what,
                         ', '.join(_unique('%s:%s' % (k['host'], k['path']) for k in pair['keyrings'])) or 'none',
                         ', '.join('%s:%s' % (x['host'], x['uuid']) for x in pair['secrets']) or 'none',
                         ', '.join('%s:%s' % (x['host'], SERVICE_NAMES[x['kind']]) for x in pair['services']) or 'none',
                         ', '.join(using) or 'none'))
        if not now['rotate']:
            continue
        new_type = key_type or now['key_type']
        allowed = now.get('allowed_types')
        if allowed is not None and new_type not in allowed:
            refusals.append('%s: the monitors allow keys of type %s only (auth_allowed_ciphers), not %s: Ceph would take '
                            'the new key and then refuse every login with it. Give openstack_ceph_rotate_key_type one of '
                            'those, or allow the type first (ceph mon set auth_allowed_ciphers).'
                            % (name, ', '.join(allowed), new_type))
        if key_type == 'aes256k':
            old = [v for v in now.get('mon_versions') or [] if not _can_use_aes256k(v)]
            if old:
                refusals.append('%s: the monitors run Ceph %s, which cannot take keys of type aes256k (%s).'
                                % (name, ', '.join(old), AES256K_CLIENTS_TEXT))
            hosts = _unique([k['host'] for k in pair['keyrings']] + [x['host'] for x in pair['secrets']])
            cannot = ['%s (librados2 %s)' % (h, (clients.get(h) or {}).get('version') or 'not found')
                      for h in hosts if not (clients.get(h) or {}).get('aes256k')]
            if cannot:
                refusals.append('%s: the Ceph client of %s cannot use keys of type aes256k (%s): upgrade it first.'
                                % (name, ', '.join(cannot), AES256K_CLIENTS_TEXT))
        if using and not force:
            refusals.append(
                '%s is used by running guests (%s). Each keeps the key it started with. Once its tickets can no longer '
                'be renewed with that key, its next new connection to an OSD hangs: as early as about an hour after the '
                'rotation, with Ceph\'s default ticket lifetimes. Plan a window to move them to the new key right after '
                'the rotation (live-migrate them, hard-reboot them, or stop and start them; docs/guide/rotation.md), and '
                'set openstack_ceph_rotate_force=true to rotate anyway.'
                % (name, ', '.join(using)))
    return {'lines': lines, 'refusals': refusals,
            'rotate': [dict((k, s[k]) for k in ('cluster', 'entity')) for s in state if s['exists'] and s['rotate']]}


def _can_use_aes256k(version):
    release = release_of(version)
    return bool(release) and client_can_use('aes256k', release)


class FilterModule(object):
    def filters(self):
        return {'rotation_check': rotation_check}
