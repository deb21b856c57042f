# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: ceph_model
short_description: Checks the operator's Ceph declaration and returns it complete, before anything changes
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    The one place where the inventory's description of the Ceph clusters and of the OpenStack services
    that use them is checked and completed. Every default is applied here, every name is checked, the
    cephx users and their capabilities are derived, and the libvirt secrets the compute nodes need are
    listed. A bad declaration fails here, with a message naming the variable and the item, before any
    host or cluster is touched.
  - >-
    With nothing declared but one compute host in C(nova), the result is today's single cluster
    C(ceph): the pools C(images), C(volumes), C(vms) and C(backups) with C(application=rbd), and
    C(client.glance), C(client.cinder) and C(client.cinder-backup) with exactly the capabilities 0.2's
    C(ceph_users) role gave them.
  - >-
    The model never carries a cephx key. Keys (of external clusters) are given in a variable of their
    own; a C(key), C(keys) or C(secret) field anywhere in the declaration is refused. Error messages
    name the place of a bad value; they never print values that are not names.
  - >-
    Names. A cluster name is a letter, then letters, digits, C(_) or C(-), at most 64 characters (it names
    C(/etc/ceph/<cluster>.conf)). A pool name is a letter, digit or C(_), then letters, digits, C(_),
    C(.) or C(-), at most 255 characters. A cephx user is its ID (V(cinder)) or its entity name
    (V(client.cinder)); IDs are letters, digits, C(_), C(.) and C(-) (at most 128) and are returned as
    entity names (C(entity)) and IDs (C(user)). A Glance store name is letters, digits, C(_) and C(-)
    (not V(DEFAULT), V(glance_store) nor C(os_glance_*)). A Cinder backend name is letters, digits,
    C(_), C(.) and C(-) (not V(DEFAULT) nor V(backend_defaults)). No text anywhere may hold a control
    character (newline, tab, NUL...).
  - >-
    Services name a cluster of C(clusters); left out, they use the first cluster declared.
    Service items (stores, backends, backup, Nova settings) may carry more keys for the service roles;
    those are returned as given.
  - >-
    Capabilities, on managed clusters. Each user gets read-write access to every pool a service uses it
    for on that cluster (in the order Glance stores, Cinder backends, Nova, cinder-backup), and read-only
    access to the cluster's Glance pools when a Cinder backend or Nova uses it there (copy-on-write
    clones of images). C(profile) style, mon C(profile rbd), osd C(profile rbd pool=P, ...,
    profile rbd-read-only pool=I), mgr C(profile rbd pool=P, ...). C(legacy) style, mon C(allow r), osd
    C(allow class-read object_prefix rbd_children, allow rwx pool=P, ..., allow rx pool=I). A user with
    no pool on a cluster is not created there. C(users) of the cluster replaces the whole capabilities
    of a user, or adds a user; a service user whose replaced osd capabilities grant no write access to
    a pool a service uses it for is refused.
  - >-
    libvirt secrets. A compute node needs one secret per (cluster, user) pair of its Nova setting and
    of every Cinder backend (volumes attach through libvirt with the backend's user). A secret's UUID
    is pinned by a backend's or a Nova setting's C(secret_uuid), or by C(secret_uuids); otherwise
    it is derived from the cluster's fsid by the P(openstack_ceph.rbd.rbd_secret_uuid#filter) filter, as
    0.1 and 0.2 derived it, so existing secrets keep their UUIDs. A managed cluster's fsid is known once
    it was read (O(confs)); before that, such a UUID is V(None).
options:
  _input:
    description:
      - >-
        The declaration, a dictionary. Each key may be left out and then takes its default.
      - >-
        C(clusters) (from C(openstack_ceph_clusters)), list, default V([{name: ceph}]). Each item is a
        dictionary with C(name) (required) and either, for a managed cluster, C(admin_group) (default
        C(default_admin_group)) or C(admin_host), C(cli) (the modules' connection options, a dictionary;
        C(cluster) defaults to the cluster's name), C(pools) (names or dictionaries of
        M(openstack_ceph.rbd.ceph_pool) options with C(name); default the pools the services use there,
        Glance's first, then Cinder's, Nova's and cinder-backup's), C(pool_defaults) (default
        V({application: rbd}), applied to every pool that does not set the option itself), C(caps_style)
        (V(profile), the default, or V(legacy)) and C(users) (a dictionary, user to V({caps: {mon: ...,
        osd: ..., mgr: ...}})); or, for an external cluster (no admin access, nothing created there),
        C(fsid) (a UUID) and C(mon_host) (the monitors' addresses).
      - >-
        C(glance_stores) (C(openstack_ceph_glance_stores)), list, default
        V([{name: ceph, cluster: ceph, pool: images, user: glance}]); each item's C(name) defaults to
        V(ceph), C(pool) to V(images), C(user) to V(glance). Several stores make Glance multi-store; one
        may have C(default=true) (otherwise the first is the default store).
      - >-
        C(cinder_backends) (C(openstack_ceph_cinder_backends)), list, default
        V([{name: ceph, cluster: ceph, pool: volumes, user: cinder}]); C(name) defaults to V(ceph), C(pool)
        to V(volumes), C(user) to V(cinder); C(secret_uuid) pins the libvirt secret of its pair.
      - >-
        C(cinder_backup) (C(openstack_ceph_cinder_backup)), a dictionary or V(None) (cinder-backup does
        not use Ceph), default V({cluster: ceph, pool: backups, user: cinder-backup}); keys left out of
        the dictionary take these defaults.
      - >-
        C(nova) (C(openstack_ceph_nova) of each compute host), a dictionary host to its setting, default
        V({}) (no compute host). A setting is a dictionary, default V({cluster: ceph, pool: vms,
        user: cinder}); keys left out, or a setting of V(None), take these defaults. C(secret_uuid) pins
        the libvirt secret of its pair.
      - >-
        C(secret_uuids) (C(openstack_ceph_secret_uuids)), list of V({cluster, user, uuid}), default V([]):
        the UUIDs of libvirt secrets a brownfield cloud already uses. C(cluster) defaults to the first
        cluster. Each pin must be for a pair some compute node needs, and a UUID can pin only one pair.
      - >-
        C(default_admin_group), the inventory group of a managed cluster's admin host when the cluster
        does not name one, default V(ceph_admin) (pass C(openstack_ceph_group_admin)).
      - >-
        C(node_groups), the inventory group of each kind of OpenStack node, a dictionary with the keys
        C(glance), C(cinder_volume), C(cinder_backup) and C(nova_compute) (and C(admin), not read here),
        default V({glance: glance_api, cinder_volume: cinder_volume, cinder_backup: cinder_backup,
        nova_compute: nova_compute}) (pass the C(openstack_ceph_group_*) variables). With O(groups), it finds
        the hosts that run several services.
    type: dict
    required: true
  confs:
    description:
      - >-
        The minimal client configurations read from the managed clusters, a dictionary cluster name to
        the text (C(ceph config generate-minimal-conf), read once per run). Their fsids complete the
        clusters' C(fsid) and the secrets' UUIDs; two clusters with one fsid are refused.
    type: dict
  groups:
    description:
      - >-
        The inventory's groups (C(groups)). Given, each managed cluster's C(admin_host) is its own, or the
        first host of its C(admin_group); a group without hosts is refused. A host in the groups of two
        services that would each own one keyring file (cinder-volume or cinder-backup and nova-compute with
        one cephx user) is refused too.
    type: dict
'''

EXAMPLES = r'''
- name: Check the declaration and complete it, once, before any change
  ansible.builtin.set_fact:
    openstack_ceph_model: >-
      {{ {'clusters': openstack_ceph_clusters | default([{'name': 'ceph'}]),
          'glance_stores': openstack_ceph_glance_stores | default([{'name': 'ceph'}]),
          'cinder_backends': openstack_ceph_cinder_backends | default([{'name': 'ceph'}]),
          'cinder_backup': openstack_ceph_cinder_backup | default({}),
          'nova': dict(groups['openstack_ceph_nova_compute'] | default([])
                       | zip(groups['openstack_ceph_nova_compute'] | default([])
                             | map('extract', hostvars, 'openstack_ceph_nova') | map('default', none))),
          'secret_uuids': openstack_ceph_secret_uuids | default([]),
          'default_admin_group': openstack_ceph_group_admin | default('ceph_admin')}
         | openstack_ceph.rbd.ceph_model }}
  run_once: true
  delegate_to: localhost

# A second cluster for disaster recovery: one Cinder backend on each, backups on dr.
# openstack_ceph_clusters: [{name: ceph}, {name: dr, admin_group: ceph_admin_dr}]
# openstack_ceph_cinder_backends:
#   - {name: ceph}
#   - {name: dr, cluster: dr, pool: volumes-dr}
# openstack_ceph_cinder_backup: {cluster: dr}
'''

RETURN = r'''
_value:
  description:
    - >-
      The complete model. C(clusters), a dictionary by cluster name, in the declared order, of V({name,
      mode, admin_group, admin_host, cli, fsid, mon_host, caps_style, pools, users, entities}). C(mode) is
      V(managed) or V(external). A managed cluster has C(admin_group) or C(admin_host) (the other is
      V(None)), C(cli) (with C(cluster)), C(caps_style), C(pools) (M(openstack_ceph.rbd.ceph_pool) items
      with C(pool_defaults) applied) and C(users) (M(openstack_ceph.rbd.ceph_key) items V({name, caps})),
      and C(fsid) (V(None) unless read, O(confs)) and C(mon_host) V(None). An external cluster has C(fsid) (lower case) and C(mon_host),
      C(pools) and C(users) empty, and the other keys V(None) (C(cli) V({})). C(entities) lists the
      entities whose keys the run needs on that cluster.
    - >-
      C(glance), V({layout, default, stores}). C(layout) is V(single) (one store) or V(multi); C(default) the
      default store's name; each store V({name, cluster, pool, entity, user, default}) plus the keys it was
      given.
    - >-
      C(cinder), V({backends, backup}). Each backend V({name, cluster, pool, entity, user, secret_uuid}) plus
      the keys it was given, C(secret_uuid) the pinned UUID of its pair or V(None). C(backup) is
      V({cluster, pool, entity, user}) plus the keys it was given, or V(None).
    - >-
      C(nova), a dictionary by host (sorted) of V({cluster, pool, entity, user, secret_uuid}) plus the keys
      the setting was given.
    - >-
      C(secrets), the libvirt secrets compute nodes need, V({cluster, entity, user, uuid, hosts}): Cinder
      backends' pairs first (every compute host needs them), then Nova's pairs (the hosts using them).
      C(uuid) is the pinned UUID, or derived from the cluster's fsid, or V(None) while a managed cluster's
      fsid is not known yet.
    - >-
      C(keyrings), the keyrings each kind of node needs, as V({cluster, entity}) items. C(glance) (the stores'
      users), C(cinder_volume) (the backends' users), C(cinder_backup) (the backup's user, then the backends'
      users, through which it restores) and C(nova_compute) (by host, the Nova setting's user).
  type: dict
'''

import re

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.module_utils.six import string_types

from ansible_collections.openstack_ceph.rbd.plugins.filter.rbd_secret_uuid import rbd_secret_uuid
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CLUSTER_RE, CONTROL_RE, ENTITY_ID_RE, POOL_NAME_RE, UUID_RE)

# Glance multi-store: a store name is a section of glance-api.conf.
STORE_NAME_RE = re.compile(r'^[A-Za-z0-9_-]{1,255}\Z')
STORE_RESERVED = ('DEFAULT', 'glance_store')
# Cinder: a backend name is a section of cinder.conf and an entry of enabled_backends.
BACKEND_NAME_RE = re.compile(r'^[A-Za-z0-9_.\-]{1,255}\Z')
BACKEND_RESERVED = ('DEFAULT', 'backend_defaults')
# The fsid line of a client configuration (ceph config generate-minimal-conf).
CONF_FSID_RE = re.compile(r'^\s*fsid\s*=\s*(\S+)\s*$', re.MULTILINE)
# An inventory group or host name: no blanks.
HOST_NAME_RE = re.compile(r'^\S+\Z')

VARIABLES = {
    'clusters': 'openstack_ceph_clusters',
    'glance_stores': 'openstack_ceph_glance_stores',
    'cinder_backends': 'openstack_ceph_cinder_backends',
    'cinder_backup': 'openstack_ceph_cinder_backup',
    'nova': 'openstack_ceph_nova',
    'secret_uuids': 'openstack_ceph_secret_uuids',
    'default_admin_group': 'openstack_ceph_group_admin',
    'node_groups': 'openstack_ceph_group_*',
}

# The inventory group of each kind of OpenStack node, unless node_groups names others.
NODE_GROUPS = {'glance': 'glance_api', 'cinder_volume': 'cinder_volume', 'cinder_backup': 'cinder_backup',
               'nova_compute': 'nova_compute'}
# The service that writes each kind's keyrings (glance_rbd, cinder_rbd, nova_rbd), owning them as its user.
KEYRING_OWNERS = {'glance': 'Glance', 'cinder_volume': 'Cinder', 'cinder_backup': 'Cinder', 'nova_compute': 'Nova'}

MANAGED_KEYS = ('admin_group', 'admin_host', 'cli', 'pools', 'pool_defaults', 'caps_style', 'users')
EXTERNAL_KEYS = ('fsid', 'mon_host')
CLUSTER_KEYS = ('name',) + MANAGED_KEYS + EXTERNAL_KEYS
# Fields that would carry a cephx key: the model never does.
KEY_FIELDS = ('key', 'keys', 'secret')
# 0.2's names for what the model calls cluster, and what it derives itself.
OLD_SERVICE_KEYS = {
    'cluster_name': 'cluster (the name of a cluster of openstack_ceph_clusters)',
    'ceph_conf': 'cluster (the file is /etc/ceph/<cluster>.conf)',
    'fsid': "the cluster's fsid (read from a managed cluster, or fsid of an external one in openstack_ceph_clusters)",
}
CAP_DAEMONS = ('mon', 'osd', 'mgr', 'mds')

SERVICE_DEFAULTS = {
    'glance_stores': {'name': 'ceph', 'pool': 'images', 'user': 'glance'},
    'cinder_backends': {'name': 'ceph', 'pool': 'volumes', 'user': 'cinder'},
    'cinder_backup': {'pool': 'backups', 'user': 'cinder-backup'},
    'nova': {'pool': 'vms', 'user': 'cinder'},
}
# What the model fills in itself.
SERVICE_OWN_KEYS = ('name', 'cluster', 'pool', 'user', 'entity', 'secret_uuid', 'default')

KEY_REFUSED = ("%s: %s is refused: the model never carries cephx keys. Give an external cluster's keys in "
               "their own variable (kept in ansible-vault); users' keys are created on a managed cluster.")


def _fail(msg):
    raise AnsibleFilterError(msg)


def _is_list(value):
    return isinstance(value, (list, tuple))


def _label(variable, index, item, default=None):
    """openstack_ceph_cinder_backends[1] (dr), or without the name when it has none."""
    where = '%s[%d]' % (variable, index)
    name = item.get('name', default) if isinstance(item, Mapping) else None
    if isinstance(name, string_types) and not CONTROL_RE.search(name):
        where += ' (%s)' % name
    return where


def _refuse_control(value, where):
    """Every text in the declaration, keys and values: no control character. The value is not shown."""
    if isinstance(value, string_types):
        if CONTROL_RE.search(value):
            _fail('%s must not contain control characters (newline, tab, NUL...).' % where)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, string_types) and CONTROL_RE.search(key):
                _fail('%s: a key must not contain control characters (newline, tab, NUL...).' % where)
            _refuse_control(item, '%s.%s' % (where, key))
    elif _is_list(value):
        for index, item in enumerate(value):
            _refuse_control(item, '%s[%d]' % (where, index))


def _refuse_key_fields(item, where):
    for field in KEY_FIELDS:
        if field in item:
            _fail(KEY_REFUSED % (where, field))


def _plain(value):
    """Ansible's own str, dict and list types as plain ones (the result is a plain structure)."""
    if isinstance(value, string_types):
        return str(value)
    if isinstance(value, Mapping):
        return dict((_plain(k), _plain(v)) for k, v in value.items())
    if _is_list(value):
        return [_plain(v) for v in value]
    return value


def _entity(user, where):
    """client.<id> from an ID or an entity name, or a failure naming the place."""
    if not isinstance(user, string_types) or not user:
        _fail('%s: user must be a cephx user such as cinder or client.cinder, got %r.' % (where, user))
    user_id = user[len('client.'):] if user.startswith('client.') else user
    if not ENTITY_ID_RE.match(user_id):
        _fail("%s: user %r is not a valid cephx user: give the ID (cinder) or client.ID, with letters, digits, "
              "'_', '-' and '.'." % (where, user))
    return 'client.' + user_id


def _uuid(value, where, field):
    if not isinstance(value, string_types) or not UUID_RE.match(value):
        _fail('%s: %s must be a UUID such as 457eb676-33da-42ec-9a8c-9293d545c337, got %r.' % (where, field, value))
    return value.lower()


def _pool_name(value, where, field='pool'):
    if not isinstance(value, string_types) or not POOL_NAME_RE.match(value):
        _fail("%s: %s %r is not a valid pool name: a letter, digit or '_', then letters, digits, '_', '.' or '-', "
              "at most 255 characters." % (where, field, value))
    return str(value)


# --- Reading osd capabilities, to check an operator's replacement ---------------------------------

_GRANT_SPLIT_RE = re.compile(r'[,;]')
_POOL_IN_GRANT_RE = re.compile(r'''(?:^|\s)pool(?:\s*=\s*|\s+)(["']?)([^\s"']+)\1''')
_WRITE_PERM_RE = re.compile(r'^(?:r?wx?|\*|all)\Z')
_RESTRICTIONS = ('namespace', 'object_prefix')


def _grants_write(osd_caps, pool):
    """Whether osd capabilities (as `ceph auth` takes them) let the user write to `pool`.

    A grant counts when it can write (profile rbd, or allow with w, * or all) and either names the
    pool or restricts nothing (no pool, namespace or object_prefix). Tag grants (tag rbd *=*) count:
    they follow the pool's application, which the operator chose."""
    for grant in _GRANT_SPLIT_RE.split(osd_caps):
        words = grant.replace('=', ' = ').split()
        if not words:
            continue
        if words[0] == 'profile':
            writes = len(words) > 1 and words[1] == 'rbd'
        elif words[0] == 'allow':
            writes = any(_WRITE_PERM_RE.match(word) for word in words[1:])
        else:
            writes = False
        if not writes:
            continue
        named = _POOL_IN_GRANT_RE.search(grant)
        if named:
            if named.group(2) == pool:
                return True
            continue
        if not any(word in _RESTRICTIONS for word in words):
            return True
    return False


# --- The model ------------------------------------------------------------------------------------

class _Model(object):

    def __init__(self, declaration):
        if not isinstance(declaration, Mapping):
            _fail('ceph_model: the input must be a dictionary with clusters, glance_stores, cinder_backends, '
                  'cinder_backup, nova and secret_uuids, not %s.' % type(declaration).__name__)
        unknown = [k for k in declaration if k not in VARIABLES]
        if unknown:
            _fail('ceph_model: unknown keys %s; the input takes %s.'
                  % (', '.join(repr(k) for k in unknown), ', '.join(VARIABLES)))
        for key, variable in VARIABLES.items():
            if key in declaration:
                _refuse_control(declaration[key], variable)
        self.declaration = declaration

    def _get(self, key, default):
        value = self.declaration.get(key)
        # None is "not set" (an unset variable passed through default(none)), except for
        # cinder_backup, where None says cinder-backup does not use Ceph.
        if key not in self.declaration or (value is None and key != 'cinder_backup'):
            return default
        return value

    def _list(self, key, default):
        value = self._get(key, default)
        if not _is_list(value):
            _fail('%s must be a list, got %s.' % (VARIABLES[key], type(value).__name__))
        for index, item in enumerate(value):
            if not isinstance(item, Mapping):
                _fail('%s[%d] must be a dictionary, got %r.' % (VARIABLES[key], index, item))
        return value

    # -- clusters --

    def clusters(self):
        admin_group = self._get('default_admin_group', 'ceph_admin')
        if not isinstance(admin_group, string_types) or not HOST_NAME_RE.match(admin_group):
            _fail('openstack_ceph_group_admin must be an inventory group name, got %r.' % (admin_group,))
        declared = self._list('clusters', [{'name': 'ceph'}])
        if not declared:
            _fail('openstack_ceph_clusters must declare at least one cluster (left unset it is [{name: ceph}]).')
        clusters = {}
        fsids = {}
        for index, item in enumerate(declared):
            where = _label('openstack_ceph_clusters', index, item)
            _refuse_key_fields(item, where)
            unknown = [k for k in item if k not in CLUSTER_KEYS]
            if unknown:
                _fail('%s: unknown keys %s; a cluster takes %s.' % (where, ', '.join(repr(k) for k in unknown), ', '.join(CLUSTER_KEYS)))
            name = item.get('name')
            if not isinstance(name, string_types) or not CLUSTER_RE.match(name):
                _fail("%s: name %r is not a valid Ceph cluster name: a letter, then letters, digits, '_' or '-', "
                      "at most 64 characters (it names /etc/ceph/<cluster>.conf)." % (where, name))
            if name in clusters:
                _fail("%s: the cluster name %r is declared twice in openstack_ceph_clusters." % (where, name))
            external = [k for k in EXTERNAL_KEYS if k in item]
            if external:
                cluster = self._external(item, where, external)
                if cluster['fsid'] in fsids:
                    _fail("%s: fsid %s is also the fsid of cluster %r: two declarations of one cluster."
                          % (where, cluster['fsid'], fsids[cluster['fsid']]))
                fsids[cluster['fsid']] = name
            else:
                cluster = self._managed(item, where, admin_group)
            cluster['name'] = str(name)
            cluster['where'] = where
            clusters[str(name)] = cluster
        return clusters

    def _external(self, item, where, external):
        if len(external) != len(EXTERNAL_KEYS):
            _fail('%s: an external cluster needs both fsid and mon_host (got only %s); a managed cluster '
                  'has neither.' % (where, external[0]))
        managed = [k for k in MANAGED_KEYS if k in item]
        if managed:
            _fail('%s: %s only apply to a managed cluster, and this one is external (it has fsid and mon_host): '
                  'nothing is created on an external cluster.' % (where, ', '.join(managed)))
        fsid = _uuid(item['fsid'], where, 'fsid')
        mon_host = item['mon_host']
        if not isinstance(mon_host, string_types) or not mon_host.strip():
            _fail("%s: mon_host must be the monitors' addresses, such as '[v2:192.0.2.10:3300/0,v1:192.0.2.10:6789/0]', "
                  "got %r." % (where, mon_host))
        return {'mode': 'external', 'admin_group': None, 'admin_host': None, 'cli': {}, 'fsid': fsid,
                'mon_host': str(mon_host), 'caps_style': None, 'declared_pools': None, 'pool_defaults': {},
                'overrides': {}}

    def _managed(self, item, where, default_admin_group):
        if 'admin_group' in item and 'admin_host' in item:
            _fail('%s: give admin_group or admin_host, not both.' % where)
        admin_group = admin_host = None
        if 'admin_host' in item:
            admin_host = item['admin_host']
            if not isinstance(admin_host, string_types) or not HOST_NAME_RE.match(admin_host):
                _fail('%s: admin_host must be an inventory host name, got %r.' % (where, admin_host))
        else:
            admin_group = item.get('admin_group', default_admin_group)
            if not isinstance(admin_group, string_types) or not HOST_NAME_RE.match(admin_group):
                _fail('%s: admin_group must be an inventory group name, got %r.' % (where, admin_group))
        cli = item.get('cli', {})
        if not isinstance(cli, Mapping):
            _fail("%s: cli must be a dictionary of the modules' connection options (conf, keyring, user, cli_prefix, "
                  "connect_timeout), got %r." % (where, cli))
        cli = _plain(cli)
        cli.setdefault('cluster', str(item['name']))
        caps_style = item.get('caps_style', 'profile')
        if caps_style not in ('profile', 'legacy'):
            _fail("%s: caps_style must be 'profile' or 'legacy', got %r." % (where, caps_style))
        pool_defaults = item.get('pool_defaults', {'application': 'rbd'})
        if not isinstance(pool_defaults, Mapping) or 'name' in pool_defaults:
            _fail('%s: pool_defaults must be a dictionary of ceph_pool options other than name, got %r.' % (where, pool_defaults))
        declared_pools = None
        if 'pools' in item:
            declared_pools = self._declared_pools(item['pools'], where)
        overrides = self._overrides(item.get('users', {}), where)
        return {'mode': 'managed', 'admin_group': None if admin_group is None else str(admin_group),
                'admin_host': None if admin_host is None else str(admin_host), 'cli': cli, 'fsid': None,
                'mon_host': None, 'caps_style': str(caps_style), 'declared_pools': declared_pools,
                'pool_defaults': _plain(pool_defaults), 'overrides': overrides}

    def _declared_pools(self, pools, where):
        if not _is_list(pools):
            _fail('%s: pools must be a list of pool names or dictionaries of ceph_pool options, got %r.' % (where, pools))
        result = []
        seen = set()
        for index, pool in enumerate(pools):
            if isinstance(pool, string_types):
                pool = {'name': pool}
            if not isinstance(pool, Mapping) or 'name' not in pool:
                _fail('%s: pools[%d] must be a pool name or a dictionary with name, got %r.' % (where, index, pool))
            pool_where = '%s: pools[%d]' % (where, index)
            name = _pool_name(pool['name'], pool_where, 'name')
            if name in seen:
                _fail('%s (%s): the pool is listed twice.' % (pool_where, name))
            seen.add(name)
            result.append(_plain(pool))
        return result

    def _overrides(self, users, where):
        if not isinstance(users, Mapping):
            _fail('%s: users must be a dictionary, user to {caps: {mon: ..., osd: ..., mgr: ...}}, got %r.' % (where, users))
        result = {}
        for user, spec in users.items():
            entity = _entity(user, '%s: users' % where)
            user_where = '%s: users.%s' % (where, user)
            if entity in result:
                _fail('%s: %s is given twice (as an ID and as client.ID).' % (user_where, entity))
            if not isinstance(spec, Mapping):
                _fail('%s must be a dictionary with caps, got %r.' % (user_where, spec))
            _refuse_key_fields(spec, user_where)
            unknown = [k for k in spec if k != 'caps']
            if unknown or 'caps' not in spec:
                _fail('%s takes caps only (a dictionary such as {mon: profile rbd, osd: ...}), got keys %s.'
                      % (user_where, ', '.join(repr(k) for k in spec) or 'none'))
            caps = spec['caps']
            if not isinstance(caps, Mapping) or not caps:
                _fail('%s: caps must be a dictionary such as {mon: profile rbd, osd: profile rbd pool=volumes}, got %r.' % (user_where, caps))
            for daemon, cap in caps.items():
                if daemon not in CAP_DAEMONS or not isinstance(cap, string_types):
                    _fail('%s: caps must map %s to capability strings, got %r: %r.' % (user_where, ', '.join(CAP_DAEMONS), daemon, cap))
            result[entity] = {'where': user_where, 'caps': _plain(caps)}
        return result

    # -- services --

    def _cluster_of(self, item, where, clusters):
        name = item.get('cluster', next(iter(clusters)))
        if name not in clusters:
            _fail('%s: cluster %r is not declared in openstack_ceph_clusters (declared: %s).'
                  % (where, name, ', '.join(clusters)))
        return str(name)

    def _service(self, kind, item, where, clusters):
        """{cluster, pool, entity, user, ...} of one service item, with its defaults."""
        _refuse_key_fields(item, where)
        for old, new in OLD_SERVICE_KEYS.items():
            if old in item:
                _fail('%s: %s is not taken here; give %s.' % (where, old, new))
        settings = dict(SERVICE_DEFAULTS[kind])
        settings.update(item)
        service = _plain(settings)
        service['cluster'] = self._cluster_of(item, where, clusters)
        service['pool'] = _pool_name(service['pool'], where)
        service['entity'] = _entity(service['user'], where)
        service['user'] = service['entity'][len('client.'):]
        return service

    def glance(self, clusters):
        stores = []
        default = None
        declared = self._list('glance_stores', [{'name': 'ceph'}])
        names = set()
        for index, item in enumerate(declared):
            where = _label('openstack_ceph_glance_stores', index, item, SERVICE_DEFAULTS['glance_stores']['name'])
            store = self._service('glance_stores', item, where, clusters)
            store['where'] = where
            name = store['name']
            if (not isinstance(name, string_types) or not STORE_NAME_RE.match(name) or name in STORE_RESERVED
                    or name.startswith('os_glance_')):
                _fail("%s: name %r is not a valid Glance store name: letters, digits, '_' and '-', not DEFAULT, "
                      "glance_store or os_glance_* (it names a section of glance-api.conf)." % (where, name))
            if name in names:
                _fail('%s: the store name %r is used twice in openstack_ceph_glance_stores.' % (where, name))
            names.add(name)
            try:
                store['default'] = boolean(store.get('default', False), strict=True)
            except TypeError:
                _fail('%s: default must be true or false, got %r.' % (where, store.get('default')))
            if store['default']:
                if default is not None:
                    _fail('%s: only one store can be the default, and %r already is.' % (where, default))
                default = name
            stores.append(store)
        if not stores:
            return {'layout': None, 'default': None, 'stores': []}
        if default is None:
            stores[0]['default'] = True
            default = stores[0]['name']
        return {'layout': 'single' if len(stores) == 1 else 'multi', 'default': default, 'stores': stores}

    def cinder(self, clusters):
        backends = []
        names = set()
        for index, item in enumerate(self._list('cinder_backends', [{'name': 'ceph'}])):
            where = _label('openstack_ceph_cinder_backends', index, item, SERVICE_DEFAULTS['cinder_backends']['name'])
            backend = self._service('cinder_backends', item, where, clusters)
            name = backend['name']
            if not isinstance(name, string_types) or not BACKEND_NAME_RE.match(name) or name in BACKEND_RESERVED:
                _fail("%s: name %r is not a valid Cinder backend name: letters, digits, '_', '.' and '-', not DEFAULT "
                      "or backend_defaults (it names a section of cinder.conf)." % (where, name))
            if name in names:
                _fail('%s: the backend name %r is used twice in openstack_ceph_cinder_backends.' % (where, name))
            names.add(name)
            backend['secret_uuid'] = self._pin(backend, where)
            backend['where'] = where
            backends.append(backend)

        backup = self._get('cinder_backup', {})
        if backup is not None:
            if not isinstance(backup, Mapping):
                _fail('openstack_ceph_cinder_backup must be a dictionary ({cluster, pool, user}) or null (cinder-backup '
                      'does not use Ceph), got %r.' % (backup,))
            backup = self._service('cinder_backup', backup, 'openstack_ceph_cinder_backup', clusters)
            backup['where'] = 'openstack_ceph_cinder_backup'
        return {'backends': backends, 'backup': backup}

    def nova(self, clusters):
        hosts = self._get('nova', {})
        if not isinstance(hosts, Mapping):
            _fail('openstack_ceph_nova: the filter takes a dictionary, compute host to its openstack_ceph_nova, got %s.'
                  % type(hosts).__name__)
        result = {}
        for host in sorted(hosts, key=str):
            where = 'openstack_ceph_nova (host %s)' % host
            setting = hosts[host]
            if setting is None:
                setting = {}
            if not isinstance(setting, Mapping):
                _fail('%s must be a dictionary ({cluster, pool, user}), got %r.' % (where, setting))
            if 'name' in setting:
                _fail('%s: name is not taken here (a Nova setting has cluster, pool and user).' % where)
            service = self._service('nova', setting, where, clusters)
            service['secret_uuid'] = self._pin(service, where)
            service['where'] = where
            result[str(host)] = service
        return result

    @staticmethod
    def _pin(service, where):
        if service.get('secret_uuid') in (None, ''):
            return None
        return _uuid(service['secret_uuid'], where, 'secret_uuid')

    # -- derived --

    def build(self, confs=None, groups=None):
        clusters = self.clusters()
        self._admin_hosts(clusters, groups)
        self._read_fsids(clusters, confs)
        glance = self.glance(clusters)
        cinder = self.cinder(clusters)
        nova = self.nova(clusters)
        secrets = self._secrets(clusters, cinder, nova)
        keyrings = self._keyrings(glance, cinder, nova)
        self._check_nodes(keyrings, groups)
        for name, cluster in clusters.items():
            self._pools_and_users(cluster, glance, cinder, nova)
            entities = [k['entity'] for kind in ('glance', 'cinder_volume', 'cinder_backup') for k in keyrings[kind]
                        if k['cluster'] == name]
            entities += [k['entity'] for host_keys in keyrings['nova_compute'].values() for k in host_keys if k['cluster'] == name]
            entities += [s['entity'] for s in secrets if s['cluster'] == name]
            cluster['entities'] = _unique(entities)
        for service in glance['stores'] + cinder['backends'] + list(nova.values()) + [cinder['backup'] or {}]:
            service.pop('where', None)
        for cluster in clusters.values():
            for key in ('where', 'declared_pools', 'pool_defaults', 'overrides'):
                cluster.pop(key)
        return {'clusters': clusters, 'glance': glance, 'cinder': cinder, 'nova': nova, 'secrets': secrets,
                'keyrings': keyrings}

    def _check_nodes(self, keyrings, groups):
        """With the inventory's groups: no host needs one keyring file for two services that own their
        keyrings as different users (refuse_shared_keyrings)."""
        node_groups = self._get('node_groups', NODE_GROUPS)
        if not isinstance(node_groups, Mapping) or any(
                k not in NODE_GROUPS and k != 'admin' or not isinstance(v, string_types) for k, v in node_groups.items()):
            _fail('openstack_ceph_group_*: node_groups must map the kinds %s to inventory group names, got %r.'
                  % (', '.join(NODE_GROUPS), node_groups))
        if groups is None:
            return
        kinds_of = {}
        for kind in NODE_GROUPS:
            for host in groups.get(node_groups.get(kind, NODE_GROUPS[kind])) or []:
                kinds_of.setdefault(str(host), []).append(kind)
        for host, kinds in sorted(kinds_of.items()):
            if len(set(KEYRING_OWNERS[k] for k in kinds)) < 2:
                continue
            node = dict((kind, []) for kind in NODE_GROUPS)
            for kind in kinds:
                wanted = keyrings[kind].get(host, []) if kind == 'nova_compute' else keyrings[kind]
                node[kind] = [{'path': '/etc/ceph/%s.%s.keyring' % (k['cluster'], k['entity'])} for k in wanted]
            refuse_shared_keyrings(host, node)

    @staticmethod
    def _admin_hosts(clusters, groups):
        """Each managed cluster's admin host: its admin_host, or the first host of its admin group."""
        if groups is None:
            return
        if not isinstance(groups, Mapping):
            _fail('ceph_model: groups must be the inventory groups (groups), a dictionary group name to hosts.')
        for cluster in clusters.values():
            if cluster['mode'] != 'managed' or cluster['admin_host'] is not None:
                continue
            hosts = groups.get(cluster['admin_group']) or []
            if not hosts:
                _fail('%s: no host in group %r: put the host that runs the Ceph CLI for cluster %r in that group, '
                      'or give admin_host.' % (cluster['where'], cluster['admin_group'], cluster['name']))
            cluster['admin_host'] = str(hosts[0])

    @staticmethod
    def _read_fsids(clusters, confs):
        """The fsids in the configurations read from the managed clusters: one fsid per cluster, and a
        cluster declared once."""
        if confs is None:
            return
        if not isinstance(confs, Mapping):
            _fail('ceph_model: confs must be a dictionary, cluster name to the minimal configuration read from it.')
        for name, conf in confs.items():
            cluster = clusters.get(name)
            if cluster is None or cluster['mode'] != 'managed':
                _fail('ceph_model: confs names %r, which is not a managed cluster of openstack_ceph_clusters.' % (name,))
            found = CONF_FSID_RE.search(conf) if isinstance(conf, string_types) else None
            if found is None:
                _fail('%s: the configuration read from cluster %r has no fsid line.' % (cluster['where'], name))
            cluster['fsid'] = _uuid(found.group(1), cluster['where'], 'the fsid read from the cluster')
        seen = {}
        for name, cluster in clusters.items():
            if cluster['fsid'] is None:
                continue
            if cluster['fsid'] in seen:
                _fail('%s: cluster %r has fsid %s, as cluster %r has: one Ceph cluster is declared twice '
                      '(check its admin host, cli and mon_host).' % (cluster['where'], name, cluster['fsid'], seen[cluster['fsid']]))
            seen[cluster['fsid']] = name

    def _uses(self, glance, cinder, nova):
        """(kind, service) in the order pools and capabilities list them: images, volumes, vms, backups."""
        uses = [('glance', s) for s in glance['stores']] + [('cinder', b) for b in cinder['backends']]
        uses += [('nova', nova[host]) for host in nova]
        if cinder['backup'] is not None:
            uses.append(('backup', cinder['backup']))
        return uses

    def _pools_and_users(self, cluster, glance, cinder, nova):
        name = cluster['name']
        uses = [(kind, s) for kind, s in self._uses(glance, cinder, nova) if s['cluster'] == name]
        if cluster['mode'] == 'external':
            cluster['pools'], cluster['users'] = [], []
            return
        used_pools = _unique(s['pool'] for _kind, s in uses)
        if cluster['declared_pools'] is None:
            pools = [{'name': p} for p in used_pools]
        else:
            pools = cluster['declared_pools']
            listed = dict((p['name'], p) for p in pools)
            for _kind, service in uses:
                pool = listed.get(service['pool'])
                if pool is None:
                    _fail("%s: pool %r is not in the pools of cluster %r (%s: pools): add it there, or leave "
                          "pools unset to manage the pools the services use." % (service['where'], service['pool'], name, cluster['where']))
                if pool.get('state', 'present') != 'present':
                    _fail('%s: pool %r is used by a service, and %s: pools gives it state %r.'
                          % (service['where'], service['pool'], cluster['where'], pool['state']))
        cluster['pools'] = []
        for pool in pools:
            item = {'name': pool['name']}
            item.update(cluster['pool_defaults'])
            item.update(pool)
            cluster['pools'].append(item)

        # Each user's pools: read-write where a service uses it, read-only on the cluster's Glance
        # pools when Cinder or Nova uses it (clones of images).
        images = _unique(s['pool'] for kind, s in uses if kind == 'glance')
        rw, ro = {}, {}
        for kind, service in uses:
            rw.setdefault(service['entity'], []).append(service['pool'])
            if kind in ('cinder', 'nova'):
                ro.setdefault(service['entity'], []).extend(images)
        # Users in the order 0.2's ceph_users listed them: Glance's, Cinder's, cinder-backup's, Nova's.
        order = [s['entity'] for kind in ('glance', 'cinder', 'backup', 'nova') for k, s in uses if k == kind]
        users = []
        for entity in _unique(order):
            write = _unique(rw[entity])
            read = [p for p in _unique(ro.get(entity, [])) if p not in write]
            override = cluster['overrides'].get(entity)
            if override is None:
                caps = _caps(cluster['caps_style'], write, read)
            else:
                caps = override['caps']
                for _kind, service in uses:
                    if service['entity'] == entity and not _grants_write(caps.get('osd', ''), service['pool']):
                        _fail('%s: %s is given pool %r on cluster %r, but %s replaces its capabilities with osd caps '
                              'that grant no write access to that pool (osd: %r).'
                              % (service['where'], entity, service['pool'], name, override['where'], caps.get('osd', '')))
            users.append({'name': entity, 'caps': caps})
        for entity, override in cluster['overrides'].items():
            if entity not in rw:
                users.append({'name': entity, 'caps': override['caps']})
        cluster['users'] = users

    def _secrets(self, clusters, cinder, nova):
        """The (cluster, entity) pairs compute nodes hold libvirt secrets for, with their pinned UUIDs."""
        hosts = list(nova)
        pairs = {}
        for backend in cinder['backends']:
            pair = (backend['cluster'], backend['entity'])
            pairs.setdefault(pair, {'hosts': list(hosts), 'pins': []})
            if backend['secret_uuid']:
                pairs[pair]['pins'].append((backend['secret_uuid'], backend['where']))
        for host, setting in nova.items():
            pair = (setting['cluster'], setting['entity'])
            entry = pairs.setdefault(pair, {'hosts': [], 'pins': []})
            if host not in entry['hosts']:
                entry['hosts'].append(host)
            if setting['secret_uuid']:
                entry['pins'].append((setting['secret_uuid'], setting['where']))
        for index, item in enumerate(self._list('secret_uuids', [])):
            where = 'openstack_ceph_secret_uuids[%d]' % index
            _refuse_key_fields(item, where)
            unknown = [k for k in item if k not in ('cluster', 'user', 'uuid')]
            if unknown or 'user' not in item or 'uuid' not in item:
                _fail('%s must be {cluster, user, uuid}, got keys %s.' % (where, ', '.join(repr(k) for k in item) or 'none'))
            cluster = self._cluster_of(item, where, clusters)
            pair = (cluster, _entity(item['user'], where))
            pin = _uuid(item['uuid'], where, 'uuid')
            if pair not in pairs:
                _fail('%s: no compute node needs a libvirt secret for %s on cluster %r (only Nova settings and Cinder '
                      'backends use secrets): the pin is for a pair nothing uses.' % (where, pair[1], cluster))
            pairs[pair]['pins'].append((pin, where))

        secrets = []
        owner = {}
        for (cluster, entity), entry in pairs.items():
            pinned = None
            for pin, where in entry['pins']:
                if pinned is not None and pin != pinned[0]:
                    _fail('%s: secret UUID %s for %s on cluster %r differs from %s given by %s: one secret per '
                          '(cluster, user).' % (where, pin, entity, cluster, pinned[0], pinned[1]))
                if pin in owner and owner[pin][0] != (cluster, entity):
                    _fail('%s: secret UUID %s is pinned for %s on cluster %r and, by %s, for %s on cluster %r: '
                          'a UUID names one libvirt secret.' % (where, pin, entity, cluster, owner[pin][1],
                                                                owner[pin][0][1], owner[pin][0][0]))
                owner.setdefault(pin, ((cluster, entity), where))
                pinned = pinned or (pin, where)
            if pinned:
                uuid = pinned[0]
            elif clusters[cluster]['fsid']:
                uuid = rbd_secret_uuid(clusters[cluster]['fsid'], entity)
            else:
                uuid = None
            secrets.append({'cluster': cluster, 'entity': entity, 'user': entity[len('client.'):],
                            'uuid': uuid, 'hosts': entry['hosts']})
        resolved = dict(((s['cluster'], s['entity']), s['uuid']) for s in secrets)
        for service in cinder['backends'] + list(nova.values()):
            service['secret_uuid'] = resolved[(service['cluster'], service['entity'])]
        return secrets

    @staticmethod
    def _keyrings(glance, cinder, nova):
        def pairs(services):
            return _unique({'cluster': s['cluster'], 'entity': s['entity']} for s in services)
        backup = [cinder['backup']] if cinder['backup'] is not None else []
        return {'glance': pairs(glance['stores']), 'cinder_volume': pairs(cinder['backends']),
                'cinder_backup': pairs(backup + cinder['backends']) if backup else [],
                'nova_compute': dict((host, pairs([setting])) for host, setting in nova.items())}


def refuse_shared_keyrings(host, keyrings):
    """One keyring file needed by two services that own their keyrings as different users (Cinder and
    Nova on one node with one cephx user) would change owner at every run: refused, saying what to do.
    `keyrings` is the node's keyrings by kind, lists of {path, ...}."""
    owners = {}
    for kind in NODE_GROUPS:
        for keyring in keyrings.get(kind) or []:
            owners.setdefault(keyring['path'], []).append(KEYRING_OWNERS[kind])
    for path, services in owners.items():
        services = _unique(services)
        if len(services) > 1:
            _fail('Host %s: %s would be written for %s, each owning it as its own user: a file has one owner. Give '
                  'each service its own cephx user on this host (for Nova, openstack_ceph_nova: {user: nova} in its '
                  'host or group variables), or run the services on different hosts.'
                  % (host, path, ' and '.join(services)))


def _unique(values):
    result = []
    for value in values:
        if value not in result:
            result.append(value)
    return result


def _caps(style, write, read):
    if style == 'legacy':
        osd = ['allow class-read object_prefix rbd_children'] + ['allow rwx pool=%s' % p for p in write]
        osd += ['allow rx pool=%s' % p for p in read]
        return {'mon': 'allow r', 'osd': ', '.join(osd)}
    osd = ['profile rbd pool=%s' % p for p in write] + ['profile rbd-read-only pool=%s' % p for p in read]
    return {'mon': 'profile rbd', 'osd': ', '.join(osd), 'mgr': ', '.join('profile rbd pool=%s' % p for p in write)}


def ceph_model(declaration, confs=None, groups=None):
    """The checked, complete model of the Ceph clusters and the services using them."""
    return _Model(declaration).build(confs, groups)


class FilterModule(object):
    def filters(self):
        return {'ceph_model': ceph_model}
