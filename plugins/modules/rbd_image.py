#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: rbd_image
short_description: Manage an RBD image, its snapshots and clones
version_added: 0.1.0
description:
  - Creates, resizes, clones, flattens or deletes one RBD image, and creates, protects, unprotects or
    removes its snapshots, with the C(rbd) CLI. M(openstack_ceph.rbd.rbd_image_info) only reads one.
  - Meant for verification and image flows, such as checking that a Cinder volume is a copy-on-write
    clone of a Glance image.
  - When nothing changes the module reads C(rbd info), plus C(rbd snap ls) when snapshots are managed
    or reported, plus one C(rbd children) per snapshot when O(list_children=true).
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
extends_documentation_fragment:
  - openstack_ceph.rbd.ceph_client
attributes:
  check_mode:
    support: full
    description: Reads run; writes are skipped; RV(ignore:changed) and the diff predict what a real run does.
  diff_mode:
    support: full
    description: Before and after of the size, parent and snapshots.
  idempotent:
    support: full
    description: A second run with the same options reports no change.
options:
  pool:
    description:
      - Pool of the image. It must exist; with O(state=present) a missing pool fails the task, in check mode too.
      - Letters, digits, C(_), C(-) and C(.), starting with a letter, digit or C(_); at most 255 characters.
    type: str
    required: true
  name:
    description:
      - Name of the image.
      - Letters, digits, C(_), C(-) and C(.), starting with a letter, digit or C(_); at most 249 characters
        (Ceph refuses longer image names). C(rbd) itself takes more (spaces, control characters, any
        unicode but C(/) and C(@)); the module refuses those, so a stray newline never names an image.
    type: str
    required: true
    aliases: [image]
  namespace:
    description:
      - RBD namespace of the image inside O(pool). Omit it for the pool's default namespace. The namespace
        must exist (see C(rbd namespace create)).
      - Same characters as O(name); at most 64 characters (Ceph refuses longer namespace names).
    type: str
  state:
    description:
      - V(present) creates the image (empty with O(size), or as a clone of O(clone_from)) and applies
        O(size), O(snapshots) and O(flatten).
      - V(absent) deletes the image. Snapshots must be gone first, or set O(purge_snapshots=true).
    type: str
    choices: [present, absent]
    default: present
  size:
    description:
      - Image size, a whole number with an optional unit C(K), C(M), C(G), C(T) (powers of 1024); no unit
        means MiB, as for the C(rbd) CLI. Must be a whole number of KiB, at least 1 KiB and at most
        18014398509481983K (2^64 - 1024 bytes, the largest size the C(rbd) CLI takes).
      - An image with the C(object-map) feature (on by default) holds at most 256000000 objects, so with
        the default 4 MiB objects at most 1024000000M (about 976 TiB); Ceph refuses a larger size, and so
        does the module (for an existing image, also in check mode).
      - Growing is done in place; shrinking needs O(allow_shrink=true).
    type: str
  allow_shrink:
    description: Allow O(size) to make the image smaller, discarding data past the new end.
    type: bool
    default: false
  clone_from:
    description:
      - Create the image as a copy-on-write clone of this snapshot, C(POOL/IMAGE@SNAP) or
        C(POOL/NAMESPACE/IMAGE@SNAP). The snapshot must be protected. Each part follows the rules of
        O(pool), O(namespace), O(name) and the snapshot O(snapshots[].name).
      - When the image is to be created, the module reads the snapshot first (also in check mode) and fails
        if its pool, namespace, image or the snapshot itself does not exist.
      - For an existing image with a different parent this is an error; a flattened clone (no parent) is left alone.
    type: str
  flatten:
    description: Copy all data from the parent so the image no longer depends on it.
    type: bool
    default: false
  snapshots:
    description: Snapshots to manage. Snapshots not listed are left alone.
    type: list
    elements: dict
    suboptions:
      name:
        description: Snapshot name. Same characters as O(name); at most 249 characters.
        type: str
        required: true
      state:
        description: V(present) creates it, V(absent) removes it (unprotecting it first).
        type: str
        choices: [present, absent]
        default: present
      protected:
        description: Protect the snapshot (needed to clone it). When omitted, protection is not managed.
        type: bool
  purge_snapshots:
    description: With O(state=absent), remove all the image's snapshots first (unprotecting them).
    type: bool
    default: false
  list_children:
    description: Report the clones of each snapshot, in the C(children) list of each snapshot in RV(image).
    type: bool
    default: false
