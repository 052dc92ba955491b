"""Dependencies -> findings: URL dependencies, typosquats, unknown packages, missing pins."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from typing import Iterable, Sequence

from tightrope.diff import AddedLine
from tightrope.findings import Confidence, Finding, Severity, fingerprint
from tightrope.policy import Policy
from tightrope.scan.dependencies.dep import Dep, normalize, split_scope
from tightrope.scan.dependencies.lookalikes import has_scope, is_known, known_count, lookalike
from tightrope.scan.dependencies.readers import extract, file_kind

KIND = "dependency"

CWE_COMPONENT = "CWE-1357"  # Reliance on Insufficiently Trustworthy Component
CWE_UNTRUSTED = "CWE-829"  # Inclusion of Functionality from Untrusted Control Sphere

ECO_LABEL = {"pypi": "PyPI", "npm": "npm"}
REGISTRY = {"pypi": "https://pypi.org/project/", "npm": "https://www.npmjs.com/package/"}

_SHA_REF = re.compile(r"@[0-9a-f]{40}(?:[#?]|$)|#[0-9a-f]{40}$|#sha\d+[:=]|[?&#]sha256[:=]", re.I)


def _allowed(dep: Dep, allow: Iterable[str]) -> bool:
    if not dep.name:
        return False
    name = normalize(dep.eco, dep.name)
    for pattern in allow:
        pat = normalize(dep.eco, pattern)
        if name == pat or fnmatchcase(name, pat):
            return True
    return False


def _finding(rule_id: str, dep: Dep, path: str, value: str, *, severity: Severity, confidence: Confidence,
             message: str, title: str, help: str, cwe: tuple[str, ...], blocking: bool) -> Finding:
    return Finding(
        rule_id=rule_id, kind=KIND, severity=severity, confidence=confidence, path=path,
        line=dep.line, message=message, fingerprint=fingerprint(rule_id, path, value),
        cwe=cwe, snippet=dep.snippet[:200], title=title, help=help,
        tags=("supply-chain", ECO_LABEL[dep.eco]), blocking=blocking,
    )


def findings_for(dep: Dep, path: str, policy: Policy) -> list[Finding]:
    if _allowed(dep, policy.dependencies.allow):
        return []
    eco_label = ECO_LABEL[dep.eco]
    if dep.url:
        pinned_ref = bool(_SHA_REF.search(dep.url))
        label = f"`{dep.name}`" if dep.name else "a package"
        return [_finding(
            "dep.url-dependency", dep, path, f"{normalize(dep.eco, dep.name)}\0{dep.url}",
            severity=Severity.LOW if pinned_ref else Severity.MEDIUM, confidence=Confidence.HIGH,
            title="Dependency installed from a URL or VCS",
            message=f"{label} is installed from `{dep.url}` instead of the {eco_label} registry"
                    + (" (pinned to a commit/hash)" if pinned_ref else ", a mutable source nobody reviews"),
            help=f"Depend on a released version from the {eco_label} registry; if the source is needed, "
                 "pin it to an immutable commit (`…@<40-hex sha>`) or a hash and review what it installs.",
            cwe=(CWE_UNTRUSTED,), blocking=True,
        )]
    out: list[Finding] = []
    norm = normalize(dep.eco, dep.name)
    if not is_known(dep.eco, norm):
        hit = lookalike(dep.eco, norm)
        if hit is not None:
            popular = hit.target
            out.append(_finding(
                "dep.typosquat", dep, path, norm, severity=Severity.HIGH,
                confidence=Confidence.MEDIUM if hit.distance == 2 else Confidence.HIGH,
                title="Possible typosquatted package",
                message=f"`{dep.name}` {hit.how} the popular {eco_label} package `{popular}` "
                        "and is not itself a known package",
                help=f"Did you mean `{popular}`? Fix the name. If `{dep.name}` is intended, check its "
                     f"publisher and history on {REGISTRY[dep.eco]}{dep.name} and list it under "
                     "`dependencies.allow` in the policy.",
                cwe=(CWE_COMPONENT,), blocking=True,
            ))
        elif dep.check_unknown:
            n = known_count(dep.eco)
            scope = split_scope(norm)[0]
            # an unlisted package of an organisation that has popular ones is seldom invented
            known_scope = bool(scope) and has_scope(dep.eco, scope)
            out.append(_finding(
                "dep.unknown-package", dep, path, norm, severity=Severity.MEDIUM,
                confidence=Confidence.LOW if known_scope else Confidence.MEDIUM,
                title="Unknown package",
                message=f"`{dep.name}` is not among the {n:,} most popular {eco_label} packages tightrope "
                        "knows; AI assistants often suggest packages that do not exist (package hallucination)",
                help=f"Check that `{dep.name}` exists on {REGISTRY[dep.eco]}{dep.name}, is the package you "
                     f"meant and is maintained. The bundled list holds only the {n:,} most popular names: "
                     "list internal or niche packages under `dependencies.allow` in the policy.",
                cwe=(CWE_COMPONENT,), blocking=False,
            ))
    if policy.dependencies.require_pins and dep.check_pins and not dep.pinned:
        exact = f"{dep.name}==X.Y.Z" if dep.eco == "pypi" else f'"{dep.name}": "X.Y.Z"'
        out.append(_finding(
            "dep.unpinned", dep, path, norm, severity=Severity.MEDIUM, confidence=Confidence.HIGH,
            title="Dependency without an exact pin",
            message=f"`{dep.name}` is added " + (f"with the range `{dep.spec}`" if dep.spec else "without a version")
                    + "; the policy requires exact pins",
            help=f"Pin an exact version (`{exact}`), ideally with hashes or a lock file.",
            cwe=(CWE_COMPONENT,), blocking=True,
        ))
    return out


def scan_lines(path: str, lines: Sequence[AddedLine], policy: Policy) -> list[Finding]:
    """Findings for the dependencies that the added `lines` of `path` bring in."""
    if file_kind(path) is None or not lines:
        return []
    findings: list[Finding] = []
    seen: set[tuple[str, int, str]] = set()
    for dep in extract(path, lines):
        for f in findings_for(dep, path, policy):
            key = (f.rule_id, f.line, f.fingerprint)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    return findings
