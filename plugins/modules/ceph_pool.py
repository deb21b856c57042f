#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ceph_pool
short_description: Manage Ceph pools and their settings
version_added: 0.1.0
description:
  - Create, tune or delete one Ceph pool (replicated or erasure-coded), or a list of pools in one
    call (O(pools)), with the C(ceph) CLI.
  - Only the options you set are managed. An omitted option never resets a live value.
  - When the pools already match, the module makes a single read (C(ceph osd pool ls detail)),
    however many pools it manages, plus one C(ceph osd crush rule dump) when a O(crush_rule) is set.
  - For O(application=rbd) a pool without the C(rbd) application is initialised with C(rbd pool init).
    So is a pool that lists C(rbd) but was never validated for RBD (its C(selfmanaged_snaps) flag is
    missing, as after an C(rbd pool init) that an OSD did not answer); a re-run completes that work.
  - Every item of a call is checked before the first change, against the options alone and against
    the one read of the cluster (live sizes, PG counts, pool types, CRUSH rules, erasure-code
    profiles). Check mode fails the same way the real run does.
  - With O(pools), up to 8 pools are changed at the same time, in two rounds. First the deletions
    and creations, followed by one read of the created pools. Then each pool's settings, application
    and C(rbd pool init), in that order for each pool. Most of this time is spent waiting for the
    monitors to commit the change, and pools changed together share that wait.
  - After a failed step no other pool starts its round; the module fails once the pools already
    started have finished. The error names the pool and the step that failed and, with O(pools),
    says which pools are done, which were created but not set up yet, and which were not changed
    yet. Running the task again completes the work.
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
    description: Before and after of the managed settings only.
  idempotent:
    support: full
    description: A second run with the same options reports no change.
