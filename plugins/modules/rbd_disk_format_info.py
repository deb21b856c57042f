#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rbd_disk_format_info
short_description: Tell the disk format of RBD images (raw, qcow2, vmdk...) from their first bytes
version_added: 0.3.0
description:
  - Reads the first 512 bytes of each RBD image of a pool, or of the images named, and says which disk
    format they begin with. V(raw) when they hold no container format's signature (an empty or sparse image
    included); otherwise V(qcow2), V(qcow), V(qed), V(vmdk), V(vhd) (a dynamic VHD, whose copy of the footer
    starts the image; a fixed VHD reads as raw), V(vhdx) or V(vdi), told as QEMU probes them (for example
    C(QFI\xfb) for qcow2, C(KDMV) for vmdk, C(vhdxfile) for vhdx, the VDI signature at byte 64).
  - Glance's RBD store keeps an image's bytes as they were uploaded. Cinder and Nova clone only raw images
    copy-on-write; an image uploaded as qcow2 is copied whole for every volume and server made from it.
    This module finds such images in Glance's pools.
  - Nothing is changed, and no more than the first bytes of an image are read. With the Python binding
    (C(python3-rbd)) importable by the module's Python and no O(cli_prefix), one connection to the cluster
    reads the whole pool. Otherwise one C(rbd ls) lists the pool and one C(rbd export) per image writes the
    image to a pipe that the module closes, stopping the export, once the first bytes have arrived.
  - An image deleted between the listing and its read is left out.
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
extends_documentation_fragment:
  - openstack_ceph.rbd.ceph_client
  - openstack_ceph.rbd.attributes.read_only
options:
  pool:
    description:
      - Pool of the images.
      - Letters, digits, C(_), C(-) and C(.), starting with a letter, digit or C(_); at most 255 characters.
    type: str
    required: true
  namespace:
    description:
      - RBD namespace inside O(pool). Omit it for the pool's default namespace, where Glance keeps its images.
    type: str
  images:
    description:
      - The images to read. Omitted, every image of the pool (or namespace) is read.
      - An image named here that does not exist is left out of RV(images).
    type: list
    elements: str
  reader:
    description:
      - V(auto) reads with the Python binding when it can (no O(cli_prefix), C(python3-rbd) importable), else
        with the C(rbd) CLI.
      - V(binding) requires the Python binding; V(cli) always uses the C(rbd) CLI.
    type: str
    choices: [auto, binding, cli]
    default: auto
requirements:
  - C(python3-rbd) for the Python binding, or the C(rbd) CLI (package C(ceph-common)).
seealso:
  - module: openstack_ceph.rbd.rbd_image_info
'''

EXAMPLES = r'''
- name: Images in Glance's pool that Cinder and Nova cannot clone copy-on-write
  openstack_ceph.rbd.rbd_disk_format_info:
    pool: images
  register: glance_pool

- name: Say which ones
  ansible.builtin.debug:
    msg: "{{ glance_pool.images | rejectattr('disk_format', '==', 'raw') | map(attribute='name') | list }}"

- name: Two images of the dr cluster, read with the rbd CLI of a cephadm host
  openstack_ceph.rbd.rbd_disk_format_info:
    cluster: dr
    pool: images
    images: [1b2d1a8c-96d3-4c0e-8f39-2c8f0f6a3c11, 5f0c1e2a-0d61-4d4f-9a58-7a8e4c2b9d07]
    cli_prefix: [cephadm, shell, --]
'''

RETURN = r'''
images:
  description: One entry per image read, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The image's name.
      type: str
    disk_format:
      description: The disk format its first bytes begin with.
      type: str
      choices: [raw, qcow, qcow2, qed, vmdk, vhd, vhdx, vdi]
  sample:
    - {name: 1b2d1a8c-96d3-4c0e-8f39-2c8f0f6a3c11, disk_format: raw}
    - {name: 5f0c1e2a-0d61-4d4f-9a58-7a8e4c2b9d07, disk_format: qcow2}
reader:
  description: How the images were read, V(binding) (python3-rbd) or V(cli) (C(rbd export)).
  returned: always
  type: str
  sample: binding
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CEPH_CLIENT_ARGUMENT_SPEC, CephCLI, connection_problem)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.disk_format import (
    HAS_BINDING, HEAD_BYTES, BindingReader, ExportReader, disk_format)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.rbd import image_spec, name_problem


def choose_reader(module):
    p = module.params
    if p['reader'] == 'binding' and p['cli_prefix']:
        module.fail_json(msg="reader=binding reads with this host's python3-rbd, which cannot run behind cli_prefix: "
                             "use reader=cli or auto.")
    if p['reader'] == 'binding' and not HAS_BINDING:
        module.fail_json(msg="reader=binding needs the Python binding (package python3-rbd) for the module's "
                             "Python; install it, or use reader=cli or auto.")
    if p['reader'] == 'binding' or (p['reader'] == 'auto' and HAS_BINDING and not p['cli_prefix']):
        problem = connection_problem(p)
        if problem:
            module.fail_json(msg=problem)
        return BindingReader(module)
    return ExportReader(module, CephCLI(module))


def main():
    argument_spec = dict(
        pool=dict(type='str', required=True),
        namespace=dict(type='str'),
        images=dict(type='list', elements='str'),
        reader=dict(type='str', default='auto', choices=['auto', 'binding', 'cli']),
    )
    argument_spec.update(CEPH_CLIENT_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    checks = [(p['pool'], 'pool', 'pool'), (p['namespace'], 'namespace', 'namespace')]
    checks += [(name, 'images[%d]' % index, 'image') for index, name in enumerate(p['images'] or [])]
    for value, param, kind in checks:
        problem = name_problem(value, param, kind) if value is not None else None
        if problem:
            module.fail_json(msg=problem)
    reader = choose_reader(module)
    try:
        reader.open(p['pool'], p['namespace'])
        names = sorted(set(p['images'])) if p['images'] is not None else reader.list()
        images = []
        for name in names:
            head = reader.head(image_spec(p['pool'], p['namespace'], name), name, HEAD_BYTES)
            if head is not None:
                images.append(dict(name=name, disk_format=disk_format(head)))
    finally:
        reader.close()
    module.exit_json(changed=False, images=images, reader=reader.name)


if __name__ == '__main__':
    main()
