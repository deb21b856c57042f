# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared runner: bounded calls, timeouts never passed off as success, Ceph's non-finite JSON."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import math

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.module_utils import ceph_cli
from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_info, rbd_image_info
from ansible_collections.openstack_ceph.rbd.tests.integration import cephx_keys
from ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys import fake_key

# What rbd pool init printed here, exit code 0, with the pool's only OSD stopped (Ceph 16.2.15).
RBD_INIT_TIMEOUT = ('2026-12-03T14:00:18.280+0000 7fabd1891380 -1 librbd::PoolMetadata: list: failed listing metadata: '
                    '(110) Connection timed out\nrbd: error registered application: (110) Connection timed out\n')


def test_bare_non_finite_numbers_are_read():
    data = ceph_cli.loads_lenient('[{"pool_name": "nan inf", "options": {"target_size_ratio": inf, "a": -inf, '
                                  '"b": nan, "c": -nan, "d": [1.5e3, inf]}}]')
    opts = data[0]['options']
    assert data[0]['pool_name'] == 'nan inf', 'text inside strings is left alone'
    assert opts['target_size_ratio'] == float('inf') and opts['a'] == float('-inf')
    assert math.isnan(opts['b']) and math.isnan(opts['c'])
    assert opts['d'] == [1500.0, float('inf')]


def test_json_that_is_broken_otherwise_still_fails():
    with pytest.raises(ValueError):
        ceph_cli.loads_lenient('{"a": }')


@pytest.mark.parametrize('value', ['a\n', 'a\x00b', '\tb', 'x\x7f', u'x\x85'])
def test_control_characters(value):
    assert 'must not contain control characters' in ceph_cli.control_problem(value, 'name')


@pytest.mark.parametrize('value', ['images', 'client.cinder secret', u'\u00e9t\u00e9', None, 5])
def test_no_control_characters(value):
    assert ceph_cli.control_problem(value, 'name') is None


@pytest.mark.parametrize('value, low, high, words', [
    (float('nan'), 0, None, 'finite'), (float('inf'), 0, None, 'finite'), (float('-inf'), None, None, 'finite'),
    (-1, 0, None, 'at least 0'), (11, 1, 10, 'at most 10')])
def test_number_problems(value, low, high, words):
    assert words in ceph_cli.number_problem(value, 'size', low, high)


def test_numbers_in_range():
    assert ceph_cli.number_problem(0.5, 'target_size_ratio', 0) is None
    assert ceph_cli.number_problem(None, 'size', 1, 10) is None


@pytest.mark.parametrize('name', ['ceph', 'dr', 'site-b', 'A_1'])
def test_cluster_names_accepted(name):
    assert ceph_cli.CLUSTER_RE.match(name)


@pytest.mark.parametrize('name', ['ceph\n', '../x', 'a/b', '', '-ceph', '1ceph', 'x' * 65, 'ce ph', '.'])
def test_cluster_names_refused(name):
    assert not ceph_cli.CLUSTER_RE.match(name)


def test_uuid_with_a_trailing_newline_is_refused():
    assert not ceph_cli.UUID_RE.match('457eb676-33da-42ec-9a8c-9293d545c337\n')


def test_every_call_is_bounded_once_connected(fake_cli, run):
    fake_cli.on('health', out={'status': 'HEALTH_OK'})
    result, failed = run(ceph_info, dict(gather=['health'], connect_timeout=7))
    assert not failed
    argv = fake_cli.calls[0]['argv']
    assert argv[argv.index('--connect-timeout') + 1] == '7'
    assert argv[argv.index('--rados_mon_op_timeout') + 1] == '7'


def test_rbd_calls_bound_monitor_and_osd_requests(fake_cli, run):
    fake_cli.on('info', rc=2, err='rbd: error opening image base: (2) No such file or directory\n')
    run(rbd_image_info, dict(pool='images', name='base', connect_timeout=9))
    argv = fake_cli.calls[0]['argv']
    for option in ('--client_mount_timeout', '--rados_mon_op_timeout', '--rados_osd_op_timeout'):
        assert argv[argv.index(option) + 1] == '9', option


def test_a_timeout_with_exit_code_0_is_a_failure_that_names_the_step(fake_cli, run):
    fake_cli.on('health', rc=0, out='{"status": "HEALTH_OK"}', err=RBD_INIT_TIMEOUT)
    result, failed = run(ceph_info, dict(gather=['health'], connect_timeout=5))
    assert failed
    assert result['msg'].startswith('ceph health failed: ')
    assert 'did not answer within connect_timeout=5s' in result['msg']
    assert 'run the task again' in result['msg']
    assert result['rc'] == 110


def test_a_timed_out_monitor_request_says_a_rerun_completes_the_work(fake_cli, run):
    fake_cli.on('health', rc=110, err='Error ETIMEDOUT: timed out\n')
    result, failed = run(ceph_info, dict(gather=['health'], connect_timeout=5))
    assert failed and 'connect_timeout=5s' in result['msg'] and 'completes the work' in result['msg']


