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


# Issue 16: names and sizes refused before any rbd call (in check mode too), a missing pool or namespace
# and a missing clone parent fail in check mode as in a real run, no traceback for odd input.

from ansible_collections.openstack_ceph.rbd.plugins.modules import rbd_image_info  # noqa: E402

NO_POOL = dict(rc=2, err="rbd: error opening pool 'nopool': (2) No such file or directory")
NO_NS = dict(rc=2, err="rbd: namespace 'ns' does not exist.")


@pytest.mark.parametrize('args, word', [
    (dict(pool='p', name='img\n', size='8M'), 'name'),
    (dict(pool='p\n', name='img', size='8M'), 'pool'),
    (dict(pool='p', namespace='ns\n', name='img', size='8M'), 'namespace'),
    (dict(pool='p', namespace='', name='img', size='8M'), 'namespace'),
    (dict(pool='', name='img', size='8M'), 'pool'),
    (dict(pool='p', name='', size='8M'), 'name'),
    (dict(pool='p', name='a/b', size='8M'), 'name'),
    (dict(pool='p', name='a@b', size='8M'), 'name'),
    (dict(pool='p', name='a b', size='8M'), 'name'),
    (dict(pool='p', name=u'\u00efmage', size='8M'), 'name'),
    (dict(pool='p', name='-lead', size='8M'), 'name'),
    (dict(pool='p', name='x' * 250, size='8M'), 'at most 249'),
    (dict(pool='p', namespace='n' * 65, name='img', size='8M'), 'at most 64'),
    (dict(pool='p' * 256, name='img', size='8M'), 'at most 255'),
    (dict(pool='p', name='img', size='8M', snapshots=[dict(name='s\n')]), 'snapshots[0].name'),
    (dict(pool='p', name='img', size='8M', snapshots=[dict(name='ok'), dict(name='')]), 'snapshots[1].name'),
    (dict(pool='p', name='img', size='8M', snapshots=[dict(name='s' * 250)]), 'snapshots[0].name'),
    (dict(pool='p', name='img', clone_from='p/base@snap\n'), 'clone_from snapshot'),
    (dict(pool='p', name='img', clone_from='p\n/base@snap'), 'clone_from pool'),
    (dict(pool='p', name='img', clone_from='p/ns\t/base@snap'), 'clone_from namespace'),
    (dict(pool='p', name='img', clone_from='p/ba se@snap'), 'clone_from image'),
    (dict(pool='p', name='img', clone_from=''), 'clone_from'),
    (dict(pool='p', name='img', clone_from='p/a/b/c@s'), 'clone_from'),
    (dict(pool='p', name='img', clone_from='p/a@s@t'), 'clone_from'),
    (dict(pool='p', name='img', size='8M\n'), 'size'),
    (dict(pool='p', name='img', size=''), 'size'),
    (dict(pool='p', name='img', size='-1G'), 'size'),
    (dict(pool='p', name='img', size='1.5G'), 'size'),
    (dict(pool='p', name='img', size='18014398509481984K'), 'at most 18014398509481983K'),
    (dict(pool='p', name='img', size='16384P'), 'size'),
    (dict(pool='p', name='img', size='99999999999999999999T'), 'too large'),
    (dict(pool='p', name='img', size='9' * 100000), 'size'),
    (dict(pool='p', name='img', size=u'\u0661\u0662M'), 'size'),
])
def test_bad_names_and_sizes_refused_before_any_rbd_call(fake_cli, run, args, word):
    for check in (False, True):
        result, failed = run(rbd_image, args, check=check)
        assert failed and word in result['msg'], result
        assert fake_cli.calls == []


def test_largest_rbd_size_is_taken(fake_cli, run):
    fake_cli.on('info p/img', **MISSING)
    result, failed = run(rbd_image, dict(pool='p', name='img', size='18014398509481983K'), check=True)
    assert not failed and result['commands'] == ['rbd create --size 18014398509481983K p/img']


@pytest.mark.parametrize('module', [rbd_image, rbd_image_info])
@pytest.mark.parametrize('args', [dict(name='img\n'), dict(pool='p\n'), dict(namespace='n\r')])
def test_info_and_image_refuse_control_characters(fake_cli, run, module, args):
    full = dict(pool='p', name='img')
    full.update(args)
    result, failed = run(module, full)
    assert failed and 'not a valid' in result['msg'] and fake_cli.calls == []


def test_name_regex_is_anchored_at_the_very_end():
    from ansible_collections.openstack_ceph.rbd.plugins.module_utils.rbd import NAME_RE
    assert NAME_RE.match('img') and not NAME_RE.match('img\n')


