# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ceph_pool against a real cluster; every assertion on state reads it with the ceph CLI."""

import time

from ceph_lab import converge, run_module


def pool_args(cluster, **kwargs):
    args = dict(cluster.client_args)
    args.update(kwargs)
    return args


def test_create_tune_and_converge(cluster):
    args = pool_args(cluster, name='volumes', pg_num=8, pg_autoscale_mode='off', size=1, min_size=1,
                     application='rbd', max_objects=100000, compression_mode='passive', target_size_ratio=0.1)

    def expect(pool):
        assert pool is not None
        assert pool['pg_num_target'] == 8
        assert pool['pg_autoscale_mode'] == 'off'
        assert (pool['size'], pool['min_size']) == (1, 1)
        assert 'rbd' in pool['application_metadata']
        assert pool['quota_max_objects'] == 100000
        assert pool['options']['compression_mode'] == 'passive'
        assert pool['options']['target_size_ratio'] == 0.1

    results = converge('ceph_pool', args, lambda: cluster.pool('volumes'), expect)
    assert results[0]['diff']['after']['size'] == 1
    assert results[0]['commands'] == results[1]['commands'], 'check mode must predict the commands a real run makes'
    # rbd pool init really ran: the pool answers rbd commands.
    assert cluster.run('rbd', 'ls', 'volumes').returncode == 0


def test_drift_is_detected_and_corrected(cluster):
    args = pool_args(cluster, name='drift', pg_num=8, pg_autoscale_mode='off', size=1, application='rbd')
    assert not run_module('ceph_pool', args).get('failed')
    cluster.ceph('osd', 'pool', 'set', 'drift', 'size', '2')
    cluster.ceph('osd', 'pool', 'set', 'drift', 'pg_autoscale_mode', 'warn')
    probe = run_module('ceph_pool', args, check=True)
    assert probe['changed'] is True
    assert probe['diff']['before']['size'] == 2 and probe['diff']['after']['size'] == 1
    assert cluster.pool('drift')['size'] == 2, 'check mode must not fix the drift'
    fixed = run_module('ceph_pool', args)
    assert fixed['changed'] is True
    pool = cluster.pool('drift')
    assert pool['size'] == 1 and pool['pg_autoscale_mode'] == 'off'
    assert run_module('ceph_pool', args)['changed'] is False


def test_omitted_options_are_not_reset(cluster):
    args = pool_args(cluster, name='keepme', application='rbd')
    assert run_module('ceph_pool', args)['changed'] is True
    cluster.ceph('osd', 'pool', 'set', 'keepme', 'compression_mode', 'aggressive')
    cluster.ceph('osd', 'pool', 'set-quota', 'keepme', 'max_bytes', '1048576')
    again = run_module('ceph_pool', args)
    assert again['changed'] is False, again
    pool = cluster.pool('keepme')
    assert pool['options']['compression_mode'] == 'aggressive'
    assert pool['quota_max_bytes'] == 1048576


def test_pg_num_with_autoscaler_on_warns(cluster):
    result = run_module('ceph_pool', pool_args(cluster, name='autoscaled', pg_num=16, pg_autoscale_mode='on'))
    assert result['changed'] is True
    assert any('autoscaler' in w for w in result.get('warnings', [])), result
    pool = cluster.pool('autoscaled')
    # Applied, not dropped: the mgr's autoscaler runs once a minute, so right after the run the
    # target is still the value the module set.
    assert pool['pg_autoscale_mode'] == 'on'
    assert pool['pg_num_target'] == 16, pool['pg_num_target']


def test_erasure_pool(cluster):
    args = pool_args(cluster, name='ecdata', pool_type='erasure', pg_num=8, pg_autoscale_mode='off')

    def expect(pool):
        assert pool['type'] == 3 and pool['erasure_code_profile'] == 'default'

    try:
        converge('ceph_pool', args, lambda: cluster.pool('ecdata'), expect)
        wrong = run_module('ceph_pool', pool_args(cluster, name='ecdata', pool_type='replicated'))
        assert wrong.get('failed') and 'pool_type' in wrong['msg']
    finally:
        # With one OSD an erasure-coded pool never becomes active; leaving it would stall every
        # later client that scans all pools (rbd children does).
        cluster.ceph('config', 'set', 'mon', 'mon_allow_pool_delete', 'true')
        cluster.ceph('osd', 'pool', 'delete', 'ecdata', 'ecdata', '--yes-i-really-really-mean-it')
        cluster.ceph('config', 'set', 'mon', 'mon_allow_pool_delete', 'false')
    ec_on_replicated = run_module('ceph_pool', pool_args(cluster, name='volumes', allow_ec_overwrites=True))
    assert ec_on_replicated.get('failed') and 'allow_ec_overwrites' in ec_on_replicated['msg']


def test_delete_needs_confirmation_and_mon_permission(cluster):
    args = pool_args(cluster, name='scratch', pg_num=8, pg_autoscale_mode='off')
    assert run_module('ceph_pool', args)['changed'] is True
    unconfirmed = run_module('ceph_pool', pool_args(cluster, name='scratch', state='absent'))
    assert unconfirmed.get('failed') and 'confirm_delete' in unconfirmed['msg']
    assert cluster.pool('scratch') is not None

    gone = pool_args(cluster, name='scratch', state='absent', confirm_delete=True)
    cluster.ceph('config', 'set', 'mon', 'mon_allow_pool_delete', 'false')
    refused = run_module('ceph_pool', gone)
    assert refused.get('failed')
    assert 'ceph config set mon mon_allow_pool_delete true' in refused['msg'], refused['msg']
    assert cluster.pool('scratch') is not None

    cluster.ceph('config', 'set', 'mon', 'mon_allow_pool_delete', 'true')
    try:
        converge('ceph_pool', gone, lambda: cluster.pool('scratch'), lambda pool: pool is None)
    finally:
        cluster.ceph('config', 'set', 'mon', 'mon_allow_pool_delete', 'false')


