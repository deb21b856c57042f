# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_pool


def pool(name='images', **over):
    raw = {'pool_id': 2, 'pool_name': name, 'type': 1, 'size': 3, 'min_size': 2, 'crush_rule': 0,
           'pg_autoscale_mode': 'off', 'pg_num': 32, 'pg_num_target': 32, 'pg_placement_num': 32,
           'pg_placement_num_target': 32, 'flags_names': 'hashpspool', 'quota_max_bytes': 0,
           'quota_max_objects': 0, 'erasure_code_profile': '', 'options': {},
           'application_metadata': {'rbd': {}}}
    raw.update(over)
    return raw


def test_converged_pool_is_one_read(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool()])
    result, failed = run(ceph_pool, dict(name='images', pg_num=32, size=3, min_size=2, pg_autoscale_mode='off',
                                         application='rbd'))
    assert not failed and result['changed'] is False
    assert len(fake_cli.calls) == 1


def test_drift_applies_only_the_delta(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool(size=2)]).on('osd pool set', out='')
    result, failed = run(ceph_pool, dict(name='images', size=3, min_size=2))
    assert not failed and result['changed'] is True
    assert [c['words'] for c in fake_cli.calls[1:]] == [['osd', 'pool', 'set', 'images', 'size', '3']]
    assert result['diff'] == {'before': {'name': 'images', 'size': 2, 'min_size': 2},
                              'after': {'name': 'images', 'size': 3, 'min_size': 2}}


def test_check_mode_predicts_and_writes_nothing(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[])
    result, failed = run(ceph_pool, dict(name='vms', pg_num=16, size=3, application='rbd'), check=True)
    assert not failed and result['changed'] is True
    assert len(fake_cli.calls) == 1
    assert result['commands'][0].startswith('ceph osd pool create vms --pool_type replicated --pg_num 16')
    assert result['commands'][-1] == 'rbd pool init vms'


def test_shrinking_size_lowers_min_size_first(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool(size=3, min_size=2)]).on('osd pool set', out='')
    run(ceph_pool, dict(name='images', size=1, min_size=1))
    assert [c['words'][4:] for c in fake_cli.calls[1:]] == [['min_size', '1'],
                                                            ['size', '1', '--yes-i-really-mean-it']]


def test_quota_and_flags(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool()]).on('osd pool', out='')
    result, failed = run(ceph_pool, dict(name='images', max_bytes=1024, bulk=True, compression_mode='none'))
    words = [c['words'] for c in fake_cli.calls[1:]]
    assert ['osd', 'pool', 'set', 'images', 'bulk', 'true'] in words
    assert ['osd', 'pool', 'set-quota', 'images', 'max_bytes', '1024'] in words
    assert not any('compression_mode' in w for w in words), 'unset compression_mode equals none'


def test_pg_num_with_autoscaler_on_warns_and_applies(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool(pg_autoscale_mode='on')]).on('osd pool set', out='')
    result, failed = run(ceph_pool, dict(name='images', pg_num=64))
    assert any('autoscaler' in w for w in result.get('warnings', []))
    assert fake_cli.called('osd pool set images pg_num 64')


def test_crush_rule_by_name(fake_cli, run):
    rules = [{'rule_id': 0, 'rule_name': 'replicated_rule'}, {'rule_id': 1, 'rule_name': 'ssd'}]
    fake_cli.on('osd crush rule dump', out=rules)
    fake_cli.on('osd pool ls detail', out=[pool()]).on('osd pool set', out='')
    result, failed = run(ceph_pool, dict(name='images', crush_rule='ssd'))
    assert result['changed'] and fake_cli.called('osd pool set images crush_rule ssd')
    fake_cli.calls[:] = []
    result, failed = run(ceph_pool, dict(name='images', crush_rule='nvme'))
    assert failed and 'nvme' in result['msg'] and 'ssd' in result['msg']
    assert not fake_cli.called('osd pool ls')


@pytest.mark.parametrize('args, word', [
    (dict(name='bad/name'), 'name'),
    (dict(name='.hidden'), 'name'),
    (dict(name='p', pg_num=0), 'pg_num'),
    (dict(name='p', size=0), 'size'),
    (dict(name='p', max_bytes=-1), 'max_bytes'),
    (dict(name='p', pool_type='replicated', erasure_profile='x'), 'erasure_profile'),
    (dict(name='p', state='absent'), 'confirm_delete'),
])
def test_bad_input_fails_before_any_call(fake_cli, run, args, word):
    result, failed = run(ceph_pool, args)
    assert failed and word in result['msg']
    assert fake_cli.calls == []


