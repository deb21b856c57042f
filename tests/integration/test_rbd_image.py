# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rbd_image against a real cluster; state is read back with `rbd info` and `rbd snap ls`."""

import pytest

from ceph_lab import converge, run_module


@pytest.fixture(scope='module')
def pools(cluster):
    for name in ('rbdimages', 'rbdvolumes'):
        result = run_module('ceph_pool', dict(cluster.client_args, name=name, pg_num=8, pg_autoscale_mode='off',
                                              application='rbd'))
        assert not result.get('failed'), result
    return cluster


def image_args(cluster, **kwargs):
    args = dict(cluster.client_args)
    args.update(kwargs)
    return args


def read_image(cluster, spec):
    info = cluster.json('rbd', 'info', spec)
    if info is None:
        return None
    snaps = cluster.json('rbd', 'snap', 'ls', spec)
    return dict(size=info['size'], parent=info.get('parent'),
                snaps=dict((s['name'], s['protected']) for s in snaps))


def test_base_image_with_protected_snapshot(pools):
    args = image_args(pools, pool='rbdimages', name='base', size='16M',
                      snapshots=[dict(name='snap', protected=True)])

    def expect(image):
        assert image['size'] == 16 << 20
        assert image['snaps'] == {'snap': 'true'}

    converge('rbd_image', args, lambda: read_image(pools, 'rbdimages/base'), expect)


def test_clone_children_resize_flatten(pools):
    clone = image_args(pools, pool='rbdvolumes', name='volume-1', clone_from='rbdimages/base@snap')

    def expect(image):
        assert image['parent']['pool'] == 'rbdimages'
        assert image['parent']['image'] == 'base' and image['parent']['snapshot'] == 'snap'

    converge('rbd_image', clone, lambda: read_image(pools, 'rbdvolumes/volume-1'), expect)

    info = run_module('rbd_image_info', image_args(pools, pool='rbdimages', name='base', list_children=True))
    assert info['changed'] is False
    assert info['image']['snapshots'][0]['children'] == ['rbdvolumes/volume-1']
    assert pools.json('rbd', 'children', 'rbdimages/base@snap') == [
        {'pool': 'rbdvolumes', 'pool_namespace': '', 'image': 'volume-1'}]
    vol = run_module('rbd_image_info', image_args(pools, pool='rbdvolumes', name='volume-1'))
    live = pools.json('rbd', 'info', 'rbdvolumes/volume-1')
    assert vol['image']['parent']['image'] == live['parent']['image'] == 'base'
    assert vol['image']['size'] == live['size']

    other_parent = run_module('rbd_image', image_args(pools, pool='rbdvolumes', name='volume-1',
                                                      clone_from='rbdimages/other@snap'))
    assert other_parent.get('failed') and 'clone of' in other_parent['msg']

    grow = image_args(pools, pool='rbdvolumes', name='volume-1', size='32M')
    converge('rbd_image', grow, lambda: read_image(pools, 'rbdvolumes/volume-1'),
             lambda image: image['size'] == 32 << 20)
    shrink = run_module('rbd_image', image_args(pools, pool='rbdvolumes', name='volume-1', size='8M'))
    assert shrink.get('failed') and 'allow_shrink' in shrink['msg']
    assert read_image(pools, 'rbdvolumes/volume-1')['size'] == 32 << 20

    flatten = image_args(pools, pool='rbdvolumes', name='volume-1', flatten=True)
    converge('rbd_image', flatten, lambda: read_image(pools, 'rbdvolumes/volume-1'),
             lambda image: image['parent'] is None)


def test_snapshot_protection_drift(pools):
    args = image_args(pools, pool='rbdimages', name='drifty', size='8M', snapshots=[dict(name='s1', protected=True)])
    assert run_module('rbd_image', args)['changed'] is True
    assert pools.run('rbd', 'snap', 'unprotect', 'rbdimages/drifty@s1').returncode == 0
    assert run_module('rbd_image', args)['changed'] is True
    assert read_image(pools, 'rbdimages/drifty')['snaps'] == {'s1': 'true'}
    assert run_module('rbd_image', args)['changed'] is False


def test_absent_refuses_snapshots_unless_purged(pools):
    args = image_args(pools, pool='rbdimages', name='doomed', size='8M', snapshots=[dict(name='s', protected=True)])
    assert run_module('rbd_image', args)['changed'] is True
    refused = run_module('rbd_image', image_args(pools, pool='rbdimages', name='doomed', state='absent'))
    assert refused.get('failed') and 'purge_snapshots' in refused['msg']
    assert read_image(pools, 'rbdimages/doomed') is not None
    converge('rbd_image', image_args(pools, pool='rbdimages', name='doomed', state='absent', purge_snapshots=True),
             lambda: read_image(pools, 'rbdimages/doomed'), lambda image: image is None)


