"""Cloud credentials: AWS access key ids (`AKIA…`, `ASIA…`, per AWS's documented
prefixes), and, recognised by the name they are given because they have no prefix, AWS secret
access keys (40 base64 characters; `~/.aws/credentials` and `~/.aws/config` are INI files
without an extension) and Azure Storage account keys (88 base64 characters ending `==`)
assigned to a key-named variable outside a connection string."""

from __future__ import annotations

import re

from tightrope.findings import Confidence, Severity

from tightrope.lazy_regex import lazy
from .ai_vendors import ASSIGN
from .base import LEFT, RIGHT, Detector, help_text

DETECTORS = [
    Detector(
        rule_id="secret.aws-access-key", title="AWS access key",
        pattern=lazy(LEFT + r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}" + RIGHT),
        keywords=("akia", "asia", "abia", "acca", "a3t"), severity=Severity.CRITICAL, body_start=4,
        help=help_text("the AWS IAM console (deactivate, then delete the access key)"),
    ),
    Detector(
        rule_id="secret.aws-access-key", title="AWS secret access key",
        pattern=lazy(r"(?i:(?:aws[_-]?)?secret[_-]?access[_-]?key|aws[_-]?secret(?:[_-]?key)?)" + ASSIGN
                           + r"(?P<secret>[A-Za-z0-9/+]{40})" + RIGHT),
        keywords=("secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "aws-secret"),
        severity=Severity.CRITICAL, min_entropy=4.0,
        help=help_text("the AWS IAM console (deactivate, then delete the access key)"),
    ),
    Detector(
        rule_id="secret.azure-storage-key", title="Azure Storage account key",
        pattern=lazy(r"(?i:[\w.-]*(?:account|storage|azure|shared)[_-]?(?:access[_-]?)?key\w*)" + ASSIGN
                           + r"(?P<secret>[A-Za-z0-9+/]{86}==)" + RIGHT),
        keywords=("account_key", "accountkey", "account-key", "storage_key", "storagekey", "storage-key", "azure",
                  "shared_key", "sharedkey", "access_key", "accesskey"),
        severity=Severity.CRITICAL, confidence=Confidence.HIGH, min_entropy=4.5,
        help=help_text("the Azure portal (Storage account > Access keys: rotate)"),
    ),
]
