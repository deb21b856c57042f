# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.openstack_ceph.rbd.plugins.filter.ini_pending import FilterModule, ini_pending

GLANCE = '''[DEFAULT]
# show_image_direct_url is needed for copy-on-write clones
show_image_direct_url = True
workers = 4

[database]
connection = mysql+pymysql://glance:secret@db/glance

[glance_store]
stores = rbd,http
default_store = rbd
rbd_store_pool = images
rbd_store_chunk_size = 8
'''


def item(section, option, value):
    return {'section': section, 'option': option, 'value': value}


def pending(content, *items):
    return ini_pending(list(items), content)


def test_registered_under_its_name():
    assert FilterModule().filters() == {'ini_pending': ini_pending}


def test_in_place():
    assert pending(GLANCE, item('glance_store', 'rbd_store_pool', 'images'), item('glance_store', 'default_store', 'rbd')) == []


def test_different_value():
    wanted = item('glance_store', 'rbd_store_pool', 'glance-images')
    assert pending(GLANCE, wanted) == [wanted]


def test_missing_option():
    wanted = item('glance_store', 'rbd_store_user', 'glance')
    assert pending(GLANCE, wanted) == [wanted]


def test_returns_the_same_items_in_order():
    wanted = [item('glance_store', 'rbd_store_user', 'glance'), item('glance_store', 'rbd_store_pool', 'images'),
              item('DEFAULT', 'workers', 8)]
    result = ini_pending(wanted, GLANCE)
    assert result == [wanted[0], wanted[2]]
    assert result[0] is wanted[0] and result[1] is wanted[2]


def test_commented_option_only():
    content = '[glance_store]\n#rbd_store_user = glance\n; rbd_store_pool = images\n'
    wanted = [item('glance_store', 'rbd_store_user', 'glance'), item('glance_store', 'rbd_store_pool', 'images')]
    assert pending(content, *wanted) == wanted


def test_commented_copy_next_to_the_active_line():
    # ini_file (exclusive, modify_inactive_option) deletes the commented line: a change.
    for content in ('[s]\n#opt = old\nopt = v\n', '[s]\nopt = v\n  ;  opt\n'):
        assert pending(content, item('s', 'opt', 'v')) == [item('s', 'opt', 'v')]


def test_comments_that_only_mention_the_option():
    content = '[s]\n# opt is the thing\n#opt_other = 1\nopt = v\n'
    assert pending(content, item('s', 'opt', 'v')) == []


def test_duplicate_option():
    content = '[s]\nopt = v\nopt = v\n'
    assert pending(content, item('s', 'opt', 'v')) == [item('s', 'opt', 'v')]


def test_duplicate_section():
    content = '[s]\nopt = v\n[t]\nx = 1\n[s]\nother = 2\n'
    assert pending(content, item('s', 'opt', 'v'), item('t', 'x', 1)) == [item('s', 'opt', 'v')]


def test_duplicate_section_with_blanks_in_the_header():
    # ini_file takes [ s ] for [s] too.
    content = '[ s ]\nopt = w\n[s]\nopt = v\n'
    assert pending(content, item('s', 'opt', 'v')) == [item('s', 'opt', 'v')]


def test_option_in_another_section():
    content = '[DEFAULT]\nrbd_user = cinder\n[ceph]\nrbd_pool = volumes\n'
    assert pending(content, item('ceph', 'rbd_user', 'cinder')) == [item('ceph', 'rbd_user', 'cinder')]
    assert pending(content, item('ceph', 'rbd_pool', 'volumes'), item('DEFAULT', 'rbd_user', 'cinder')) == []


def test_option_before_any_section():
    content = 'opt = v\n[s]\nx = 1\n'
    assert pending(content, item('s', 'opt', 'v')) == [item('s', 'opt', 'v')]


def test_no_section_in_the_item():
    for section in (None, '', ' s', 's '):
        assert pending('[s]\nopt = v\n', item(section, 'opt', 'v')) == [item(section, 'opt', 'v')]


def test_bool_and_int_values_compare_as_ini_file_writes_them():
    content = '[libvirt]\ninject_password = False\ninject_partition = -2\nlive_migration_permit_post_copy = True\n'
    in_place = [item('libvirt', 'inject_password', False), item('libvirt', 'inject_partition', -2),
                item('libvirt', 'live_migration_permit_post_copy', True)]
    assert pending(content, *in_place) == []
    differ = [item('libvirt', 'inject_password', True), item('libvirt', 'inject_partition', 0),
              item('libvirt', 'live_migration_permit_post_copy', 'true')]
    assert pending(content, *differ) == differ


