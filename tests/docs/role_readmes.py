# -*- coding: utf-8 -*-
# Copyright: (c) 2026, openstack_ceph.rbd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each role's README documents its variables from the role's meta/argument_specs.yml.

The "## Variables" section of roles/<role>/README.md, between the markers below, is generated from
the `main` entry point of the role's argument specs: one table of the variables (type, default,
description, choices) and, for a list or dict variable with sub-options, one table of those. Each
other entry point (such as a read-only `audit` run with tasks_from) gets a section of its own: what
it does, the variables of main it takes, and a table of those main does not have.

    python tests/docs/role_readmes.py --write   # rewrite the generated sections (make docs)
    python tests/docs/role_readmes.py --check   # exit 1 when a README is out of date (make lint)

A README without the markers yet gets them in place of its hand-written variables table (a table
whose header starts with `| variable |`, with the "## Variables" heading above it and the line
"See `meta/argument_specs.yml` for every variable." when present), or at its end when it has no
such table. Everything outside the markers is left as it is.
"""

import argparse
import difflib
import glob
import os
import re
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))

BEGIN = '<!-- BEGIN GENERATED VARIABLES: do not edit, run make docs -->'
END = '<!-- END GENERATED VARIABLES -->'
SEE_LINE = 'See `meta/argument_specs.yml` for every variable.'
UNSET = '(unset)'
ENTRY_POINT = 'main'

# ---------------------------------------------------------------------------------------------
# Ansible documentation markup -> Markdown

# A markup command starts at a word boundary: `I(`, `O(`, `RV(`, ... and HORIZONTALLINE.
_COMMAND = re.compile(r'(?<![A-Za-z0-9_])(?:(RV|[IBMUCEVOPLR])\(|(HORIZONTALLINE)(?![A-Za-z0-9_]))')
# Commands whose parameter may contain backslash escapes (`\)` and `\\`); the others end at the first `)`.
_ESCAPED = ('E', 'V', 'O', 'RV')
# O(ns.coll.plugin#type:name) and O(ignore:name) name an option of another plugin, or one that does not exist.
_OPTION_PREFIX = re.compile(r'^(?:[A-Za-z0-9_.]+#[A-Za-z0-9_]+:|ignore:)')


def code(text):
    """`text` as Markdown inline code, with a fence longer than any run of backticks inside."""
    longest = max((len(run) for run in re.findall(r'`+', text)), default=0)
    fence = '`' * (longest + 1)
    if text.startswith('`') or text.endswith('`') or (text.startswith(' ') and text.endswith(' ') and text.strip()):
        text = ' %s ' % text
    return '%s%s%s' % (fence, text, fence)


def _plain(text):
    """Plain text outside markup: keep `<word>` from being read as an HTML tag."""
    return text.replace('<', '\\<')


def _parameter(text, start, escaped):
    """The parameter of a command whose `(` ends at `start`: (value, index after the closing `)`)."""
    if not escaped:
        end = text.find(')', start)
        if end < 0:
            return None, start
        return text[start:end], end + 1
    out = []
    i = start
    while i < len(text):
        char = text[i]
        if char == '\\' and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char == ')':
            return ''.join(out), i + 1
        out.append(char)
        i += 1
    return None, start


def _render(command, value):
    if command in ('C', 'V', 'E', 'RV', 'M'):
        return code(value)
    if command == 'O':
        return code(_OPTION_PREFIX.sub('', value))
    if command == 'P':
        # P(namespace.collection.plugin#type)
        return code(value.split('#', 1)[0])
    if command == 'I':
        return '*%s*' % value
    if command == 'B':
        return '**%s**' % value
    if command == 'U':
        return '<%s>' % value
    if command in ('L', 'R'):
        label, _sep, target = value.partition(',')
        label, target = label.strip(), target.strip()
        return '[%s](%s)' % (label, target) if command == 'L' else label
    raise AssertionError(command)


def convert_markup(text):
    """Ansible documentation markup to Markdown.

    O(x), V(x), C(x) (also E, RV, M, P) -> `x`; O(x=y) -> `x=y`; I(x) -> *x*; B(x) -> **x**;
    U(url) -> <url>; L(text, url) -> [text](url). Text that is not markup is kept as it is, with `<`
    escaped so that a placeholder such as <cluster> shows.
    """
    out = []
    pos = 0
    while True:
        match = _COMMAND.search(text, pos)
        if not match:
            out.append(_plain(text[pos:]))
            return ''.join(out)
        out.append(_plain(text[pos:match.start()]))
        if match.group(2):
            out.append(' --- ')
            pos = match.end()
            continue
        command = match.group(1)
        value, end = _parameter(text, match.end(), command in _ESCAPED)
        if value is None:  # no closing parenthesis: not markup
            out.append(_plain(match.group(0)))
            pos = match.end()
            continue
        out.append(_render(command, value))
        pos = end


def one_line(description):
    """A description (a string or a list of paragraphs) as one line of Markdown."""
    if description is None:
        return ''
    if isinstance(description, str):
        description = [description]
    text = ' '.join(str(part) for part in description)
    return convert_markup(' '.join(text.split()))


# ---------------------------------------------------------------------------------------------
# Values and cells


class _InlineDumper(yaml.SafeDumper):
    """Flow-style YAML, with `""` for the empty string."""


def _represent_str(dumper, value):
    if value == '':
        return dumper.represent_scalar('tag:yaml.org,2002:str', value, style='"')
    return yaml.SafeDumper.represent_str(dumper, value)


_InlineDumper.add_representer(str, _represent_str)


def inline_value(value):
    """A value as compact one-line YAML (flow style), such as `[rbd, http]` or `{application: rbd}`."""
    dumped = yaml.dump(value, Dumper=_InlineDumper, default_flow_style=True, sort_keys=False,
                       width=float('inf'), allow_unicode=True)
    dumped = dumped.strip()
    if dumped.endswith('\n...'):  # the document end marker after a plain scalar
        dumped = dumped[:-4].rstrip()
    return ' '.join(dumped.split('\n'))


def render_default(option):
    if option.get('default') is None:
        return UNSET
    return code(inline_value(option['default']))


def render_type(option):
    kind = option.get('type', 'str')
    if kind == 'list' and option.get('elements'):
        return 'list of %s' % option['elements']
    return str(kind)


def render_description(option):
    text = one_line(option.get('description'))
    choices = option.get('choices')
    if choices:
        listed = ', '.join(code(inline_value(choice)) for choice in choices)
        text = ('%s One of: %s.' % (text, listed)).strip()
    return text


def cell(text):
    return text.replace('|', '\\|')


def row(cells):
    return '| %s |' % ' | '.join(cell(c) for c in cells)


# ---------------------------------------------------------------------------------------------
# The generated section


def _sub_option_tables(prefix, options):
    """Tables of the sub-options of each option that has them, depth first, in the spec's order."""
    blocks = []
    for name, option in (options or {}).items():
        option = option or {}
        sub = option.get('options')
        if not sub:
            continue
        full = prefix + name
        if option.get('type') == 'list':
            intro = 'Each item of %s takes:' % code(full)
            child_prefix = full + '[].'
        else:
            intro = '%s takes the keys:' % code(full)
            child_prefix = full + '.'
        lines = [intro, '', row(['name', 'type', 'required', 'description']), '| --- | --- | --- | --- |']
        for sub_name, sub_option in sub.items():
            sub_option = sub_option or {}
            description = render_description(sub_option)
            if sub_option.get('default') is not None:
                description = ('%s Default: %s.' % (description, render_default(sub_option))).strip()
            lines.append(row([code(sub_name), render_type(sub_option), 'yes' if sub_option.get('required') else 'no', description]))
        blocks.append('\n'.join(lines))
        blocks.extend(_sub_option_tables(child_prefix, sub))
    return blocks


