# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.openstack_ceph.rbd.plugins.module_utils import releases
from ansible_collections.openstack_ceph.rbd.plugins.modules import openstack_release_info


@pytest.fixture
def installed(monkeypatch):
    """installed(name=version, ...): the Python distributions the module sees; it runs no command."""
    def _installed(**versions):
        monkeypatch.setattr(openstack_release_info, 'installed_version', versions.get)
    return _installed


@pytest.mark.parametrize('service, version, series', [
    ('glance', '25.1.0', 'Zed'), ('glance', '30.0.0', '2025.1'), ('glance', '33.0.0', '2026.2'),
    ('cinder', '21.3.1', 'Zed'), ('cinder', '26.0.0', '2025.1'), ('cinder', '28.0.0', '2026.1'),
    ('cinder', '29.0.0', '2026.2'), ('nova', '26.2.2', 'Zed'), ('nova', '31.0.0', '2025.1'),
    ('nova', '33.0.0', '2026.1'), ('nova', '34.0.0', '2026.2'), ('nova', '31.0.0~rc1', '2025.1'),
])
def test_the_suites_releases_are_known(installed, run, fake_cli, service, version, series):
    # The versions of Debian bookworm, trixie, forky and sid (docs/support-matrix.md).
    installed(**{service: version})
    result, failed = run(openstack_release_info, dict(services=[service]), check=True)
    assert not failed and result['changed'] is False and not result['warnings']
    assert result['services'] == {service: dict(found=True, version=version, series=series, known=True,
                                                summary='%s %s, OpenStack %s' % (service.capitalize(), version, series))}
    assert fake_cli.calls == []


@pytest.mark.parametrize('version', ['35.0.0', '25.2.0', '2025.1', 'unknown'])
def test_a_release_the_collection_does_not_know_is_a_warning_naming_node_service_and_version(
        installed, run, monkeypatch, version):
    monkeypatch.setattr(openstack_release_info.platform, 'node', lambda: 'compute-7')
    installed(nova=version)
    result, failed = run(openstack_release_info, dict(services=['nova']))
    assert not failed
    assert result['services']['nova'] == dict(found=True, version=version, series=None, known=False,
                                              summary='Nova %s, a release this collection does not know' % version)
    warning, = result['warnings']
    assert warning.startswith('compute-7 runs Nova %s, a release this collection does not know' % version)
    assert 'Nova 26 to 34 (OpenStack Zed to 2026.2)' in warning


def test_a_service_this_python_cannot_see_is_not_found_without_a_warning(installed, run, monkeypatch):
    monkeypatch.setattr(openstack_release_info.platform, 'node', lambda: 'controller-2')
    installed(cinder='26.0.0')
    result, failed = run(openstack_release_info, dict(services=['glance', 'cinder']))
    assert not failed and not result['warnings']
    assert result['services']['glance'] == dict(
        found=False, version=None, series=None, known=None,
        summary='Glance release not read: %s on controller-2 does not see glance installed' % result['python'])
    assert result['services']['cinder']['series'] == '2025.1'
    assert result['python'] and result['node']


def test_unknown_service_names_the_parameter(run):
    result, failed = run(openstack_release_info, dict(services=['keystone']))
    assert failed and 'services' in result['msg'] and 'keystone' in result['msg']


def test_the_real_lookup_reads_installed_distributions():
    # This test's own Python has pytest installed and no OpenStack service.
    assert openstack_release_info.installed_version('pytest')
    assert openstack_release_info.installed_version('nova') is None


def test_the_series_table_has_one_major_per_series_for_every_service():
    for service, first in releases.OPENSTACK_FIRST_MAJOR.items():
        last = first + len(releases.OPENSTACK_SERIES) - 1
        assert releases.openstack_series(service, '%d.0.0' % first) == 'Zed'
        assert releases.openstack_series(service, '%d.0.0' % last) == releases.OPENSTACK_SERIES[-1]
        assert releases.openstack_series(service, '%d.0.0' % (last + 1)) is None
        assert releases.openstack_series(service, '%d.0.0' % (first - 1)) is None
