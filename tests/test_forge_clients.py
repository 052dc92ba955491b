"""Forge clients talk to the URL the CI names, with the token in the header and nowhere else."""

from __future__ import annotations

import pytest

from tightrope.errors import UsageError
from tightrope.forges.clients import github_access, github_client, gitlab_access, gitlab_client

TOKEN = "tok" + "en-" + "0123456789abcdef"  # built at run time, not a real token


def test_github_client_uses_the_ci_api_url_and_sends_the_token(httpserver):
    httpserver.expect_request("/repos/o/r").respond_with_json({"id": 1, "full_name": "o/r", "name": "r"})
    access = github_access({"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": httpserver.url_for("").rstrip("/")})
    assert TOKEN not in repr(access)
    assert github_client(access).get_repo("o/r").full_name == "o/r"
    (request, _), = httpserver.log
    assert request.headers["Authorization"] == f"token {TOKEN}"


def test_tightrope_token_wins_over_the_generic_one():
    assert github_access({"GITHUB_TOKEN": "a", "TIGHTROPE_GITHUB_TOKEN": "b"}).token == "b"
    assert gitlab_access({"GITLAB_TOKEN": "a", "TIGHTROPE_GITLAB_TOKEN": "b"}).token == "b"


def test_gitlab_falls_back_to_the_job_token_and_sends_it_as_job_token(httpserver):
    httpserver.expect_request("/api/v4/projects/7").respond_with_json({"id": 7, "path_with_namespace": "g/p"})
    access = gitlab_access({"CI_JOB_TOKEN": TOKEN, "CI_SERVER_URL": httpserver.url_for("").rstrip("/")})
    assert access.token_kind == "job"
    assert gitlab_client(access).projects.get(7, lazy=False).path_with_namespace == "g/p"
    (request, _), = httpserver.log
    assert request.headers["JOB-TOKEN"] == TOKEN


def test_gitlab_without_any_token_is_a_usage_error_naming_the_variables():
    with pytest.raises(UsageError) as e:
        gitlab_client(gitlab_access({}))
    assert "TIGHTROPE_GITLAB_TOKEN" in e.value.hint
