# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/docs/role_readmes.py: each role's README documents its variables from its argument specs."""

import copy
import importlib.util
import io
import os
import shutil

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SCRIPT = os.path.join(ROOT, 'tests', 'docs', 'role_readmes.py')

_spec = importlib.util.spec_from_file_location('role_readmes', SCRIPT)
rr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rr)

SPECS = {
    'argument_specs': {
        'main': {
            'short_description': 'A role',
            'options': {
                'demo_pool': {'description': 'The pool, such as V(images).', 'type': 'str', 'default': 'images'},
                'demo_mode': {'description': ['V(a) does one thing;', 'V(b) another.'], 'type': 'str', 'choices': ['a', 'b'], 'default': 'a'},
                'demo_uuid': {'description': 'Empty derives C("<fsid>:<user>" | to_uuid).', 'type': 'str', 'default': ''},
                'demo_flavor': {'description': 'Unset leaves the file alone.', 'type': 'str'},
                'demo_items': {
                    'description': 'Items; each needs O(demo_items[].name).',
                    'type': 'list',
                    'elements': 'dict',
                    'default': [{'name': 'one'}],
                    'options': {
                        'name': {'description': 'Its name.', 'type': 'str', 'required': True},
                        'size': {'description': 'Its size, in I(MiB).', 'type': 'int'},
                    },
                },
            },
        },
        'other': {'options': {'not_main': {'description': 'Not documented.', 'type': 'str'}}},
    },
}


@pytest.mark.parametrize('markup, markdown', [
    ('V(managed) or V(external)', '`managed` or `external`'),
    ('C(rbd_store_*) in [glance_store]', '`rbd_store_*` in [glance_store]'),
    ('see O(ceph_keys_given)', 'see `ceph_keys_given`'),
    ('set O(pg_autoscale_mode=on) here', 'set `pg_autoscale_mode=on` here'),
    ('O(cinder_rbd_backends[].name)', '`cinder_rbd_backends[].name`'),
    ('I(not) this', '*not* this'),
    ('B(never)', '**never**'),
    ('V(a\\)b)', '`a)b`'),
    ('L(the docs, https://example.org/x)', '[the docs](https://example.org/x)'),
    ('U(https://example.org)', '<https://example.org>'),
    ('/etc/ceph/<cluster>.conf', '/etc/ceph/\\<cluster>.conf'),
    ('C(<cluster> <user> secret)', '`<cluster> <user> secret`'),
    ('EPIC(x) and O(unclosed', 'EPIC(x) and O(unclosed'),
    ('no markup at all', 'no markup at all'),
])
def test_convert_markup(markup, markdown):
    assert rr.convert_markup(markup) == markdown


def test_one_line_joins_paragraphs_and_whitespace():
    assert rr.one_line(['First  line\ncontinued.', 'Second C(x).']) == 'First line continued. Second `x`.'
    assert rr.one_line(None) == ''


@pytest.mark.parametrize('value, rendered', [
    ('', '`""`'),
    (None, '(unset)'),
    ('ceph', '`ceph`'),
    (-2, '`-2`'),
    (True, '`true`'),
    ([], '`[]`'),
    ({}, '`{}`'),
    (['rbd', 'http'], '`[rbd, http]`'),
    ({'application': 'rbd', 'x': ''}, '`{application: rbd, x: ""}`'),
])
def test_render_default(value, rendered):
    option = {} if value is None else {'default': value}
    assert rr.render_default(option) == rendered


def test_render_variables_table_and_sub_options():
    text = rr.render_variables(SPECS)
    lines = text.split('\n')
    assert lines[0] == '## Variables'
    assert '| variable | type | default | description |' in lines
    assert '| `demo_pool` | str | `images` | The pool, such as `images`. |' in lines
    assert '| `demo_mode` | str | `a` | `a` does one thing; `b` another. One of: `a`, `b`. |' in lines
    # `|` is escaped in cells, the empty string is `""`, no default is (unset).
    assert '| `demo_uuid` | str | `""` | Empty derives `"<fsid>:<user>" \\| to_uuid`. |' in lines
    assert '| `demo_flavor` | str | (unset) | Unset leaves the file alone. |' in lines
    items_row = '| `demo_items` | list of dict | `[{name: one}]` | Items; each needs `demo_items[].name`. |'
    assert items_row in lines
    # The sub-options' table follows the main one.
    assert lines.index('Each item of `demo_items` takes:') > lines.index(items_row)
    assert '| `name` | str | yes | Its name. |' in lines
    assert '| `size` | int | no | Its size, in *MiB*. |' in lines
    # Only the main entry point.
    assert 'not_main' not in text


