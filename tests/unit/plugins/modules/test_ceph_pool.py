# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_pool


def pool(name='images', **over):
    raw = {'pool_id': 2, 'pool_name': name, 'type': 1, 'size': 3, 'min_size': 2, 'crush_rule': 0,
           'pg_autoscale_mode': 'off', 'pg_num': 32, 'pg_num_target': 32, 'pg_placement_num': 32,
           'pg_placement_num_target': 32, 'flags_names': 'hashpspool,selfmanaged_snaps', 'quota_max_bytes': 0,
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
    fake_cli.on('osd pool delete', rc=1, out=InFlight(hold=0.2), err=refusal)
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


# --- Hardening (issue 16) ---------------------------------------------------------------------

INT64_MAX = (1 << 63) - 1
TIMEOUT_ERR = 'rbd: error registered application: (110) Connection timed out\n'


def bare(pools, **numbers):
    """`osd pool ls detail` text as Ceph prints it: non-finite numbers bare (inf, nan), not JSON."""
    text = json.dumps(pools)
    for placeholder, word in numbers.items():
        text = text.replace(placeholder, word)
    return text


def writes(fake_cli):
    """The calls that change something (everything but the reads)."""
    reads = (['osd', 'pool', 'ls'], ['osd', 'crush', 'rule'], ['osd', 'erasure-code-profile'])
    return [c['words'] for c in fake_cli.calls if not any(c['words'][:len(r)] == r for r in reads)]


@pytest.mark.parametrize('args, words', [
    (dict(name='acc-bad-nl\n'), ['name', 'control characters']),
    (dict(name='tab\there'), ['name', 'control characters']),
    (dict(name='x' * 256), ['name', 'not a valid pool name']),
    (dict(name='p', crush_rule='ssd\n'), ['crush_rule', 'control characters']),
    (dict(name='p', crush_rule='ssd rule'), ['crush_rule', 'not a valid name']),
    (dict(name='p', pool_type='erasure', erasure_profile='ec\n'), ['erasure_profile', 'control characters']),
    (dict(name='p', pool_type='erasure', erasure_profile='ec/4'), ['erasure_profile', 'not a valid name']),
    (dict(name='p', target_size_ratio=float('nan')), ['target_size_ratio', 'finite']),
    (dict(name='p', target_size_ratio='inf'), ['target_size_ratio', 'finite']),
    (dict(name='p', target_size_ratio='-inf'), ['target_size_ratio', 'finite']),
    (dict(name='p', target_size_ratio=1e309), ['target_size_ratio', 'finite']),
    (dict(name='p', target_size_ratio=-0.1), ['target_size_ratio', 'at least 0']),
    (dict(name='p', size=11), ['size', 'at most 10']),
    (dict(name='p', min_size=0), ['min_size', 'at least 1']),
    (dict(name='p', min_size=11), ['min_size', 'at most 10']),
    (dict(name='p', pg_num=65537), ['pg_num', 'at most 65536', 'mon_max_pool_pg_num']),
    (dict(name='p', pgp_num=0), ['pgp_num', 'at least 1']),
    (dict(name='p', max_bytes=INT64_MAX + 1), ['max_bytes', 'at most 9223372036854775807']),
    (dict(name='p', max_objects=(1 << 64)), ['max_objects', 'at most 9223372036854775807']),
    (dict(name='p', max_objects=-1), ['max_objects', 'at least 0']),
])
def test_bad_names_and_numbers_fail_before_any_call(fake_cli, run, args, words):
    for check in (False, True):
        result, failed = run(ceph_pool, args, check=check)
        assert failed and all(w in result['msg'] for w in words), result['msg']
        assert 'Traceback' not in result['msg']
    assert fake_cli.calls == []


def test_a_bad_number_in_a_later_item_names_the_item_and_nothing_runs(fake_cli, run):
    result, failed = run(ceph_pool, dict(pools=[dict(name='images', size=3), dict(name='vms', target_size_ratio='nan')]))
    assert failed and result['msg'].startswith('pools[1] (vms): target_size_ratio must be a finite number'), result['msg']
    assert fake_cli.calls == []
    result, failed = run(ceph_pool, dict(pools=[dict(name='images'), dict(name='vms\n')]))
    assert failed and 'pools[1]' in result['msg'] and 'control characters' in result['msg'], result['msg']
    assert fake_cli.calls == []


def test_the_largest_quota_ceph_stores_is_accepted(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool()]).on('osd pool set', out='').on('osd pool set-quota', out='')
    result, failed = run(ceph_pool, dict(name='images', max_bytes=INT64_MAX, max_objects=INT64_MAX, size=10))
    assert not failed, result
    assert fake_cli.called('osd pool set-quota images max_bytes %d' % INT64_MAX)


