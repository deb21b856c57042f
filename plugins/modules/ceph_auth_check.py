#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: ceph_auth_check
short_description: Check that the monitors accept, or refuse, a cephx key
version_added: 0.3.0
description:
  - Authenticates to a cluster's monitors as a cephx user, with the key of a keyring file on the target or with a
    key given to the module, and says whether the monitors accepted it. Nothing is changed.
  - Made for key rotation. Each service node proves that the keyring its service reads holds a key Ceph takes,
    and an old key is proven refused.
  - Authentication needs no capability. With Python's C(rados) binding (package C(python3-rados), which
    C(python3-rbd) and C(ceph-common) bring) the module only connects; without it, it runs
    C(ceph health) as the user, where a refusal of the command for want of caps still means the key was taken.
  - A key given in O(checks[].key) is written to a file only this module's user can read, in a private temporary
    directory, for the time of the check, and removed; it never reaches a command line.
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
extends_documentation_fragment:
  - openstack_ceph.rbd.attributes.read_only
options:
  checks:
    description: The keys to check, each one connection to its cluster.
    type: list
    elements: dict
    required: true
    suboptions:
      entity:
        description: The cephx user, such as V(client.cinder).
        type: str
        required: true
      cluster:
        description: The cluster's name; its client configuration is C(/etc/ceph/<cluster>.conf) unless O(checks[].conf) is given.
        type: str
        default: ceph
      conf:
        description: The cluster's client configuration file, if not C(/etc/ceph/<cluster>.conf).
        type: path
      keyring:
        description:
          - A keyring file on the target holding the user's key. Exactly one of O(checks[].keyring) and
            O(checks[].key) is required.
        type: path
      key:
        description: The base64 key itself (for example an old key, to prove it refused). Never logged.
        type: str
      expect:
        description: V(accepted) or V(refused). The module fails when a key is not as expected.
        type: str
        choices: [accepted, refused]
        default: accepted
  connect_timeout:
    description: Seconds to wait for the monitors before a check counts as failed (unreachable).
    type: int
    default: 30
requirements:
  - Python's C(rados) binding, or the C(ceph) CLI (package C(ceph-common)), on the target.
seealso:
  - module: openstack_ceph.rbd.ceph_key
'''

EXAMPLES = r'''
- name: The keyrings Glance and Cinder read hold keys the monitors take
  openstack_ceph.rbd.ceph_auth_check:
    checks:
      - {entity: client.glance, keyring: /etc/ceph/ceph.client.glance.keyring}
      - {entity: client.cinder, keyring: /etc/ceph/ceph.client.cinder.keyring}

- name: The key that was rotated away is refused
  openstack_ceph.rbd.ceph_auth_check:
    checks:
      - entity: client.cinder
        key: "{{ old_cinder_key }}"
        expect: refused
  no_log: true
'''

RETURN = r'''
checks:
  description: One entry per check, in order. Never a key.
  returned: always
  type: list
  elements: dict
  contains:
    entity:
      description: The user.
      type: str
    cluster:
      description: The cluster.
      type: str
    keyring:
      description: The keyring file checked, or V(null) for a given key.
      type: str
    result:
      description: V(accepted), V(refused) or V(unreachable).
      type: str
    ok:
      description: Whether the result is the one expected.
      type: bool
  sample:
    - {entity: client.cinder, cluster: ceph, keyring: /etc/ceph/ceph.client.cinder.keyring, result: accepted, ok: true}