def render_variables(argument_specs, entry_point=ENTRY_POINT):
    """The generated "## Variables" section (without the markers) for one role's argument specs."""
    spec = (argument_specs or {}).get('argument_specs', {}).get(entry_point)
    if spec is None:
        raise ValueError('no %r entry point in argument_specs' % entry_point)
    options = spec.get('options') or {}
    lines = ['## Variables', '',
             'Generated from the %s entry point of `meta/argument_specs.yml`.' % code(entry_point), '']
    if not options:
        lines.append('This role has no variables.')
        return '\n'.join(lines)
    lines += [row(['variable', 'type', 'default', 'description']), '| --- | --- | --- | --- |']
    for name, option in options.items():
        option = option or {}
        default = render_default(option)
        if default == UNSET and option.get('required'):
            default = '(required)'
        lines.append(row([code(name), render_type(option), default, render_description(option)]))
    blocks = ['\n'.join(lines)] + _sub_option_tables('', options)
    return '\n\n'.join(blocks)


def render_entry_points(argument_specs):
    """A section per entry point other than main (such as a read-only `audit` run with tasks_from): what it
    does, and its variables as the ones of main it takes plus a table of those main does not have."""
    specs = (argument_specs or {}).get('argument_specs', {})
    main = (specs.get(ENTRY_POINT) or {}).get('options') or {}
    blocks = []
    for name, spec in specs.items():
        if name == ENTRY_POINT:
            continue
        spec = spec or {}
        options = spec.get('options') or {}
        lines = ['### Entry point %s' % code(name), '']
        text = one_line(spec.get('short_description'))
        lines.append(('%s%s %s' % (text, '' if text.endswith('.') else '.', one_line(spec.get('description')))).strip())
        lines.append('')
        shared = [option for option in options if option in main]
        if shared and len(shared) == len(main):
            lines.append('It takes the variables of %s above.' % code(ENTRY_POINT))
        elif shared:
            lines.append('It takes these variables of %s above: %s.' % (code(ENTRY_POINT), ', '.join(code(o) for o in shared)))
        own = [option for option in options if option not in main]
        if own:
            lines[-1] += ' Its own:' if shared else ''
            lines += ['', row(['variable', 'type', 'default', 'description']), '| --- | --- | --- | --- |']
            for option_name in own:
                option = options[option_name] or {}
                default = render_default(option)
                if default == UNSET and option.get('required'):
                    default = '(required)'
                lines.append(row([code(option_name), render_type(option), default, render_description(option)]))
        elif not shared:
            lines.append('It has no variables.')
        blocks.append('\n'.join(lines))
    return '\n\n'.join(blocks)


