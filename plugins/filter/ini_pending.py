# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: ini_pending
short_description: The INI options that community.general.ini_file would still have to write
version_added: 0.2.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - Compares wanted options with the text of an INI file and returns the options that are not in
    place yet, as the same dictionaries in the same order.
  - Made to sit before a C(community.general.ini_file) loop. The file is read once (for example with
    C(ansible.builtin.slurp), which also runs in check mode) and ini_file runs only for the options
    that differ, so ini_file stays the one writer of the file, with its diff, its check mode, and its
    C(changed) result that notifies handlers.
  - Conservative. An option is in place only when ini_file, with its defaults (C(exclusive=true),
    C(modify_inactive_option=true), C(no_extra_spaces=false), C(ignore_spaces=false)), would leave
    the file as it is. That is, the file ends with a newline; the C([section]) header appears exactly
    once and is written just so; in that section exactly one line names the option, counting
    commented-out lines (C(#) or C(;)) since ini_file removes or uncomments those; that line reads
    C(option = value) exactly as ini_file writes it; and the list names this section and option only
    once.
  - Everything else is pending, so ini_file decides. For example C(option=value) without spaces
    (ini_file rewrites it), a colon in place of C(=), a duplicate section or option line, a commented-out
    copy of the option next to the active line, options outside any section, and a file that could
    not be read.
  - A value is compared as ini_file writes it, C(str) of the value. A boolean is V(True) or V(False),
    a number as Python prints it. Other types (V(None), lists, dictionaries) are always pending.
positional: content
options:
  _input:
    description:
      - The wanted options. Each item is a dictionary with C(section), C(option) and C(value) (a
        string, number or boolean). An item without them is pending.
    type: list
    elements: dict
    required: true
  content:
    description:
      - The file's text as read, for example C(slurp's content | b64decode).
      - V(None) or empty when the file could not be read. Then every option is pending.
    type: str
    required: true
'''

EXAMPLES = r'''
- name: Read glance-api.conf once (it holds passwords); a missing file leaves every option pending
  ansible.builtin.slurp:
    src: /etc/glance/glance-api.conf
  register: glance_conf
  no_log: true
  failed_when: false

- name: Write only the options that differ
  community.general.ini_file:
    path: /etc/glance/glance-api.conf
    section: "{{ item.section }}"
    option: "{{ item.option }}"
    value: "{{ item.value }}"
    create: false
  loop: "{{ wanted | openstack_ceph.rbd.ini_pending(glance_conf.content | default('') | ansible.builtin.b64decode) }}"
  vars:
    wanted:
      - {section: glance_store, option: rbd_store_pool, value: images}
      - {section: glance_store, option: rbd_store_chunk_size, value: 8}
      - {section: DEFAULT, option: show_image_direct_url, value: true}
'''

RETURN = r'''
_value:
  description: The items of the input that are not in place, unchanged, in the input's order.
  type: list
  elements: dict
'''

import re

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

# Lone surrogates are what a text decode with surrogateescape leaves of bytes that are not UTF-8:
# ini_file reads the file as UTF-8 and fails on those, so the filter must not skip it.
_NOT_UTF8 = re.compile('[\ud800-\udfff]')


def _file_lines(content):
    """The file's lines as ini_file sees them, or None when ini_file would rewrite or reject the
    whole file (no final newline, not UTF-8) or there is nothing to read."""
    if content is None:
        return None
    if isinstance(content, bytes):
        try:
            content = content.decode('utf-8')
        except UnicodeDecodeError:
            return None
    if not isinstance(content, str):
        raise AnsibleFilterError('ini_pending: the content must be the file\'s text or None, not %s' % type(content).__name__)
    # ini_file opens the file as utf-8-sig (a leading BOM is dropped) with universal newlines.
    if content.startswith('\ufeff'):
        content = content[1:]
    if _NOT_UTF8.search(content):
        return None
    text = content.replace('\r\n', '\n').replace('\r', '\n')
    # ini_file adds a missing final newline and reports that as a change (this also covers '').
    if not text.endswith('\n'):
        return None
    return text[:-1].split('\n')


def _value_text(value):
    """The value as ini_file writes it (its value option is a str), or None when unsure."""
    if isinstance(value, (bool, int, float)):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        return None
    if '\n' in text or '\r' in text:
        return None
    return text


def _plain_name(name, forbidden):
    return (isinstance(name, str) and name != '' and name == name.strip()
            and not any(c in name for c in forbidden))


def _section_body(lines, section):
    """The lines of `section`, or None unless its header appears exactly once, written [section].

    A header is what ini_file takes for one: a line that starts with [, optional whitespace, the
    name, optional whitespace, ] (and anything after). Its section ends at the next line that
    starts with [."""
    header = re.compile(r'\[\s*%s\s*]' % re.escape(section))
    found = [i for i, line in enumerate(lines) if header.match(line)]
    if len(found) != 1 or lines[found[0]].rstrip() != '[%s]' % section:
        return None
    start = found[0] + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith('[')), len(lines))
    return lines[start:end]


def _in_place(lines, section, option, value):
    text = _value_text(value)
    if text is None:
        return False
    body = _section_body(lines, section)
    if body is None:
        return False
    # Every line ini_file would take for this option (its pattern: blanks, an optional # or ;,
    # blanks, the name, blanks, then = or the end of the line), plus `option:` lines.
    naming = re.compile(r'[ \t]*[#;]?[ \t]*%s[ \t]*(=|:|$)' % re.escape(option))
    found = [line for line in body if naming.match(line)]
    return found == ['%s = %s' % (option, text)]


def ini_pending(options, content):
    """The items of `options` ({section, option, value}) that are not in place in `content`."""
    if not isinstance(options, (list, tuple)):
        raise AnsibleFilterError('ini_pending: the input must be a list of {section, option, value}, not %s' % type(options).__name__)
    for item in options:
        if not isinstance(item, Mapping):
            raise AnsibleFilterError('ini_pending: each item must be a dictionary with section, option and value, not %r' % (item,))

    lines = _file_lines(content)

    # An option named twice (say a role's option and an extra option overriding it) is left to
    # ini_file: the items run in order and the last one wins, as they always did.
    names = {}
    for item in options:
        key = (str(item.get('section', '')).strip(), str(item.get('option', '')).strip())
        names[key] = names.get(key, 0) + 1

    pending = []
    for item in options:
        section, option = item.get('section'), item.get('option')
        ok = (lines is not None
              and 'value' in item
              and _plain_name(section, '[]\r\n')
              and _plain_name(option, '=\r\n')
              and not option.startswith(('#', ';', '['))
              and names[(section, option)] == 1
              and _in_place(lines, section, option, item['value']))
        if not ok:
            pending.append(item)
    return pending


class FilterModule(object):
    def filters(self):
        return {'ini_pending': ini_pending}