@pytest.mark.parametrize('check', [True, False])
def test_missing_pool_fails_in_check_mode_as_in_a_real_run(fake_cli, run, check):
    fake_cli.on('info nopool/img', **NO_POOL)
    result, failed = run(rbd_image, dict(pool='nopool', name='img', size='8M'), check=check)
    assert failed and 'pool nopool does not exist' in result['msg']
    assert [c['words'][0] for c in fake_cli.calls] == ['info']


def test_missing_namespace_fails(fake_cli, run):
    fake_cli.on('info p/ns/img', **NO_NS)
    result, failed = run(rbd_image, dict(pool='p', namespace='ns', name='img', size='8M'), check=True)
    assert failed and 'namespace ns does not exist in pool p' in result['msg']


def test_absent_image_in_a_missing_pool_is_absent(fake_cli, run):
    fake_cli.on('info nopool/img', **NO_POOL)
    result, failed = run(rbd_image, dict(pool='nopool', name='img', state='absent'))
    assert not failed and result['changed'] is False


def test_info_module_missing_pool(fake_cli, run):
    fake_cli.on('info nopool/img', **NO_POOL)
    result, failed = run(rbd_image_info, dict(pool='nopool', name='img'))
    assert failed and 'pool nopool does not exist' in result['msg']
    result, failed = run(rbd_image_info, dict(pool='nopool', name='img', must_exist=False))
    assert not failed and result['exists'] is False


@pytest.mark.parametrize('err, says', [
    ('rbd: error opening pool \'nop\': (2) No such file or directory', 'pool nop does not exist'),
    ('rbd: error opening image base: (2) No such file or directory', 'image nop/base does not exist'),
    ('error setting snapshot context: (2) No such file or directory', 'snapshot snap of image nop/base does not exist'),
])
@pytest.mark.parametrize('check', [True, False])
def test_clone_of_a_missing_parent_fails_before_anything_changes(fake_cli, run, err, says, check):
    fake_cli.on('info p/img', **MISSING).on('info nop/base@snap', rc=2, err=err).on('clone')
    result, failed = run(rbd_image, dict(pool='p', name='img', clone_from='nop/base@snap'), check=check)
    assert failed and says in result['msg'], result
    assert not fake_cli.called('clone')


def test_clone_parent_read_only_when_creating(fake_cli, run):
    fake_cli.on('info p/img', **MISSING).on('info nop/base@snap', out=dict(INFO, protected='true'))
    result, failed = run(rbd_image, dict(pool='p', name='img', clone_from='nop/base@snap'), check=True)
    assert not failed and result['commands'] == ['rbd clone nop/base@snap p/img']
    fake_cli.calls[:] = []
    fake_cli.on('info p/img', out=dict(INFO, name='img', parent={'pool': 'nop', 'pool_namespace': '', 'image': 'base',
                                                                 'snapshot': 'snap'}))
    result, failed = run(rbd_image, dict(pool='p', name='img', clone_from='nop/base@snap'), check=True)
    assert not failed and result['changed'] is False and len(fake_cli.calls) == 1


def test_resize_past_the_object_map_limit_fails_in_check_mode(fake_cli, run):
    fake_cli.on('info images/base', out=dict(INFO, features=['layering', 'object-map']))
    result, failed = run(rbd_image, dict(pool='images', name='base', size='1024000004M'), check=True)
    assert failed and 'object-map' in result['msg'] and '256000000 objects' in result['msg']
    result, failed = run(rbd_image, dict(pool='images', name='base', size='1024000000M'), check=True)
    assert not failed and result['changed'] is True
    fake_cli.on('info images/base', out=INFO)
    result, failed = run(rbd_image, dict(pool='images', name='base', size='8388608T'), check=True)
    assert not failed, 'without object-map the rbd CLI limit applies'


def test_create_past_the_object_map_limit_says_so(fake_cli, run):
    err = ('librbd::image::CreateRequest: validate_layout: image size not compatible with object map\n'
           'rbd: create error: (22) Invalid argument')
    fake_cli.on('info p/img', **MISSING).on('create', rc=22, err=err)
    result, failed = run(rbd_image, dict(pool='p', name='img', size='2048T'))
    assert failed and 'too large' in result['msg'] and 'object-map' in result['msg']


@pytest.mark.parametrize('module', [rbd_image, rbd_image_info])
@pytest.mark.parametrize('value', ['', ' ', 'x' * 10000, u'\u2603', 'a/b', 'a@b', '..', '\x00'])
def test_odd_names_never_raise(fake_cli, run, module, value):
    fake_cli.on('info', **MISSING)
    for key in ('pool', 'name', 'namespace'):
        args = dict(pool='p', name='img', size='8M')
        if module is rbd_image_info:
            del args['size']
        args[key] = value
        result, failed = run(module, args)
        assert failed and key in result['msg'], result