def test_changed_default_or_description_changes_output():
    before = rr.render_variables(SPECS)
    changed = copy.deepcopy(SPECS)
    changed['argument_specs']['main']['options']['demo_pool']['default'] = 'volumes'
    after = rr.render_variables(changed)
    assert after != before
    assert '| `demo_pool` | str | `volumes` |' in after
    changed['argument_specs']['main']['options']['demo_pool']['description'] = 'Another pool.'
    assert rr.render_variables(changed) != after


def test_output_is_deterministic():
    assert rr.render_variables(copy.deepcopy(SPECS)) == rr.render_variables(copy.deepcopy(SPECS))


HAND_WRITTEN = """# a role

Intro text.

## Variables

| variable | default | meaning |
| --- | --- | --- |
| `demo_pool` | `images` | the pool |

See `meta/argument_specs.yml` for every variable.

## Example

```yaml
- hosts: all
```
"""


def test_update_readme_replaces_hand_written_table_and_keeps_prose():
    block = rr.generated_block(SPECS)
    out = rr.update_readme(HAND_WRITTEN, block)
    assert out.startswith('# a role\n\nIntro text.\n\n' + rr.BEGIN + '\n## Variables\n')
    assert out.count('## Variables') == 1
    assert '| variable | default | meaning |' not in out
    assert rr.SEE_LINE not in out
    assert out.endswith(rr.END + '\n\n## Example\n\n```yaml\n- hosts: all\n```\n')
    # Idempotent, and once the markers are there only what is between them changes.
    assert rr.update_readme(out, block) == out
    edited = out.replace('Intro text.', 'Intro text, edited by hand.')
    assert rr.update_readme(edited, block) == edited


def test_update_readme_appends_without_a_table():
    block = rr.generated_block(SPECS)
    out = rr.update_readme('# a role\n\nIntro text.\n', block)
    assert out == '# a role\n\nIntro text.\n\n' + block + '\n'


def test_update_readme_refuses_broken_markers():
    with pytest.raises(ValueError):
        rr.update_readme('# a role\n\n%s\n' % rr.BEGIN, rr.generated_block(SPECS))


def test_check_passes_on_the_repository():
    out = io.StringIO()
    assert rr.role_dirs(ROOT), 'no role with meta/argument_specs.yml found'
    assert rr.check(ROOT, out=out) == [], out.getvalue()
    assert rr.main(['--check']) == 0


def test_check_fails_when_a_spec_drifts(tmp_path):
    shutil.copytree(os.path.join(ROOT, 'roles'), str(tmp_path / 'roles'))
    specs = tmp_path / 'roles' / 'ceph_context' / 'meta' / 'argument_specs.yml'
    text = specs.read_text(encoding='utf-8')
    assert 'What this node runs, among' in text
    specs.write_text(text.replace('What this node runs, among', 'The kinds of node this host is, among'), encoding='utf-8')
    out = io.StringIO()
    assert rr.check(str(tmp_path), out=out) == [os.path.join('roles', 'ceph_context', 'README.md')]
    assert '+| `ceph_context_kinds` | list of str |' in out.getvalue()
    assert rr.main(['--check', '--root', str(tmp_path)]) == 1
    rr.write(str(tmp_path), out=io.StringIO())
    assert rr.main(['--check', '--root', str(tmp_path)]) == 0


def test_other_entry_points_get_a_section_after_main():
    specs = copy.deepcopy(SPECS)
    specs['argument_specs']['other']['short_description'] = 'Read-only - compares'
    specs['argument_specs']['other']['description'] = ['Run with C(tasks_from) V(other.yml).']
    specs['argument_specs']['audit'] = {'short_description': 'Audit', 'options': copy.deepcopy(specs['argument_specs']['main']['options'])}
    block = rr.generated_block(specs)
    lines = block.split('\n')
    assert lines.index('### Entry point `other`') > lines.index('| --- | --- | --- | --- |')
    assert 'Read-only - compares. Run with `tasks_from` `other.yml`.' in lines
    assert '| `not_main` | str | (unset) | Not documented. |' in lines
    assert lines[lines.index('### Entry point `audit`') + 2:][:2] == ['Audit.', '']
    assert 'It takes the variables of `main` above.' in lines
    # The main table documents main's variables only.
    assert 'not_main' not in rr.render_variables(specs)