options:
  name:
    description:
      - Pool name. Letters, digits, C(_), C(-) and C(.), at most 255 characters; it may not start
        with C(.) or C(-). No spaces or control characters (a trailing newline is refused too).
      - Exactly one of O(name) and O(pools) is required.
    type: str
    aliases: [pool]
  pools:
    description:
      - Several pools, managed in one call with one read of the cluster.
      - Each item is a dictionary with C(name) and any of this module's per-pool options (O(state)
        to O(application)). An option an item does not set falls back to the same option given at
        the top level, so the top level holds the defaults for every pool.
      - Every item is checked before anything changes; an error names the item.
    type: list
    elements: dict
    version_added: 0.2.0
  state:
    description:
      - V(present) creates the pool if needed and applies the settings you set.
      - V(absent) deletes the pool and all its data. It requires O(confirm_delete=true).
    type: str
    choices: [present, absent]
    default: present
  confirm_delete:
    description:
      - Must be V(true) for O(state=absent) to delete a pool. Without it the module fails before anything changes.
      - The monitors also refuse while C(mon_allow_pool_delete) is false; the error says how to allow it.
    type: bool
    default: false
  pool_type:
    description:
      - Pool type, used when the pool is created. An existing pool of the other type is an error.
    type: str
    choices: [replicated, erasure]
  erasure_profile:
    description:
      - Erasure-code profile of an V(erasure) pool, used when it is created. Defaults to Ceph's C(default) profile.
      - Letters, digits, C(_), C(-) and C(.), at most 255 characters.
      - For a pool to be created the profile must exist (one C(ceph osd erasure-code-profile ls) read, only then).
        Its C(k) and C(m) are read (C(ceph osd erasure-code-profile get)) when O(size) or O(min_size) has to be
        checked against them.
    type: str
  pg_num:
    description:
      - Number of placement groups, from V(1) to V(65536) (Ceph's default C(mon_max_pool_pg_num)).
        Compared with the pool's C(pg_num_target), so a pool still splitting or merging towards this
        value counts as converged.
      - When the autoscaler is on for the pool the value is still applied, with a warning that the
        autoscaler may change it again.
    type: int
  pgp_num:
    description:
      - Number of placement groups for placement, from V(1) to V(65536). Must not exceed O(pg_num), or the
        live C(pg_num) of the pool when O(pg_num) is not set.
      - For a pool to be created it needs O(pg_num), as the default C(pg_num) is the monitors' and not known before.
    type: int
  pg_autoscale_mode:
    description: The PG autoscaler mode of the pool.
    type: str
    choices: ['on', 'off', 'warn']
  size:
    description:
      - Number of replicas (replicated pools), from V(1) to V(10) (the monitors refuse more). V(1) is passed
        with the confirmation flag Ceph asks for; the monitors still need C(mon_allow_pool_size_one).
      - The size of an erasure-coded pool is C(k+m) of its profile and cannot be changed; for such a pool
        only that value is accepted.
    type: int
  min_size:
    description:
      - Minimum number of replicas needed to serve I/O, from V(1) to O(size) (the live size of the pool
        when O(size) is not set).
      - For an erasure-coded pool, from C(k) to C(k+m) of its profile.
      - For a pool to be created without O(size), the monitors check it against their default size.
    type: int
  crush_rule:
    description:
      - Name of the CRUSH rule. An unknown rule is an error that lists the rules that exist.
      - Letters, digits, C(_), C(-) and C(.), at most 255 characters.
    type: str
  target_size_ratio:
    description:
      - Expected share of the cluster's capacity, a hint for the autoscaler. A finite number, V(0) or more
        (the autoscaler normalises ratios that add up to more than 1). C(nan) and C(inf) are refused.
      - A pool whose live ratio is not finite (set by hand) is read all the same, and repaired by setting this.
    type: float
  bulk:
    description: Mark the pool as expected to be large, so the autoscaler starts it with many PGs.
    type: bool
  max_bytes:
    description: Quota in bytes, from V(0) to V(9223372036854775807) (what Ceph stores). V(0) removes the quota.
    type: int
  max_objects:
    description: Quota in objects, from V(0) to V(9223372036854775807) (what Ceph stores). V(0) removes the quota.
    type: int
  compression_mode:
    description: BlueStore inline compression mode of the pool.
    type: str
    choices: [none, passive, aggressive, force]
  compression_algorithm:
    description: BlueStore compression algorithm of the pool.
    type: str
    choices: [snappy, zlib, zstd, lz4]
  allow_ec_overwrites:
    description:
      - Allow partial overwrites on an erasure-coded pool, which RBD data pools need. Only valid
        for V(erasure) pools, and Ceph cannot turn it off again.
    type: bool
  application:
    description:
      - Application to enable on the pool. For V(rbd) the pool is initialised with C(rbd pool init).
      - Applications already enabled are left alone.
    type: str
    choices: [rbd, cephfs, rgw]
requirements:
  - C(ceph) CLI on the target (package C(ceph-common)); C(rbd) when O(application=rbd).
seealso:
  - module: openstack_ceph.rbd.ceph_info
  - module: openstack_ceph.rbd.rbd_image
'''

EXAMPLES = r'''
- name: Pool for Glance images, initialised for RBD
  openstack_ceph.rbd.ceph_pool:
    name: images
    pg_num: 32
    pg_autoscale_mode: "off"
    size: 3
    min_size: 2
    application: rbd

- name: Let the autoscaler size the Nova pool, expecting a fifth of the cluster
  openstack_ceph.rbd.ceph_pool:
    name: vms
    pg_autoscale_mode: "on"
    target_size_ratio: 0.2
    application: rbd

- name: Erasure-coded data pool for RBD images
  openstack_ceph.rbd.ceph_pool:
    name: volumes-data
    pool_type: erasure
    erasure_profile: ec-4-2
    allow_ec_overwrites: true
    application: rbd

- name: Cap the backups pool at 10 TiB, through a cephadm container
  openstack_ceph.rbd.ceph_pool:
    name: backups
    max_bytes: 10995116277760
    cli_prefix: [cephadm, shell, --]

- name: The four OpenStack pools in one call, one read when nothing changes
  openstack_ceph.rbd.ceph_pool:
    application: rbd
    pg_autoscale_mode: "on"
    pools:
      - name: images
      - name: volumes
        target_size_ratio: 0.4
      - name: vms
      - name: backups
        pg_autoscale_mode: warn

- name: Delete a pool (the monitors must allow pool deletion)
  openstack_ceph.rbd.ceph_pool:
    name: scratch
    state: absent
    confirm_delete: true
'''

RETURN = r'''
pool:
  description:
    - The pool's managed settings after the run (predicted in check mode). Empty when the pool is absent.
    - Only with O(name).
    - C(crush_rule) is the rule's name when O(crush_rule) is set, otherwise its numeric id (naming it
      would cost a second read).
    - A live C(target_size_ratio) that is not finite is shown as the string C(inf) or C(nan) (Ceph 16),
      or C(non-finite) (Ceph 18 and later print either as null).
  returned: always
  type: dict
  sample:
    name: images
    pool_type: replicated
    erasure_profile: null
    pg_num: 32
    pgp_num: 32
    pg_autoscale_mode: "off"
    size: 3
    min_size: 2
    crush_rule: replicated_rule
    target_size_ratio: 0.0
    bulk: false
    max_bytes: 0
    max_objects: 0
    compression_mode: none
    compression_algorithm: null
    allow_ec_overwrites: false
    applications: [rbd]
commands:
  description:
    - The Ceph CLI commands run (or, in check mode, that would run) to change the pools.
    - Listed pool by pool, in the order of O(pools), each pool's commands in the order they run. With
      several pools the commands of different pools run at the same time (see the description), so
      this is an order that gives the same result, not the order in which they ran.
  returned: always
  type: list
  elements: str
  sample: ["ceph osd pool set images size 3"]