def test_bad_input_fails_clearly_and_changes_nothing(cluster):
    # A live pool to conflict with: size 1, pg_num 8.
    assert not run_module('ceph_pool', pool_args(cluster, name='liveconf', size=1, pg_num=8, pg_autoscale_mode='off')).get('failed')
    before = cluster.snapshot()
    cases = [
        (dict(name='bad/name'), 'name'),
        (dict(name='zero', pg_num=0), 'pg_num'),
        (dict(name='norule', crush_rule='no-such-rule'), 'crush_rule'),
        (dict(name='sizes', size=1, min_size=2), 'min_size'),
        (dict(name='pgp', pg_num=8, pgp_num=16), 'pgp_num'),
        # Issue 16: a trailing newline used to create 'acc-bad-nl\n'; nan poisoned later reads.
        # (The other names and ranges are covered by the unit tests.)
        (dict(name='acc-bad-nl\n'), 'name must not contain control characters'),
        (dict(name='ratio', target_size_ratio='nan'), 'target_size_ratio must be a finite number'),
        (dict(name='quota', max_bytes=2 ** 63), 'max_bytes must be at most 9223372036854775807'),
    ]
    # Check mode must fail like the real run for these (issue 16, class 5).
    both_modes = [
        (dict(name='big', size=11), 'size must be at most 10'),
        (dict(name='liveconf', min_size=2), 'must not exceed the size of pool liveconf (1, live)'),
        (dict(name='ecnew', pool_type='erasure', erasure_profile='no-such-profile'), "erasure_profile 'no-such-profile' does not exist"),
        # A bad later item: the first (new) pool is not created either.
        (dict(pools=[dict(name='list-first', size=1), dict(name='liveconf', pgp_num=64)]),
         'pools[1] (liveconf): pgp_num (64) must not exceed the pg_num of pool liveconf (8, live)'),
    ]
    for extra, word in cases + both_modes:
        result = run_module('ceph_pool', pool_args(cluster, **extra))
        assert result.get('failed'), (extra, result)
        assert word in result['msg'], (extra, result['msg'])
        assert 'Traceback' not in result.output
        if (extra, word) in both_modes:
            probe = run_module('ceph_pool', pool_args(cluster, **extra), check=True)
            assert probe.get('failed') and probe['msg'] == result['msg'], (extra, probe)
    assert cluster.snapshot() == before
    names = cluster.ceph('osd', 'pool', 'ls').splitlines()
    assert 'list-first' not in names and not [n for n in names if n.startswith('acc-bad-nl')]


def test_unreachable_monitor_fails_within_the_timeout(cluster, tmp_path):
    conf = tmp_path / 'unreachable.conf'
    conf.write_text('[global]\nmon_host = v2:127.0.0.1:1/0\n')
    start = time.monotonic()
    result = run_module('ceph_pool', dict(name='volumes', conf=str(conf), keyring=cluster.keyring,
                                          connect_timeout=3))
    elapsed = time.monotonic() - start
    assert result.get('failed')
    assert 'could not reach the Ceph monitors' in result['msg'], result['msg']
    assert elapsed < 20, elapsed


def test_a_list_of_pools_converges_and_items_override_the_top_level(cluster):
    names = ['list-a', 'list-b', 'list-c']
    args = pool_args(cluster, pg_num=8, pg_autoscale_mode='off', size=1, application='rbd',
                     pools=[dict(name='list-a'), dict(name='list-b', max_objects=500), dict(name='list-c', pg_num=16)])

    def read():
        return [cluster.pool(n) for n in names]

    def expect(pools):
        assert all(p is not None and 'rbd' in p['application_metadata'] for p in pools)
        assert [p['pg_num_target'] for p in pools] == [8, 8, 16]
        assert [p['quota_max_objects'] for p in pools] == [0, 500, 0]

    results = converge('ceph_pool', args, read, expect)
    assert results[0]['commands'] == results[1]['commands'], 'check mode must predict the commands a real run makes'
    assert [p['changed'] for p in results[2]['pools']] == [False, False, False]
    # Drift on one pool: only that pool is touched.
    cluster.ceph('osd', 'pool', 'set-quota', 'list-b', 'max_objects', '7')
    fixed = run_module('ceph_pool', args)
    assert [p['changed'] for p in fixed['pools']] == [False, True, False]
    assert fixed['commands'] == ['ceph osd pool set-quota list-b max_objects 500']
    assert cluster.pool('list-b')['quota_max_objects'] == 500


def test_a_bad_item_in_a_list_fails_before_anything_changes(cluster):
    before = cluster.snapshot()
    result = run_module('ceph_pool', pool_args(cluster, pools=[dict(name='list-new', size=1), dict(name='bad/name')]))
    assert result.get('failed') and 'pools[1] (bad/name)' in result['msg']
    assert cluster.snapshot() == before and cluster.pool('list-new') is None