# Issue 12, item 7: both cephx key types, checked by their structure.

AES = fake_key('aes', b'A')
AES256K = fake_key('aes256k', b'B')


@pytest.mark.parametrize('key, key_type, size', [(AES, 'aes', 28), (AES256K, 'aes256k', 44),
                                                 (' %s\n' % AES256K, 'aes256k', 44)])
def test_both_key_types_are_taken(key, key_type, size):
    raw, found, problem = ceph_cli.cephx_key_problem(key, 'value')
    assert problem is None and found == key_type and len(raw) == size
    assert ceph_cli.cephx_key_type_of(key) == key_type


@pytest.mark.parametrize('key, words', [
    ('not a key', ['not base64']),
    ('AQ==', ['1 bytes', 'header']),
    (fake_key('aes', type_id=0), ['not of a key type Ceph has', 'aes (1)', 'aes256k (2)']),
    (fake_key('aes', type_id=3), ['not of a key type Ceph has']),
    (fake_key('aes256k', type_id=0x0101), ['not of a key type Ceph has']),
    (fake_key('aes', length=32), ['type aes', '16 bytes', 'header gives another length']),
    (fake_key('aes256k', length=16), ['type aes256k', '32 bytes', 'header gives another length']),
    (fake_key('aes', extra=b'\0' * 16), ['44 bytes', 'type aes has 28']),
    (fake_key('aes256k', extra=b'x'), ['45 bytes', 'type aes256k has 44']),
    # An aes header on an aes256k secret, and the other way round: the lengths give them away.
    (fake_key('aes256k', type_id=1, length=16), ['44 bytes', 'type aes has 28']),
    (fake_key('aes', type_id=2, length=32), ['28 bytes', 'type aes256k has 44']),
])
def test_malformed_keys_are_refused_naming_the_parameter_never_the_value(key, words):
    raw, found, problem = ceph_cli.cephx_key_problem(key, 'keyrings[0] (/etc/ceph/k): key')
    assert raw is None and found is None
    assert problem.startswith('keyrings[0] (/etc/ceph/k): key is not a valid cephx key: ')
    assert all(w in problem for w in words), problem
    assert key not in problem and key[:12] not in problem and key[-12:] not in problem
    assert ceph_cli.cephx_key_type_of(key) is None


def test_the_module_helpers_fail_naming_the_parameter():
    class Module(object):
        def fail_json(self, msg):
            raise RuntimeError(msg)
    assert ceph_cli.cephx_key_bytes(Module(), AES256K, 'value') == base64.b64decode(AES256K)
    assert ceph_cli.cephx_key_type(Module(), AES256K, 'value') == 'aes256k'
    assert ceph_cli.cephx_key_type(Module(), AES, 'value') == 'aes'
    for helper in (ceph_cli.cephx_key_bytes, ceph_cli.cephx_key_type):
        with pytest.raises(RuntimeError) as error:
            helper(Module(), fake_key('aes256k', type_id=7), 'secrets[2] (u): value')
        assert str(error.value).startswith('secrets[2] (u): value is not a valid cephx key')


@pytest.mark.parametrize('text, release', [
    ('20.2.4-1bookworm', (20, 2, 4)), ('19.2.6+ds-1', (19, 2, 6)), ('2:18.2.7-0.el9', (18, 2, 7)),
    ('16.2.15+ds-0+deb12u2', (16, 2, 15)), ('19.2.1-0ubuntu0.24.04.2', (19, 2, 1)), ('', None), ('unknown', None),
])
def test_package_versions_are_read(text, release):
    assert ceph_cli.release_of(text) == release


@pytest.mark.parametrize('release, can', [
    ((16, 2, 15), False), ((17, 2, 8), False), ((18, 2, 7), False), ((19, 2, 0), False), ((19, 2, 5), False),
    ((19, 2, 6), True), ((19, 2, 10), True), ((19, 3, 0), True), ((20, 0, 0), False), ((20, 1, 1), False),
    ((20, 2, 3), False), ((20, 2, 4), True), ((20, 2, 5), True), ((21, 0, 0), True), ((21, 2, 0), True),
    ((22, 1, 0), True),
])
def test_which_clients_can_use_aes256k_keys(release, can):
    assert ceph_cli.client_can_use('aes256k', release) is can
    assert ceph_cli.client_can_use('aes', release) is True


def test_the_shared_helper_finds_leaked_keys_of_both_forms():
    text = 'key = %s\n"value": "%s", not a key: AQ==, %s' % (AES, AES256K, 'x' + AES)
    assert cephx_keys.find_keys(text) == [AES, AES256K]
    assert cephx_keys.is_cephx_key(AES) and cephx_keys.is_cephx_key(AES256K + '\n')
    assert not cephx_keys.is_cephx_key(AES256K[:-1]) and not cephx_keys.is_cephx_key(AES + 'A')
    assert (len(AES), len(AES256K)) == (40, 60)
    assert (cephx_keys.key_type_of(AES), cephx_keys.key_type_of(AES256K)) == ('aes', 'aes256k')