EC_POOL = dict(type=3, size=4, min_size=3, erasure_code_profile='default', application_metadata={})
PROFILE = {'k': '2', 'm': '2', 'plugin': 'jerasure', 'technique': 'reed_sol_van'}


@pytest.mark.parametrize('live, item, words', [
    ([pool('images')], dict(name='images', pgp_num=64), ['pgp_num (64)', 'pg_num of pool images (32, live)']),
    ([pool('images')], dict(name='images', pg_num=16, pgp_num=32, pg_autoscale_mode='off'), ['pgp_num (32)', 'pg_num (16)']),
    ([], dict(name='images', pgp_num=8), ['pgp_num needs pg_num', 'to be created']),
    ([pool('images', size=2, min_size=1)], dict(name='images', min_size=3), ['min_size (3)', 'size of pool images (2, live)']),
    ([pool('images', **EC_POOL)], dict(name='images', size=3), ['size of erasure-coded pool images is k+m = 4']),
    ([pool('images', **EC_POOL)], dict(name='images', min_size=1), ['between k = 2 and k+m = 4', 'got 1']),
    ([], dict(name='images', pool_type='erasure', erasure_profile='nosuch'),
     ["erasure_profile 'nosuch' does not exist", 'Profiles on this cluster: default']),
    ([], dict(name='images', pool_type='erasure', size=3), ['k+m = 4', 'got 3']),
    ([], dict(name='images', pool_type='erasure', min_size=5), ['between k = 2 and k+m = 4', 'got 5']),
    ([], dict(name='images', erasure_profile='default'), ['erasure_profile is set', 'pool_type: erasure']),
])
def test_every_live_conflict_fails_before_any_write_in_both_modes(fake_cli, run, live, item, words):
    """The conflicting pool is listed second: the first (new) pool must not be created either,
    and check mode fails the same way as the real run."""
    fake_cli.on('osd pool ls detail', out=live).on('osd pool', out='').on('pool init', out='')
    fake_cli.on('osd erasure-code-profile ls', out=['default'])
    fake_cli.on('osd erasure-code-profile get default', out=PROFILE)
    for check in (True, False):
        result, failed = run(ceph_pool, dict(pools=[dict(name='first', size=1, application='rbd'), item]), check=check)
        assert failed, result
        assert result['msg'].startswith('pools[1] (images): '), result['msg']
        assert all(w in result['msg'] for w in words), result['msg']
        assert writes(fake_cli) == []


def test_check_mode_fails_like_the_real_run_for_size_min_size_and_profile(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool('images', size=2, min_size=1)])
    fake_cli.on('osd erasure-code-profile ls', out=['default'])
    for args in (dict(name='images', size=11), dict(name='images', min_size=3),
                 dict(name='ec', pool_type='erasure', erasure_profile='nosuch')):
        real, real_failed = run(ceph_pool, args)
        probe, probe_failed = run(ceph_pool, args, check=True)
        assert real_failed and probe_failed and real['msg'] == probe['msg'], (real, probe)
    assert writes(fake_cli) == []


def test_profiles_are_read_only_when_an_erasure_pool_needs_them(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool('images'), pool('ecdata', **EC_POOL)])
    # Converged, replicated and erasure alike: one read.
    result, failed = run(ceph_pool, dict(pools=[dict(name='images', size=3, min_size=2), dict(name='ecdata', size=4, min_size=3)]))
    assert not failed and result['changed'] is False
    assert len(fake_cli.calls) == 1
    # A new erasure pool without size or min_size: the profile must exist (ls), k and m are not needed.
    fake_cli.calls[:] = []
    fake_cli.on('osd erasure-code-profile ls', out=['default'])
    result, failed = run(ceph_pool, dict(name='ec2', pool_type='erasure'), check=True)
    assert not failed and [c['words'][:3] for c in fake_cli.calls] == [['osd', 'pool', 'ls'], ['osd', 'erasure-code-profile', 'ls']]


