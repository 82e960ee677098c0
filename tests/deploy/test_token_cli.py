"""`kn token issue` prints a person's token that a service configured with `kn token
public-key` verifies (issue 16 item 4); the key stays in EKM's file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kn_deploy.cli import main
from kn_servicekit.tokens import PersonTokens


def test_ekm_issues_a_token_every_service_verifies_with_the_public_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KN_CACHE_DIR", str(tmp_path))
    assert main(["token", "issue", "--person", "p-04", "--days", "2"]) == 0
    token = capsys.readouterr().out.strip()
    assert main(["token", "public-key"]) == 0
    public = capsys.readouterr().out
    claims = PersonTokens([public]).verify(token, dt.datetime.now(dt.UTC))
    assert claims.person_id == "p-04"
    assert claims.expires_at - claims.issued_at == dt.timedelta(days=2)
    key = tmp_path / "tokens" / "ekm-ed25519.pem"
    assert key.stat().st_mode & 0o777 == 0o600  # only EKM's operator reads it


def test_a_named_key_file_that_is_missing_is_refused_saying_what_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.pem"
    assert main(["token", "issue", "--person", "p-04", "--key", str(missing)]) == 1
    told = capsys.readouterr().err
    assert f"no signing key at {missing}: give the file EKM keeps (--key)" in told
