# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.modules import rbd_image

INFO = {'name': 'base', 'id': 'abc', 'size': 8 << 20, 'order': 22, 'object_size': 4 << 20, 'format': 2,
        'features': ['layering'], 'snapshot_count': 1}
SNAPS = [{'id': 4, 'name': 'snap', 'size': 8 << 20, 'protected': 'true'}]
MISSING = dict(rc=2, err='rbd: error opening image base: (2) No such file or directory')


def test_converged_image(fake_cli, run):
    fake_cli.on('info images/base', out=INFO).on('snap ls images/base', out=SNAPS)
    result, failed = run(rbd_image, dict(pool='images', name='base', size='8M',
                                         snapshots=[dict(name='snap', protected=True)]))
    assert not failed and result['changed'] is False
    assert len(fake_cli.calls) == 2


def test_create_with_snapshot(fake_cli, run):
    fake_cli.on('info images/base', **MISSING)
    result, failed = run(rbd_image, dict(pool='images', name='base', size='1G',
                                         snapshots=[dict(name='snap', protected=True)]), check=True)
    assert result['changed'] is True and len(fake_cli.calls) == 1
    assert result['commands'] == ['rbd create --size 1048576K images/base',
                                  'rbd snap create --no-progress images/base@snap',
                                  'rbd snap protect images/base@snap']


def test_clone_from_other_parent_fails(fake_cli, run):
    fake_cli.on('info volumes/v1', out=dict(INFO, name='v1', parent={'pool': 'images', 'pool_namespace': '',
                                                                     'image': 'a', 'snapshot': 'snap'}))
    result, failed = run(rbd_image, dict(pool='volumes', name='v1', clone_from='images/b@snap'))
    assert failed and 'clone of images/a@snap' in result['msg']


def test_shrink_needs_allow_shrink(fake_cli, run):
    fake_cli.on('info images/base', out=INFO)
    result, failed = run(rbd_image, dict(pool='images', name='base', size='4M'))
    assert failed and 'allow_shrink' in result['msg']
    result, failed = run(rbd_image, dict(pool='images', name='base', size='4M', allow_shrink=True), check=True)
    assert result['commands'] == ['rbd resize --no-progress --size 4096K images/base --allow-shrink']


@pytest.mark.parametrize('size, expected', [('10G', 10 << 30), ('512', 512 << 20), ('4k', 4096), ('1TiB', 1 << 40)])
def test_parse_size(size, expected):
    class M(object):
        def fail_json(self, **kw):
            raise AssertionError(kw)
    assert rbd_image.parse_size(M(), size) == expected


@pytest.mark.parametrize('args, word', [
    (dict(pool='p', name='x', size='0'), 'size'),
    (dict(pool='p', name='x', size='lots'), 'size'),
    (dict(pool='p', name='x', clone_from='p/x'), 'clone_from'),
    (dict(pool='p/q', name='x'), 'pool'),
])
def test_bad_input(fake_cli, run, args, word):
    result, failed = run(rbd_image, args)
    assert failed and word in result['msg'] and fake_cli.calls == []


def test_info_module_reads_only(fake_cli, run):
    from ansible_collections.openstack_ceph.rbd.plugins.modules import rbd_image_info
    clone = dict(INFO, name='v1', parent={'pool': 'images', 'pool_namespace': '', 'image': 'base',
                                          'snapshot': 'snap', 'overlap': 8 << 20})
    fake_cli.on('info volumes/v1', out=clone).on('snap ls volumes/v1', out=[])
    result, failed = run(rbd_image_info, dict(pool='volumes', name='v1'), check=True)
    assert result['exists'] is True and result['changed'] is False
    assert result['image']['parent'] == {'pool': 'images', 'namespace': None, 'image': 'base', 'snapshot': 'snap',
                                         'overlap': 8 << 20}
    assert [c['words'][0] for c in fake_cli.calls] == ['info', 'snap']


def test_info_module_missing_image(fake_cli, run):
    from ansible_collections.openstack_ceph.rbd.plugins.modules import rbd_image_info
    fake_cli.on('info images/none', **MISSING)
    result, failed = run(rbd_image_info, dict(pool='images', name='none'))
    assert failed and 'does not exist' in result['msg']
    result, failed = run(rbd_image_info, dict(pool='images', name='none', must_exist=False))
    assert not failed and result['exists'] is False
