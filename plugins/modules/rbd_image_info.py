#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rbd_image_info
short_description: Read an RBD image, its parent, snapshots and clones
version_added: 0.1.0
description:
  - Reads one RBD image with C(rbd info) and C(rbd snap ls), and with O(list_children=true) one
    C(rbd children) per snapshot. Nothing is changed.
  - Meant for verification, such as checking that a Cinder volume is a copy-on-write clone of a
    Glance image.
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
extends_documentation_fragment:
  - openstack_ceph.rbd.ceph_client
  - openstack_ceph.rbd.attributes.read_only
options:
  pool:
    description:
      - Pool of the image.
      - Letters, digits, C(_), C(-) and C(.), starting with a letter, digit or C(_); at most 255 characters.
    type: str
    required: true
  name:
    description:
      - Name of the image.
      - Letters, digits, C(_), C(-) and C(.), starting with a letter, digit or C(_); at most 249 characters
        (Ceph refuses longer image names).
    type: str
    required: true
    aliases: [image]
  namespace:
    description:
      - RBD namespace of the image inside O(pool). Omit it for the pool's default namespace.
      - Same characters as O(name); at most 64 characters (Ceph refuses longer namespace names).
    type: str
  list_children:
    description: Report the clones of each snapshot, in the C(children) list of each snapshot in RV(image).
    type: bool
    default: false
  must_exist:
    description:
      - Fail when the image does not exist; the message says when it is the pool or the namespace that does not exist.
      - When V(false), RV(exists) says whether the image exists (V(false) also when its pool or namespace does not).
    type: bool
    default: true
requirements:
  - C(rbd) CLI on the target (package C(ceph-common)).
seealso:
  - module: openstack_ceph.rbd.rbd_image
'''

EXAMPLES = r'''
- name: Check that a Cinder volume is a clone of its Glance image
  openstack_ceph.rbd.rbd_image_info:
    pool: volumes
    name: "volume-{{ volume_id }}"
    user: cinder
    keyring: /etc/ceph/ceph.client.cinder.keyring
  register: vol
  failed_when: vol.image.parent.image != image_id

- name: Which volumes were cloned from this image
  openstack_ceph.rbd.rbd_image_info:
    pool: images
    name: "{{ image_id }}"
    list_children: true
  register: glance_image
'''

RETURN = r'''
exists:
  description: Whether the image exists.
  returned: always
  type: bool
image:
  description: The image; empty when it does not exist.
  returned: always
  type: dict
  sample:
    pool: volumes
    namespace: null
    name: volume-1
    id: 10632294abcd
    size: 1073741824
    order: 22
    object_size: 4194304
    format: 2
    features: [layering, exclusive-lock, object-map, fast-diff, deep-flatten]
    parent: {pool: images, namespace: null, image: base, snapshot: snap, overlap: 1073741824}
    snapshots: [{name: snap, protected: true, size: 1073741824, children: ["volumes/volume-1"]}]
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CEPH_CLIENT_ARGUMENT_SPEC, CephCLI)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.rbd import (
    add_children, check_names, image_spec, read_image)


def main():
    argument_spec = dict(
        pool=dict(type='str', required=True),
        name=dict(type='str', required=True, aliases=['image']),
        namespace=dict(type='str'),
        list_children=dict(type='bool', default=False),
        must_exist=dict(type='bool', default=True),
    )
    argument_spec.update(CEPH_CLIENT_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    p = module.params
    check_names(module, pool=p['pool'], name=p['name'], namespace=p['namespace'])
    spec = image_spec(p['pool'], p['namespace'], p['name'])
    cli = CephCLI(module)
    exists, dummy, image = read_image(cli, spec, p['pool'], p['namespace'], with_snapshots=True,
                                      container_must_exist=p['must_exist'])
    if not exists:
        if p['must_exist']:
            module.fail_json(msg="RBD image %s does not exist." % spec)
        module.exit_json(changed=False, exists=False, image={})
    if p['list_children']:
        add_children(cli, spec, image)
    module.exit_json(changed=False, exists=True, image=image)


if __name__ == '__main__':
    main()