def test_a_new_erasure_pool_predicts_size_from_its_profile(fake_cli, run):
    """size k+m and min_size k+1 are what the monitors give the pool: no set command is predicted,
    and the real run (which reads the created pool) makes the same commands."""
    created = pool('ec', pool_id=5, **EC_POOL)
    fake_cli.on('osd pool ls detail', out=lambda: [created] if fake_cli.called('osd pool create') else [])
    fake_cli.on('osd erasure-code-profile ls', out=['default']).on('osd erasure-code-profile get default', out=PROFILE)
    fake_cli.on('osd pool create', out='')
    args = dict(name='ec', pool_type='erasure', size=4, min_size=3)
    probe, failed = run(ceph_pool, args, check=True)
    assert not failed and probe['commands'] == ['ceph osd pool create ec --pool_type erasure --erasure_code_profile default']
    real, failed = run(ceph_pool, args)
    assert not failed and real['commands'] == probe['commands']
    assert writes(fake_cli) == [['osd', 'pool', 'create', 'ec', '--pool_type', 'erasure', '--erasure_code_profile', 'default']]


@pytest.mark.parametrize('word', ['inf', '-inf', 'nan', '-nan'])
def test_a_poisoned_pool_elsewhere_does_not_break_the_module(fake_cli, run, word):
    text = bare([pool('images'), pool('poisoned', pool_id=9, options={'target_size_ratio': 12345.5})], **{'12345.5': word})
    fake_cli.on('osd pool ls detail', out=text)
    result, failed = run(ceph_pool, dict(name='images', size=3, application='rbd'))
    assert not failed and result['changed'] is False, result
    result, failed = run(ceph_pool, dict(pools=[dict(name='images'), dict(name='poisoned')]))
    assert not failed and result['changed'] is False, result
    # The poisoned value is reported as text, so the result is valid JSON.
    assert result['pools'][1]['pool']['target_size_ratio'] == {'-inf': '-inf', '-nan': 'nan'}.get(word, word)
    json.dumps(result, allow_nan=False)


@pytest.mark.parametrize('word', ['inf', 'nan'])
def test_a_poisoned_ratio_is_repaired_and_then_converges(fake_cli, run, word):
    fake_cli.on('osd pool ls detail', out=bare([pool('images', options={'target_size_ratio': 12345.5})], **{'12345.5': word}))
    fake_cli.on('osd pool set', out='')
    result, failed = run(ceph_pool, dict(name='images', target_size_ratio=0.1))
    assert not failed and result['changed'] is True, result
    assert writes(fake_cli) == [['osd', 'pool', 'set', 'images', 'target_size_ratio', '0.1']]
    assert result['diff']['before']['target_size_ratio'] == word
    json.dumps(result, allow_nan=False)
    # What Ceph lists after the repair: the second run changes nothing.
    fake_cli.calls[:] = []
    fake_cli.on('osd pool ls detail', out=[pool('images', options={'target_size_ratio': 0.1})])
    result, failed = run(ceph_pool, dict(name='images', target_size_ratio=0.1))
    assert not failed and result['changed'] is False and writes(fake_cli) == [], result


def test_rbd_pool_init_timeout_fails_names_the_step_and_a_rerun_completes(fake_cli, run):
    """With an OSD not answering, rbd pool init enables the application (a monitor step), then times
    out validating the pool and exits 0. The module fails, and the re-run sees a pool that lists
    rbd but was never validated (no selfmanaged_snaps flag), so it runs rbd pool init again."""
    half_done = pool('images', flags_names='hashpspool', application_metadata={'rbd': {}})
    fake_cli.on('osd pool ls detail', out=lambda: [half_done] if fake_cli.called('osd pool create') else [])
    fake_cli.on('osd pool create', out='').on('pool init', rc=0, err=TIMEOUT_ERR)
    result, failed = run(ceph_pool, dict(name='images', size=3, application='rbd', connect_timeout=5))
    assert failed, result
    msg = result['msg']
    assert msg.startswith('rbd pool init images failed: ') and 'connect_timeout=5s' in msg, msg
    assert msg.count('un the task again') == 1, msg
    assert 'was created' in msg and 'not initialised for RBD' in msg and 'Run the task again' in msg, msg
    assert result['rc'] == 110

    # Re-run: the pool exists with rbd listed but unvalidated; check mode predicts the init, the real run does it.
    fake_cli.calls[:] = []
    fake_cli.on('osd pool ls detail', out=[half_done]).on('pool init', out='')
    probe, failed = run(ceph_pool, dict(name='images', size=3, application='rbd'), check=True)
    assert not failed and probe['changed'] is True and probe['commands'] == ['rbd pool init images']
    again, failed = run(ceph_pool, dict(name='images', size=3, application='rbd'))
    assert not failed and again['changed'] is True and again['commands'] == ['rbd pool init images']
    assert fake_cli.called('pool init images')


