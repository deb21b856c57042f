#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ceph_info
short_description: Read facts about a Ceph cluster
version_added: 0.1.0
description:
  - Reads the cluster's fsid, monitor addresses, a minimal client C(ceph.conf), health, daemon versions
    and pools. Nothing is changed.
  - O(gather) limits the reads to what you need; each item costs one C(ceph) call.
  - When V(version) is gathered and a daemon runs a Ceph major release this collection does not know
    (it knows 16 Pacific to 20 Tentacle, and is tested on 16.2, 18.2 and 20.2), the module warns,
    naming the versions; RV(version.known) is then V(false). It also warns when no daemon reports a
    version it can read, and RV(version.known) is V(false) then too.
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
extends_documentation_fragment:
  - openstack_ceph.rbd.ceph_client
  - openstack_ceph.rbd.attributes.read_only
options:
  gather:
    description:
      - What to read. V(mons) also gives RV(fsid). V(all) reads everything from the cluster.
      - V(client) reads the version of this node's Ceph client library from its package database, contacting no
        cluster (V(all) leaves it out). It says whether the node's clients can use keys of type C(aes256k).
    type: list
    elements: str
    choices: [all, mons, minimal_conf, health, version, pools, client]
    default: [all]
requirements:
  - C(ceph) CLI on the target (package C(ceph-common)).
seealso:
  - module: openstack_ceph.rbd.ceph_pool
'''

EXAMPLES = r'''
- name: What a client needs to reach the cluster
  openstack_ceph.rbd.ceph_info:
    gather: [mons, minimal_conf]
  register: ceph
  run_once: true

- name: Write the client configuration
  ansible.builtin.copy:
    content: "{{ ceph.minimal_conf }}"
    dest: /etc/ceph/ceph.conf
    mode: '0644'

- name: Fail early when the cluster is not healthy
  openstack_ceph.rbd.ceph_info:
    gather: [health]
  register: ceph_health
  failed_when: ceph_health.health.status == 'HEALTH_ERR'
'''

RETURN = r'''
fsid:
  description: The cluster's fsid.
  returned: when V(mons) is gathered
  type: str
  sample: 2b7e1c9a-5f0e-4c5e-9d3e-8a1f0c6b7d21
mons:
  description: The monitors with their messenger v2 and v1 addresses (null when a monitor has none of that kind).
  returned: when V(mons) is gathered
  type: list
  elements: dict
  sample: [{name: a, rank: 0, v2: "10.0.0.1:3300", v1: "10.0.0.1:6789"}]
mon_host:
  description: The monitors in C(mon_host) form, ready for a client C(ceph.conf).
  returned: when V(mons) is gathered
  type: str
  sample: "[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]"
auth_ciphers:
  description:
    - The key types the monitors' map names (Ceph 20.2.4 and 19.2.6 on). C(preferred), the type the monitors give new keys;
      C(allowed), the types a client may authenticate with; C(service), the type of the daemons' rotating keys.
    - Each V(null) when the monitors' map has no such field (older releases, which know type C(aes) only).
    - A key of a type not in C(allowed) is imported without complaint, and then refused when a client logs in with it.
  returned: when V(mons) is gathered
  type: dict
  sample: {preferred: aes256k, allowed: [aes256k], service: aes256k}
  version_added: 0.3.0
minimal_conf:
  description:
    - Output of C(ceph config generate-minimal-conf) with the tab indentation removed, ending in one newline.
  returned: when V(minimal_conf) is gathered
  type: str
  sample: "# minimal ceph.conf for 2b7e...\n[global]\nfsid = 2b7e...\nmon_host = [v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]\n"
health:
  description: Overall status and the names of the active health checks.
  returned: when V(health) is gathered
  type: dict
  sample: {status: HEALTH_OK, checks: []}
version:
  description: Ceph versions of the running daemons (C(ceph versions)), and the oldest release among them.
  returned: when V(version) is gathered
  type: dict
  sample: {release: pacific, versions: ["16.2.15"], by_daemon: {mon: ["16.2.15"], osd: ["16.2.15"]}, known: true}
  contains:
    release:
      description: The release name of the oldest version found.
      type: str
    versions:
      description: Every version a daemon runs.
      type: list
      elements: str
    by_daemon:
      description: The versions by daemon type.
      type: dict
    known:
      description:
        - Whether every version found is of a major release this collection knows (16 to 20).
        - V(false) also when no version could be read.
      type: bool
client:
  description:
    - This node's Ceph client library (C(librados2)), behind O(cli_prefix) if one is given.
    - C(version) is V(null) when it could not be read; C(why) then says why.
  returned: when V(client) is gathered
  type: dict
  sample: {version: "18.2.7+ds-1", aes256k: false, why: null}
  version_added: 0.3.0
  contains:
    version:
      description: The package's version.
      type: str
    aes256k:
      description: Whether clients of that version can use keys of type C(aes256k) (Ceph 19.2.6, 20.2.4 and later).
      type: bool
    why:
      description: Why the version is not known, or V(null).
      type: str
pools:
  description: The pools with their main settings.
  returned: when V(pools) is gathered
  type: list
  elements: dict
  sample: [{name: images, id: 2, type: replicated, size: 3, min_size: 2, pg_num: 32, applications: [rbd]}]
