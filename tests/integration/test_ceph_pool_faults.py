# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ceph_pool on a poisoned cluster and with daemons that stop answering (issue 16), on a cluster of
this test module's own. Every assertion on state reads it with the ceph, rbd or rados CLI.

`ceph osd pool ls detail -f json` is not valid JSON on a poisoned cluster, so the reads here use
commands that do not list every pool's options (osd pool ls, osd pool get, application get)."""

import json
import re
import threading
import time

import pytest

from ceph_lab import converge, run_module

TIMEOUT = 5
# A call that stops getting answers ends within about connect_timeout; a module run makes a few of
# them, plus ansible-playbook's own start.
BOUND = 4 * TIMEOUT + 15
STEP_RE = re.compile(r'^(ceph osd pool [a-z-]+ fault-\d\d|ceph osd pool ls detail, reading pools? fault-\d\d|'
                     r'rbd pool init fault-\d\d)\b.* failed: ')


def pool_args(cluster, **kwargs):
    args = dict(cluster.client_args)
    args.update(kwargs)
    return args


def pool_names(cluster):
    return cluster.ceph('osd', 'pool', 'ls').splitlines()


def ratio(cluster, name):
    """target_size_ratio as the ceph CLI prints it ('target_size_ratio: inf')."""
    return cluster.ceph('osd', 'pool', 'get', name, 'target_size_ratio').split(':', 1)[1].strip()


# Ceph prints non-finite numbers bare; this test's own reading of them, independent of the module's.
BARE_RE = re.compile(r'(?<=[:\[,])(-?)(inf|nan)(?=[,\]}])')


def pools_detail(cluster):
    """All pools in one read, by name (readable on a poisoned cluster too)."""
    text = cluster.ceph('osd', 'pool', 'ls', 'detail', '--format', 'json')
    return dict((p['pool_name'], p) for p in json.loads(BARE_RE.sub(lambda m: '"%s%s"' % m.groups(), text)))


def applications(cluster, name):
    return sorted(pools_detail(cluster)[name]['application_metadata'])


def rbd_initialised(cluster, name):
    """rbd pool init completed: the pool answers rbd and holds the rbd_info object it writes."""
    return (cluster.run('rbd', 'ls', name).returncode == 0
            and cluster.run('rados', '-p', name, 'stat', 'rbd_info').returncode == 0)


def test_a_poisoned_pool_does_not_break_other_runs_and_is_repaired(fragile_cluster):
    cluster = fragile_cluster
    for name, word in (('poison-inf', 'inf'), ('poison-nan', 'nan')):
        cluster.ceph('osd', 'pool', 'create', name, '8', '--autoscale_mode', 'off')
        cluster.ceph('osd', 'pool', 'set', name, 'target_size_ratio', word)
        assert ratio(cluster, name) == word
    raw = cluster.run('ceph', 'osd', 'pool', 'ls', 'detail', '--format', 'json').stdout
    # Ceph 16 prints the numbers bare (invalid JSON); Ceph 18 and later print null for both.
    if cluster.release() == 'pacific':
        with pytest.raises(ValueError):
            json.loads(raw)
        shown = ['inf', 'nan']
    else:
        ratios = dict((p['pool_name'], p['options'].get('target_size_ratio', 0)) for p in json.loads(raw))
        assert ratios['poison-inf'] is None and ratios['poison-nan'] is None, ratios
        shown = ['non-finite', 'non-finite']

    # Other pools, alone and in a list, and ceph_info still work.
    one = run_module('ceph_pool', pool_args(cluster, name='healthy', pg_num=8, pg_autoscale_mode='off', size=1))
    assert not one.get('failed') and one['changed'] is True, one
    listed = run_module('ceph_pool', pool_args(cluster, pg_num=8, pg_autoscale_mode='off', size=1,
                                               pools=[dict(name='healthy'), dict(name='healthy-2')]))
    assert not listed.get('failed') and [p['changed'] for p in listed['pools']] == [False, True], listed
    assert {'healthy', 'healthy-2'} <= set(pool_names(cluster))
    info = run_module('ceph_info', dict(cluster.client_args, gather=['pools']))
    assert not info.get('failed'), info
    assert {'poison-inf', 'poison-nan', 'healthy'} <= set(p['name'] for p in info['pools'])

    # Setting the ratio repairs the poisoned pools, and then nothing changes.
    args = pool_args(cluster, target_size_ratio=0.1, pools=[dict(name='poison-inf'), dict(name='poison-nan')])

    def expect(ratios):
        assert ratios == ['0.1', '0.1'], ratios

    results = converge('ceph_pool', args, lambda: [ratio(cluster, n) for n in ('poison-inf', 'poison-nan')], expect)
    assert [d['before']['target_size_ratio'] for d in results[1]['diff']] == shown
    json.loads(cluster.run('ceph', 'osd', 'pool', 'ls', 'detail', '--format', 'json').stdout)


