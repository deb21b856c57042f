# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_info

MON_DUMP = {'fsid': 'f5a1c1de-0000-4000-8000-000000000001', 'mons': [
    {'name': 'a', 'rank': 0, 'public_addrs': {'addrvec': [{'type': 'v2', 'addr': '10.0.0.1:3300'},
                                                          {'type': 'v1', 'addr': '10.0.0.1:6789'}]}},
    {'name': 'b', 'rank': 1, 'public_addrs': {'addrvec': [{'type': 'v2', 'addr': '10.0.0.2:3300'}]}}]}
VERSIONS = {'mon': {'ceph version 16.2.15 (618f440892089921c3e944a991122ddc44e60516) pacific (stable)': 1},
            'osd': {'ceph version 17.2.7 (b12291d110049b2f35e32e0de30d70e9a4c060d2) quincy (stable)': 3},
            'overall': {}}


def test_gather_subset_costs_one_call_each(fake_cli, run):
    fake_cli.on('mon dump', out=MON_DUMP)
    conf = '# minimal ceph.conf for x\n[global]\n\tfsid = x\n\tmon_host = [v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0]\n'
    fake_cli.on('config generate-minimal-conf', out=conf)
    result, failed = run(ceph_info, dict(gather=['mons', 'minimal_conf']))
    assert len(fake_cli.calls) == 2
    assert result['fsid'] == MON_DUMP['fsid']
    assert result['mons'][0] == {'name': 'a', 'rank': 0, 'v2': '10.0.0.1:3300', 'v1': '10.0.0.1:6789'}
    assert result['mon_host'] == '[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0],v2:10.0.0.2:3300/0'
    assert '\t' not in result['minimal_conf'] and result['minimal_conf'].endswith(']\n')


def test_all(fake_cli, run):
    fake_cli.on('mon dump', out=MON_DUMP).on('config generate-minimal-conf', out='[global]\n')
    fake_cli.on('health', out={'status': 'HEALTH_WARN', 'checks': {'POOL_NO_REDUNDANCY': {}}})
    fake_cli.on('versions', out=VERSIONS)
    fake_cli.on('osd pool ls detail', out=[{'pool_name': 'images', 'pool_id': 2, 'type': 1, 'size': 3,
                                            'application_metadata': {'rbd': {}}}])
    result, failed = run(ceph_info, dict(), check=True)
    assert result['changed'] is False
    assert result['health'] == {'status': 'HEALTH_WARN', 'checks': ['POOL_NO_REDUNDANCY']}
    assert result['version']['release'] == 'pacific'
    assert result['pools'][0]['applications'] == ['rbd']


def test_known_releases_do_not_warn(fake_cli, run):
    fake_cli.on('versions', out=VERSIONS)
    result, failed = run(ceph_info, dict(gather=['version']))
    assert result['version']['known'] is True
    assert not result.get('warnings')


def test_a_release_the_collection_does_not_know_is_named_in_a_warning(fake_cli, run):
    versions = {'mon': {'ceph version 21.1.0 (0123456789abcdef0123456789abcdef01234567) umbrella (dev)': 1},
                'osd': {'ceph version 20.2.4 (0123456789abcdef0123456789abcdef01234567) tentacle (stable)': 1}}
    fake_cli.on('versions', out=versions)
    result, failed = run(ceph_info, dict(gather=['version']))
    assert not failed
    assert result['version']['known'] is False and result['version']['release'] == 'tentacle'
    warning, = result['warnings']
    assert 'Ceph 21.1.0' in warning and 'does not know' in warning and '20.2.4' not in warning
    old = {'mon': {'ceph version 15.2.17 (0123456789abcdef0123456789abcdef01234567) octopus (stable)': 1}}
    fake_cli.on('versions', out=old)
    result, failed = run(ceph_info, dict(gather=['version']))
    assert result['version']['known'] is False and 'Ceph 15.2.17' in result['warnings'][-1]


def test_no_readable_version_is_a_warning_not_a_silent_unknown(fake_cli, run):
    fake_cli.on('versions', out={'mon': {'ceph version garbled': 1}, 'overall': {}})
    result, failed = run(ceph_info, dict(gather=['version']))
    assert not failed
    assert result['version'] == {'release': None, 'versions': [], 'by_daemon': {}, 'known': False}
    warning, = result['warnings']
    assert 'No Ceph version could be read' in warning and '16 to 20' not in warning and '16, 17' in warning


@pytest.mark.parametrize('installed, aes256k', [('18.2.7+ds-1', False), ('20.2.4-1', True), ('19.2.5-1', False),
                                                ('19.2.6-1', True)])
def test_client_reads_the_package_database_only_and_says_whether_aes256k_keys_work(fake_cli, run, installed, aes256k):
    fake_cli.on('dpkg-query', out='install ok installed\t%s\n' % installed)
    result, failed = run(ceph_info, dict(gather=['client']))
    assert not failed and result['client'] == {'version': installed, 'aes256k': aes256k, 'why': None}, result
    assert [c['words'][0] for c in fake_cli.calls] == ['dpkg-query'], 'no cluster is contacted'


def test_client_not_installed_says_why(fake_cli, run):
    fake_cli.on('dpkg-query', rc=1, err='dpkg-query: no packages found matching librados2')
    fake_cli.on('rpm', rc=127)
    result, failed = run(ceph_info, dict(gather=['client']))
    assert not failed and result['client']['version'] is None and result['client']['aes256k'] is False
    assert 'no packages found' in result['client']['why']


def test_the_monitors_key_types_are_read_from_the_same_mon_dump(fake_cli, run):
    tentacle = dict(MON_DUMP, auth_preferred_cipher={'type': 2, 'name': 'aes256k'},
                    auth_allowed_ciphers=[{'type': 2, 'name': 'aes256k'}], auth_service_cipher={'type': 2, 'name': 'aes256k'})
    fake_cli.on('mon dump', out=tentacle)
    result, failed = run(ceph_info, dict(gather=['mons']))
    assert result['auth_ciphers'] == {'preferred': 'aes256k', 'allowed': ['aes256k'], 'service': 'aes256k'}
    assert len(fake_cli.calls) == 1
    fake_cli.on('mon dump', out=MON_DUMP)
    result, failed = run(ceph_info, dict(gather=['mons']))
    assert result['auth_ciphers'] == {'preferred': None, 'allowed': None, 'service': None}
