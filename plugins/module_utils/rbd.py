# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an RBD image's state, shared by rbd_image and rbd_image_info."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# \Z, not $: '$' also matches before a trailing newline, which let 'img\n' through and the rbd CLI
# created an image of that name. rbd itself takes almost anything but '/' and '@' (spaces, newlines,
# tabs, unicode): the modules take less, the names OpenStack and operators use.
NAME_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z')
# Longest names, measured on Ceph 16.2: an image name of 250 bytes fails with (36) File name too long,
# a namespace of 65. Snapshot names are taken up to the image limit (rbd takes longer ones, and
# crashed on a 100000-byte one); pool names as ceph_pool takes them.
NAME_MAX = dict(pool=255, namespace=64, image=249, snapshot=249)
NAME_RULE = "letters, digits, '_', '-' and '.', starting with a letter, digit or '_'"


def name_problem(value, param, kind):
    """Why value is not a valid RBD name of kind (pool, namespace, image, snapshot), or None."""
    if not isinstance(value, str) or not value:
        return "%s must not be empty." % param
    if not NAME_RE.match(value):
        return "%s %r is not a valid %s name: use %s." % (param, value, kind, NAME_RULE)
    if len(value) > NAME_MAX[kind]:
        return "%s is not a valid %s name: at most %d characters, got %d." % (param, kind, NAME_MAX[kind], len(value))
    return None


def image_spec(pool, namespace, name):
    return '/'.join(x for x in (pool, namespace, name) if x)


def check_names(module, pool, name, namespace=None):
    for key, value, kind in (('pool', pool, 'pool'), ('namespace', namespace, 'namespace'), ('name', name, 'image')):
        if key == 'namespace' and value is None:
            continue
        problem = name_problem(value, key, kind)
        if problem:
            if key == 'namespace' and value == '':
                problem += " Omit namespace for the pool's default namespace."
            module.fail_json(msg=problem)


def image_state(info, pool, namespace, snaps):
    """The returned form of `rbd info --format json` plus `rbd snap ls --format json`."""
    parent = info.get('parent')
    return dict(
        pool=pool, namespace=namespace, name=info['name'], id=info.get('id'), size=info['size'],
        order=info.get('order'), object_size=info.get('object_size'), format=info.get('format'),
        features=info.get('features', []),
        parent=dict(pool=parent['pool'], namespace=parent.get('pool_namespace') or None, image=parent['image'],
                    snapshot=parent['snapshot'], overlap=parent.get('overlap')) if parent else None,
        snapshots=[dict(name=s['name'], protected=str(s.get('protected')).lower() == 'true', size=s.get('size'))
                   for s in snaps] if snaps is not None else None,
    )


def missing_what(err, pool, namespace):
    """What `rbd info` (rc 2) says is missing: 'pool X does not exist', 'namespace ...', or None for the image.

    Ceph 16.2 prints "rbd: error opening pool 'P': (2) No such file or directory" for a missing pool,
    "rbd: namespace 'N' does not exist." for a missing namespace and "rbd: error opening image I: (2) ..."
    for a missing image."""
    err = err or ''
    if 'error opening pool' in err:
        return "pool %s does not exist" % pool
    if 'namespace' in err and 'does not exist' in err:
        return "namespace %s does not exist in pool %s" % (namespace, pool)
    return None


def read_image(cli, spec, pool, namespace, with_snapshots, container_must_exist=False):
    """(exists, raw info, state). One `rbd info`, plus one `rbd snap ls` when with_snapshots.

    With container_must_exist, a missing pool or namespace fails the module (the image could not be
    created there); otherwise it reads as a missing image."""
    rc, info, err = cli.rbd_json(['info', spec], check_rc=False)
    if rc != 0 and rc != 2 and 'No such file' not in err:
        cli.fail(cli.argv('rbd', ['info', spec]), rc, '', err, 'rbd info %s' % spec)
    if rc != 0:
        missing = missing_what(err, pool, namespace)
        if missing and container_must_exist:
            cli.module.fail_json(msg="RBD image %s: %s." % (spec, missing), rc=rc, stderr=err)
        return False, None, None
    snaps = cli.rbd_json(['snap', 'ls', spec])[1] if with_snapshots else []
    return True, info, image_state(info, pool, namespace, snaps)


def add_children(cli, spec, image):
    """List each snapshot's clones, as POOL[/NAMESPACE]/IMAGE, into image['snapshots'][]['children']."""
    for snap in image.get('snapshots') or []:
        dummy, kids, dummy2 = cli.rbd_json(['children', '%s@%s' % (spec, snap['name'])])
        snap['children'] = [image_spec(k['pool'], k.get('pool_namespace'), k['image']) for k in (kids or [])]
    return image
