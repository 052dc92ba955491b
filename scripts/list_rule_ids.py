"""Write src/tightrope/data/rule-ids.txt: every rule id tightrope can report, so a policy
naming a rule that does not exist (a typo in `[rules."…"]` or `disable`) is an error
without importing the scanners or semgrep on the hook's path.

    python scripts/list_rule_ids.py          # rewrite the list
    python scripts/list_rule_ids.py --check  # exit 1 when the list is stale (the tests run this)

Ids come from where each family defines them: the semgrep rule pack's `id:`s, the secret
detectors, every `family.name` string in the package source, the identity rules' titles
and the literal rule names passed to `verify.finding`, `caps` `.add` and safe-outputs'
`refuse`, and one `caps.max-…` rule per numeric cap.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "src" / "tightrope"
OUT = PKG / "data" / "rule-ids.txt"
_LITERAL = re.compile(r"^(secret|dep|policy|identity|caps|scan)\.[a-z0-9][a-z0-9-]*[a-z0-9]$")
# (module, function name, index of the rule-name argument, id prefix)
_BUILDERS = (("identity", "finding", 1, "identity."), ("caps.py", "add", 0, "caps."),
             ("frontends/safe_outputs_cmd.py", "refuse", 1, "caps."))


def _call_name(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _source_ids() -> set[str]:
    ids: set[str] = set()
    for path in PKG.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(PKG).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _LITERAL.match(node.value):
                ids.add(node.value)
            if isinstance(node, ast.Call):
                for where, name, index, prefix in _BUILDERS:
                    if rel.startswith(where) and _call_name(node) == name and len(node.args) > index:
                        arg = node.args[index]
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            ids.add(prefix + arg.value)
    return ids


def rule_ids() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from tightrope.identity.verify import _TITLES
    from tightrope.policy import CapsPolicy
    from tightrope.scan.detectors import ALL
    from tightrope.scan.patterns import load_rules

    ids = _source_ids()
    rules, _notes = load_rules()
    ids |= {r.id for r in rules}
    ids |= {d.rule_id for d in ALL}
    ids |= {f"identity.{name}" for name in _TITLES}
    ids |= {f"caps.{name.replace('_', '-')}" for name in CapsPolicy._fields if name.startswith("max_")}
    return sorted(ids)


def render() -> str:
    return ("# Every rule id tightrope reports; written by scripts/list_rule_ids.py, checked by the tests.\n"
            + "".join(f"{i}\n" for i in rule_ids()))


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv[1:]:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(text.splitlines()) - 1} rule ids")