def test_a_monitor_paused_mid_list_fails_in_bounded_time_and_a_rerun_converges(fragile_cluster):
    cluster = fragile_cluster
    # Something that exists before and must survive: a pool with an image.
    keep = run_module('ceph_pool', pool_args(cluster, name='fault-keep', pg_num=8, pg_autoscale_mode='off', size=1,
                                             application='rbd'))
    assert not keep.get('failed'), keep
    assert cluster.run('rbd', 'create', 'fault-keep/disk', '--size', '4M').returncode == 0

    names = ['fault-%02d' % i for i in range(12)]
    args = pool_args(cluster, pg_num=8, pg_autoscale_mode='off', size=1, application='rbd', connect_timeout=TIMEOUT,
                     pools=[dict(name='fault-keep')] + [dict(name=n) for n in names])
    outcome = {}
    run = threading.Thread(target=lambda: outcome.update(result=run_module('ceph_pool', args)))
    run.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.is_alive():
        if len(set(names) & set(pool_names(cluster))) >= 4:
            break
        time.sleep(0.2)
    assert run.is_alive(), 'the run ended before the monitor could be paused: %r' % outcome
    with cluster.paused('mon.a'):
        paused = time.monotonic()
        # Keep the monitor paused well past the bound: a run that waits for it would show here.
        run.join(BOUND + 30)
        elapsed = time.monotonic() - paused
        ended_while_paused = not run.is_alive()
    run.join(120)
    result = outcome['result']
    assert ended_while_paused, 'the run waited for the monitor to come back (%.1f s)' % elapsed
    assert elapsed < BOUND, elapsed
    assert result.get('failed'), result
    assert STEP_RE.match(result['msg']), result['msg']
    assert 'run the task again' in result['msg'].lower(), result['msg']
    # Pools change at the same time: the failure also says what every pool of the task is left in.
    assert 'State of the pools of this task: done: fault-keep; failed: fault-' in result['msg'], result['msg']
    print('monitor paused: the run failed %.1f s after the pause: %s' % (elapsed, result['msg']))

    cluster.wait_healthy()
    again = run_module('ceph_pool', args)
    assert not again.get('failed'), again
    assert again['changed'] is True
    last = run_module('ceph_pool', args)
    assert not last.get('failed') and last['changed'] is False, last
    detail = pools_detail(cluster)
    for name in names:
        assert name in detail, name
        assert sorted(detail[name]['application_metadata']) == ['rbd'], name
        assert rbd_initialised(cluster, name), name
    assert 'disk' in cluster.run('rbd', 'ls', 'fault-keep').stdout.split(), 'an image was lost'


def test_an_osd_paused_during_rbd_pool_init_fails_and_a_rerun_initialises(fragile_cluster):
    cluster = fragile_cluster
    args = pool_args(cluster, name='fault-init', pg_num=8, pg_autoscale_mode='off', size=1, application='rbd',
                     connect_timeout=TIMEOUT)
    with cluster.paused('osd.0'):
        start = time.monotonic()
        first = run_module('ceph_pool', args)
        elapsed = time.monotonic() - start
        # The half-done state rbd pool init leaves: the monitors enabled the application.
        half_done = applications(cluster, 'fault-init')
    print('osd paused: the run failed after %.1f s: %s' % (elapsed, first.get('msg')))
    assert first.get('failed'), 'a timed-out rbd pool init must never pass for success: %r' % first
    assert first['msg'].startswith('rbd pool init fault-init failed: '), first['msg']
    assert 'Run the task again' in first['msg'], first['msg']
    assert elapsed < BOUND, elapsed
    assert half_done == ['rbd'], half_done

    cluster.wait_healthy()
    assert not rbd_initialised(cluster, 'fault-init'), 'the pool was initialised although the OSD was paused'
    second = run_module('ceph_pool', args)
    assert not second.get('failed'), second
    assert second['changed'] is True and second['commands'] == ['rbd pool init fault-init'], second
    assert rbd_initialised(cluster, 'fault-init')
    third = run_module('ceph_pool', args)
    assert not third.get('failed') and third['changed'] is False, third
    probe = run_module('ceph_pool', args, check=True)
    assert not probe.get('failed') and probe['changed'] is False, probe