def test_a_validated_rbd_pool_is_not_initialised_again(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool('images'), pool('snaps', flags_names='hashpspool,pool_snaps')])
    result, failed = run(ceph_pool, dict(application='rbd', pools=[dict(name='images'), dict(name='snaps')]))
    assert not failed and result['changed'] is False and len(fake_cli.calls) == 1
    # Without application: rbd the module does not look at validation at all.
    fake_cli.on('osd pool ls detail', out=[pool('images', flags_names='hashpspool')])
    result, failed = run(ceph_pool, dict(name='images'))
    assert not failed and result['changed'] is False


def test_rbd_pool_init_failing_otherwise_says_the_pool_state(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool('images', application_metadata={})])
    fake_cli.on('pool init', rc=1, err='rbd: error: pool missing required overwrite support\n')
    result, failed = run(ceph_pool, dict(name='images', application='rbd'))
    assert failed and result['msg'].startswith('rbd pool init images failed: rbd: error: pool missing'), result['msg']
    assert 'Pool images exists' in result['msg'] and 'Run the task again' in result['msg']


def test_a_timeout_in_the_middle_of_a_list_names_the_step_and_the_pool(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool('images', size=2), pool('vms', pool_id=3, size=2)])
    fake_cli.on('osd pool set images', out='')
    fake_cli.on('osd pool set vms', rc=110, err='2026-01-01 monclient: hunting... \nerror (110) Connection timed out\n')
    result, failed = run(ceph_pool, dict(size=3, connect_timeout=5, pools=[dict(name='images'), dict(name='vms')]))
    assert failed and result['msg'].startswith('ceph osd pool set vms size failed: '), result['msg']
    assert 'run the task again' in result['msg']


# --- Pools changed at the same time (issue 11, speed) ---------------------------------------------

OPENSTACK = ['images', 'volumes', 'vms', 'backups']
NEW_POOL_ARGS = dict(pg_num=8, pg_autoscale_mode='off', size=1, application='rbd')


def created_pools(fake_cli):
    """`osd pool ls detail` after the creations so far: each created pool, without an application."""
    def listing():
        made = [c['words'][3] for c in fake_cli.called('osd pool create')]
        return [pool(n, pool_id=i + 2, size=1, min_size=1, pg_num=8, pg_num_target=8, pg_placement_num=8,
                     pg_placement_num_target=8, flags_names='hashpspool', application_metadata={})
                for i, n in enumerate(made)]
    return listing


class InFlight(object):
    """An answer that holds each call a moment and records how many ran at the same time."""

    def __init__(self, out='', hold=0.05):
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.out = out
        self.hold = hold

    def __call__(self):
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(self.hold)
        with self.lock:
            self.now -= 1
        return self.out


def test_pools_are_created_then_read_once_then_initialised_at_the_same_time(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=created_pools(fake_cli))
    creations, inits = InFlight(), InFlight()
    fake_cli.on('osd pool create', out=creations).on('pool init', out=inits)
    args = dict(NEW_POOL_ARGS, pools=[dict(name=n) for n in OPENSTACK])
    probe, failed = run(ceph_pool, args, check=True)
    assert not failed
    fake_cli.calls[:] = []
    result, failed = run(ceph_pool, args)
    assert not failed and result['changed'] is True, result
    # Run grouped by round: the four creations, one read of the new pools, the four inits.
    kinds = [' '.join(c['words'][:2] if c['words'][0] == 'pool' else c['words'][:3]) for c in fake_cli.calls]
    assert kinds == ['osd pool ls'] + ['osd pool create'] * 4 + ['osd pool ls'] + ['pool init'] * 4, kinds
    assert creations.most == 4 and inits.most == 4, (creations.most, inits.most)
    # Listed pool by pool, as check mode predicts them.
    expected = []
    for name in OPENSTACK:
        expected += ['ceph osd pool create %s --pool_type replicated --pg_num 8 --pgp_num 8 --autoscale_mode off '
                     '--size 1' % name, 'rbd pool init %s' % name]
    assert result['commands'] == expected == probe['commands']
    assert [p['commands'] for p in result['pools']] == [expected[i:i + 2] for i in range(0, 8, 2)]
    assert sorted(c['words'][2] for c in fake_cli.called('pool init')) == sorted(OPENSTACK)


