"""Prefix-less catalogue entries count only under their vendor's variable names. Where a
vendor's identifiers share the key's shape (UUIDs, 32 characters) or its name starts a
common word, the names are narrowed: these look-alikes sit next to the real assignment
and must stay quiet. Values are built at run time from the entries' shapes."""

from __future__ import annotations

import pytest

from tightrope.diff import whole_file_as_added
from tightrope.scan import secrets
from tightrope.scan.detectors.catalog import FORMATS

from catalog_tokens import build


def rules_in(line: str) -> set[str]:
    path = "config/settings.py"
    return {f.rule_id for f in secrets.scan_lines(path, whole_file_as_added(path, (line + "\n").encode()).added)}


def entry(rule: str):
    return next(f for f in FORMATS if f.rule == rule)


# (rule, the real variable name, a look-alike name holding a value of the same shape)
CASES = [
    ("moosend-api-key", "MOOSEND_API_KEY", "MOOSEND_LIST_ID"),
    ("nftport-api-key", "NFTPORT_API_KEY", "NFTPORT_CONTRACT_ID"),
    ("urlscan-api-key", "URLSCAN_API_KEY", "URLSCAN_UUID"),
    ("statuspage-api-key", "STATUSPAGE_API_KEY", "STATUSPAGE_INCIDENT_ID"),
    ("privacy-api-key", "PRIVACY_API_KEY", "privacy_compliance_id"),
    ("refiner-api-key", "REFINER_API_KEY", "refiner_id"),
    ("kylas-api-key", "KYLAS_API_KEY", "kylas_user_id"),
    ("mongodb-atlas-private-key", "MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PUBLIC_API_KEY"),
    ("spotify-client-secret", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_CLIENT_ID"),
    ("paypal-client-secret", "PAYPAL_CLIENT_SECRET", "PAYPAL_CLIENT_ID"),
    ("recaptcha-secret-key", "RECAPTCHA_SECRET_KEY", "RECAPTCHA_SITE_KEY"),
    ("snipcart-secret-key", "SNIPCART_SECRET_KEY", "SNIPCART_PUBLIC_API_KEY"),
    ("toggl-api-token", "TOGGL_API_TOKEN", "toggle_feature_key"),
    ("paymo-api-key", "PAYMO_API_KEY", "PAYMONGO_WEBHOOK_KEY"),
    ("line-channel-access-token", "LINE_CHANNEL_ACCESS_TOKEN", "pipeline_access_token"),
    ("polygon-api-key", "POLYGON_API_KEY", "polygon_wkb"),
    ("streak-api-key", "STREAK_API_KEY", "streak_hash"),
]


@pytest.mark.parametrize("rule,name,lookalike", CASES, ids=[c[0] for c in CASES])
def test_vendor_name_binds_and_lookalike_does_not(rule: str, name: str, lookalike: str):
    fmt = entry(rule)
    value = build(fmt, seed="names")
    assert "secret." + rule in rules_in(f'{name} = "{value}"')
    assert "secret." + rule not in rules_in(f'{lookalike} = "{value}"')