def generated_block(argument_specs):
    entry_points = render_entry_points(argument_specs)
    body = render_variables(argument_specs) + ('\n\n' + entry_points if entry_points else '')
    return '%s\n%s\n\n%s' % (BEGIN, body, END)


# ---------------------------------------------------------------------------------------------
# README updates

_HEADING = re.compile(r'^#{1,6}\s+variables\s*$', re.IGNORECASE)


def _hand_written_table(lines):
    """(start, end) of the hand-written variables table, its heading and "See ..." line; or None."""
    for index, line in enumerate(lines):
        if not line.startswith('| variable |'):
            continue
        start = index
        end = index
        while end < len(lines) and lines[end].startswith('|'):
            end += 1
        above = start - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        if above >= 0 and _HEADING.match(lines[above]):
            start = above
        below = end
        while below < len(lines) and not lines[below].strip():
            below += 1
        if below < len(lines) and lines[below].strip() == SEE_LINE:
            end = below + 1
        return start, end
    return None


def _splice(lines, start, end, block):
    """lines[start:end] replaced by block, with one blank line on each side."""
    before = lines[:start]
    after = lines[end:]
    while before and not before[-1].strip():
        before.pop()
    while after and not after[0].strip():
        after.pop(0)
    out = before + ([''] if before else []) + block.split('\n')
    if after:
        out += [''] + after
    return out


