#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: virsh_secret
short_description: Manage libvirt secrets holding cephx keys
version_added: 0.1.0
description:
  - Defines a libvirt secret with a fixed UUID and usage type C(ceph), and stores a cephx key in it,
    so that QEMU can open RBD disks as that Ceph user. With O(secrets), all of a host's secrets in one
    call (a compute node using several clusters has one per cluster and user).
  - An unchanged secret is neither redefined nor reported as changed. When nothing changes the module
    starts one C(virsh) process, which reads the definition, the value and the list of secrets (to find
    a usage name already taken by another secret). With O(secrets) that one process reads every secret of
    the list.
  - The key reaches C(virsh) on standard input, never on its command line.
  - Changing O(usage_name), O(private) or O(ephemeral) of an existing secret needs it undefined and
    defined again (libvirt refuses those changes in place); the module does that and stores O(value) again.
    A usage name used by another secret fails the task before anything changes (in check mode too). If
    defining the new form or storing the value fails all the same, the module defines the old secret again
    with its old value (for a private secret, whose value cannot be read, with O(value)) and fails.
  - Keys of both cephx key types are taken, C(aes) (40 base64 characters, C(AQ...==)) and C(aes256k)
    (60 characters, C(Ag...=), the type Ceph 19.2.6 and 20.2.4 added). Before a key of type C(aes256k)
    is stored, the version of the Ceph client library QEMU's librbd loads (package C(librados2), behind
    O(cli_prefix) if given) is read from the package database, once per call and only then; a client that
    cannot use such keys fails the task (in check mode too), see O(key_type_check).
author:
  - openstack_ceph.rbd contributors (@openstack-ceph)
attributes:
  check_mode:
    support: full
    description: Reads run; writes are skipped; RV(ignore:changed) and the diff predict what a real run does.
  diff_mode:
    support: full
    description: Before and after of the definition, and whether the value changes. Never the value.
  idempotent:
    support: full
    description:
      - A second run with the same options reports no change.
      - For a O(private=true) secret libvirt does not give the value back, so a value changed behind the
        module's back is not detected; see O(update_private_value).
