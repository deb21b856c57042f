#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: openstack_release_info
short_description: Read which OpenStack release a node's Glance, Cinder or Nova is
version_added: 0.3.0
description:
  - Reads the version of each service in O(services) from the Python distribution it is installed as
    (C(glance), C(cinder) or C(nova); Debian's C(python3-nova), RDO's packages and C(pip) all install one),
    as the Python that runs this module sees it. No command is run and nothing is changed.
  - Each version is mapped to its OpenStack release series. The collection knows Glance 25 to 33,
    Cinder 21 to 29 and Nova 26 to 34, that is OpenStack Zed to 2026.2; docs/support-matrix.md says which
    were run in the lab.
  - For a version outside those, the module warns, naming the node, the service and the version;
    that service's C(known) in RV(services) is then V(false).
  - A service that this Python cannot see (not installed here, or installed in a virtualenv or a
    container of its own, as OpenStack-Ansible and kolla-ansible do) has C(found) V(false) in RV(services),
    and no warning.
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
extends_documentation_fragment:
  - openstack_ceph.rbd.attributes.read_only
options:
  services:
    description: The services to read.
    type: list
    elements: str
    choices: [glance, cinder, nova]
    required: true
requirements:
  - Python 3.8 or later on the node (C(importlib.metadata)), the Python the services run under.
seealso:
  - module: openstack_ceph.rbd.ceph_info
'''

EXAMPLES = r'''
- name: Which Nova release the compute nodes run (one of them is read)
  openstack_ceph.rbd.openstack_release_info:
    services: [nova]
  run_once: true
  register: nova_release

- name: Stop on a release the collection does not know
  ansible.builtin.assert:
    that: nova_release.services.nova.known is not false
    fail_msg: "Nova {{ nova_release.services.nova.version }} is not a release this collection knows"
'''

RETURN = r'''
services:
  description: Each service asked for, by name.
  returned: always
  type: dict
  sample: {nova: {found: true, version: "31.0.0", series: "2025.1", known: true, summary: "Nova 31.0.0, OpenStack 2025.1"}}
  contains:
    found:
      description: Whether this Python sees the service installed.
      type: bool
    version:
      description: The installed version, null when not found.
      type: str
    series:
      description: The OpenStack release series of that version (V(Zed), V(2025.1), ...), null when not found or not known.
      type: str
    known:
      description: Whether the collection knows that release; null when the service was not found.
      type: bool
    summary:
      description:
        - The reading in words, as the roles' summaries show it; the release, a release the collection does not know,
          or why it was not read.
      type: str
      sample: Nova 31.0.0, OpenStack 2025.1
python:
  description: The Python interpreter that looked, to explain a service not found.
  returned: always
  type: str
  sample: /usr/bin/python3
node:
  description: The node's host name, as the warning names it.
  returned: always
  type: str
  sample: compute-7
'''

import platform
import sys

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.releases import (
    OPENSTACK_FIRST_MAJOR, OPENSTACK_TESTED, openstack_known_range, openstack_series)

try:
    from importlib import metadata
except ImportError:  # Python before 3.8: nothing is found, and the documentation says so.
    metadata = None


def installed_version(distribution):
    """The version of an installed Python distribution, or None."""
    if metadata is None:
        return None
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def service_facts(service, version, python, node):
    """What the module returns for one service, with the words a role's summary shows."""
    name = service.capitalize()
    if version is None:
        return dict(found=False, version=None, series=None, known=None,
                    summary='%s release not read: %s on %s does not see %s installed' % (name, python, node, service))
    series = openstack_series(service, version)
    release = 'OpenStack %s' % series if series else 'a release this collection does not know'
    return dict(found=True, version=version, series=series, known=series is not None,
                summary='%s %s, %s' % (name, version, release))


def main():
    module = AnsibleModule(
        argument_spec=dict(services=dict(type='list', elements='str', required=True,
                                         choices=sorted(OPENSTACK_FIRST_MAJOR))),
        supports_check_mode=True)
    node = platform.node()
    services = {}
    for service in module.params['services']:
        # Each service is installed as the Python distribution of its own name (Debian's
        # python3-<name>, RDO's and pip's alike).
        services[service] = facts = service_facts(service, installed_version(service), sys.executable, node)
        if facts['known'] is False:
            module.warn('%s runs %s %s, a release this collection does not know: it knows %s and is tested on %s. '
                        'Check the support matrix before relying on it.'
                        % (node, service.capitalize(), facts['version'], openstack_known_range(service),
                           OPENSTACK_TESTED))
    module.exit_json(changed=False, services=services, python=sys.executable, node=node)


if __name__ == '__main__':
    main()