requirements:
  - C(rbd) CLI on the target (package C(ceph-common)).
seealso:
  - module: openstack_ceph.rbd.rbd_image_info
  - module: openstack_ceph.rbd.ceph_pool
'''

EXAMPLES = r'''
- name: A base image with a protected snapshot, ready to clone
  openstack_ceph.rbd.rbd_image:
    pool: images
    name: base
    size: 1G
    snapshots:
      - name: snap
        protected: true

- name: A copy-on-write clone of it
  openstack_ceph.rbd.rbd_image:
    pool: volumes
    name: volume-1
    clone_from: images/base@snap

- name: Remove an image and its snapshots
  openstack_ceph.rbd.rbd_image:
    pool: images
    name: base
    state: absent
    purge_snapshots: true
'''

RETURN = r'''
image:
  description: The image after the run (predicted in check mode); empty when absent.
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
commands:
  description: The C(rbd) commands run (or, in check mode, that would run).
  returned: always
  type: list
  elements: str
  sample: ["rbd clone images/base@snap volumes/volume-1"]
'''

import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    CEPH_CLIENT_ARGUMENT_SPEC, CephCLI, control_problem, describe)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.rbd import (
    add_children, check_names, image_spec, missing_what, name_problem, read_image)

# \Z, not $; at most 30 digits, so that int() never sees a number of a million digits.
SIZE_RE = re.compile(r'^ *([0-9]{1,30}) *([KMGT]?)(i?B)? *\Z', re.IGNORECASE)
UNITS = {'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}
# The largest --size the rbd CLI takes (Ceph 16.2): 18014398509481983K; one KiB more is "invalid".
SIZE_MAX = ((1 << 64) - 1) // 1024 * 1024
# librbd refuses an image with the object-map feature of more objects than this ("image size not
# compatible with object map"); measured: 1024000000M is the largest size with 4 MiB objects.
OBJECT_MAP_MAX_OBJECTS = 256000000
CLONE_RE = re.compile(r'^([^/@]+)/(?:([^/@]+)/)?([^/@]+)@([^/@]+)\Z')


def parse_size(module, text):
    problem = control_problem(text, 'size')
    if problem:
        module.fail_json(msg=problem)
    m = SIZE_RE.match(text or '')
    if not m:
        module.fail_json(msg="size %r is not a size: use a whole number with an optional unit K, M, G or T, "
                             "such as 10G." % text)
    value = int(m.group(1)) * UNITS[(m.group(2) or 'M').upper()]
    if value <= 0:
        module.fail_json(msg="size must be larger than 0, got %r." % text)
    if value > SIZE_MAX:
        module.fail_json(msg="size %r is too large: the rbd CLI takes at most %dK (2^64 - 1024 bytes)."
                             % (text, SIZE_MAX // 1024))
    return value


def object_map_problem(spec, size, image):
    """Why librbd would refuse size for this existing image (object-map limit), or None."""
    object_size = image.get('object_size') or (1 << (image.get('order') or 22))
    if 'object-map' not in (image.get('features') or []):
        return None
    objects = -(-size // object_size)
    if objects <= OBJECT_MAP_MAX_OBJECTS:
        return None
    return ("size %d bytes is too large for RBD image %s: with the object-map feature an image holds at most "
            "%d objects of %d bytes, %d bytes." % (size, spec, OBJECT_MAP_MAX_OBJECTS, object_size,
                                                   OBJECT_MAP_MAX_OBJECTS * object_size))


def run_step(cli, spec, cmd):
    rc, out, err = cli.rbd(cmd, check_rc=False)
    if rc == 0:
        return
    if 'compatible with object map' in (err or ''):
        cli.module.fail_json(msg="%s failed: the size is too large for RBD image %s with the object-map feature "
                                 "(at most %d objects; with 4 MiB objects 1024000000M)."
                                 % (describe('rbd', cmd), spec, OBJECT_MAP_MAX_OBJECTS),
                             cmd=cli.argv('rbd', cmd), rc=rc, stderr=err)
    cli.fail(cli.argv('rbd', cmd), rc, out, err, describe('rbd', cmd))


def check_clone_parent(cli, clone_from, groups):
    """Fail unless the snapshot clone_from names exists (one `rbd info POOL/IMAGE@SNAP`)."""
    pool, namespace, image, snap = groups
    rc, info, err = cli.rbd_json(['info', clone_from], check_rc=False)
    if rc == 0:
        return info
    if rc == 2 or 'No such file' in (err or ''):
        missing = missing_what(err, pool, namespace)
        if missing is None:
            if 'snapshot' in (err or ''):
                missing = "snapshot %s of image %s does not exist" % (snap, image_spec(pool, namespace, image))
            else:
                missing = "image %s does not exist" % image_spec(pool, namespace, image)
        cli.module.fail_json(msg="clone_from %s: %s." % (clone_from, missing), rc=rc, stderr=err)
    cli.fail(cli.argv('rbd', ['info', clone_from]), rc, '', err, 'rbd info %s' % clone_from)


def main():
    argument_spec = dict(
        pool=dict(type='str', required=True),
        name=dict(type='str', required=True, aliases=['image']),
        namespace=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        size=dict(type='str'),
        allow_shrink=dict(type='bool', default=False),
        clone_from=dict(type='str'),
        flatten=dict(type='bool', default=False),
        snapshots=dict(type='list', elements='dict', options=dict(
            name=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            protected=dict(type='bool'),
        )),
        purge_snapshots=dict(type='bool', default=False),
        list_children=dict(type='bool', default=False),
    )
    argument_spec.update(CEPH_CLIENT_ARGUMENT_SPEC)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[('size', 'clone_from')])
    p = module.params
    check_names(module, pool=p['pool'], name=p['name'], namespace=p['namespace'])
    for index, snap in enumerate(p['snapshots'] or []):
        problem = name_problem(snap['name'], 'snapshots[%d].name' % index, 'snapshot')
        if problem:
            module.fail_json(msg=problem)
    want_size = parse_size(module, p['size']) if p['size'] is not None else None
    if want_size is not None and want_size % 1024:
        module.fail_json(msg="size must be a whole number of KiB.")
    clone = CLONE_RE.match(p['clone_from']) if p['clone_from'] else None
    if p['clone_from'] is not None and not clone:
        module.fail_json(msg="clone_from %r must be POOL/IMAGE@SNAP or POOL/NAMESPACE/IMAGE@SNAP." % p['clone_from'])
    if clone:
        for part, value, kind in zip(('pool', 'namespace', 'image', 'snapshot'), clone.groups(),
                                     ('pool', 'namespace', 'image', 'snapshot')):
            problem = value is not None and name_problem(value, 'clone_from %s' % part, kind)
            if problem:
                module.fail_json(msg=problem)

    spec = image_spec(p['pool'], p['namespace'], p['name'])
    cli = CephCLI(module)
    # A missing pool or namespace fails a present image here, in check mode as in a real run (an absent
    # image in a missing pool is absent).
    exists, dummy, have = read_image(cli, spec, p['pool'], p['namespace'],
                                     with_snapshots=bool(p['snapshots'] or p['list_children'] or p['state'] == 'absent'),
                                     container_must_exist=p['state'] == 'present')
    snaps = have['snapshots'] if have else None

    def with_children(image):
        # A clone can only hang off a snapshot that exists for real, not one check mode predicts.
        if image and p['list_children'] and (exists or not module.check_mode):
            add_children(cli, spec, image)
        return image

    commands = []
    if p['state'] == 'absent':
        if exists:
            if snaps:
                if not p['purge_snapshots']:
                    module.fail_json(msg="RBD image %s has snapshots (%s): remove them first or set purge_snapshots: true."
                                     % (spec, ', '.join(s['name'] for s in have['snapshots'])))
                for snap in have['snapshots']:
                    if snap['protected']:
                        commands.append(['snap', 'unprotect', '%s@%s' % (spec, snap['name'])])
                commands.append(['snap', 'purge', '--no-progress', spec])
            commands.append(['rm', '--no-progress', spec])
            if not module.check_mode:
                for cmd in commands:
                    run_step(cli, spec, cmd)
        module.exit_json(changed=exists, image={}, commands=[' '.join(['rbd'] + c) for c in commands],
                         diff=dict(before={'image': spec, 'state': 'present' if exists else 'absent'},
                                   after={'image': spec, 'state': 'absent'}))

    after = dict(have) if have else dict(pool=p['pool'], namespace=p['namespace'], name=p['name'],
                                         size=want_size, parent=None, snapshots=[])
    if not exists:
        if clone:
            src_pool, src_ns, src_image, src_snap = clone.groups()
            check_clone_parent(cli, p['clone_from'], clone.groups())
            commands.append(['clone', p['clone_from'], spec])
            after['parent'] = dict(pool=src_pool, namespace=src_ns, image=src_image, snapshot=src_snap)
        elif want_size is None:
            module.fail_json(msg="RBD image %s does not exist: give size (or clone_from) to create it." % spec)
        else:
            commands.append(['create', '--size', '%dK' % (want_size // 1024), spec])
    else:
        if clone and have['parent']:
            src_pool, src_ns, src_image, src_snap = clone.groups()
            live_parent = (have['parent']['pool'], have['parent']['namespace'], have['parent']['image'],
                           have['parent']['snapshot'])
            if live_parent != (src_pool, src_ns, src_image, src_snap):
                module.fail_json(msg="RBD image %s is a clone of %s, not of %s." % (
                    spec, '%s/%s@%s' % ('/'.join(x for x in live_parent[:2] if x), live_parent[2], live_parent[3]),
                    p['clone_from']))
        if want_size is not None and want_size != have['size']:
            if want_size < have['size'] and not p['allow_shrink']:
                module.fail_json(msg="RBD image %s is %d bytes; size %s would shrink it: set allow_shrink: true "
                                     "to discard the data past the new end." % (spec, have['size'], p['size']))
            problem = object_map_problem(spec, want_size, have)
            if problem:
                module.fail_json(msg=problem)
            commands.append(['resize', '--no-progress', '--size', '%dK' % (want_size // 1024), spec]
                            + (['--allow-shrink'] if want_size < have['size'] else []))
            after['size'] = want_size
    if p['flatten'] and after.get('parent'):
        commands.append(['flatten', '--no-progress', spec])
        after['parent'] = None

    live_snaps = dict((s['name'], s) for s in (have or {}).get('snapshots') or [])
    new_snaps = [dict(s) for s in (have or {}).get('snapshots') or []]
    for snap in p['snapshots'] or []:
        sspec = '%s@%s' % (spec, snap['name'])
        current = live_snaps.get(snap['name'])
        if snap['state'] == 'absent':
            if current:
                if current['protected']:
                    commands.append(['snap', 'unprotect', sspec])
                commands.append(['snap', 'rm', '--no-progress', sspec])
                new_snaps = [s for s in new_snaps if s['name'] != snap['name']]
            continue
        if not current:
            commands.append(['snap', 'create', '--no-progress', sspec])
            current = dict(name=snap['name'], protected=False, size=after.get('size'))
            new_snaps.append(current)
        if snap['protected'] is not None and snap['protected'] != current['protected']:
            commands.append(['snap', 'protect' if snap['protected'] else 'unprotect', sspec])
            for s in new_snaps:
                if s['name'] == snap['name']:
                    s['protected'] = snap['protected']
    after['snapshots'] = new_snaps

    if commands and not module.check_mode:
        for cmd in commands:
            run_step(cli, spec, cmd)
        after = read_image(cli, spec, p['pool'], p['namespace'], with_snapshots=True)[2]
    shown = ('size', 'parent', 'snapshots')
    before = dict((k, have.get(k)) for k in shown) if have else {}
    module.exit_json(changed=bool(commands), image=with_children(after),
                     commands=[' '.join(['rbd'] + c) for c in commands],
                     diff=dict(before=before, after=dict((k, after.get(k)) for k in shown)))


if __name__ == '__main__':
    main()
