#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: virsh_secret
short_description: Manage a libvirt secret holding a cephx key
version_added: 0.1.0
description:
  - Defines a libvirt secret with a fixed UUID and usage type C(ceph), and stores a cephx key in it,
    so that QEMU can open RBD disks as that Ceph user.
  - An unchanged secret is neither redefined nor reported as changed. When nothing changes the module
    starts one C(virsh) process, which reads both the definition and the value.
  - The key reaches C(virsh) on standard input, never on its command line.
  - Changing O(usage_name), O(private) or O(ephemeral) of an existing secret needs it undefined and
    defined again (libvirt refuses those changes in place); the module does that and stores O(value) again.
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
    description: UUID of the secret, the C(rbd_secret_uuid) that cinder.conf and nova.conf name.
    type: str
    required: true
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
    type: str
  description:
    description: Free text description stored with the secret.
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
    description: The libvirt connection URI.
    type: str
    default: qemu:///system
  cli_prefix:
    description:
      - Command words put in front of every C(virsh) call, for a libvirt that lives in a container,
        for example V([docker, exec, -i, nova_libvirt]). Standard input must stay open (C(-i)).
    type: list
    elements: str
    default: []
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
  returned: always
  type: dict
  sample:
    uuid: 457eb676-33da-42ec-9a8c-9293d545c337
    usage_type: ceph
    usage_name: client.cinder secret
    description: null
    ephemeral: false
    private: false
    has_value: true
'''

import base64
import xml.etree.ElementTree as ET

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.openstack_ceph.rbd.plugins.module_utils.ceph_cli import (
    VirshCLI, cephx_key_bytes, check_uuid)

DEFINITION_KEYS = ('usage_type', 'usage_name', 'description', 'ephemeral', 'private')
NOT_FOUND = ('Secret not found', 'no secret with matching uuid')


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


def read_secret(cli, uuid, want_value):
    """Definition and (unless not needed or private) value, in one virsh process.

    Returns (definition or None, value bytes or None, value_state) where value_state is
    'set', 'none' (no value), 'private' or 'unread'.
    """
    script = 'secret-dumpxml %s' % uuid
    if want_value:
        script += '; secret-get-value %s' % uuid
    rc, out, err = cli.run('virsh', [script], check_rc=False)
    if any(m in err for m in NOT_FOUND) and '<secret' not in out:
        return None, None, 'none'
    end = out.find('</secret>')
    if end < 0:
        cli.fail(cli.argv('virsh', ['secret-dumpxml', uuid]), rc, '', err, 'virsh secret-dumpxml')
    end += len('</secret>')
    definition = parse_definition(out[:end])
    if not want_value:
        return definition, None, 'unread'
    rest = out[end:].strip()
    if rest:
        return definition, rest, 'set'
    if 'is private' in err:
        return definition, None, 'private'
    if 'does not have a value' in err:
        return definition, None, 'none'
    cli.fail(cli.argv('virsh', [script]), rc, '', err, 'virsh secret-get-value')


def main():
    module = AnsibleModule(
        argument_spec=dict(
            uuid=dict(type='str', required=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            usage_type=dict(type='str', default='ceph', choices=['ceph']),
            usage_name=dict(type='str'),
            description=dict(type='str'),
            ephemeral=dict(type='bool', default=False),
            private=dict(type='bool', default=False),
            value=dict(type='str', no_log=True),
            update_private_value=dict(type='bool', default=False),
            uri=dict(type='str', default='qemu:///system'),
            cli_prefix=dict(type='list', elements='str', default=[]),
        ),
        supports_check_mode=True,
    )
    p = module.params
    uuid = check_uuid(module, p['uuid'], 'uuid')
    want_raw = None
    if p['value'] is not None:
        want_raw = cephx_key_bytes(module, p['value'], 'value')
    if p['usage_name'] is not None and not p['usage_name'].strip():
        module.fail_json(msg="usage_name must not be empty.")
    cli = VirshCLI(module)

    have, live_value, value_state = read_secret(cli, uuid, want_raw is not None and p['state'] == 'present')
    if live_value is not None:
        module.no_log_values.add(live_value)

    if p['state'] == 'absent':
        if have and not module.check_mode:
            cli.run('virsh', ['secret-undefine', uuid])
        module.exit_json(changed=bool(have), secret={},
                         diff=dict(before={'uuid': uuid, 'state': 'present' if have else 'absent'},
                                   after={'uuid': uuid, 'state': 'absent'}))

    if have is None and not p['usage_name']:
        module.fail_json(msg="usage_name is required to create secret %s (for example 'client.cinder secret')." % uuid)
    want = dict(uuid=uuid, usage_type=p['usage_type'],
                usage_name=p['usage_name'] or (have or {}).get('usage_name'),
                description=p['description'] if p['description'] is not None else (have or {}).get('description'),
                ephemeral=p['ephemeral'], private=p['private'])
    redefine = have is not None and any(have[k] != want[k] for k in ('usage_type', 'usage_name', 'ephemeral', 'private'))
    define = have is None or redefine or have['description'] != want['description']
    if redefine and want_raw is None and value_state != 'none':
        module.fail_json(msg="Secret %s must be undefined and defined again to change its usage, ephemeral or "
                             "private setting, which loses its value: give value so it can be stored again." % uuid)

    if want_raw is None:
        set_value = False
    elif have is None or redefine:
        set_value = True
    elif value_state == 'private':
        set_value = p['update_private_value']
    elif value_state == 'none':
        set_value = True
    else:
        try:
            set_value = base64.b64decode(live_value) != want_raw
        except (ValueError, TypeError):
            set_value = True

    if not module.check_mode:
        if redefine:
            cli.run('virsh', ['secret-undefine', uuid])
        if define:
            rc, out, err = cli.run('virsh', ['secret-define', '--file', '/dev/stdin'],
                                   data=definition_xml(want), check_rc=False)
            if rc != 0:
                if 'already defined for use with' in err:
                    module.fail_json(msg="usage_name %r is already used by another libvirt secret; libvirt allows one "
                                         "secret per usage name. Undefine it or pick its UUID." % want['usage_name'],
                                     rc=rc, stderr=err)
                cli.fail(cli.argv('virsh', ['secret-define', '--file', '/dev/stdin']), rc, out, err,
                         'virsh secret-define')
        if set_value:
            cli.run('virsh', ['secret-set-value', '--secret', uuid, '--file', '/dev/stdin'],
                    data=base64.b64encode(want_raw).decode('ascii'), what='virsh secret-set-value')

    has_value = bool(want_raw is not None or value_state in ('set', 'private', 'unread'))
    after = dict(want, has_value=has_value)
    before = dict(have, has_value=value_state in ('set', 'private', 'unread')) if have else {}
    if have and set_value and value_state != 'none':
        before['value'], after['value'] = 'old value (not shown)', 'new value (not shown)'
    changed = define or set_value
    secret = dict((k, v) for k, v in after.items() if k != 'value')
    module.exit_json(changed=changed, secret=secret, diff=dict(before=before, after=after))


if __name__ == '__main__':
    main()