def update_readme(text, block):
    """The README text with `block` (markers included) in place of the generated section.

    With the markers already there, only what is between them changes. Without, the block replaces
    the hand-written variables table, or the line "See `meta/argument_specs.yml` for every variable.",
    or else goes at the end; that line is dropped wherever it stands, the generated section listing
    every variable.
    """
    lines = text.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    begins = [i for i, line in enumerate(lines) if line.strip() == BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if begins or ends:
        if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
            raise ValueError('expected one %r followed by one %r' % (BEGIN, END))
        out = lines[:begins[0]] + block.split('\n') + lines[ends[0] + 1:]
        return '\n'.join(out) + '\n'
    found = _hand_written_table(lines)
    if found:
        out = _splice(lines, found[0], found[1], block)
    else:
        see = [i for i, line in enumerate(lines) if line.strip() == SEE_LINE]
        if see:
            out = _splice(lines, see[0], see[0] + 1, block)
        else:
            out = _splice(lines, len(lines), len(lines), block)
    # The generated section lists every variable: a "See ..." line left elsewhere would only repeat it.
    kept = []
    for index, line in enumerate(out):
        if line.strip() == SEE_LINE and not _in_fence(out[:index]):
            following = out[index + 1] if index + 1 < len(out) else ''
            if kept and not kept[-1].strip() and not following.strip():
                kept.pop()  # no double blank line left in its place
            continue
        kept.append(line)
    out = kept
    while out and not out[-1].strip():
        out.pop()
    return '\n'.join(out) + '\n'


def _in_fence(lines):
    """Whether the end of `lines` is inside a fenced code block."""
    inside = False
    for line in lines:
        if line.lstrip().startswith('```'):
            inside = not inside
    return inside


# ---------------------------------------------------------------------------------------------
# The roles


def role_dirs(root=ROOT):
    """The roles that have meta/argument_specs.yml, by name."""
    specs = sorted(glob.glob(os.path.join(root, 'roles', '*', 'meta', 'argument_specs.yml')))
    return [os.path.dirname(os.path.dirname(path)) for path in specs]


def load_specs(role_dir):
    with open(os.path.join(role_dir, 'meta', 'argument_specs.yml'), encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def expected_readme(role_dir):
    """(path, current text, regenerated text) of a role's README."""
    path = os.path.join(role_dir, 'README.md')
    current = ''
    if os.path.exists(path):
        with open(path, encoding='utf-8') as handle:
            current = handle.read()
    if not current.strip():
        current = '# %s\n' % os.path.basename(role_dir)
    try:
        return path, current, update_readme(current, generated_block(load_specs(role_dir)))
    except ValueError as exc:
        raise ValueError('%s: %s' % (os.path.relpath(path, os.path.dirname(os.path.dirname(role_dir))), exc)) from exc


def short_diff(path, old, new, limit=40):
    diff = list(difflib.unified_diff(old.splitlines(), new.splitlines(), fromfile=path, tofile=path + ' (regenerated)', lineterm=''))
    if len(diff) > limit:
        diff = diff[:limit] + ['... (%d more diff lines)' % (len(diff) - limit)]
    return '\n'.join(diff)


def check(root=ROOT, out=None):
    """The READMEs that regenerating would change; prints each with a short diff."""
    out = out or sys.stdout
    stale = []
    for role_dir in role_dirs(root):
        path, current, expected = expected_readme(role_dir)
        if current != expected:
            rel = os.path.relpath(path, root)
            stale.append(rel)
            out.write('%s is out of date with meta/argument_specs.yml\n%s\n' % (rel, short_diff(rel, current, expected)))
    if stale:
        out.write('run `make docs` (python tests/docs/role_readmes.py --write) to regenerate: %s\n' % ', '.join(stale))
    return stale


def write(root=ROOT, out=None):
    """Regenerates every README; returns the ones that changed."""
    out = out or sys.stdout
    changed = []
    for role_dir in role_dirs(root):
        path, current, expected = expected_readme(role_dir)
        if current != expected or not os.path.exists(path):
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(expected)
            changed.append(os.path.relpath(path, root))
            out.write('wrote %s\n' % os.path.relpath(path, root))
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument('--write', action='store_true', help='rewrite the generated sections of the READMEs')
    mode.add_argument('--check', action='store_true', help='exit 1 when a README is out of date')
    parser.add_argument('--root', default=ROOT, help='the collection root (default: this checkout)')
    args = parser.parse_args(argv)
    if not role_dirs(args.root):
        parser.error('no roles/*/meta/argument_specs.yml under %s' % args.root)
    try:
        if args.write:
            write(args.root)
            return 0
        return 1 if check(args.root) else 0
    except ValueError as exc:
        sys.stderr.write('role_readmes.py: %s\n' % exc)
        return 1


if __name__ == '__main__':
    sys.exit(main())