pools:
  description:
    - With O(pools), one entry per item, in order.
  returned: when O(pools) is given
  type: list
  elements: dict
  version_added: 0.2.0
  contains:
    name:
      description: The pool's name.
      type: str
    changed:
      description: Whether this pool changed (or would change, in check mode).
      type: bool
    pool:
      description: The pool's managed settings after the run, as RV(pool).
      type: dict
    commands:
      description: The commands for this pool, as RV(commands).
      type: list
      elements: str
  sample:
    - name: images
      changed: false
      pool: {name: images, size: 3, applications: [rbd]}
      commands: []
'''

import math
import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CEPH_CLIENT_ARGUMENT_SPEC, POOL_NAME_RE, CephCLI, changed_fields, control_problem, describe, number_problem)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.items import wanted_items

# CRUSH rule and erasure-code profile names: what Ceph's CrushWrapper::is_valid_crush_name allows.
CEPH_NAME_RE = re.compile(r'^[A-Za-z0-9_.\-]{1,255}\Z')

# Limits the monitors enforce (Ceph 16): 'pool size must be between 1 and 10'; pg_num up to
# mon_max_pool_pg_num (65536 by default); quotas are signed 64-bit ('osd pool set-quota' refuses 2**63).
MAX_SIZE = 10
MAX_PG_NUM = 65536
INT64_MAX = (1 << 63) - 1

# `ceph osd pool set <pool> <key> <value>` settings, in the order they are applied.
SET_KEYS = ('pg_autoscale_mode', 'crush_rule', 'pg_num', 'pgp_num', 'target_size_ratio', 'bulk',
            'compression_mode', 'compression_algorithm', 'allow_ec_overwrites')
QUOTA_KEYS = ('max_bytes', 'max_objects')
# Each number option: (minimum, maximum, what the limit is).
NUMBER_RANGES = dict(
    pg_num=(1, MAX_PG_NUM, " (Ceph's default mon_max_pool_pg_num)"),
    pgp_num=(1, MAX_PG_NUM, " (Ceph's default mon_max_pool_pg_num)"),
    size=(1, MAX_SIZE, ' (the monitors refuse more than 10 replicas)'),
    min_size=(1, MAX_SIZE, ''),
    max_bytes=(0, INT64_MAX, ' (0 is no quota; Ceph stores quotas as signed 64-bit numbers)'),
    max_objects=(0, INT64_MAX, ' (0 is no quota; Ceph stores quotas as signed 64-bit numbers)'),
    target_size_ratio=(0, None, ''),
)


def finite_or_text(value):
    """A live number as read; one that is not finite (a ratio set to inf or nan by hand) as the
    text 'inf' or 'nan', which compares unequal to every wanted number and prints as valid JSON.
    Ceph 18 and later print such a number as null, which tells neither: 'non-finite'."""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return repr(value)
    if value is None:
        return 'non-finite'
    return value


def pool_state(raw, rule_names):
    """The managed fields of one entry of `ceph osd pool ls detail -f json`."""
    opts = raw.get('options') or {}
    flags = set((raw.get('flags_names') or '').split(','))
    ratio = opts.get('target_size_ratio', 0.0)
    return dict(
        name=raw['pool_name'],
        pool_type='erasure' if raw.get('type') == 3 else 'replicated',
        erasure_profile=raw.get('erasure_code_profile') or None,
        pg_num=raw.get('pg_num_target', raw.get('pg_num')),
        pgp_num=raw.get('pg_placement_num_target', raw.get('pg_placement_num')),
        pg_autoscale_mode=raw.get('pg_autoscale_mode'),
        size=raw.get('size'),
        min_size=raw.get('min_size'),
        crush_rule=rule_names.get(raw.get('crush_rule'), raw.get('crush_rule')),
        target_size_ratio=finite_or_text(float(ratio) if isinstance(ratio, (int, float)) else ratio),
        bulk='bulk' in flags,
        max_bytes=raw.get('quota_max_bytes', 0),
        max_objects=raw.get('quota_max_objects', 0),
        compression_mode=opts.get('compression_mode', 'none'),
        compression_algorithm=opts.get('compression_algorithm'),
        allow_ec_overwrites='ec_overwrites' in flags,
        applications=sorted((raw.get('application_metadata') or {}).keys()),
    )


def rbd_unvalidated(raw):
    """Whether a pool lists the rbd application but was never validated for RBD. `rbd pool init`
    enables the application (a monitor step) and then validates the pool, which takes a
    self-managed snapshot and so sets the selfmanaged_snaps flag; an init cut short by an OSD that
    did not answer leaves the application without the flag, and a re-run must init again."""
    flags = set((raw.get('flags_names') or '').split(','))
    return ('rbd' in (raw.get('application_metadata') or {}) and 'selfmanaged_snaps' not in flags
            and 'pool_snaps' not in flags)


def name_problem(value, param, pattern, forms):
    problem = control_problem(value, param)
    if problem:
        return problem
    if not value or not pattern.match(value):
        return "%s %r is not a valid %s." % (param, value, forms)
    return None


def validate(p, where=''):
    """The first thing wrong with one pool's options (`where` names the item), or None."""
    problem = name_problem(p['name'], 'name', POOL_NAME_RE,
                           "pool name: use letters, digits, '_', '-' and '.', not starting with '.' or '-', "
                           "at most 255 characters")
    for key in ('erasure_profile', 'crush_rule'):
        if not problem and p[key] is not None:
            problem = name_problem(p[key], key, CEPH_NAME_RE,
                                   "name: use letters, digits, '_', '-' and '.', at most 255 characters")
    for key in ('pg_num', 'pgp_num', 'size', 'min_size') + QUOTA_KEYS + ('target_size_ratio',):
        if not problem:
            minimum, maximum, limit = NUMBER_RANGES[key]
            problem = number_problem(p[key], key, minimum, maximum)
            if problem and maximum is not None and p[key] > maximum:
                problem = problem[:-1] + limit + '.'
    if problem:
        return where + problem
    if p['pg_num'] is not None and p['pgp_num'] is not None and p['pgp_num'] > p['pg_num']:
        return "%spgp_num (%d) must not exceed pg_num (%d)." % (where, p['pgp_num'], p['pg_num'])
    if p['size'] is not None and p['min_size'] is not None and p['min_size'] > p['size']:
        return "%smin_size (%d) must not exceed size (%d)." % (where, p['min_size'], p['size'])
    if p['erasure_profile'] and p['pool_type'] == 'replicated':
        return "%serasure_profile is only valid with pool_type: erasure." % where
    if p['allow_ec_overwrites'] and p['pool_type'] == 'replicated':
        return "%sallow_ec_overwrites is only valid for erasure-coded pools." % where
    if p['state'] == 'absent' and not p['confirm_delete']:
        return ("%sRefusing to delete pool %s and all its data: set confirm_delete: true to confirm."
                % (where, p['name']))
    return None


def wanted(p):
    keys = SET_KEYS + QUOTA_KEYS + ('size', 'min_size')
    return dict((k, p[k]) for k in keys)


def set_commands(name, have, delta):
    """The CLI calls that turn `have` into `have + delta`, in a safe order."""
    cmds = []

    def pool_set(key, value):
        if isinstance(value, bool):
            value = 'true' if value else 'false'
        extra = ['--yes-i-really-mean-it'] if key == 'size' and value == 1 else []
        cmds.append(['osd', 'pool', 'set', name, key, str(value)] + extra)

    # size and min_size: keep min_size <= size at every step.
    sizes = [k for k in ('size', 'min_size') if k in delta]
    if 'size' in delta and delta['size'] < (have.get('size') or 0):
        sizes.reverse()
    for key in sizes:
        pool_set(key, delta[key])
    for key in SET_KEYS:
        if key in delta:
            pool_set(key, delta[key])
    for key in QUOTA_KEYS:
        if key in delta:
            cmds.append(['osd', 'pool', 'set-quota', name, key, str(delta[key])])
    return cmds


POOL_OPTIONS = dict(
    name=dict(type='str', aliases=['pool']),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    confirm_delete=dict(type='bool', default=False),
    pool_type=dict(type='str', choices=['replicated', 'erasure']),
    erasure_profile=dict(type='str'),
    pg_num=dict(type='int'),
    pgp_num=dict(type='int'),
    pg_autoscale_mode=dict(type='str', choices=['on', 'off', 'warn']),
    size=dict(type='int'),
    min_size=dict(type='int'),
    crush_rule=dict(type='str'),
    target_size_ratio=dict(type='float'),
    bulk=dict(type='bool'),
    max_bytes=dict(type='int'),
    max_objects=dict(type='int'),
    compression_mode=dict(type='str', choices=['none', 'passive', 'aggressive', 'force']),
    compression_algorithm=dict(type='str', choices=['snappy', 'zlib', 'zstd', 'lz4']),
    allow_ec_overwrites=dict(type='bool'),
    application=dict(type='str', choices=['rbd', 'cephfs', 'rgw']),
)


def new_pool_type(p, have):
    return (have or {}).get('pool_type') or p['pool_type'] or 'replicated'


def pool_profile(p, have):
    """The erasure-code profile of an erasure pool, live or to be created with."""
    return have['erasure_profile'] if have else (p['erasure_profile'] or 'default')


def needs_chunks(p, have):
    """Whether checking size or min_size of an erasure pool needs k and m of its profile."""
    if p['state'] == 'absent' or new_pool_type(p, have) != 'erasure':
        return False
    if have is None:
        return p['size'] is not None or p['min_size'] is not None
    # A live erasure pool's size is k+m already; only a new min_size needs k.
    return p['min_size'] is not None and p['min_size'] != have['min_size']


class Cluster(object):
    """The cluster's pools and CRUSH rules, read once for all the pools of a call; erasure-code
    profiles only when an erasure pool needs them."""

    def __init__(self, module, cli, pools):
        self.cli = cli
        self.rule_names = {}
        wanted_rules = set(p['crush_rule'] for p in pools if p['crush_rule'] is not None)
        if wanted_rules:
            dummy, rules, dummy2 = cli.ceph_json(['osd', 'crush', 'rule', 'dump'])
            self.rule_names = dict((r['rule_id'], r['rule_name']) for r in rules)
            unknown = sorted(wanted_rules - set(self.rule_names.values()))
            if unknown:
                module.fail_json(msg="crush_rule %s does not exist. Rules on this cluster: %s."
                                 % (', '.join(repr(r) for r in unknown), ', '.join(sorted(self.rule_names.values()))))
        self.reread()
        self.read_profiles(pools)

    def reread(self, what=None):
        dummy, pools, dummy2 = self.cli.ceph_json(['osd', 'pool', 'ls', 'detail'], what=what)
        self.raw = dict((x['pool_name'], x) for x in pools or [])

    def state(self, name):
        raw = self.raw.get(name)
        return pool_state(raw, self.rule_names) if raw else None

    def rbd_unvalidated(self, name):
        raw = self.raw.get(name)
        return bool(raw) and rbd_unvalidated(raw)

    def read_profiles(self, pools):
        """One `erasure-code-profile ls` when a pool to be created needs a profile, and one `get`
        per profile whose k and m are needed to check size or min_size."""
        self.profile_names = None
        self.profiles = {}
        live = [(p, self.state(p['name'])) for p in pools if p['state'] == 'present']
        creating = [p for p, have in live if have is None and new_pool_type(p, have) == 'erasure']
        if creating:
            dummy, names, dummy2 = self.cli.ceph_json(['osd', 'erasure-code-profile', 'ls'])
            self.profile_names = set(names or [])
        needed = set(pool_profile(p, have) for p, have in live if needs_chunks(p, have))
        for name in sorted(needed):
            if self.profile_names is None or name in self.profile_names:
                dummy, params, dummy2 = self.cli.ceph_json(['osd', 'erasure-code-profile', 'get', name])
                self.profiles[name] = params or {}

    def chunks(self, profile):
        """(k, k+m) of an erasure-code profile that was read, with None for what is not known
        (the lrc plugin adds local parity chunks, so its size is not k+m)."""
        params = self.profiles.get(profile) or {}
        try:
            k = int(params['k'])
        except (KeyError, TypeError, ValueError):
            return None, None
        try:
            total = None if params.get('plugin') == 'lrc' else k + int(params['m'])
        except (KeyError, TypeError, ValueError):
            total = None
        return k, total


def delete_failure(cli, name, cmd, rc, out, err):
    """The fail_json arguments for a deletion the monitors refused or that did not complete."""
    if 'mon_allow_pool_delete' in (err or ''):
        return dict(msg="The monitors refuse to delete pool %s because mon_allow_pool_delete is false. "
                        "Allow it with 'ceph config set mon mon_allow_pool_delete true', run again, "
                        "then set it back to false." % name, rc=rc, stderr=err)
    return cli.failure(cli.argv('ceph', cmd), rc, out, err, 'ceph osd pool delete %s' % name)


def erasure_conflict(p, have, cluster):
    name = p['name']
    profile = pool_profile(p, have)
    if have is None and cluster.profile_names is not None and profile not in cluster.profile_names:
        return ("erasure_profile %r does not exist, so pool %s cannot be created. Profiles on this cluster: %s "
                "(create one with 'ceph osd erasure-code-profile set')."
                % (profile, name, ', '.join(sorted(cluster.profile_names)) or 'none'))
    k, total = cluster.chunks(profile)
    size = have['size'] if have else total
    if p['size'] is not None and size is not None and p['size'] != size:
        return ("size of erasure-coded pool %s is k+m = %d of its profile %s and cannot be changed, got %d "
                "(leave size unset for erasure pools)." % (name, size, profile, p['size']))
    low_bad = k is not None and p['min_size'] is not None and p['min_size'] < k
    high_bad = size is not None and p['min_size'] is not None and p['min_size'] > size
    if low_bad or high_bad:
        return ("min_size of erasure-coded pool %s must be between k = %s and k+m = %s of its profile %s, got %d."
                % (name, k if k is not None else '?', size if size is not None else '?', profile, p['min_size']))
    return None


def live_conflict(p, have, cluster):
    """What in one pool's options the live pool (`have`, None when absent) cannot take, or None.
    Checked for every pool of a call before any of them changes."""
    name = p['name']
    if p['state'] == 'absent':
        return None
    if have and p['pool_type'] and p['pool_type'] != have['pool_type']:
        return ("pool %s is %s; pool_type %s cannot be applied to an existing pool."
                % (name, have['pool_type'], p['pool_type']))
    pool_type = new_pool_type(p, have)
    if p['allow_ec_overwrites'] and pool_type != 'erasure':
        return "allow_ec_overwrites is only valid for erasure-coded pools; %s is replicated." % name
    if have and have['allow_ec_overwrites'] and p['allow_ec_overwrites'] is False:
        return "allow_ec_overwrites cannot be turned off on pool %s once enabled." % name
    if have is None and p['erasure_profile'] and pool_type != 'erasure':
        return ("erasure_profile is set, but pool %s would be created replicated: set pool_type: erasure."
                % name)
    if p['pgp_num'] is not None:
        pg_num = p['pg_num'] if p['pg_num'] is not None else (have or {}).get('pg_num')
        if pg_num is None:
            return ("pgp_num needs pg_num for pool %s, which is to be created: the monitors' default pg_num "
                    "is not known before." % name)
        if p['pgp_num'] > pg_num:
            return ("pgp_num (%d) must not exceed the pg_num of pool %s (%d, live); set pg_num too to raise it."
                    % (p['pgp_num'], name, pg_num))
    if pool_type == 'erasure':
        return erasure_conflict(p, have, cluster)
    if have and p['size'] is None and p['min_size'] is not None and p['min_size'] > have['size']:
        return ("min_size (%d) must not exceed the size of pool %s (%d, live); set size too to raise it."
                % (p['min_size'], name, have['size']))
    return None


def init_failure(cli, name, created, rc, out, err):
    """The fail_json arguments for an `rbd pool init` that failed, saying what state the pool is left in."""
    args = ['pool', 'init', name]
    what = 'rbd pool init %s' % name
    cause = cli.unreachable_hint(rc, err)
    if cause:
        # The runner's own advice to run again is said below, with the state the pool is in.
        cause = cause.split('; nothing after this step ran')[0]
    else:
        last = (err or out or '').strip().splitlines()
        cause = last[-1] if last else 'rc %d' % rc
    return dict(
        msg="%s failed: %s. Pool %s %s with its settings applied, but is not initialised for RBD yet: it may "
            "already list application 'rbd', but it was not validated. Run the task again once the cluster "
            "answers and it completes the work (it runs rbd pool init again on a pool that was never validated)."
            % (what, cause, name, 'was created' if created else 'exists'),
        cmd=cli.argv('rbd', args), rc=rc, stdout=out, stderr=err)


def create_command(p, pool_type):
    create = ['osd', 'pool', 'create', p['name'], '--pool_type', pool_type]
    if p['pg_num'] is not None:
        create += ['--pg_num', p['pg_num']]
        create += ['--pgp_num', p['pgp_num'] if p['pgp_num'] is not None else p['pg_num']]
    if pool_type == 'erasure':
        create += ['--erasure_code_profile', p['erasure_profile'] or 'default']
    if p['crush_rule']:
        create += ['--rule', p['crush_rule']]
    if p['pg_autoscale_mode']:
        create += ['--autoscale_mode', p['pg_autoscale_mode']]
    if p['size'] is not None and pool_type == 'replicated':
        create += ['--size', p['size']]
    return [str(c) for c in create]


def predicted_creation(p, want, pool_type, cluster):
    """Check mode: the pool as its creation leaves it (the creation options hold, the rest is still to be set)."""
    have = dict(name=p['name'], pool_type=pool_type, applications=[])
    for key in ('pg_num', 'pgp_num', 'crush_rule', 'pg_autoscale_mode') + (
            ('size',) if pool_type == 'replicated' else ()):
        if want.get(key) is not None:
            have[key] = want[key]
    if p['pg_num'] is not None and p['pgp_num'] is None:
        have['pgp_num'] = p['pg_num']
    if have.get('size'):
        # Ceph's own default for a new pool's min_size.
        have['min_size'] = have['size'] - have['size'] // 2
    k, total = cluster.chunks(pool_profile(p, None)) if pool_type == 'erasure' else (None, None)
    if total is not None:
        # An erasure pool's size is k+m; its min_size k+1 (k when m is 1), as the monitors set them.
        have['size'], have['min_size'] = total, k + min(1, total - k - 1)
    return have


class PoolPlan(object):
    """One pool of a call: its first step (deletion or creation), then the rest (settings,
    application, rbd pool init), planned from the read of the cluster (for a pool to be created,
    from the read that follows its creation, or the prediction in check mode)."""

    def __init__(self, module, cluster, p):
        self.p = p
        self.name = name = p['name']
        self.have = cluster.state(name)
        self.created = p['state'] == 'present' and self.have is None
        self.first = None
        self.commands = []
        self.steps = None
        self.result = None
        # todo, created (waiting for the rest), done or failed.
        self.status = 'todo'
        if p['state'] == 'absent':
            if self.have:
                self.first = ['osd', 'pool', 'delete', name, name, '--yes-i-really-really-mean-it']
            return
        self.pool_type = new_pool_type(p, self.have)
        autoscale = p['pg_autoscale_mode'] or (self.have or {}).get('pg_autoscale_mode') or 'on'
        if p['pg_num'] is not None and autoscale == 'on':
            module.warn("pg_num=%d is set for pool %s while pg_autoscale_mode is on: it is applied, but the "
                        "autoscaler may change it again. Set pg_autoscale_mode to 'off' or 'warn' to keep it."
                        % (p['pg_num'], name))
        if self.created:
            self.first = create_command(p, self.pool_type)

    def deletion(self):
        have = self.have
        self.steps = []
        self.commands = [self.first] if self.first else []
        self.result = dict(name=self.name, changed=bool(have), pool={},
                           commands=[' '.join(['ceph'] + c) for c in self.commands],
                           diff=dict(before={'name': self.name, 'state': 'present' if have else 'absent'},
                                     after={'name': self.name, 'state': 'absent'}))

    def plan_rest(self, module, cluster):
        """The steps after the first, and the pool's result (name, changed, pool, commands, diff)."""
        p, name = self.p, self.name
        if p['state'] == 'absent':
            return self.deletion()
        want = wanted(p)
        have = self.have
        if self.created:
            have = cluster.state(name) if not module.check_mode else predicted_creation(p, want, self.pool_type, cluster)
        delta = changed_fields(have, want)
        commands = ([self.first] if self.created else []) + set_commands(name, have, delta)
        init_rbd = p['application'] == 'rbd' and (
            'rbd' not in have.get('applications', []) or cluster.rbd_unvalidated(name))
        if p['application'] not in (None, 'rbd') and p['application'] not in have.get('applications', []):
            commands.append(['osd', 'pool', 'application', 'enable', name, p['application']])
        self.commands = commands
        self.steps = [('ceph', c) for c in commands[1 if self.created else 0:]]
        after = dict(have, **delta)
        if p['application'] and p['application'] not in after['applications']:
            after['applications'] = sorted(after['applications'] + [p['application']])
        cmd_text = [' '.join(['ceph'] + c) for c in commands]
        if init_rbd:
            cmd_text.append('rbd pool init %s' % name)
            self.steps.append(('rbd', ['pool', 'init', name]))
        shown = [k for k in want if want[k] is not None] + (['applications'] if p['application'] else [])
        before = {} if self.created else dict((k, have.get(k)) for k in ['name'] + shown)
        self.result = dict(name=name, changed=bool(self.created or commands or init_rbd), pool=after, commands=cmd_text,
                           diff=dict(before=before, after=dict((k, after.get(k)) for k in ['name'] + shown)))

    def failure(self, cli, tool, args, outcome):
        """The fail_json arguments for one of this pool's steps that failed."""
        rc, out, err = outcome
        if tool == 'rbd':
            return init_failure(cli, self.name, self.created, rc, out, err)
        if args[:3] == ['osd', 'pool', 'delete']:
            return delete_failure(cli, self.name, args, rc, out, err)
        return cli.failure(cli.argv(tool, args), rc, out, err, describe(tool, args, limit=5))


# At most this many pools change at the same time. A pool's creation and its `rbd pool init` mostly
# wait for the monitors to commit new OSD maps (about a second each, three for rbd pool init); the
# steps of pools run at the same time share those commits. (DOCUMENTATION says 8.)
PARALLEL = 8


def names(plans):
    return ', '.join(plan.name for plan in plans)


def state_of_pools(plans):
    """After a failure: which pools of the call are done, half-done or untouched."""
    groups = [
        ('done', [x for x in plans if x.status == 'done']),
        ('failed', [x for x in plans if x.status == 'failed']),
        ('created, but their settings, application or rbd pool init did not run yet',
         [x for x in plans if x.status == 'created']),
        ('not changed yet', [x for x in plans if x.status == 'todo']),
    ]
    return 'State of the pools of this task: %s.' % '; '.join(
        '%s: %s' % (label, names(group)) for label, group in groups if group)


def sentence(text):
    return text if text.endswith('.') else text + '.'


def fail_pools(module, plans, failures, listed):
    """Fail with the first failure in item order. As pools change at the same time, a list also
    names the other failures and says the state of every pool."""
    failures.sort(key=lambda f: plans.index(f[0]))
    first = failures[0][1]
    if listed:
        msg = sentence(first['msg'])
        if len(failures) > 1:
            msg += ' Also failed: %s.' % '; '.join(f[1]['msg'].split(' failed', 1)[0] for f in failures[1:])
        msg += ' ' + state_of_pools(plans)
        if 'run the task again' not in msg.lower() and 'run again' not in msg.lower():
            msg += ' Running the task again completes the work.'
        first = dict(first, msg=msg)
    module.fail_json(**first)


def run_steps(module, cli, plans, sequences, on_success):
    """Run one sequence of steps per plan, PARALLEL at a time; fail (after all started ones ended)
    if any step failed."""
    outcomes = cli.run_concurrently(sequences, PARALLEL)
    failures = []
    for plan, sequence, done in zip(plans, sequences, outcomes):
        if done is None:
            continue
        if done and done[-1][0] != 0:
            plan.status = 'failed'
            tool, args = sequence[len(done) - 1]
            failures.append((plan, plan.failure(cli, tool, args, done[-1])))
        else:
            on_success(plan)
    return failures


def apply_pools(module, cli, cluster, pools, listed):
    """Bring every pool to its wanted state, in two rounds: first the deletions and creations (then
    one read of the created pools), then each pool's settings, application and rbd pool init. In each
    round the pools are changed at the same time, PARALLEL at most; a pool's own steps keep their
    order. After a failure no pool starts its round, and the module fails once those started end."""
    plans = [PoolPlan(module, cluster, p) for p in pools]
    for plan in plans:
        if not plan.created:
            plan.plan_rest(module, cluster)
    if module.check_mode:
        for plan in plans:
            if plan.created:
                plan.plan_rest(module, cluster)
        return [plan.result for plan in plans]

    for plan in plans:
        if plan.first is None and not plan.steps:
            plan.status = 'done'
    firsts = [plan for plan in plans if plan.first]
    if firsts:
        def first_done(plan):
            plan.status = 'created' if plan.created else 'done'
        failures = run_steps(module, cli, firsts, [[('ceph', plan.first)] for plan in firsts], first_done)
        if failures:
            fail_pools(module, plans, failures, listed)
    created = [plan for plan in plans if plan.created]
    if created:
        what = ('ceph osd pool ls detail, reading pool%s %s after %s creation,'
                % ('s' if len(created) > 1 else '', names(created), 'their' if len(created) > 1 else 'its'))
        rc, out, err = cli.ceph_json(['osd', 'pool', 'ls', 'detail'], check_rc=False, what=what)
        if rc != 0:
            failure = cli.failure(cli.argv('ceph', ['osd', 'pool', 'ls', 'detail', '--format', 'json']), rc, '', err, what)
            fail_pools(module, plans, [(created[0], failure)], listed)
        cluster.raw = dict((x['pool_name'], x) for x in out or [])
        missing = [plan for plan in created if cluster.state(plan.name) is None]
        if missing:
            for plan in missing:
                plan.status = 'failed'
            failure = dict(msg="pool %s was created but is not listed by 'ceph osd pool ls detail'." % missing[0].name)
            fail_pools(module, plans, [(missing[0], failure)], listed)
        for plan in created:
            plan.plan_rest(module, cluster)
            if not plan.steps:
                plan.status = 'done'

    rest = [plan for plan in plans if plan.steps]
    if rest:
        def rest_done(plan):
            plan.status = 'done'
        failures = run_steps(module, cli, rest, [plan.steps for plan in rest], rest_done)
        if failures:
            fail_pools(module, plans, failures, listed)
    return [plan.result for plan in plans]


def main():
    argument_spec = dict(POOL_OPTIONS, pools=dict(type='list', elements='dict'))
    argument_spec.update(CEPH_CLIENT_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_one_of=[('name', 'pools')], mutually_exclusive=[('name', 'pools')])
    pools = wanted_items(module, POOL_OPTIONS, 'pools', validate)
    cli = CephCLI(module)
    cluster = Cluster(module, cli, pools)
    listed = module.params['pools'] is not None
    for index, p in enumerate(pools):
        problem = live_conflict(p, cluster.state(p['name']), cluster)
        if problem:
            module.fail_json(msg='%s%s' % ('pools[%d] (%s): ' % (index, p['name']) if listed else '', problem))
    results = apply_pools(module, cli, cluster, pools, listed)

    if not listed:
        one = results[0]
        module.exit_json(changed=one['changed'], pool=one['pool'], commands=one['commands'], diff=one['diff'])
    module.exit_json(changed=any(r['changed'] for r in results),
                     commands=[c for r in results for c in r['commands']],
                     pools=[dict((k, r[k]) for k in ('name', 'changed', 'pool', 'commands')) for r in results],
                     diff=[r['diff'] for r in results if r['changed']])


if __name__ == '__main__':
    main()
