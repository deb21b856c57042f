# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ceph and OpenStack releases this collection knows, in one place.

"Known" means the collection's modules and roles were written against that release's commands and
options; docs/support-matrix.md says which of them were run in the lab and with what result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# Ceph major version: release name.
CEPH_MAJORS = {16: 'pacific', 17: 'quincy', 18: 'reef', 19: 'squid', 20: 'tentacle'}
CEPH_TESTED = '16.2, 18.2 and 20.2'

# OpenStack's release series, oldest first. Each service's major version goes up by one a series.
OPENSTACK_SERIES = ('Zed', '2023.1', '2023.2', '2024.1', '2024.2', '2025.1', '2025.2', '2026.1', '2026.2')
# Each service's major version in the first series above (Zed): Glance 25.x, Cinder 21.x, Nova 26.x.
OPENSTACK_FIRST_MAJOR = {'glance': 25, 'cinder': 21, 'nova': 26}
OPENSTACK_TESTED = 'Zed, 2025.1 and 2026.1 (Glance 2026.2)'

MAJOR_RE = re.compile(r'^\s*(\d+)(?:[.~+-]|$)')


def major(version):
    """The leading number of a version string, or None."""
    match = MAJOR_RE.match(version or '')
    return int(match.group(1)) if match else None


def ceph_unknown(versions):
    """The Ceph versions whose major release is not one of CEPH_MAJORS."""
    return sorted(v for v in versions if major(v) not in CEPH_MAJORS)


def openstack_series(service, version):
    """The OpenStack series a service's version belongs to, or None when the collection does not know it."""
    number = major(version)
    if number is None:
        return None
    index = number - OPENSTACK_FIRST_MAJOR[service]
    return OPENSTACK_SERIES[index] if 0 <= index < len(OPENSTACK_SERIES) else None


def openstack_known_range(service):
    """What the collection knows of a service, in words: "Nova 26 to 34 (OpenStack Zed to 2026.2)"."""
    first = OPENSTACK_FIRST_MAJOR[service]
    return '%s %d to %d (OpenStack %s to %s)' % (
        service.capitalize(), first, first + len(OPENSTACK_SERIES) - 1, OPENSTACK_SERIES[0], OPENSTACK_SERIES[-1])
