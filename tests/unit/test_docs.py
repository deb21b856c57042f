# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module's documentation renders through ansible-doc, with examples and return values."""

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODULES = sorted(f[:-3] for f in os.listdir(os.path.join(ROOT, 'plugins', 'modules'))
                 if f.endswith('.py') and not f.startswith('_'))


@pytest.mark.parametrize('module', MODULES)
def test_ansible_doc_renders(module):
    fqcn = 'openstack_ceph.rbd.%s' % module
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'))
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '--json', fqcn],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)[fqcn]
    assert doc['doc']['short_description']
    assert set(doc['doc']['attributes']) >= {'check_mode', 'diff_mode', 'idempotent'}
    assert doc['examples'].strip() and doc['return']
