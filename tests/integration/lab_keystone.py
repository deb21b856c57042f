# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's Keystone (tests/lab/images/common/lab-keystone.sh): the lab's (molecule) tests call the
OpenStack APIs with a token of its administrator, as an operator's client would. Imported as
`lab_keystone` (pytest.ini puts tests/integration on the path)."""

_TOKENS = {}


def token(controller):
    """A token of the cloud "lab" of the controller's /etc/openstack/clouds.yaml (admin of the project
    admin), issued by the controller's Keystone once per test session. A fernet token lives an hour,
    longer than the lab's verify step."""
    if 'lab' not in _TOKENS:
        _TOKENS['lab'] = controller.check_output('openstack --os-cloud lab token issue -f value -c id').strip()
    return _TOKENS['lab']


def auth_header(controller):
    """The token as curl's header option."""
    return "-H 'X-Auth-Token: %s'" % token(controller)