def test_values_that_are_not_scalars_are_pending():
    content = '[s]\na = None\nb = [1]\nc = \n'
    wanted = [item('s', 'a', None), item('s', 'b', [1]), item('s', 'c', {})]
    assert pending(content, *wanted) == wanted


def test_content_none_or_empty():
    wanted = item('glance_store', 'rbd_store_pool', 'images')
    assert pending(None, wanted) == [wanted]
    assert pending('', wanted) == [wanted]


def test_bytes_content():
    assert pending(GLANCE.encode('utf-8'), item('glance_store', 'rbd_store_pool', 'images')) == []
    assert pending(b'[s]\nopt = \xff\n', item('s', 'opt', 'x')) == [item('s', 'opt', 'x')]


def test_not_utf8_text_is_pending():
    # What b64decode leaves of bytes that are not UTF-8: ini_file fails on such a file.
    content = '[s]\nopt = v\nother = \udcff\n'
    assert pending(content, item('s', 'opt', 'v')) == [item('s', 'opt', 'v')]


def test_line_formats_ini_file_would_rewrite():
    for line in ('opt=v', 'opt =v', 'opt  = v', '  opt = v', 'opt\t= v', 'opt = v ', 'opt: v', 'opt : v', 'opt'):
        content = '[s]\n%s\n' % line
        assert pending(content, item('s', 'opt', 'v')) == [item('s', 'opt', 'v')], line


def test_colon_line_next_to_the_active_line():
    assert pending('[s]\nopt = v\nopt: w\n', item('s', 'opt', 'v')) == [item('s', 'opt', 'v')]


def test_option_names_that_share_a_prefix():
    content = '[s]\nrbd_user_extra = x\nrbd_user = cinder\n#rbd_user_old = y\n'
    assert pending(content, item('s', 'rbd_user', 'cinder')) == []


def test_values_with_blanks_and_empty_values():
    content = '[s]\na = \nb =  two\nc = x # not a comment\n'
    assert pending(content, item('s', 'a', ''), item('s', 'b', ' two'), item('s', 'c', 'x # not a comment')) == []
    assert pending(content, item('s', 'b', 'two')) == [item('s', 'b', 'two')]


def test_header_must_be_written_just_so():
    for header in ('[ s ]', '[s] ; comment', '[s]x', ' [s]'):
        content = '%s\nopt = v\n' % header
        assert pending(content, item('s', 'opt', 'v')) == [item('s', 'opt', 'v')], header
    assert pending('[s]  \nopt = v\n', item('s', 'opt', 'v')) == []


def test_section_ends_at_the_next_bracket_line():
    content = '[s]\nx = 1\n[t]\nopt = v\n'
    assert pending(content, item('s', 'opt', 'v')) == [item('s', 'opt', 'v')]
    assert pending(content, item('t', 'opt', 'v')) == []


def test_missing_final_newline_is_pending():
    # ini_file adds the newline and reports a change.
    assert pending('[s]\nopt = v', item('s', 'opt', 'v')) == [item('s', 'opt', 'v')]


def test_crlf_and_bom():
    assert pending('[s]\r\nopt = v\r\n', item('s', 'opt', 'v')) == []
    assert pending('\ufeff[s]\nopt = v\n', item('s', 'opt', 'v')) == []
    assert pending('[s]\ropt = v\r', item('s', 'opt', 'v')) == []


def test_option_named_twice_in_the_list():
    content = '[s]\nopt = w\n'
    wanted = [item('s', 'opt', 'v'), item('s', 'opt', 'w')]
    assert pending(content, *wanted) == wanted


def test_odd_option_names_are_pending():
    for option in ('', ' opt', 'opt ', 'a=b', '#opt', ';opt', '[opt', None, 5):
        wanted = item('s', option, 'v')
        assert pending('[s]\nopt = v\n', wanted) == [wanted], option


def test_items_without_a_value_are_pending():
    wanted = {'section': 's', 'option': 'opt'}
    assert pending('[s]\nopt = v\n', wanted) == [wanted]


def test_values_with_newlines_are_pending():
    wanted = item('s', 'opt', 'v\nw')
    assert pending('[s]\nopt = v\nw\n', wanted) == [wanted]


@pytest.mark.parametrize('options, content', [
    ('not a list', ''),
    (['not a dict'], ''),
    ([item('s', 'o', 'v')], 42),
])
def test_wrong_types_raise(options, content):
    with pytest.raises(AnsibleFilterError):
        ini_pending(options, content)
