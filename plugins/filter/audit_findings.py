# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
name: audit_findings
short_description: Turns what a read-only comparison found into audit findings
version_added: 0.3.0
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
description:
  - >-
    The drift audit (C(playbooks/audit.yml)) runs the collection's own modules in check mode, with the inputs
    C(site.yml) gives them, and reads the services' files. This filter turns one such result into findings,
    each V({host, check, item, ok, detail}), the records P(openstack_ceph.rbd.audit_report#filter) writes as
    JSON and JUnit XML. It is the one place where the checks are named and their findings worded.
  - >-
    A finding is made for every item compared, in order, whether it drifted (C(ok) V(false)) or not. A check
    that looks for what should not be there (V(secret_orphans), V(raw_images)) makes one finding per offender,
    or one passing finding for the place it looked in when there is none.
  - >-
    Inputs may hold keys (a module's result read with C(return_key)); findings never do. They name entities,
    paths, UUIDs, pools and options, and say what differs, never a key or a secret's value.
  - >-
    The checks, by O(kind). V(config) - C(config), each option the service's role manages in its file.
    V(direct_url) - C(direct_url), glance-api.conf's C([DEFAULT] show_image_direct_url = True), which copy-on-write
    clones need whatever the declaration says. V(keyrings) - C(keyring_key), the key in each keyring file is
    the key Ceph has for its entity, and C(keyring_access), the file's owner, group and mode. V(secrets) -
    C(secret_key), each libvirt secret the node needs is defined as declared and holds the key Ceph has, and
    C(secret_orphans), libvirt secrets of usage type C(ceph) that nothing declared names. V(caps) - C(caps),
    each cephx user's capabilities. V(pools) - C(pools), each pool's declared settings, its application and
    RBD initialisation among them. V(disk_formats) - C(raw_images), the images of a Glance pool are raw.
    V(reached) - C(reached), every read the audit makes on the host was done (the host was reached, and no read
    failed).
positional: kind, host
options:
  _input:
    description:
      - V(config), the options the role writes, V({section, option, value}) items.
      - V(direct_url), the text of glance-api.conf as read, or V(None) when it could not be read.
      - V(keyrings), the result of M(openstack_ceph.rbd.ceph_keyring) run in check mode (failed or not).
      - V(secrets), the result of M(openstack_ceph.rbd.virsh_secret) run in check mode with C(secrets) (failed
        or not).
      - A failed module result makes one failing finding that gives its message.
      - V(caps), the result of M(openstack_ceph.rbd.ceph_key) run in check mode with C(users).
      - V(pools), the result of M(openstack_ceph.rbd.ceph_pool) run in check mode with C(pools).
      - V(disk_formats), the result of M(openstack_ceph.rbd.rbd_disk_format_info).
      - V(reached), whether every read on the host was done, a boolean.
    type: raw
    required: true
  kind:
    description: What the input is, which names the checks (see the description).
    type: str
    required: true
    choices: [config, direct_url, keyrings, secrets, caps, pools, disk_formats, reached]
  host:
    description: The inventory host the comparison ran for (C(inventory_hostname)).
    type: str
    required: true
  content:
    description: V(config), the file's text as read, V(None) when it could not be read.
    type: str
  path:
    description: V(config) and V(direct_url), the file's path.
    type: str
  error:
    description: V(config) and V(direct_url), why the file could not be read (the C(slurp) message).
    type: str
  hide:
    description:
      - V(config), options whose values are not shown (the operator's extra options, which might hold a
        password), as V({section, option}) items; an item without C(section) hides the option in every section.
    type: list
    elements: dict
  pending:
    description:
      - V(keyrings), the keyrings with no key to compare, V({path, entity}) items (a user that does not exist
        in Ceph, in check mode).
      - V(secrets), the UUIDs of the secrets with no key to compare, for the same reason.
    type: list
    elements: raw
  owner:
    description: V(keyrings), the owner the keyrings should have.
    type: str
  group:
    description: V(keyrings), the group the keyrings should have.
    type: str
  mode:
    description: V(keyrings), the mode the keyrings should have.
    type: str
  known:
    description:
      - V(secrets), UUIDs of libvirt secrets of usage type C(ceph) that something else manages; they are not
        orphans (C(openstack_ceph_audit_known_secrets)).
    type: list
    elements: str
  cluster:
    description: V(caps), V(pools) and V(disk_formats), the cluster the result is from.
    type: str
  pool:
    description: V(disk_formats), the pool read.
    type: str
'''

EXAMPLES = r'''
- name: Compare the keyrings with the keys in Ceph (check mode, nothing is written)
  openstack_ceph.rbd.ceph_keyring:
    keyrings: "{{ keyring_files }}"
  check_mode: true
  register: keyrings_read
  no_log: true

- name: What was found
  ansible.builtin.set_fact:
    findings: >-
      {{ keyrings_read | openstack_ceph.rbd.audit_findings('keyrings', inventory_hostname,
         owner='glance', group='glance', mode='0640') }}
'''

RETURN = r'''
_value:
  description:
    - The findings, V({host, check, item, ok, detail}), in the order the items were compared. C(item) names what
      was compared (a path, C(<path> [section] option), a UUID, C(<cluster> <entity>), C(<cluster>/<pool>) or
      C(<cluster>/<pool>/<image>)); C(detail) says what was found, and on drift what differs and what
      C(site.yml) does about it.
  type: list
  elements: dict
'''

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

from ansible_collections.openstack_ceph.rbd.plugins.filter.ini_pending import ini_pending

# Every check of the audit and what it asks, in report order (audit_report lists them so).
CHECKS = (
    ('caps', "each cephx user's capabilities in Ceph are the declared ones"),
    ('pools', "each pool has its declared settings, its application and RBD initialisation among them"),
    ('keyring_key', "each keyring file holds the key Ceph has for its entity"),
    ('keyring_access', "each keyring file has the declared owner, group and mode"),
    ('secret_key', "each libvirt secret a compute node needs is defined as declared and holds the key Ceph has"),
    ('secret_orphans', "no libvirt secret of usage type ceph that nothing declared names"),
    ('config', "each option the collection manages in a service's configuration file has the declared value"),
    ('direct_url', "glance-api.conf has show_image_direct_url = True, which copy-on-write clones need"),
    ('raw_images', "the images in Glance's pools are raw (Cinder and Nova clone only raw images)"),
    ('reached', "the host was audited: it was reached and every read on it succeeded"),
)
KINDS = ('config', 'direct_url', 'keyrings', 'secrets', 'caps', 'pools', 'disk_formats', 'reached')
DIRECT_URL = {'section': 'DEFAULT', 'option': 'show_image_direct_url', 'value': True}
# The finding of a module that failed: its check, and the item naming what could not be read.
FAILED_READS = {'keyrings': ('keyring_key', 'keyrings'), 'secrets': ('secret_key', 'libvirt'),
                'caps': ('caps', '%(cluster)s'), 'pools': ('pools', '%(cluster)s'),
                'disk_formats': ('raw_images', '%(cluster)s/%(pool)s')}
DEFINITION_KEYS = ('usage_type', 'usage_name', 'description', 'ephemeral', 'private')


def finding(host, check, item, ok, detail):
    return {'host': host, 'check': check, 'item': item, 'ok': bool(ok), 'detail': detail}


def _option_item(path, option):
    return '%s [%s] %s' % (path, option.get('section'), option.get('option'))


def _unread(path, error):
    if error:
        return '%s could not be read: %s' % (path, error)
    return '%s is empty' % path


def config_findings(options, host, content=None, path=None, error=None, hide=None):
    hidden = [(h.get('section'), h.get('option')) for h in hide or []]
    pending = ini_pending(list(options), content if content else None)
    out = []
    for option in options:
        shown = not [h for h in hidden if h[1] == option.get('option') and h[0] in (None, option.get('section'))]
        value = "'%s'" % option.get('value') if shown else 'the declared value (not shown: an extra option)'
        if option not in pending:
            out.append(finding(host, 'config', _option_item(path, option), True, 'is %s' % value))
        elif not content:
            out.append(finding(host, 'config', _option_item(path, option), False, _unread(path, error)))
        else:
            out.append(finding(host, 'config', _option_item(path, option), False,
                               'is not written as %s (site.yml writes it)' % value))
    return out


def direct_url_findings(content, host, path=None, error=None):
    item = _option_item(path, DIRECT_URL)
    if not content:
        return [finding(host, 'direct_url', item, False, _unread(path, error))]
    if ini_pending([DIRECT_URL], content):
        return [finding(host, 'direct_url', item, False,
                        "is not 'True': Glance hides the images' rbd:// locations, so Cinder and Nova copy every image "
                        "instead of cloning it (site.yml sets it unless glance_rbd_show_image_direct_url is false)")]
    return [finding(host, 'direct_url', item, True, "is 'True'")]


def keyring_findings(result, host, pending=None, owner=None, group=None, mode=None):
    out = []
    for keyring in pending or []:
        out.append(finding(host, 'keyring_key', keyring['path'], False,
                           '%s has no key in Ceph to compare with: the user does not exist (site.yml creates it, then '
                           'writes the file)' % keyring['entity']))
    wanted = '%s:%s %s' % (owner or '(any)', group or '(any)', mode)
    for keyring in result.get('keyrings') or []:
        path, entity, found = keyring['path'], keyring['entity'], keyring.get('found')
        if found is None:
            out.append(finding(host, 'keyring_key', path, False,
                               'is missing: it should hold the key of %s (site.yml writes it)' % entity))
            continue
        if keyring.get('content_changed'):
            out.append(finding(host, 'keyring_key', path, False,
                               'does not hold the key Ceph has for %s, or holds more (site.yml rewrites it)' % entity))
        else:
            out.append(finding(host, 'keyring_key', path, True, 'holds the key Ceph has for %s' % entity))
        have = '%s:%s %s' % (found.get('owner'), found.get('group'), found.get('mode'))
        if keyring.get('attributes_changed'):
            out.append(finding(host, 'keyring_access', path, False,
                               'is %s, declared %s (site.yml sets them)' % (have, wanted)))
        else:
            out.append(finding(host, 'keyring_access', path, True, 'is %s' % have))
    return out


def _secret_problem(diff):
    """What differs in one secret's check-mode diff, never its value."""
    before, after = diff.get('before') or {}, diff.get('after') or {}
    if not before:
        return 'is not defined (site.yml defines it)'
    problems = ['its %s is %r, declared %r' % (key, before.get(key), after.get(key))
                for key in DEFINITION_KEYS if before.get(key) != after.get(key)]
    if not before.get('has_value'):
        problems.append('it holds no value')
    elif 'value' in before:
        problems.append('it holds another key than the one Ceph has')
    return '; '.join(problems or ['differs']) + ' (site.yml sets it)'


def secret_findings(result, host, pending=None, known=None):
    pending = [str(u).lower() for u in pending or []]
    known = [str(u).lower() for u in known or []]
    diffs = dict(((d.get('after') or {}).get('uuid'), d) for d in result.get('diff') or [])
    out = [finding(host, 'secret_key', uuid, False, 'has no key in Ceph to compare with: the user does not exist '
                   '(site.yml creates it, then sets the secret)') for uuid in pending]
    for secret in result.get('secrets') or []:
        uuid, usage = secret['uuid'], secret.get('usage_name')
        if uuid in diffs:
            out.append(finding(host, 'secret_key', uuid, False, "secret '%s' %s" % (usage, _secret_problem(diffs[uuid]))))
        else:
            out.append(finding(host, 'secret_key', uuid, True, "secret '%s' holds the key Ceph has" % usage))
    orphans = [s for s in result.get('other_secrets') or [] if s.get('usage_type') == 'ceph']
    for secret in orphans:
        if secret['uuid'] in known:
            out.append(finding(host, 'secret_orphans', secret['uuid'], True, "secret '%s' is not declared; "
                               "openstack_ceph_audit_known_secrets lists it" % secret.get('usage_name')))
        else:
            out.append(finding(host, 'secret_orphans', secret['uuid'], False, "secret '%s' is not declared for this "
                               "node: nothing the collection configures names it (site.yml leaves it; undefine it "
                               "if nothing uses it, or list it in openstack_ceph_audit_known_secrets)"
                               % secret.get('usage_name')))
    if not orphans:
        out.append(finding(host, 'secret_orphans', 'libvirt', True, 'no ceph secret besides the declared ones'))
    return out


def _caps_text(caps):
    return ', '.join("%s '%s'" % (daemon, caps[daemon]) for daemon in sorted(caps)) or 'none'


def caps_findings(result, host, cluster=None):
    diffs = dict(((d.get('after') or {}).get('entity'), d) for d in (result or {}).get('diff') or [])
    out = []
    for user in (result or {}).get('users') or []:
        entity = user['entity']
        item = '%s %s' % (cluster, entity)
        diff = diffs.get(entity)
        if not user.get('changed'):
            out.append(finding(host, 'caps', item, True, _caps_text(user.get('caps') or {})))
        elif diff is None or (diff.get('before') or {}).get('state') == 'absent':
            out.append(finding(host, 'caps', item, False, 'does not exist in Ceph (site.yml creates it)'))
        else:
            before, after = diff['before'].get('caps') or {}, diff['after'].get('caps') or {}
            daemons = sorted(set(before) | set(after))
            differ = ["%s is '%s', declared '%s'" % (d, before.get(d, ''), after.get(d, ''))
                      for d in daemons if before.get(d) != after.get(d)]
            out.append(finding(host, 'caps', item, False, '; '.join(differ) + ' (site.yml sets the declared caps, '
                               'keeping the key)'))
    return out


def pool_findings(result, host, cluster=None):
    out = []
    for pool in (result or {}).get('pools') or []:
        item = '%s/%s' % (cluster, pool['name'])
        if pool.get('changed'):
            commands = '; '.join(pool.get('commands') or []) or 'its creation'
            out.append(finding(host, 'pools', item, False, 'site.yml would run: %s' % commands))
        else:
            applications = (pool.get('pool') or {}).get('applications') or []
            out.append(finding(host, 'pools', item, True, 'as declared, application %s' % (', '.join(applications) or 'none')))
    return out


def disk_format_findings(result, host, cluster=None, pool=None):
    images = (result or {}).get('images') or []
    others = [i for i in images if i.get('disk_format') != 'raw']
    out = [finding(host, 'raw_images', '%s/%s/%s' % (cluster, pool, i['name']), False,
                   'is %s, not raw: Cinder and Nova cannot clone it, so every volume and server made from it is a '
                   'full copy (site.yml does not convert or delete images: upload it again as raw)' % i['disk_format'])
           for i in others]
    if not others:
        out.append(finding(host, 'raw_images', '%s/%s' % (cluster, pool), True,
                           '%d image%s, all raw' % (len(images), '' if len(images) == 1 else 's')))
    return out


def audit_findings(value, kind, host, content=None, path=None, error=None, hide=None, pending=None, owner=None,
                   group=None, mode=None, known=None, cluster=None, pool=None):
    """Findings {host, check, item, ok, detail} of one comparison; see DOCUMENTATION."""
    if kind not in KINDS:
        raise AnsibleFilterError('audit_findings: kind must be one of %s, got %r.' % (', '.join(KINDS), kind))
    if not isinstance(host, string_types) or not host:
        raise AnsibleFilterError('audit_findings: host must be the inventory host name, got %r.' % (host,))
    if kind == 'config':
        if not isinstance(value, (list, tuple)) or not all(isinstance(o, Mapping) for o in value):
            raise AnsibleFilterError('audit_findings: config takes the list of {section, option, value} the role writes.')
        return config_findings(value, host, content=content, path=path, error=error, hide=hide)
    if kind == 'direct_url':
        return direct_url_findings(value, host, path=path, error=error)
    if kind == 'reached':
        if not isinstance(value, bool):
            raise AnsibleFilterError('audit_findings: reached takes whether every read on the host was done (a boolean).')
        return [finding(host, 'reached', host, value, 'audited' if value else 'not audited: it was not reached, or a read '
                        'on it failed (see the run\'s output); its findings are missing')]
    if not isinstance(value, Mapping):
        raise AnsibleFilterError('audit_findings: %s takes a module\'s registered result (a dictionary).' % kind)
    if value.get('failed'):
        check, item = FAILED_READS[kind]
        return [finding(host, check, item % dict(cluster=cluster, pool=pool), False, 'could not be compared: %s'
                        % (value.get('msg') or 'the module failed'))]
    if kind == 'keyrings':
        return keyring_findings(value, host, pending=pending, owner=owner, group=group, mode=mode)
    if kind == 'secrets':
        return secret_findings(value, host, pending=pending, known=known)
    if kind == 'caps':
        return caps_findings(value, host, cluster=cluster)
    if kind == 'pools':
        return pool_findings(value, host, cluster=cluster)
    return disk_format_findings(value, host, cluster=cluster, pool=pool)


class FilterModule(object):
    def filters(self):
        return {'audit_findings': audit_findings}
