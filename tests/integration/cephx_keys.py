# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cephx keys for the tests: find leaked keys of both types in text, tell a key from anything else,
and build fake keys of a given structure.

The integration tests and the lab's (molecule) tests import it as `cephx_keys` (pytest.ini puts
tests/integration on the path); the unit tests as
ansible_collections.openstack_ceph.rbd.tests.integration.cephx_keys, which ansible-test finds too.

A cephx key is the base64 form of: the key type (u16, little-endian), its creation time (u32 seconds,
u32 nanoseconds), the secret's length (u16, little-endian), the secret. Type 1, aes, has a 16-byte
secret: 28 bytes, 40 characters 'AQ' + 36 + '=='. Type 2, aes256k (Ceph 19.2.6, 20.2.4 and later),
has a 32-byte secret: 44 bytes, 60 characters 'Ag' + 57 + '='.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import re
import struct

KEY_TYPES = {'aes': (1, 16), 'aes256k': (2, 32)}
KEY_LENGTHS = {'aes': 40, 'aes256k': 60}
# Not preceded by another base64 character, so a key is not found inside a longer base64 text.
KEY_RE = re.compile(r'(?<![A-Za-z0-9+/])(?:AQ[A-Za-z0-9+/]{36}==|Ag[A-Za-z0-9+/]{57}=)')
_HEADER = struct.Struct('<HIIH')


def find_keys(text):
    """Every cephx key of either type in `text` (a str; bytes are decoded as UTF-8)."""
    if isinstance(text, bytes):
        text = text.decode('utf-8', 'replace')
    return KEY_RE.findall(text or '')


def is_cephx_key(text):
    """Whether `text` is exactly one cephx key of either type (surrounding whitespace ignored)."""
    return isinstance(text, str) and KEY_RE.fullmatch(text.strip()) is not None


def key_type_of(text):
    """'aes' or 'aes256k' by the key's form, or None for anything else."""
    if not is_cephx_key(text):
        return None
    return 'aes' if text.strip().startswith('AQ') else 'aes256k'


def fake_key(key_type='aes', fill=b'A', created=1700000000, type_id=None, length=None, extra=b''):
    """A fake base64 cephx key of this structure, its secret `fill` repeated; for tests only.

    type_id, length (the header's secret length) and extra (bytes after the secret) build malformed ones."""
    number, size = KEY_TYPES[key_type]
    header = _HEADER.pack(number if type_id is None else type_id, created, 0, size if length is None else length)
    return base64.b64encode(header + (fill * size)[:size] + extra).decode('ascii')
