# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ceph_info against a real cluster, compared with what the ceph CLI says directly."""

import time

import pytest

from ceph_lab import run_module


def test_facts_match_the_cluster(cluster):
    fsid = cluster.ceph('fsid').strip()
    for check in (True, False):
        result = run_module('ceph_info', dict(cluster.client_args), check=check)
        assert not result.get('failed'), result
        assert result['changed'] is False
        assert result['fsid'] == fsid
        mon = cluster.json('ceph', 'mon', 'dump')['mons'][0]
        assert result['mons'][0]['v2'] == mon['public_addrs']['addrvec'][0]['addr']
        assert result['mon_host'] == 'v2:%s/0' % result['mons'][0]['v2']
        conf = result['minimal_conf']
        assert '\t' not in conf and conf.endswith('\n') and not conf.endswith('\n\n')
        assert 'fsid = %s' % fsid in conf and 'mon_host = ' in conf
        assert result['health']['status'] == cluster.json('ceph', 'health')['status']
        assert cluster.release() in ('pacific', 'reef', 'tentacle')
        assert result['version']['release'] == cluster.release()
        # Each tested release is one the module knows: no warning about it.
        assert result['version']['known'] is True and not result.get('warnings'), result.get('warnings')
        names = set(p['pool_name'] for p in cluster.json('ceph', 'osd', 'pool', 'ls', 'detail'))
        assert set(p['name'] for p in result['pools']) == names


def test_gather_subset(cluster):
    result = run_module('ceph_info', dict(cluster.client_args, gather=['health']))
    assert set(result) >= {'health'} and 'fsid' not in result and 'pools' not in result


def test_minimal_conf_lets_a_client_connect(cluster, tmp_path):
    """The generated conf is enough for a client: it reaches the cluster with it alone."""
    conf = run_module('ceph_info', dict(cluster.client_args, gather=['minimal_conf']))['minimal_conf']
    path = tmp_path / 'client.conf'
    path.write_text(conf)
    proc = cluster.run('ceph', 'health')  # sanity: the admin path works
    assert proc.returncode == 0
    result = run_module('ceph_info', dict(conf=str(path), keyring=cluster.keyring, gather=['health']))
    assert not result.get('failed'), result


@pytest.mark.parametrize('module, args', [
    ('ceph_info', dict(gather=['health'])),
    ('rbd_image_info', dict(pool='rbd', name='x')),
])
def test_unreachable_monitor_fails_within_the_timeout(cluster, tmp_path, module, args):
    conf = tmp_path / 'unreachable.conf'
    conf.write_text('[global]\nmon_host = v2:127.0.0.1:1/0\n')
    start = time.monotonic()
    result = run_module(module, dict(args, conf=str(conf), keyring=cluster.keyring, connect_timeout=3))
    elapsed = time.monotonic() - start
    assert result.get('failed')
    assert 'could not reach the Ceph monitors within connect_timeout=3s' in result['msg'], result['msg']
    assert elapsed < 20, elapsed
