# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading an RBD image's state, shared by rbd_image and rbd_image_info."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

NAME_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.\-]*$')


def image_spec(pool, namespace, name):
    return '/'.join(x for x in (pool, namespace, name) if x)


def check_names(module, **names):
    for key, value in names.items():
        if value is not None and not NAME_RE.match(value):
            module.fail_json(msg="%s %r is not a valid RBD name: use letters, digits, '_', '-' and '.'." % (key, value))


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


def read_image(cli, spec, pool, namespace, with_snapshots):
    """(exists, raw info, state). One `rbd info`, plus one `rbd snap ls` when with_snapshots."""
    rc, info, err = cli.rbd_json(['info', spec], check_rc=False)
    if rc != 0 and rc != 2 and 'No such file' not in err:
        cli.fail(cli.argv('rbd', ['info', spec]), rc, '', err, 'rbd info %s' % spec)
    if rc != 0:
        return False, None, None
    snaps = cli.rbd_json(['snap', 'ls', spec])[1] if with_snapshots else []
    return True, info, image_state(info, pool, namespace, snaps)


def add_children(cli, spec, image):
    """List each snapshot's clones, as POOL[/NAMESPACE]/IMAGE, into image['snapshots'][]['children']."""
    for snap in image.get('snapshots') or []:
        dummy, kids, dummy2 = cli.rbd_json(['children', '%s@%s' % (spec, snap['name'])])
        snap['children'] = [image_spec(k['pool'], k.get('pool_namespace'), k['image']) for k in (kids or [])]
    return image
