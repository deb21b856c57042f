# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A newcomer runs the playbooks from the checkout by hand, as make demo does, without exporting
anything: the checkout's ansible.cfg finds the collection in .build/collections."""

import os
import subprocess

from ceph_lab import ANSIBLE_PLAYBOOK, ROOT


def test_site_yml_resolves_every_role_from_the_checkout_without_environment():
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('ANSIBLE_'))
    proc = subprocess.run([ANSIBLE_PLAYBOOK, '--syntax-check', '-i', 'inventories/lab', 'playbooks/site.yml'],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    # Without ansible.cfg: "the role 'openstack_ceph.rbd.ceph_pools' was not found".
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert 'playbook: playbooks/site.yml' in proc.stdout