def test_delete_refused_by_monitors_says_how(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool()])
    refusal = 'Error EPERM: pool deletion is disabled; you must first set the mon_allow_pool_delete config option to true'
    fake_cli.on('osd pool delete', rc=1, err=refusal)
    result, failed = run(ceph_pool, dict(name='images', state='absent', confirm_delete=True))
    assert failed and 'ceph config set mon mon_allow_pool_delete true' in result['msg']


def test_unreachable_cluster_message(fake_cli, run):
    fake_cli.on('osd pool ls detail', rc=1, err='timed out\n')
    result, failed = run(ceph_pool, dict(name='images', connect_timeout=5))
    assert failed and 'could not reach the Ceph monitors within connect_timeout=5s' in result['msg']
    assert '--connect-timeout' in fake_cli.calls[0]['argv']


def test_cli_prefix_is_applied_once(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool()])
    run(ceph_pool, dict(name='images', cli_prefix=['cephadm', 'shell', '--']))
    argv = fake_cli.calls[0]['argv']
    assert argv[:4] == ['/usr/bin/cephadm', 'shell', '--', 'ceph']


def test_a_list_of_converged_pools_is_one_read(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool(n, pool_id=i) for i, n in enumerate(['images', 'volumes', 'vms'])])
    result, failed = run(ceph_pool, dict(application='rbd', size=3,
                                         pools=[dict(name='images'), dict(name='volumes'), dict(name='vms')]))
    assert not failed and result['changed'] is False
    assert len(fake_cli.calls) == 1
    assert [p['name'] for p in result['pools']] == ['images', 'volumes', 'vms']
    assert result['diff'] == [] and result['commands'] == []


def test_a_list_applies_each_delta_and_items_override_the_top_level(fake_cli, run):
    before = [pool('images'), pool('volumes', pool_id=3)]
    created = pool('backups', pool_id=4, pg_num=8, pg_num_target=8, application_metadata={})
    fake_cli.on('osd pool ls detail', out=lambda: before + ([created] if fake_cli.called('osd pool create') else []))
    fake_cli.on('osd pool set', out='').on('osd pool create', out='').on('pool init', out='')
    result, failed = run(ceph_pool, dict(size=3, application='rbd', pools=[
        dict(name='images'), dict(name='volumes', size=2), dict(name='backups', pg_num=8, pg_autoscale_mode='off')]))
    assert not failed and result['changed'] is True
    assert [p['changed'] for p in result['pools']] == [False, True, True]
    assert fake_cli.called('osd pool set volumes size 2')
    assert fake_cli.called('osd pool create backups --pool_type replicated --pg_num 8 --pgp_num 8 --autoscale_mode off --size 3')
    assert fake_cli.called('pool init backups')
    assert [d['after']['name'] for d in result['diff']] == ['volumes', 'backups']


def test_a_list_in_check_mode_predicts_and_writes_nothing(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool('images')])
    result, failed = run(ceph_pool, dict(application='rbd', pools=[dict(name='images'), dict(name='vms')]), check=True)
    assert not failed and result['changed'] is True
    assert len(fake_cli.calls) == 1
    assert result['commands'] == ['ceph osd pool create vms --pool_type replicated', 'rbd pool init vms']


@pytest.mark.parametrize('pools, words', [
    ([dict(name='images'), dict(name='bad/name')], ['pools[1] (bad/name)', 'name']),
    ([dict(name='images'), dict(name='vms', size='three')], ['pools[1] (vms)', 'size']),
    ([dict(name='images', colour='red')], ['pools[0] (images)', 'colour']),
    ([dict(size=3)], ['pools[0]', 'name']),
    ([dict(name='images'), dict(name='images')], ['pools[1] (images)', 'twice']),
    ([dict(name='images'), dict(name='vms', state='absent')], ['pools[1] (vms)', 'confirm_delete']),
])
def test_a_bad_item_fails_before_any_call_and_is_named(fake_cli, run, pools, words):
    result, failed = run(ceph_pool, dict(pools=pools))
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert fake_cli.calls == []


def test_name_and_pools_are_exclusive(fake_cli, run):
    result, failed = run(ceph_pool, dict(name='images', pools=[dict(name='vms')]))
    assert failed and 'name' in result['msg'] and 'pools' in result['msg']
    result, failed = run(ceph_pool, dict(size=3))
    assert failed and 'name' in result['msg'] and 'pools' in result['msg']
    assert fake_cli.calls == []


def test_a_pool_the_live_cluster_cannot_take_fails_before_any_pool_changes(fake_cli, run):
    """images is replicated: asking for erasure fails the call before vms (listed first) is created."""
    fake_cli.on('osd pool ls detail', out=[pool('images')]).on('osd pool create', out='')
    result, failed = run(ceph_pool, dict(pools=[dict(name='vms'), dict(name='images', pool_type='erasure')]))
    assert failed and 'images is replicated' in result['msg']
    assert [c['words'][:3] for c in fake_cli.calls] == [['osd', 'pool', 'ls']]