options:
  uuid:
    description:
      - UUID of the secret, the C(rbd_secret_uuid) that cinder.conf and nova.conf name.
      - Exactly 32 hexadecimal digits in the 8-4-4-4-12 form, nothing before or after (no trailing newline).
      - Required unless O(secrets) is given.
    type: str
  secrets:
    description:
      - Several secrets in one call, each with the options above (O(uuid) required), instead of O(uuid).
        An option an item leaves out takes the value given at the top level. O(uri) and O(cli_prefix)
        apply to all.
      - Every item is checked, and planned against the one read, before the first change; two items
        with the same UUID or the same usage name are refused. If a change fails, the message names the
        secrets already changed; the failed one is put back as for a single secret.
    type: list
    elements: dict
    version_added: 0.3.0
    suboptions:
      uuid:
        description: As O(uuid).
        type: str
        required: true
      state:
        description: As O(state). Falls back to the top-level O(state).
        type: str
        choices: [present, absent]
      usage_type:
        description: As O(usage_type). Falls back to the top-level O(usage_type).
        type: str
        choices: [ceph]
      usage_name:
        description: As O(usage_name). Falls back to the top-level O(usage_name).
        type: str
      description:
        description: As O(description). Falls back to the top-level O(description).
        type: str
      ephemeral:
        description: As O(ephemeral). Falls back to the top-level O(ephemeral).
        type: bool
      private:
        description: As O(private). Falls back to the top-level O(private).
        type: bool
      value:
        description:
          - As O(value). Masked in Ansible's output and logs like the top-level one. Falls back to the
            top-level O(value).
        type: str
      update_private_value:
        description: As O(update_private_value). Falls back to the top-level O(update_private_value).
        type: bool
  state:
    description: V(present) defines the secret and sets its value; V(absent) undefines it.
    type: str
    choices: [present, absent]
    default: present
  usage_type:
    description: The secret's usage type.
    type: str
    choices: [ceph]
    default: ceph
  usage_name:
    description:
      - The usage name, for example V(client.cinder secret). libvirt allows one secret per usage name.
      - Required to create the secret; when omitted on an existing secret, its usage name is kept.
      - Printable ASCII characters (space to C(~)), not starting or ending with a space. libvirt takes more
        (newlines, any unicode), which C(virsh secret-list) cannot show faithfully; the module refuses them.
    type: str
  description:
    description:
      - Free text description stored with the secret.
      - Any text without control characters (newline, tab...) and without characters XML cannot hold.
    type: str
  ephemeral:
    description: Keep the secret in memory only (lost when libvirtd restarts).
    type: bool
    default: false
  private:
    description:
      - Refuse to reveal the value through the libvirt API. The value is then set when the secret is created
        (or redefined) and otherwise assumed current, because it cannot be read back to compare.
    type: bool
    default: false
  value:
    description:
      - The base64 cephx key to store, as printed by C(ceph auth get-key). Never logged.
      - When omitted, the value is not managed.
    type: str
  update_private_value:
    description:
      - For a O(private=true) secret, write O(value) on every run. The task then always reports a change,
        since the old value cannot be compared.
    type: bool
    default: false
  uri:
    description: The libvirt connection URI. No control characters.
    type: str
    default: qemu:///system
  cli_prefix:
    description:
      - Command words put in front of every C(virsh) call, for a libvirt that lives in a container,
        for example V([docker, exec, -i, nova_libvirt]). Standard input must stay open (C(-i)).
    type: list
    elements: str
    default: []
  key_type_check:
    description:
      - What to do when a key of type C(aes256k) is about to be stored in a secret on a node whose Ceph
        client cannot use it. Clients that can are Ceph 19.2.6 or later in 19.x, 20.2.4 or later in 20.x,
        and 21 or later; the version is that of the package C(librados2) (which QEMU's librbd loads), read
        with C(dpkg-query), else C(rpm), where C(virsh) runs (behind O(cli_prefix), for a libvirt in a
        container). It is read only when such a value is about to be stored (never for keys of type
        C(aes), nor for secrets already holding the value), with one query bounded in time; no cluster is
        contacted. Applies to every item of O(secrets).
      - V(fail) fails the task before anything changes, naming the node, the secrets and their usage
        names, and the client version found. A version that cannot be read (C(librados2) not installed,
        no C(dpkg-query) or C(rpm)) fails too, except in check mode, where it is a warning because an
        earlier task of the play may install the client.
      - V(warn) stores the value and warns with the same message.
      - V(skip) does not check, for a distribution that backported the key type to an older version.
    type: str
    choices: [fail, warn, skip]
    default: fail
    version_added: 0.3.0
requirements:
  - C(virsh) on the target (package C(libvirt-clients)) and a running libvirt daemon.
seealso:
  - module: openstack_ceph.rbd.ceph_key
'''

EXAMPLES = r'''
- name: Read the cinder key once, on the admin host
  openstack_ceph.rbd.ceph_key:
    name: client.cinder
    return_key: true
  register: cinder_key
  delegate_to: "{{ groups['ceph_admin'][0] }}"
  run_once: true
  no_log: true

- name: Give QEMU the cinder key on every compute node
  openstack_ceph.rbd.virsh_secret:
    uuid: 457eb676-33da-42ec-9a8c-9293d545c337
    usage_name: client.cinder secret
    value: "{{ cinder_key.key }}"
  no_log: true

- name: One secret per cluster on a compute node, in one call
  openstack_ceph.rbd.virsh_secret:
    secrets:
      - uuid: 457eb676-33da-42ec-9a8c-9293d545c337
        usage_name: client.cinder secret
        value: "{{ cinder_key.key }}"
      - uuid: 2f638328-76cd-598e-a2ad-e5da58fe058f
        usage_name: dr client.cinder secret
        value: "{{ dr_cinder_key.key }}"
  no_log: true

- name: Libvirt in a kolla container
  openstack_ceph.rbd.virsh_secret:
    uuid: 457eb676-33da-42ec-9a8c-9293d545c337
    usage_name: client.cinder secret
    value: "{{ cinder_key.key }}"
    cli_prefix: [docker, exec, -i, nova_libvirt]
  no_log: true
'''

RETURN = r'''
secret:
  description: The secret's definition after the run (predicted in check mode); empty when absent. Never the value.
  returned: when O(uuid) is given
  type: dict
  sample:
    uuid: 457eb676-33da-42ec-9a8c-9293d545c337
    usage_type: ceph
    usage_name: client.cinder secret
    description: null
    ephemeral: false
    private: false
    has_value: true
secrets:
  description: With O(secrets), one entry per item, in order, as RV(secret).
  returned: when O(secrets) is given
  type: list
  elements: dict
  version_added: 0.3.0
  sample:
    - uuid: 457eb676-33da-42ec-9a8c-9293d545c337
      usage_type: ceph
      usage_name: client.cinder secret
      description: null
      ephemeral: false
      private: false
      has_value: true
other_secrets:
  description:
    - With O(secrets), the other secrets libvirt holds (those the list does not name), from the same read,
      in libvirt's order. Their UUID and usage only, never a value; an audit finds orphans with it.
    - Those of this call's secrets that O(state=absent) undefines are not among them.
  returned: when O(secrets) is given
  type: list
  elements: dict
  version_added: 0.3.0
  contains:
    uuid:
      description: The secret's UUID, in lower case.
      type: str
    usage_type:
      description: Its usage type, such as V(ceph), V(volume) or V(iscsi).
      type: str
    usage_name:
      description: Its usage name (for a C(ceph) secret), volume path or target.
      type: str
  sample:
    - uuid: 0b9d3c53-5d1e-4d5f-8f0e-0e5c2f3a6e01
      usage_type: ceph
      usage_name: ext client.cinder secret
'''

import base64
import re
import uuid as uuid_module
import xml.etree.ElementTree as ET

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    VirshCLI, check_client_key_types, cephx_key_problem, check_uuid, control_problem)
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.items import item_options, wanted_items

DEFINITION_KEYS = ('usage_type', 'usage_name', 'description', 'ephemeral', 'private')
NOT_FOUND = ('Secret not found', 'no secret with matching uuid')
# \Z, not $ (which also matches before a trailing newline).
USAGE_NAME_RE = re.compile(r'^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?\Z')
# What XML 1.0 cannot hold besides the control characters (control_problem refuses those).
XML_INVALID_RE = re.compile(u'[\ud800-\udfff\ufffe\uffff]')
# The dumped definition starts a line of its own; a usage name in the secret-list lines before it cannot.
XML_START_RE = re.compile(r'^<secret[\s>]', re.MULTILINE)
# A line of `virsh --quiet secret-list`: ' UUID   TYPE NAME'. virsh escapes what it cannot print as \xNN.
LIST_LINE_RE = re.compile(r'^\s*([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s+(\S+) (.*)\Z')
ESCAPE_RE = re.compile(r'\\x([0-9a-fA-F]{2})')


def text_problem(value, param):
    """Why a text parameter is refused (control characters, or characters XML cannot hold), or None."""
    problem = control_problem(value, param)
    if problem:
        return problem
    if isinstance(value, str) and XML_INVALID_RE.search(value):
        return "%s must not contain characters XML cannot hold (U+D800-U+DFFF, U+FFFE, U+FFFF)." % param
    return None


def input_problem(p):
    """The first problem of the module's options, or None. Nothing has run yet."""
    if p['usage_name'] is not None:
        if not p['usage_name'].strip():
            return "usage_name must not be empty."
        if not USAGE_NAME_RE.match(p['usage_name']):
            return ("usage_name %r is not accepted: use printable ASCII characters (space to '~'), not starting "
                    "or ending with a space, such as 'client.cinder secret'." % p['usage_name'])
    for key in ('description', 'uri'):
        problem = text_problem(p.get(key), key)
        if problem:
            return problem
    for index, word in enumerate(p.get('cli_prefix') or []):
        problem = text_problem(word, 'cli_prefix[%d]' % index)
        if problem:
            return problem
    return None


def parse_definition(xml_text):
    root = ET.fromstring(xml_text)
    usage = root.find('usage')
    desc = root.find('description')
    return dict(
        uuid=root.findtext('uuid'),
        ephemeral=root.get('ephemeral') == 'yes',
        private=root.get('private') == 'yes',
        usage_type=usage.get('type') if usage is not None else None,
        usage_name=usage.findtext('name') if usage is not None else None,
        description=desc.text if desc is not None else None,
    )


def definition_xml(d):
    root = ET.Element('secret', ephemeral='yes' if d['ephemeral'] else 'no',
                      private='yes' if d['private'] else 'no')
    ET.SubElement(root, 'uuid').text = d['uuid']
    if d.get('description'):
        ET.SubElement(root, 'description').text = d['description']
    usage = ET.SubElement(root, 'usage', type=d['usage_type'])
    ET.SubElement(usage, 'name').text = d['usage_name']
    return ET.tostring(root, encoding='unicode')


def parse_list(text):
    """[(uuid, usage_type, usage_name)] from `virsh --quiet secret-list` lines (\\xNN escapes undone)."""
    found = []
    for line in text.splitlines():
        m = LIST_LINE_RE.match(line)
        if m:
            name = ESCAPE_RE.sub(lambda e: chr(int(e.group(1), 16)), m.group(3))
            found.append((m.group(1).lower(), m.group(2), name))
    return found


def read_secret(cli, uuid, want_value, want_list):
    """Definition, value (unless not needed or private) and the list of secrets, in one virsh process.

    Returns (definition or None, old XML text or None, value text or None, value_state, secrets) where
    value_state is 'set', 'none' (no value), 'private' or 'unread' and secrets is parse_list's list.
    """
    script = 'secret-dumpxml %s' % uuid
    if want_list:
        script = 'secret-list; ' + script
    if want_value:
        script += '; secret-get-value %s' % uuid
    rc, out, err = cli.run('virsh', [script], check_rc=False)
    if want_list and 'Failed to list secrets' in err:
        cli.fail(cli.argv('virsh', ['secret-list']), rc, '', err, 'virsh secret-list')
    start = XML_START_RE.search(out)
    secrets = parse_list(out[:start.start()] if start else out) if want_list else []
    if start is None and any(m in err for m in NOT_FOUND):
        return None, None, None, 'none', secrets
    end = out.find('</secret>', start.start()) if start else -1
    if end < 0:
        cli.fail(cli.argv('virsh', ['secret-dumpxml', uuid]), rc, '', err, 'virsh secret-dumpxml')
    end += len('</secret>')
    old_xml = out[start.start():end]
    try:
        definition = parse_definition(old_xml)
    except ET.ParseError as e:
        cli.module.fail_json(msg="virsh secret-dumpxml %s printed XML that could not be read: %s" % (uuid, e))
    if not want_value:
        return definition, old_xml, None, 'unread', secrets
    rest = out[end:].strip()
    if rest:
        return definition, old_xml, rest, 'set', secrets
    if 'is private' in err:
        return definition, old_xml, None, 'private', secrets
    if 'does not have a value' in err:
        return definition, old_xml, None, 'none', secrets
    cli.fail(cli.argv('virsh', [script]), rc, '', err, 'virsh secret-get-value')


def usage_owner(secrets, uuid, usage_type, usage_name):
    """The UUID of another secret that holds this usage, or None."""
    for other, other_type, other_name in secrets:
        if other != uuid and other_type == usage_type and other_name == usage_name:
            return other
    return None


def last_line(err):
    lines = (err or '').strip().splitlines()
    return lines[-1] if lines else 'no error text'


def define(cli, xml_text):
    return cli.run('virsh', ['secret-define', '--file', '/dev/stdin'], data=xml_text, check_rc=False)


def set_value(cli, uuid, b64_text):
    return cli.run('virsh', ['secret-set-value', '--secret', uuid, '--file', '/dev/stdin'], data=b64_text,
                   check_rc=False)


def restore(cli, uuid, old_xml, old_value):
    """Put the old secret back after a failed replacement: its definition, then its value (stdin only).
    Returns None, or what failed."""
    cli.run('virsh', ['secret-undefine', uuid], check_rc=False)
    rc, out, err = define(cli, old_xml)
    if rc != 0:
        return "defining the old secret again failed: %s" % last_line(err)
    if old_value is not None:
        rc, out, err = set_value(cli, uuid, old_value)
        if rc != 0:
            return "storing the old value again failed: %s" % last_line(err)
    return None


SECRET_OPTIONS = dict(
    uuid=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    usage_type=dict(type='str', default='ceph', choices=['ceph']),
    usage_name=dict(type='str'),
    description=dict(type='str'),
    ephemeral=dict(type='bool', default=False),
    private=dict(type='bool', default=False),
    value=dict(type='str', no_log=True),
    update_private_value=dict(type='bool', default=False),
)


def checked_item(module, p, where):
    """Check one secret's options (nothing has run yet); lower-cases its UUID and adds the wanted
    value's bytes as p['raw'] and its key type as p['key_type']. Returns the problem, or None."""
    p['uuid'] = check_uuid(module, p['uuid'], where + 'uuid')
    p['raw'] = p['key_type'] = None
    if p['value'] is not None:
        p['raw'], p['key_type'], problem = cephx_key_problem(p['value'], where + 'value')
        if problem:
            return problem
    problem = input_problem(p)
    return where + problem if problem else None


def read_secrets(cli, items):
    """For a list of secrets: the list of secrets and each one's definition and value (when needed),
    in one virsh process. virsh goes on after a command that fails; an `echo` of a marker no output
    can hold separates the commands' outputs. Returns the list of secrets (parse_list's) and one
    read_secret-like tuple per item."""
    marker = '@@openstack-ceph-%s@@' % uuid_module.uuid4().hex
    script = ['secret-list']
    for p in items:
        script.append('secret-dumpxml %s' % p['uuid'])
        if wants_value(p):
            script.append('secret-get-value %s' % p['uuid'])
    rc, out, err = cli.run('virsh', ['; '.join('%s; echo %s' % (c, marker) for c in script)], check_rc=False)
    if 'Failed to list secrets' in err:
        cli.fail(cli.argv('virsh', ['secret-list']), rc, '', err, 'virsh secret-list')
    sections = out.split(marker)
    if len(sections) != len(script) + 1:
        cli.fail(cli.argv('virsh', ['secret-list']), rc, '', err, 'virsh')
    secrets = parse_list(sections.pop(0))
    reads = []
    for p in items:
        uuid, xml_text = p['uuid'], sections.pop(0).strip()
        value_text = sections.pop(0).strip() if wants_value(p) else None
        if not xml_text:
            if "no secret with matching uuid '%s'" % uuid not in err:
                cli.fail(cli.argv('virsh', ['secret-dumpxml', uuid]), rc, '', err, 'virsh secret-dumpxml')
            reads.append((None, None, None, 'none', secrets))
            continue
        try:
            definition = parse_definition(xml_text)
        except ET.ParseError as e:
            cli.module.fail_json(msg="virsh secret-dumpxml %s printed XML that could not be read: %s" % (uuid, e))
        if value_text is None:
            state = 'unread'
        elif value_text:
            state = 'set'
        elif definition['private']:
            state = 'private'
        elif "secret '%s' does not have a value" % uuid in err:
            state = 'none'
        else:
            cli.fail(cli.argv('virsh', ['secret-get-value', uuid]), rc, '', err, 'virsh secret-get-value')
        reads.append((definition, xml_text, value_text or None, state, secrets))
    return secrets, reads


def wants_value(p):
    return p['raw'] is not None and p['state'] == 'present'


def plan_secret(module, p, read, where=''):
    """What one secret needs, decided from the read before anything is written (in check mode as in
    a real run); what libvirt would refuse fails here, naming the item."""
    have, old_xml, live_value, value_state, secrets = read
    uuid, want_raw = p['uuid'], p['raw']
    if live_value is not None:
        module.no_log_values.add(live_value)
    plan = dict(p=p, have=have, old_xml=old_xml, live_value=live_value, value_state=value_state, where=where)
    if p['state'] == 'absent':
        plan.update(changed=bool(have), define_it=False, set_it=False, redefine=False)
        return plan
    if have is None and not p['usage_name']:
        module.fail_json(msg="%susage_name is required to create secret %s (for example 'client.cinder secret')."
                         % (where, uuid))
    want = dict(uuid=uuid, usage_type=p['usage_type'],
                usage_name=p['usage_name'] or (have or {}).get('usage_name'),
                description=p['description'] if p['description'] is not None else (have or {}).get('description'),
                ephemeral=p['ephemeral'], private=p['private'])
    redefine = have is not None and any(have[k] != want[k] for k in ('usage_type', 'usage_name', 'ephemeral', 'private'))
    define_it = have is None or redefine or have['description'] != want['description']
    if redefine and want_raw is None and value_state != 'none':
        module.fail_json(msg="%sSecret %s must be undefined and defined again to change its usage, ephemeral or "
                             "private setting, which loses its value: give value so it can be stored again."
                         % (where, uuid))
    # libvirt allows one secret per usage: refuse before anything changes (and in check mode), instead
    # of undefining this secret and then failing to define its replacement.
    owner = usage_owner(secrets, uuid, want['usage_type'], want['usage_name']) if define_it else None
    if owner:
        module.fail_json(msg="%susage_name %r is already used by libvirt secret %s; libvirt allows one secret per "
                             "usage name. Undefine that secret, pick another usage_name, or manage secret %s. "
                             "Nothing was changed." % (where, want['usage_name'], owner, owner))
    if want_raw is None:
        set_it = False
    elif have is None or redefine:
        set_it = True
    elif value_state == 'private':
        set_it = p['update_private_value']
    elif value_state == 'none':
        set_it = True
    else:
        try:
            set_it = base64.b64decode(live_value) != want_raw
        except (ValueError, TypeError):
            set_it = True
    plan.update(want=want, redefine=redefine, define_it=define_it, set_it=set_it, changed=define_it or set_it)
    return plan


def check_clients(module, cli, plans):
    """The values about to be stored must be of a key type the Ceph client here can use; checked before
    anything changes, in check mode too. Only values of type aes256k make it read the client's version."""
    about_to_store = [('secret %s (%s)' % (plan['p']['uuid'], plan['want']['usage_name']), plan['p']['key_type'])
                      for plan in plans if plan['p']['state'] == 'present' and plan['set_it']]
    check_client_key_types(module, cli, about_to_store, module.params['key_type_check'], what='changed')


def apply_secret(module, cli, plan, done=''):
    """Carry out one secret's plan (nothing in check mode). A failure puts back what this secret had;
    `done` says what earlier items of the list changed."""
    p, uuid = plan['p'], plan['p']['uuid']
    if module.check_mode or not plan['changed']:
        return
    if p['state'] == 'absent':
        cli.run('virsh', ['secret-undefine', uuid])
        return
    want_raw, value_state, have = p['raw'], plan['value_state'], plan['have']
    want_text = base64.b64encode(want_raw).decode('ascii') if want_raw is not None else None
    # What puts the old state back if a step after the undefine fails: the old XML and its value
    # (a private value cannot be read: the wanted one stands in for it, as the module assumes it current).
    old_value = plan['live_value'] if value_state == 'set' else want_text if value_state == 'private' else None
    if plan['redefine']:
        cli.run('virsh', ['secret-undefine', uuid])
    for step in ('define', 'value'):
        if step == 'define' and plan['define_it']:
            rc, out, err = define(cli, definition_xml(plan['want']))
            what = 'virsh secret-define'
        elif step == 'value' and plan['set_it']:
            rc, out, err = set_value(cli, uuid, want_text)
            what = 'virsh secret-set-value'
        else:
            continue
        if rc == 0:
            continue
        msg = "%s%s failed: %s" % (plan['where'], what, cli.unreachable_hint(rc, err) or last_line(err))
        if 'already defined for use with' in (err or ''):
            taken = (plan['where'], plan['want']['usage_name'], last_line(err))
            msg = ("%susage_name %r is already used by another libvirt secret; libvirt allows one secret per usage "
                   "name. Undefine it or pick its UUID (%s)" % taken)
        if plan['redefine']:
            trouble = restore(cli, uuid, plan['old_xml'], old_value)
            if trouble:
                msg += ("; putting the old secret back failed too (%s): define it again from this XML and "
                        "store its value: %s" % (trouble, plan['old_xml']))
            else:
                msg += "; the old definition and value of secret %s were put back, nothing changed" % uuid
        elif have is None and step == 'value':
            cli.run('virsh', ['secret-undefine', uuid], check_rc=False)
            msg += "; the new secret %s was undefined again, nothing changed" % uuid
        module.fail_json(msg=msg + '.' + done, rc=rc, stderr=err)


def outcome(plan):
    """(secret, diff) of one secret after the run (predicted in check mode). Never the value."""
    p, have, value_state = plan['p'], plan['have'], plan['value_state']
    if p['state'] == 'absent':
        return {}, dict(before={'uuid': p['uuid'], 'state': 'present' if have else 'absent'},
                        after={'uuid': p['uuid'], 'state': 'absent'})
    has_value = bool(p['raw'] is not None or value_state in ('set', 'private', 'unread'))
    after = dict(plan['want'], has_value=has_value)
    before = dict(have, has_value=value_state in ('set', 'private', 'unread')) if have else {}
    if have and plan['set_it'] and value_state != 'none':
        before['value'], after['value'] = 'old value (not shown)', 'new value (not shown)'
    secret = dict((k, v) for k, v in after.items() if k != 'value')
    return secret, dict(before=before, after=after)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            SECRET_OPTIONS,
            # Declared item by item so that Ansible masks an item's value in its output and logs.
            # no_log=False on the list: its value suboption is no_log itself; UUIDs and names are not secret.
            secrets=dict(type='list', elements='dict', no_log=False, options=item_options(SECRET_OPTIONS, 'uuid')),
            uri=dict(type='str', default='qemu:///system'),
            cli_prefix=dict(type='list', elements='str', default=[]),
            key_type_check=dict(type='str', default='fail', choices=['fail', 'warn', 'skip']),
        ),
        required_one_of=[('uuid', 'secrets')],
        mutually_exclusive=[('uuid', 'secrets')],
        supports_check_mode=True,
    )
    p = module.params
    items = wanted_items(module, SECRET_OPTIONS, 'secrets', lambda item, where: checked_item(module, item, where),
                         key='uuid')
    problem = input_problem(p)
    if problem:
        module.fail_json(msg=problem)
    cli = VirshCLI(module)

    if p['secrets'] is None:
        item = items[0]
        present = item['state'] == 'present'
        plan = plan_secret(module, item, read_secret(cli, item['uuid'], wants_value(item), present))
        check_clients(module, cli, [plan])
        apply_secret(module, cli, plan)
        secret, diff = outcome(plan)
        module.exit_json(changed=plan['changed'], secret=secret, diff=diff)

    wheres = ['secrets[%d] (%s): ' % (index, item['uuid']) for index, item in enumerate(items)]
    # Every secret is planned (and refused, if libvirt would refuse it) before the first write.
    listed, reads = read_secrets(cli, items)
    plans = [plan_secret(module, item, read, where) for item, read, where in zip(items, reads, wheres)]
    usages = {}
    for plan in plans:
        if plan['p']['state'] == 'present':
            usage = (plan['want']['usage_type'], plan['want']['usage_name'])
            if usage in usages:
                module.fail_json(msg="%susage_name %r is given to secret %s as well; libvirt allows one secret per usage "
                                     "name. Nothing was changed." % (plan['where'], usage[1], usages[usage]))
            usages[usage] = plan['p']['uuid']
    check_clients(module, cli, plans)
    for index, plan in enumerate(plans):
        changed_before = [pl['p']['uuid'] for pl in plans[:index] if pl['changed']]
        done = (' Secrets changed before it: %s; run the task again once fixed.' % ', '.join(changed_before)
                if changed_before else '')
        apply_secret(module, cli, plan, done)
    results = [outcome(plan) for plan in plans]
    wanted = set(item['uuid'] for item in items)
    others = [dict(uuid=uuid, usage_type=usage_type, usage_name=usage_name)
              for uuid, usage_type, usage_name in listed if uuid not in wanted]
    module.exit_json(changed=any(plan['changed'] for plan in plans), secrets=[r[0] for r in results],
                     other_secrets=others, diff=[r[1] for r, plan in zip(results, plans) if plan['changed']])


if __name__ == '__main__':
    main()
