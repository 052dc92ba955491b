"""What the manifest readers find: `Dep`, names normalised per ecosystem, and the URL and
local-path tests every reader shares."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Dep:
    eco: str  # "pypi" | "npm"
    name: str  # as written ("" when only a URL is known)
    line: int
    snippet: str
    spec: str = ""  # version constraint as written
    url: str = ""  # URL / VCS / outside path it installs from
    pinned: bool = False
    check_unknown: bool = True  # npx runs local bins too: only typosquats are reported
    check_pins: bool = True


def normalize(eco: str, name: str) -> str:
    if eco == "pypi":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name.lower()


def split_scope(name: str) -> tuple[str, str]:
    if name.startswith("@") and "/" in name:
        scope, _, rest = name.partition("/")
        return scope, rest
    return "", name


URL_SCHEME = re.compile(r"^(?:git\+|hg\+|svn\+|bzr\+|git://|https?://|ftp://|file:|ssh://)", re.I)
ARCHIVE = re.compile(r"\.(?:whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$", re.I)


def strip_comment(text: str) -> str:
    return re.sub(r"(?:^|\s)#.*$", "", text)


def file_url_path(url: str) -> str:
    """file:../x -> ../x; file:///abs and file://host/abs -> /abs."""
    target = url[5:]
    if target.startswith("//"):
        target = "/" + target[2:].partition("/")[2]
    return target


def outside_repo(manifest: str, target: str) -> bool:
    """A local path dependency that leaves the repository (absolute, or too many `..`)."""
    target = target.strip()
    if target.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", target):
        return True
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(manifest), target))
    return joined == ".." or joined.startswith("../")
