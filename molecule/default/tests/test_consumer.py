# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built collection, installed into an empty collections path, drives the lab from a separate
playbook project that uses it by FQCN only, with its own inventory group names."""

import glob
import os
import shutil
import subprocess
import tarfile
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def run(argv, **kwargs):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=900, check=False, **kwargs)


def test_consumer_project_uses_the_installed_tarball():
    work = tempfile.mkdtemp(prefix='osc-consumer-')
    try:
        build = run(['ansible-galaxy', 'collection', 'build', '--output-path', os.path.join(work, 'dist'), ROOT])
        assert build.returncode == 0, build.stdout
        tarball, = glob.glob(os.path.join(work, 'dist', 'openstack_ceph-rbd-*.tar.gz'))
        with tarfile.open(tarball) as t:
            names = t.getnames()
        assert not [n for n in names if n.split('/')[0] in ('tests', 'molecule', '.venv', '.build', 'Makefile')], names
        assert 'roles/cinder_rbd/meta/argument_specs.yml' in names and 'plugins/modules/ceph_pool.py' in names
        print('tarball %s: %d bytes, %d members' % (os.path.basename(tarball), os.path.getsize(tarball), len(names)))

        collections = os.path.join(work, 'collections')
        os.makedirs(collections)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_COLLECTIONS_SCAN_SYS_PATH='true',
                   ANSIBLE_NOCOLOR='1')
        installed = run(['ansible-galaxy', 'collection', 'install', '--offline', '-p', collections, tarball], env=env)
        assert installed.returncode == 0, installed.stdout
        assert os.path.isdir(os.path.join(collections, 'ansible_collections', 'openstack_ceph', 'rbd', 'roles'))

        project = os.path.join(work, 'project')
        shutil.copytree(os.path.join(ROOT, 'tests', 'consumer'), project)
        # The listing alone (stdout): a warning on stderr may name a file under ROOT's venv.
        listed = subprocess.run(['ansible-galaxy', 'collection', 'list', 'openstack_ceph.rbd'], env=env, cwd=project,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300,
                                check=False)
        assert collections in listed.stdout and ROOT not in listed.stdout, listed.stdout + listed.stderr

        play = run(['ansible-playbook', '-i', 'inventory', 'playbook.yml'], env=env, cwd=project)
        assert play.returncode == 0, play.stdout[-4000:]
        recap = play.stdout[play.stdout.rindex('PLAY RECAP'):]
        # The lab is converged already: the same state under other group names changes nothing,
        # and every host took part.
        assert recap.count('changed=0') == 3 and 'failed=0' in recap, recap
        for name in ('osc-lab-ceph', 'osc-lab-controller', 'osc-lab-compute'):
            assert name in recap
        assert 'store dr in pool images of cluster dr as client.glance' in play.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)