'''

import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CLUSTER_RE, LOCALE_ENV, cephx_key_problem)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.keyring import entity_problem, keyring_text

try:
    import rados
    HAS_RADOS = True
except ImportError:
    HAS_RADOS = False

# What librados and the ceph CLI say when the monitors refuse the key (EACCES, or EPERM from older ones).
REFUSED_MARKERS = ('permission denied', 'operation not permitted', 'permissionerror')


def refused(message):
    return any(m in message.lower() for m in REFUSED_MARKERS)


def check_problem(check, where):
    problem = entity_problem(check['entity'], where + 'entity')
    if problem:
        return problem
    if not CLUSTER_RE.match(check['cluster'] or ''):
        return "%scluster must be a cluster name (a letter, then letters, digits, _ or -)." % where
    if (check['keyring'] is None) == (check['key'] is None):
        return "%sgive exactly one of keyring and key." % where
    if check['key'] is not None:
        problem = cephx_key_problem(check['key'], where + 'key')[2]
        if problem:
            return problem
    if check['keyring'] is not None and not os.path.isfile(check['keyring']):
        return "%skeyring: %s is not a file on this host." % (where, check['keyring'])
    return None


def with_binding(conf, entity, keyring, timeout):
    """'accepted', 'refused' or 'unreachable', from one connection with the rados binding."""
    cluster = rados.Rados(conffile=conf, name=entity, conf=dict(keyring=keyring))
    try:
        cluster.connect(timeout=timeout)
        return 'accepted', None
    except rados.PermissionError as e:
        return 'refused', str(e)
    except rados.Error as e:
        if refused(str(e)):
            return 'refused', str(e)
        return 'unreachable', str(e)
    finally:
        cluster.shutdown()


def with_cli(module, conf, entity, keyring, timeout):
    """The same with the ceph CLI: a command the caps refuse still proves the key was taken."""
    argv = [module.get_bin_path('ceph', required=True), '--conf', conf, '--name', entity, '--keyring', keyring,
            '--connect-timeout', str(timeout), 'health']
    rc, dummy, err = module.run_command(argv, environ_update=LOCALE_ENV)
    if rc == 0 or ('access denied' in err and 'error connecting' not in err):
        return 'accepted', None
    if refused(err):
        return 'refused', err.strip()
    return 'unreachable', err.strip()


def main():
    module = AnsibleModule(
        argument_spec=dict(
            checks=dict(type='list', elements='dict', required=True, options=dict(
                entity=dict(type='str', required=True),
                cluster=dict(type='str', default='ceph'),
                conf=dict(type='path'),
                keyring=dict(type='path', no_log=False),
                key=dict(type='str', no_log=True),
                expect=dict(type='str', default='accepted', choices=['accepted', 'refused']),
            )),
            connect_timeout=dict(type='int', default=30),
        ),
        supports_check_mode=True)
    checks = module.params['checks']
    timeout = module.params['connect_timeout']
    if timeout < 1:
        module.fail_json(msg="connect_timeout must be at least 1 second.")
    for index, check in enumerate(checks):
        problem = check_problem(check, 'checks[%d] (%s): ' % (index, check['entity']))
        if problem:
            module.fail_json(msg=problem)
    private = tempfile.mkdtemp(prefix='ceph-auth-check-')
    results = []
    try:
        for index, check in enumerate(checks):
            keyring = check['keyring']
            if keyring is None:
                keyring = os.path.join(private, 'check-%d.keyring' % index)
                with os.fdopen(os.open(keyring, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'w') as f:
                    f.write(keyring_text(check['entity'], check['key']))
            conf = check['conf'] or '/etc/ceph/%s.conf' % check['cluster']
            if HAS_RADOS:
                result, why = with_binding(conf, check['entity'], keyring, timeout)
            else:
                result, why = with_cli(module, conf, check['entity'], keyring, timeout)
            results.append(dict(entity=check['entity'], cluster=check['cluster'], keyring=check['keyring'],
                                result=result, ok=result == check['expect'], why=why, expect=check['expect']))
    finally:
        shutil.rmtree(private, ignore_errors=True)
    wrong = ['%s on cluster %s with %s was %s, not %s%s' % (
        r['entity'], r['cluster'], r['keyring'] or 'the key given', r['result'], r['expect'],
        ' (%s)' % r['why'] if r['why'] else '') for r in results if not r['ok']]
    for r in results:
        r.pop('why')
        r.pop('expect')
    if wrong:
        module.fail_json(msg='Not as expected: %s.' % '; '.join(wrong), checks=results)
    module.exit_json(changed=False, checks=results)


if __name__ == '__main__':
    main()
