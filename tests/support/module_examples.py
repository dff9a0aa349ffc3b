#!/usr/bin/env python
"""Write each module's EXAMPLES as a playbook, so that ansible-lint checks them as tasks
(in place, inside the module's Python file, it checks them as plain YAML only), and check that
every example calls its module with documented options only (ansible-lint's args rule cannot load
a module built on AnsibleAWSModule, so it does not).

  python module_examples.py COLLECTION_DIR OUT_DIR   # writes OUT_DIR/<module>.yml, prints their paths

Needs PyYAML and ansible-doc (the collection, and amazon.aws for its doc fragments, on
ANSIBLE_COLLECTIONS_PATH). Exits 1 after naming each unknown option. Each playbook's first comment
says which line of the module its tasks start at.
"""
import ast
import json
import subprocess
import sys
from pathlib import Path

import yaml

HEADER = """---
# {source}'s EXAMPLES (its line {line} is this file's line {first}), as a playbook for ansible-lint.
- name: Examples of {module}
  hosts: localhost
  gather_facts: false
  tasks:
"""


def examples_of(path):
    """The EXAMPLES string of a module file and the line its text starts on (None if it has none)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            return node.value.value, node.value.lineno
    return None, None


def documented_options(fqcn):
    """Every option name and alias ansible-doc gives for the module (doc fragments included)."""
    doc = json.loads(subprocess.run(["ansible-doc", "--json", "-t", "module", fqcn], check=True,
                                    capture_output=True, text=True).stdout)[fqcn]["doc"]
    return {name for key, option in doc["options"].items() for name in [key, *option.get("aliases", [])]}


def tasks_in(tasks):
    for task in tasks or []:
        yield task
        for section in ("block", "rescue", "always"):
            yield from tasks_in(task.get(section))


def unknown_options(text, fqcn, allowed):
    """Messages naming each option an example passes to fqcn that its documentation lacks."""
    problems = []
    for task in tasks_in(yaml.safe_load(text)):
        args = task.get(fqcn)
        if isinstance(args, dict):
            problems += [f"{fqcn}: example {task.get('name')!r} passes {key!r}, which is not an option"
                         for key in sorted(set(args) - allowed)]
    return problems


def main(collection_dir, out_dir):
    collection = yaml.safe_load((Path(collection_dir) / "galaxy.yml").read_text(encoding="utf-8"))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    problems = []
    for path in sorted((Path(collection_dir) / "plugins" / "modules").glob("*.py")):
        text, line = examples_of(path)
        if not text or not text.strip():
            continue
        # The string's first line is the rest of the line holding EXAMPLES = r'''; a leading
        # newline (the usual layout) puts the tasks one line further down.
        lines = text.split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
            line += 1
        fqcn = f"{collection['namespace']}.{collection['name']}.{path.stem}"
        problems += unknown_options(text, fqcn, documented_options(fqcn))
        header = HEADER.format(source=path.name, line=line, first=7, module=fqcn)
        body = "".join(("    " + text_line).rstrip() + "\n" for text_line in lines).rstrip("\n") + "\n"
        target = out / (path.stem + ".yml")
        target.write_text(header + body, encoding="utf-8")
        print(target)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
