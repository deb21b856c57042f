# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ceph_key on a cluster of this file's own (fragile_cluster): a monitor paused in the middle of a run,
and the guard on the user the module runs as (which, were it broken, would lock that user out).
State is read back with the ceph CLI as client.admin, never through the module."""

import json
import os
import re
import socket
import struct
import threading
import time

from ceph_lab import run_module

TIMEOUT = 5
# Each CLI call is bounded by about connect_timeout; the call in flight, the connection of the
# next one and ansible-playbook's own start and end fit in this.
BOUND = 4 * TIMEOUT + 15
USERS = [dict(name='client.fault-%02d' % i, caps={'mon': 'profile rbd', 'osd': 'profile rbd pool=p%02d' % i})
         for i in range(20)]


def auth_by_name(cluster):
    return dict((e['entity'], e) for e in cluster.json('ceph', 'auth', 'ls')['auth_dump'])


def mon_admin(cluster, command):
    """A command to mon.a's admin socket: answered at once, without the monitors' consensus."""
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(5)
    try:
        sock.connect(os.path.join(cluster.dir, 'run', 'ceph-mon.a.asok'))
        sock.sendall(json.dumps(command).encode() + b'\0')
        data = b''
        while len(data) < 4 or len(data) < 4 + struct.unpack('>I', data[:4])[0]:
            chunk = sock.recv(65536)
            assert chunk, 'the admin socket of mon.a closed early'
            data += chunk
    finally:
        sock.close()
    return json.loads(data[4:].decode())


def mon_ops(cluster):
    """The requests mon.a is working on (its admin socket answers even while a request waits)."""
    return [op['description'] for op in mon_admin(cluster, {'prefix': 'ops'}).get('ops', [])]


def slow_store_writes(cluster, on):
    """Each write of mon.a's store waits up to a second (on), or not at all (off); the running
    monitor only, through its admin socket, so that turning it off needs no write itself."""
    for var, val in (('mon_inject_transaction_delay_max', '1'),
                     ('mon_inject_transaction_delay_probability', '1' if on else '0')):
        mon_admin(cluster, {'prefix': 'config set', 'var': var, 'val': [val]})


def in_flight_create(cluster):
    """The fault user whose 'auth get-or-create' mon.a has received and not answered yet, or None."""
    for op in mon_ops(cluster):
        match = re.search(r'"auth get-or-create", "entity": "(client\.fault-(\d+))"', op)
        if match and int(match.group(2)) >= 3:
            return match.group(1)
    return None


def test_a_monitor_paused_mid_run_fails_in_bounded_time_and_a_rerun_converges(fragile_cluster):
    cluster = fragile_cluster
    args = dict(cluster.client_args, connect_timeout=TIMEOUT, users=USERS)
    box = {}

    def first_run():
        box['result'] = run_module('ceph_key', args)
        box['ended'] = time.time()

    # Each write of the monitor's store waits up to a second, so that a request is in flight (sent,
    # not answered) long enough to pause the monitor right then: the case where a call used to block
    # until the monitor came back, whatever connect_timeout said.
    slow_store_writes(cluster, True)
    try:
        thread = threading.Thread(target=first_run, daemon=True)
        thread.start()
        deadline = time.time() + 120
        while True:
            assert thread.is_alive() and time.time() < deadline, 'no request of the run was ever seen in flight'
            caught = in_flight_create(cluster)
            if caught:
                break
            time.sleep(0.02)
        with cluster.paused('mon.a'):
            paused_at = time.time()
            thread.join(BOUND)
            still_running = thread.is_alive()
    finally:
        slow_store_writes(cluster, False)
    thread.join(120)
    assert not still_running, 'the run was still blocked %d s after the monitor stopped answering' % BOUND
    took = box['ended'] - paused_at
    print('\nmonitor paused during "auth get-or-create %s": the run failed %.1f s later (bound %d s)'
          % (caught, took, BOUND))
    result = box['result']
    assert result.get('failed'), result
    assert 'Traceback' not in result.output
    assert 'ceph auth get-or-create %s' % caught in result['msg'], result['msg']
    assert 'connect_timeout=%d' % TIMEOUT in result['msg'] and 'again' in result['msg'], result['msg']

    cluster.wait_healthy()
    made = dict((n, e) for n, e in auth_by_name(cluster).items() if n.startswith('client.fault-'))
    assert 3 <= len(made) < len(USERS), sorted(made)
    for entry in made.values():
        assert entry['key'] not in result.output

    rerun = run_module('ceph_key', args)
    assert not rerun.get('failed') and rerun['changed'] is True, rerun
    after_rerun = auth_by_name(cluster)
    for user in USERS:
        assert after_rerun[user['name']]['caps'] == user['caps'], user
    for name, entry in made.items():
        assert after_rerun[name]['key'] == entry['key'], 'the re-run must not replace a key: %s' % name
    third = run_module('ceph_key', args)
    assert not third.get('failed') and third['changed'] is False, third
    after_third = auth_by_name(cluster)
    assert [after_third[u['name']] for u in USERS] == [after_rerun[u['name']] for u in USERS]


ADMIN_CAPS = {'mds': 'allow *', 'mgr': 'allow *', 'mon': 'allow *', 'osd': 'allow *'}


def admin_args(cluster, **kwargs):
    args = dict(cluster.client_args)
    args.update(kwargs)
    return args


def test_the_admin_user_the_module_runs_as_is_guarded(fragile_cluster):
    cluster = fragile_cluster
    admin = cluster.auth('client.admin')
    assert admin['caps'] == ADMIN_CAPS
    # Harmless changes had the guard failed (mds only, then the key back as it was), and the delete last.
    cases = [
        (dict(name='client.admin', caps=dict(ADMIN_CAPS, mds='allow r')), 'changing its caps'),
        (dict(users=[dict(name='client.guard-new', caps={'mon': 'allow r'}),
                     dict(name='client.admin', caps=dict(ADMIN_CAPS, mds='allow r'))]), 'users[1] (client.admin)'),
        (dict(name='client.admin', state='absent'), 'deleting it'),
    ]
    try:
        for extra, words in cases:
            for check in (True, False):
                result = run_module('ceph_key', admin_args(cluster, **extra), check=check)
                assert result.get('failed') and words in result['msg'], (extra, result)
                assert 'allow_own_user_change' in result['msg'] and 'Traceback' not in result.output
                assert admin['key'] not in result.output
                assert cluster.auth('client.admin') == admin, (extra, check)
        assert cluster.auth('client.guard-new') is None
    finally:
        if cluster.auth('client.admin') not in (None, admin):
            cluster.ceph('auth', 'caps', 'client.admin', *[w for d in sorted(ADMIN_CAPS) for w in (d, ADMIN_CAPS[d])])
    # The same caps, and reading its key, stay allowed.
    same = run_module('ceph_key', admin_args(cluster, name='client.admin', caps=ADMIN_CAPS, return_key=True),
                      no_log=True)
    assert not same.get('failed') and same['changed'] is False and admin['key'] not in same.output
    read = run_module('ceph_key', admin_args(cluster, users=[dict(name='client.admin')], return_key=True),
                      check=True, no_log=True)
    assert not read.get('failed') and read['changed'] is False
    assert cluster.auth('client.admin') == admin


def test_allow_own_user_change_lifts_the_guard_for_the_user_given(fragile_cluster, tmp_path):
    cluster = fragile_cluster
    wide = ['mon', 'allow *', 'osd', 'allow *', 'mgr', 'allow *']
    keyring = tmp_path / 'ceph.client.guard-ops.keyring'
    keyring.write_text(cluster.ceph('auth', 'get-or-create', 'client.guard-ops', *wide))
    ops = dict(conf=cluster.conf, keyring=str(keyring), user='guard-ops', connect_timeout=20)
    narrower = {'mon': 'allow *', 'osd': 'allow *'}
    refused = run_module('ceph_key', dict(ops, name='client.guard-ops', caps=narrower))
    assert refused.get('failed') and 'allow_own_user_change' in refused['msg'], refused
    assert cluster.auth('client.guard-ops')['caps'] == {'mon': 'allow *', 'osd': 'allow *', 'mgr': 'allow *'}
    # The admin's own guard does not cover other users.
    changed = run_module('ceph_key', dict(ops, name='client.guard-ops', caps=narrower, allow_own_user_change=True))
    assert not changed.get('failed') and changed['changed'] is True, changed
    assert cluster.auth('client.guard-ops')['caps'] == narrower
    gone = run_module('ceph_key', dict(ops, name='client.guard-ops', state='absent', allow_own_user_change=True))
    assert not gone.get('failed') and gone['changed'] is True, gone
    assert cluster.auth('client.guard-ops') is None