@pytest.mark.parametrize('bound, count', [(1, 3), (2, 5), (8, 12)])
def test_at_most_parallel_pools_change_at_once(fake_cli, run, monkeypatch, bound, count):
    monkeypatch.setattr(ceph_pool, 'PARALLEL', bound)
    names = ['p%02d' % i for i in range(count)]
    fake_cli.on('osd pool ls detail', out=created_pools(fake_cli))
    creations, inits = InFlight(), InFlight()
    fake_cli.on('osd pool create', out=creations).on('pool init', out=inits)
    result, failed = run(ceph_pool, dict(NEW_POOL_ARGS, pools=[dict(name=n) for n in names]))
    assert not failed, result
    assert creations.most == inits.most == min(bound, count), (creations.most, inits.most)
    assert len(fake_cli.called('osd pool create')) == len(fake_cli.called('pool init')) == count


def test_a_pool_keeps_the_order_of_its_own_steps(fake_cli, run):
    """size and min_size of one pool in their safe order, then its application, however the pools interleave."""
    fake_cli.on('osd pool ls detail', out=[pool(n, pool_id=i, size=3, min_size=2, application_metadata={})
                                           for i, n in enumerate(OPENSTACK)])
    fake_cli.on('osd pool set', out=InFlight()).on('osd pool application enable', out=InFlight())
    result, failed = run(ceph_pool, dict(size=1, min_size=1, application='rgw', pools=[dict(name=n) for n in OPENSTACK]))
    assert not failed, result
    for name in OPENSTACK:
        mine = [c['words'] for c in fake_cli.calls[1:] if name in c['words'][3:5]]
        assert mine == [['osd', 'pool', 'set', name, 'min_size', '1'],
                        ['osd', 'pool', 'set', name, 'size', '1', '--yes-i-really-mean-it'],
                        ['osd', 'pool', 'application', 'enable', name, 'rgw']], mine


def test_a_creation_failing_among_several_names_it_and_says_what_each_pool_is_left_in(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=created_pools(fake_cli))
    refusal = 'Error ERANGE: pg_num 8 size 1 would mean 1032 total pgs, which exceeds max 1000 (mon_max_pg_per_osd)'
    fake_cli.on('osd pool create', out=InFlight()).on('osd pool create vms', rc=34, out=InFlight(hold=0.2), err=refusal + '\n')
    fake_cli.on('pool init', out='')
    result, failed = run(ceph_pool, dict(NEW_POOL_ARGS, pools=[dict(name=n) for n in OPENSTACK]))
    assert failed, result
    msg = result['msg']
    assert msg.startswith('ceph osd pool create vms failed: %s.' % refusal), msg
    state = ('State of the pools of this task: failed: vms; created, but their settings, application or rbd pool '
             'init did not run yet: images, volumes, backups. Running the task again completes the work.')
    assert msg.endswith(state), msg
    assert result['rc'] == 34 and 'vms' in result['cmd']
    # The creations that started all ended; nothing ran after them.
    assert len(fake_cli.called('osd pool create')) == 4
    assert len(fake_cli.called('osd pool ls')) == 1 and not fake_cli.called('pool init')


def test_a_timed_out_rbd_pool_init_among_several_fails_and_the_others_are_done(fake_cli, run):
    """rbd prints the timeout and exits 0 (an OSD not answering): run at the same time as the other
    pools' inits, it still fails the module, with rc 110."""
    fake_cli.on('osd pool ls detail', out=[pool(n, pool_id=i, application_metadata={}) for i, n in enumerate(OPENSTACK)])
    fake_cli.on('pool init', out=InFlight()).on('pool init vms', rc=0, out=InFlight(hold=0.2), err=TIMEOUT_ERR)
    result, failed = run(ceph_pool, dict(application='rbd', connect_timeout=5, pools=[dict(name=n) for n in OPENSTACK]))
    assert failed, result
    msg = result['msg']
    assert msg.startswith('rbd pool init vms failed: ') and 'connect_timeout=5s' in msg, msg
    assert 'Pool vms exists' in msg and 'not initialised for RBD' in msg, msg
    assert msg.endswith('State of the pools of this task: done: images, volumes, backups; failed: vms.'), msg
    assert msg.lower().count('run the task again') == 1, msg
    assert result['rc'] == 110
    assert len(fake_cli.called('pool init')) == 4


