# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for integration tests: access to the real throwaway Ceph cluster and libvirtd,
and a runner that calls the collection's modules through ansible-playbook.

The tests read the real state with the ceph, rbd and virsh CLIs themselves (the helpers
below), never through the module under test.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
LAB = os.path.join(ROOT, 'tests', 'lab')
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


def need(binary):
    if shutil.which(binary) is None:
        pytest.fail("%s is not installed: run the tests through 'make test', which installs it." % binary)


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Cluster(object):
    """Independent access to the test cluster with the admin key."""

    def __init__(self, directory):
        self.dir = directory
        self.conf = os.path.join(directory, 'ceph.conf')
        self.keyring = os.path.join(directory, 'ceph.client.admin.keyring')

    @property
    def client_args(self):
        """Module options that reach this cluster as client.admin."""
        return dict(conf=self.conf, keyring=self.keyring, connect_timeout=20)

    def run(self, tool, *args, **kwargs):
        return subprocess.run([tool, '--conf', self.conf, '--keyring', self.keyring] + list(args),
                              capture_output=True, text=True, timeout=60, check=False, **kwargs)

    def json(self, tool, *args):
        proc = self.run(tool, *(list(args) + ['--format', 'json']))
        if proc.returncode != 0:
            return None
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    def ceph(self, *args):
        proc = self.run('ceph', *args)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    def release(self):
        """The monitors' release name ('pacific', 'reef', 'tentacle'), from `ceph version`, which
        asks the cluster: 'ceph version 18.2.7 (...) reef (stable)'."""
        words = self.ceph('version').split()
        return words[words.index('version') + 3] if 'version' in words else None

    def pool(self, name):
        return next((p for p in self.json('ceph', 'osd', 'pool', 'ls', 'detail') or [] if p['pool_name'] == name), None)

    def auth(self, entity):
        found = self.json('ceph', 'auth', 'get', entity)
        return found[0] if found else None

    # What the modules can set on a pool. PG counts and epochs are left out: the mgr's
    # autoscaler changes them on its own, at any time, in pools whose autoscaler is on.
    POOL_FIELDS = ('pool_name', 'type', 'size', 'min_size', 'crush_rule', 'pg_autoscale_mode', 'erasure_code_profile',
                   'quota_max_bytes', 'quota_max_objects', 'options', 'application_metadata', 'flags_names')

    def pid(self, daemon):
        """PID of one of the cluster's daemons: 'mon.a', 'mgr.x' or 'osd.0'."""
        with open(os.path.join(self.dir, 'run', '%s.pid' % daemon)) as f:
            return int(f.read().strip())

    @contextlib.contextmanager
    def paused(self, daemon):
        """The daemon stopped (SIGSTOP) inside the block: it holds its connections but answers
        nothing, the way a hung or partitioned daemon looks to a client. Resumed on the way out."""
        pid = self.pid(daemon)
        os.kill(pid, signal.SIGSTOP)
        try:
            yield pid
        finally:
            os.kill(pid, signal.SIGCONT)

    def wait_healthy(self, timeout=90):
        """Wait (bounded) until the monitors answer and every PG is active again."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            proc = subprocess.run(['ceph', '--conf', self.conf, '--keyring', self.keyring, '--connect-timeout', '5',
                                   'pg', 'stat', '--format', 'json'], capture_output=True, text=True, timeout=30,
                                  check=False)
            if proc.returncode == 0:
                stat = json.loads(proc.stdout)
                states = stat.get('pg_summary', stat).get('num_pg_by_state', [])
                total = sum(s['num'] for s in states)
                active = sum(s['num'] for s in states if 'active' in s['name'])
                if total == active:
                    return
            time.sleep(1)
        raise AssertionError('the test cluster did not become healthy again within %d s' % timeout)

    def snapshot(self):
        """A fingerprint of everything the modules can change, to prove that nothing changed."""
        pools = []
        for raw in self.json('ceph', 'osd', 'pool', 'ls', 'detail') or []:
            pool = dict((k, raw.get(k)) for k in self.POOL_FIELDS)
            # 'creating' comes and goes by itself while a new pool's PGs are made.
            pool['flags_names'] = sorted(set((raw.get('flags_names') or '').split(',')) - {'creating'})
            pools.append(pool)
        return dict(pools=pools, auth=self.json('ceph', 'auth', 'ls'))


class Libvirt(object):
    def __init__(self, directory, uri):
        self.dir = directory
        self.uri = uri

    def virsh(self, *args, **kwargs):
        return subprocess.run(['virsh', '-q', '-c', self.uri] + list(args), capture_output=True, text=True,
                              timeout=60, check=False, **kwargs)


class Result(dict):
    """One task's result, plus everything ansible-playbook printed (for leak checks)."""
    output = ''


def run_module(module, args, check=False, diff=True, verbosity=0, no_log=False, callback='ansible.posix.json',
               interpreter=None):
    """Run openstack_ceph.rbd.<module> once on localhost through ansible-playbook (with the tests' Python, or
    `interpreter`, such as the system's Python with its Ceph bindings)."""
    task = {'name': 'module under test', 'openstack_ceph.rbd.%s' % module: args,
            'check_mode': check, 'diff': diff, 'ignore_errors': True}
    if no_log:
        task['no_log'] = True
    play = [{'hosts': 'localhost', 'gather_facts': False, 'connection': 'local', 'tasks': [task]}]
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
        json.dump(play, f)
        path = f.name
    env = dict(os.environ,
               ANSIBLE_STDOUT_CALLBACK=callback,
               ANSIBLE_LOCALHOST_WARNING='False',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='False',
               ANSIBLE_PYTHON_INTERPRETER=interpreter or sys.executable,
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, '.build', 'collections'),
               ANSIBLE_NOCOLOR='1')
    cmd = [ANSIBLE_PLAYBOOK, '-i', 'localhost,', path] + (['-' + 'v' * verbosity] if verbosity else [])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    finally:
        os.unlink(path)
    result = Result()
    if callback == 'ansible.posix.json':
        data = json.loads(proc.stdout[proc.stdout.index('{'):])
        result.update(data['plays'][0]['tasks'][0]['hosts']['localhost'])
    result.output = proc.stdout + proc.stderr
    return result


def converge(module, args, read_state, expect, check_untouched=True):
    """community.crypto's four runs: check (changed, nothing done), real (changed), real again
    (unchanged), check again (unchanged). `read_state` is an independent read of the real state;
    `expect` asserts on it after the real run. Returns the four results."""
    before = read_state()
    first = run_module(module, args, check=True)
    assert not first.get('failed'), first
    assert first['changed'] is True, first
    if check_untouched:
        assert read_state() == before, 'check mode changed the real state'
    second = run_module(module, args)
    assert not second.get('failed'), second
    assert second['changed'] is True, second
    expect(read_state())
    third = run_module(module, args)
    assert not third.get('failed'), third
    assert third['changed'] is False, third
    fourth = run_module(module, args, check=True)
    assert not fourth.get('failed'), fourth
    assert fourth['changed'] is False, fourth
    return first, second, third, fourth