def test_bad_input(pools):
    before = pools.json('rbd', 'ls', 'rbdimages')
    cases = [
        (dict(pool='rbdimages', name='x', clone_from='no-snapshot-here'), 'clone_from'),
        (dict(pool='rbdimages', name='x', size='0'), 'size'),
        (dict(pool='rbdimages', name='x', size='ten gigs'), 'size'),
        (dict(pool='rbdimages', name='x'), 'size'),
        (dict(pool='rbdimages', name='missing'), 'size'),
    ]
    for extra, word in cases:
        result = run_module('rbd_image', image_args(pools, **extra))
        assert result.get('failed'), (extra, result)
        assert word in result['msg'], (extra, result['msg'])
    assert pools.json('rbd', 'ls', 'rbdimages') == before


def test_inactive_pool_fails_within_the_timeout_instead_of_hanging(pools):
    """rbd children scans every pool. With one OSD an erasure-coded pool never becomes active;
    the module's reads must fail within connect_timeout rather than block the play forever."""
    import time
    made = run_module('rbd_image', image_args(pools, pool='rbdimages', name='parent', size='8M',
                                              snapshots=[dict(name='snap', protected=True)]))
    assert not made.get('failed'), made
    pools.ceph('osd', 'pool', 'create', 'stuck', '8', '8', 'erasure')
    try:
        start = time.monotonic()
        args = image_args(pools, pool='rbdimages', name='parent', list_children=True, connect_timeout=3)
        result = run_module('rbd_image_info', args)
        elapsed = time.monotonic() - start
        assert result.get('failed'), result
        assert 'did not answer within connect_timeout=3s' in result['msg'], result['msg']
        assert elapsed < 30, elapsed
    finally:
        pools.ceph('config', 'set', 'mon', 'mon_allow_pool_delete', 'true')
        pools.ceph('osd', 'pool', 'delete', 'stuck', 'stuck', '--yes-i-really-really-mean-it')
        pools.ceph('config', 'set', 'mon', 'mon_allow_pool_delete', 'false')


# Issue 16: bad names never reach the cluster; a missing pool, a missing clone parent and a size
# past the object-map limit fail in check mode exactly as in a real run.

def test_name_ending_in_newline_is_refused(pools):
    before = pools.snapshot()
    listed = pools.run('rbd', 'ls', 'rbdimages').stdout
    # Both modes for the image name; a real run (the one that could write) for the others.
    for extra, check in ((dict(name='nl\n'), True), (dict(name='nl\n'), False),
                         (dict(name='nl', snapshots=[dict(name='s\n')]), False),
                         (dict(name='nl', namespace='ns\n'), False), (dict(name='nl', size='8M\n'), False)):
        args = image_args(pools, **dict(dict(pool='rbdimages', size='8M'), **extra))
        result = run_module('rbd_image', args, check=check)
        assert result.get('failed'), (extra, result)
        assert 'control characters' in result['msg'] or 'not a valid' in result['msg'], (extra, result)
    assert pools.run('rbd', 'ls', 'rbdimages').stdout == listed
    assert 'nl' not in listed.split()
    assert pools.snapshot() == before


def test_missing_pool_fails_in_check_mode_as_in_a_real_run(pools):
    before = pools.snapshot()
    args = image_args(pools, pool='nosuchpool', name='img', size='8M')
    results = [run_module('rbd_image', args, check=check) for check in (True, False)]
    for result in results:
        assert result.get('failed') and 'pool nosuchpool does not exist' in result['msg'], result
    assert results[0]['msg'] == results[1]['msg']
    info = run_module('rbd_image_info', image_args(pools, pool='nosuchpool', name='img'))
    assert info.get('failed') and 'pool nosuchpool does not exist' in info['msg'], info
    assert pools.snapshot() == before


def test_clone_of_a_missing_snapshot_and_oversized_resize_fail_in_check_mode(pools):
    made = run_module('rbd_image', image_args(pools, pool='rbdimages', name='sized', size='8M'))
    assert not made.get('failed'), made
    listed = pools.run('rbd', 'ls', 'rbdvolumes').stdout
    clone = image_args(pools, pool='rbdvolumes', name='orphan', clone_from='rbdimages/sized@nosnap')
    huge = image_args(pools, pool='rbdimages', name='sized', size='1024000004M')
    for args, says in ((clone, 'snapshot nosnap of image rbdimages/sized does not exist'), (huge, 'object-map')):
        msgs = []
        for check in (True, False):
            result = run_module('rbd_image', args, check=check)
            assert result.get('failed') and says in result['msg'], result
            msgs.append(result['msg'])
        assert msgs[0] == msgs[1]
    assert pools.run('rbd', 'ls', 'rbdvolumes').stdout == listed
    assert pools.json('rbd', 'info', 'rbdimages/sized')['size'] == 8 << 20