def test_after_a_failure_no_further_pool_starts(fake_cli, run, monkeypatch):
    monkeypatch.setattr(ceph_pool, 'PARALLEL', 1)
    fake_cli.on('osd pool ls detail', out=created_pools(fake_cli))
    fake_cli.on('osd pool create', out='').on('osd pool create volumes', rc=110, err='timed out\n')
    result, failed = run(ceph_pool, dict(NEW_POOL_ARGS, connect_timeout=5, pools=[dict(name=n) for n in OPENSTACK]))
    assert failed, result
    msg = result['msg']
    assert msg.startswith('ceph osd pool create volumes failed: could not reach the Ceph monitors'), msg
    assert msg.endswith('State of the pools of this task: failed: volumes; created, but their settings, application '
                        'or rbd pool init did not run yet: images; not changed yet: vms, backups.'), msg
    assert [c['words'][3] for c in fake_cli.called('osd pool create')] == ['images', 'volumes']


def test_several_failures_are_all_named(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool(n, pool_id=i, size=2) for i, n in enumerate(OPENSTACK)])
    fake_cli.on('osd pool set', out='')
    for name in ('volumes', 'backups'):
        fake_cli.on('osd pool set %s' % name, rc=1, out=InFlight(hold=0.2), err='Error EINVAL: whatever\n')
    result, failed = run(ceph_pool, dict(size=3, pools=[dict(name=n) for n in OPENSTACK]))
    assert failed, result
    first = 'ceph osd pool set volumes size failed: Error EINVAL: whatever. Also failed: ceph osd pool set backups size. '
    assert result['msg'].startswith(first), result['msg']
    assert 'done: images, vms; failed: volumes, backups.' in result['msg'], result['msg']


def test_a_step_that_cannot_start_fails_the_module_not_the_thread(fake_cli, run):
    """run_command raising (no process could be started) inside a worker thread: a clean module
    failure naming the pool and the step, never a traceback or an exit from the thread."""
    def cannot_fork():
        raise OSError(11, 'Resource temporarily unavailable')
    fake_cli.on('osd pool ls detail', out=[pool(n, pool_id=i, application_metadata={}) for i, n in enumerate(OPENSTACK)])
    fake_cli.on('pool init', out='').on('pool init backups', out=cannot_fork)
    result, failed = run(ceph_pool, dict(application='rbd', pools=[dict(name=n) for n in OPENSTACK]))
    assert failed and result['rc'] == 257, result
    expected = 'rbd pool init backups failed: could not run rbd pool init backups: [Errno 11] Resource temporarily unavailable.'
    assert result['msg'].startswith(expected), result['msg']
    assert 'done: images, volumes, vms; failed: backups.' in result['msg'], result['msg']


def test_the_read_after_creation_failing_names_the_created_pools(fake_cli, run, monkeypatch):
    fake_cli.on('osd pool ls detail', out=[]).on('osd pool create', out='')
    answer = fake_cli.run_command

    def second_read_times_out(argv, **kwargs):
        if fake_cli.called('osd pool create') and argv[-4:] == ['ls', 'detail', '--format', 'json']:
            return 110, '', 'error (110) Connection timed out\n'
        return answer(argv, **kwargs)
    monkeypatch.setattr(fake_cli, 'run_command', second_read_times_out)
    result, failed = run(ceph_pool, dict(NEW_POOL_ARGS, connect_timeout=5, pools=[dict(name='images'), dict(name='vms')]))
    assert failed, result
    msg = result['msg']
    assert msg.startswith('ceph osd pool ls detail, reading pools images, vms after their creation, failed: '), msg
    assert 'created, but their settings, application or rbd pool init did not run yet: images, vms.' in msg, msg
    assert not fake_cli.called('pool init')


def test_a_refused_deletion_in_a_list_says_how_and_what_else_ran(fake_cli, run):
    fake_cli.on('osd pool ls detail', out=[pool('old')]).on('osd pool create', out=InFlight())
    refusal = 'Error EPERM: pool deletion is disabled; you must first set the mon_allow_pool_delete config option to true'
    fake_cli.on('osd pool delete', rc=1, out=InFlight(hold=0.2), err=refusal)
    result, failed = run(ceph_pool, dict(pools=[dict(name='old', state='absent', confirm_delete=True), dict(name='new')]))
    assert failed, result
    assert result['msg'].startswith('The monitors refuse to delete pool old because mon_allow_pool_delete is false.')
    state = 'State of the pools of this task: failed: old; created, but their settings, application or rbd pool init'
    assert result['msg'].endswith(state + ' did not run yet: new.'), result['msg']