'''

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CEPH_CLIENT_ARGUMENT_SPEC, CephCLI, client_can_use, client_version, release_of)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.releases import CEPH_MAJORS, CEPH_TESTED, ceph_unknown

VERSION_RE = re.compile(r'ceph version (\S+) \([0-9a-f]+\) (\w+)')


def mon_facts(dump):
    mons = []
    for mon in dump.get('mons', []):
        entry = dict(name=mon.get('name'), rank=mon.get('rank'), v2=None, v1=None)
        for addr in (mon.get('public_addrs') or {}).get('addrvec', []):
            if addr.get('type') in ('v1', 'v2'):
                entry[addr['type']] = addr.get('addr')
        mons.append(entry)
    parts = []
    for mon in mons:
        vec = ['%s:%s/0' % (kind, mon[kind]) for kind in ('v2', 'v1') if mon[kind]]
        parts.append('[%s]' % ','.join(vec) if len(vec) > 1 else vec[0] if vec else '')
    return mons, ','.join(p for p in parts if p)


def cipher_facts(dump):
    def name(value):
        return value.get('name') if isinstance(value, dict) else value
    allowed = dump.get('auth_allowed_ciphers')
    return dict(preferred=name(dump.get('auth_preferred_cipher')), service=name(dump.get('auth_service_cipher')),
                allowed=[name(c) for c in allowed] if isinstance(allowed, list) else None)


def version_facts(versions):
    by_daemon = {}
    releases = set()
    found = set()
    for daemon, counts in versions.items():
        if daemon == 'overall':
            continue
        for text in counts:
            m = VERSION_RE.search(text)
            if m:
                by_daemon.setdefault(daemon, []).append(m.group(1))
                found.add(m.group(1))
                releases.add((m.group(1), m.group(2)))
    oldest = min(releases, key=lambda r: [int(x) if x.isdigit() else 0 for x in re.split(r'[.-]', r[0])])[1] \
        if releases else None
    return dict(release=oldest, versions=sorted(found), by_daemon=by_daemon,
                known=bool(found) and not ceph_unknown(found))


def pool_facts(pools):
    return [dict(name=p['pool_name'], id=p['pool_id'], type='erasure' if p.get('type') == 3 else 'replicated',
                 size=p.get('size'), min_size=p.get('min_size'), pg_num=p.get('pg_num'),
                 pg_autoscale_mode=p.get('pg_autoscale_mode'),
                 applications=sorted((p.get('application_metadata') or {}).keys()))
            for p in pools or []]


def main():
    argument_spec = dict(
        gather=dict(type='list', elements='str', default=['all'],
                    choices=['all', 'mons', 'minimal_conf', 'health', 'version', 'pools', 'client']),
    )
    argument_spec.update(CEPH_CLIENT_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    gather = set(module.params['gather'])
    if 'all' in gather:
        gather = (gather - set(['all'])) | set(['mons', 'minimal_conf', 'health', 'version', 'pools'])
    cli = CephCLI(module)
    result = dict(changed=False)

    if 'mons' in gather:
        dummy, dump, dummy2 = cli.ceph_json(['mon', 'dump'])
        result['fsid'] = dump.get('fsid')
        result['mons'], result['mon_host'] = mon_facts(dump)
        result['auth_ciphers'] = cipher_facts(dump)
    if 'minimal_conf' in gather:
        dummy, out, dummy2 = cli.ceph(['config', 'generate-minimal-conf'])
        lines = [line.strip() for line in out.splitlines()]
        result['minimal_conf'] = '\n'.join(lines).strip() + '\n'
    if 'health' in gather:
        dummy, health, dummy2 = cli.ceph_json(['health'])
        result['health'] = dict(status=health.get('status'), checks=sorted((health.get('checks') or {}).keys()))
    if 'version' in gather:
        dummy, versions, dummy2 = cli.ceph_json(['versions'])
        result['version'] = version_facts(versions or {})
        unknown = ceph_unknown(result['version']['versions'])
        known = '%s (%s) and is tested on %s' % (', '.join(str(m) for m in sorted(CEPH_MAJORS)),
                                                 ', '.join(CEPH_MAJORS[m] for m in sorted(CEPH_MAJORS)), CEPH_TESTED)
        if unknown:
            module.warn('The cluster runs Ceph %s, a release this collection does not know: it knows %s. '
                        'Check the support matrix before relying on it.' % (', '.join(unknown), known))
        elif not result['version']['versions']:
            module.warn('No Ceph version could be read from "ceph versions" (no daemon reported one), so the release '
                        'is not known to be one this collection knows: it knows %s.' % known)
    if 'pools' in gather:
        dummy, pools, dummy2 = cli.ceph_json(['osd', 'pool', 'ls', 'detail'])
        result['pools'] = pool_facts(pools)
    if 'client' in gather:
        version, why = client_version(cli)
        release = release_of(version)
        result['client'] = dict(version=version, aes256k=bool(release) and client_can_use('aes256k', release),
                                why=why)
        if version is not None and release is None:
            result['client']['why'] = 'the version gives no release number'
    module.exit_json(**result)


if __name__ == '__main__':
    main()
