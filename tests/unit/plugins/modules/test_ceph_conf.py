# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import ceph_conf

CONF = '[global]\n\tfsid = 4a1bd0a8-3a8b-4a0c-8c2e-0d5c5a8f7c11\n\tmon_host = [v2:127.0.0.1:3300/0]\n'


def mode_of(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def args_for(tmp_path, content=CONF):
    etc = tmp_path / 'etc' / 'ceph'
    return etc, dict(
        directories=[dict(path=str(etc)), dict(path=str(tmp_path / 'run' / 'guests'), mode='0770')],
        confs=[dict(path=str(etc / 'ceph.conf'), content=content), dict(path=str(etc / 'dr.conf'), content='x\n')])


def test_makes_the_directories_then_writes_the_files_then_changes_nothing(fake_cli, run, tmp_path):
    etc, args = args_for(tmp_path)
    result, failed = run(ceph_conf, args)
    assert not failed and result['changed'] is True, result
    assert (etc / 'ceph.conf').read_text() == CONF and (etc / 'dr.conf').read_text() == 'x\n'
    assert (mode_of(etc), mode_of(tmp_path / 'run' / 'guests'), mode_of(etc / 'ceph.conf')) == (0o755, 0o770, 0o644)
    assert [d['changed'] for d in result['directories'] + result['confs']] == [True, True, True, True]
    again, failed = run(ceph_conf, args)
    assert not failed and again['changed'] is False and again['diff'] == []
    assert fake_cli.calls == [], 'nothing but files'


def test_check_mode_predicts_with_a_diff_and_writes_nothing(fake_cli, run, tmp_path):
    etc, args = args_for(tmp_path)
    result, failed = run(ceph_conf, args, check=True)
    assert not failed and result['changed'] is True
    assert not (tmp_path / 'etc').exists() and not (tmp_path / 'run').exists()
    assert any(d.get('after') == CONF for d in result['diff'])
    run(ceph_conf, args)
    (etc / 'ceph.conf').write_text(CONF + '# drift\n')
    result, failed = run(ceph_conf, args, check=True)
    assert [c['changed'] for c in result['confs']] == [True, False]
    assert result['diff'] == [dict(before_header=str(etc / 'ceph.conf'), after_header=str(etc / 'ceph.conf'),
                                   before=CONF + '# drift\n', after=CONF)]
    assert (etc / 'ceph.conf').read_text().endswith('# drift\n'), 'check mode wrote'


def test_content_and_mode_drift_are_put_back(fake_cli, run, tmp_path):
    etc, args = args_for(tmp_path)
    run(ceph_conf, args)
    (etc / 'ceph.conf').write_text('edited by hand\n')
    os.chmod(str(etc / 'dr.conf'), 0o600)
    os.chmod(str(tmp_path / 'run' / 'guests'), 0o755)
    result, failed = run(ceph_conf, args)
    assert not failed and [d['changed'] for d in result['directories'] + result['confs']] == [False, True, True, True]
    assert (etc / 'ceph.conf').read_text() == CONF
    assert (mode_of(etc / 'dr.conf'), mode_of(tmp_path / 'run' / 'guests')) == (0o644, 0o770)


@pytest.mark.parametrize('change, words', [
    (lambda a, t: a['confs'][1].update(path='relative.conf'), ['confs[1]', 'absolute']),
    (lambda a, t: a['directories'][1].update(mode='0777'), ['directories[1]', '0777', 'every user write']),
    (lambda a, t: a['confs'][0].update(mode='0666'), ['confs[0]', 'every user write']),
    (lambda a, t: a['confs'][0].update(mode='rw'), ['confs[0]', 'octal mode']),
    (lambda a, t: a['confs'][1].update(path=a['confs'][0]['path']), ['confs[1]', 'listed twice']),
    (lambda a, t: a['confs'][1].update(path=str(t / 'nowhere' / 'x.conf')), ['confs[1]', 'does not exist']),
    (lambda a, t: a['confs'][1].update(path=a['directories'][0]['path'] + '\n'), ['confs[1]', 'path']),
    (lambda a, t: a['confs'][1].update(content='[client.x]\n key = AQAAAA==\n'), ['confs[1]', "'key ='", 'keyring']),
    (lambda a, t: a['directories'][1].update(owner='no-such-user-here'), ['directories[1]', 'no-such-user-here']),
])
def test_bad_input_fails_naming_the_item_before_anything_changes(fake_cli, run, tmp_path, change, words):
    etc, args = args_for(tmp_path)
    change(args, tmp_path)
    result, failed = run(ceph_conf, args)
    assert failed and all(w in result['msg'] for w in words), result['msg']
    assert not (tmp_path / 'etc').exists(), 'a directory was made before the check failed'


def test_a_key_may_go_in_a_file_others_cannot_read(fake_cli, run, tmp_path):
    etc, args = args_for(tmp_path)
    args['confs'][1].update(content='[client.x]\n\tkey = AQAAAA==\n', mode='0640')
    result, failed = run(ceph_conf, args)
    assert not failed and mode_of(etc / 'dr.conf') == 0o640


def test_a_directory_in_the_way_of_a_file_or_a_file_in_the_way_of_a_directory(fake_cli, run, tmp_path):
    etc, args = args_for(tmp_path)
    run(ceph_conf, args)
    os.unlink(str(etc / 'dr.conf'))
    os.mkdir(str(etc / 'dr.conf'))
    result, failed = run(ceph_conf, args)
    assert failed and 'confs[1]' in result['msg'] and 'is a directory' in result['msg']
    os.rmdir(str(etc / 'dr.conf'))
    guests = tmp_path / 'run' / 'guests'
    os.rmdir(str(guests))
    guests.write_text('')
    result, failed = run(ceph_conf, args)
    assert failed and 'directories[1]' in result['msg'] and 'not a directory' in result['msg']


def test_check_mode_on_a_new_node_warns_about_a_missing_owner_and_predicts(fake_cli, run, tmp_path):
    etc, args = args_for(tmp_path)
    args['directories'][1].update(owner='no-such-user-here')
    result, failed = run(ceph_conf, args, check=True)
    assert not failed and result['directories'][1]['changed'] is True
    assert any('no-such-user-here' in w for w in result['warnings'])
