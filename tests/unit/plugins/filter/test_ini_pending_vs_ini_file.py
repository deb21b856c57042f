# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ini_pending against the real community.general.ini_file: whenever the filter says an option is
in place, ini_file, run for real on a copy of the file with the roles' parameters, must report no
change and leave every byte as it was. The files are built from many small variants, so the test
does not depend on one author's idea of what is tricky."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import itertools

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.filter.ini_pending import ini_pending

# The collection ships in the `ansible` package the checkout's venv installs; ansible-core alone
# (make compat's oldest ansible-core) does not have it.
ini_file = pytest.importorskip('ansible_collections.community.general.plugins.modules.ini_file')

# Every line variant alone, in every surrounding; every ordered pair of line variants in a plain [s].
PREFIXES = ['', '[t]\nopt = v\n', 'opt = v\n', '# a comment\n\n']
HEADERS = ['[s]', '[ s ]', '[s] ; comment', '[s]  ', '[S]']
SUFFIXES = ['', '[t]\nx = 1\n', '[s]\nopt = w\n', '[s]\nother = 1\n']
LINES = ['opt = v', 'opt=v', 'opt = True', 'opt = 5', 'opt = ', 'opt =  v', 'opt = v ', '  opt = v', '#opt = v',
         '; opt = w', 'opt: v', 'opt', 'opt_x = v', '# opt is the thing', '']
ODD_FILES = ['[s]\nopt = v', '[s]\r\nopt = v\r\n', '\ufeff[s]\nopt = v\n', '[s]\ropt = v\r', '', '\n', '[s]\n',
             '[s]\nopt = v\n[s]\n', '[t]\n[s]\nopt = v\n[u]\n', '[s]\n\n\nopt = v\n\n# end\n']
VALUES = ['v', True, 5, '', ' v']


def section(header, lines):
    return header + '\n' + ''.join(line + '\n' for line in lines)


def files():
    for prefix, header, suffix, line in itertools.product(PREFIXES, HEADERS, SUFFIXES, LINES):
        yield prefix + section(header, [line]) + suffix
    for pair in itertools.permutations(LINES, 2):
        yield section('[s]', pair)
    yield from ODD_FILES


def run_ini_file(run, path, value):
    """The roles' task: ini_file with its defaults, create false; the value as the task passes it."""
    result, failed = run(ini_file, dict(path=str(path), section='s', option='opt', value=value, create=False))
    assert not failed, result
    return result['changed']


def test_in_place_means_ini_file_changes_nothing(run, tmp_path):
    path = tmp_path / 'service.conf'
    verdicts = {'in place': 0, 'pending, ini_file changed': 0, 'pending, ini_file unchanged': 0}
    for content in files():
        raw = content.encode('utf-8')
        for value in VALUES:
            wanted = {'section': 's', 'option': 'opt', 'value': value}
            in_place = ini_pending([wanted], content) == []
            path.write_bytes(raw)
            changed = run_ini_file(run, path, value)
            if in_place:
                assert changed is False, 'ini_pending said in place, ini_file changed %r for %r' % (content, value)
                assert path.read_bytes() == raw, content
                verdicts['in place'] += 1
            else:
                verdicts['pending, ini_file changed' if changed else 'pending, ini_file unchanged'] += 1
    # The harness sees changes, and the filter does find options in place: neither side is vacuous.
    assert verdicts['in place'] > 100, verdicts
    assert verdicts['pending, ini_file changed'] > 1000, verdicts
