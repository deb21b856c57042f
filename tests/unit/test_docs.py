# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module's, filter's and role's documentation renders through ansible-doc."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODULES = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                 if f.endswith('.py') and not f.startswith('_'))
FILTERS = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', 'filter'))
                 if f.endswith('.py') and not f.startswith('_'))
ROLES = sorted(r for r in os.listdir(os.path.join(ROOT, 'roles'))
               if os.path.exists(os.path.join(ROOT, 'roles', r, 'meta', 'argument_specs.yml')))
# Under ansible-test the tree already sits at ansible_collections/openstack_ceph/rbd; in a
# checkout, make collection links it into .build/collections.
COLLECTIONS = (os.path.abspath(os.path.join(ROOT, '..', '..', '..'))
               if ROOT.split(os.sep)[-3:] == ['ansible_collections', 'openstack_ceph', 'rbd']
               else os.path.join(ROOT, '.build', 'collections'))


def ansible_doc(*args):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '--json'] + list(args),
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize('module', MODULES)
def test_ansible_doc_renders(module):
    fqcn = 'openstack_ceph.rbd.%s' % module
    doc = ansible_doc(fqcn)[fqcn]
    assert doc['doc']['short_description']
    assert set(doc['doc']['attributes']) >= {'check_mode', 'diff_mode', 'idempotent'}
    assert doc['examples'].strip() and doc['return']


@pytest.mark.parametrize('name', FILTERS)
def test_ansible_doc_renders_filter(name):
    fqcn = 'openstack_ceph.rbd.%s' % name
    doc = ansible_doc('-t', 'filter', fqcn)[fqcn]
    assert doc['doc']['short_description'] and doc['doc']['version_added']
    assert doc['examples'].strip() and doc['return']


@pytest.mark.parametrize('role', ROLES)
def test_ansible_doc_renders_role(role):
    fqcn = 'openstack_ceph.rbd.%s' % role
    doc = ansible_doc('-t', 'role', fqcn)[fqcn]
    main = doc['entry_points']['main']
    assert main['short_description'] and main['options']
    assert all(o.get('description') for o in main['options'].values())
