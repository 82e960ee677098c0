"""`kn token`: EKM issues a person's token (Ed25519-signed JWT, kn_servicekit.tokens) with
its private key, and prints the public key every service is configured with.

The key lives in a file only EKM's operator reads (`--key`, KN_TOKEN_PRIVATE_KEY_FILE, or
the local `.cache/tokens/ekm-ed25519.pem`, made on first use with mode 600). A token is
printed to standard output only, never logged.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import uuid
from pathlib import Path

from kn_deploy.layout import cache_dir
from kn_servicekit.tokens import issue, new_private_key, public_key_of

KEY_ENV = "KN_TOKEN_PRIVATE_KEY_FILE"


def key_file(given: str | None = None) -> Path:
    """Where EKM's signing key is kept."""
    return Path(given or os.environ.get(KEY_ENV) or cache_dir() / "tokens" / "ekm-ed25519.pem")


def signing_key(given: str | None = None) -> bytes:
    """EKM's private key, made (mode 600) when the local default does not exist yet."""
    path = key_file(given)
    if not path.exists():
        if given or os.environ.get(KEY_ENV):
            raise ValueError(f"no signing key at {path}: give the file EKM keeps (--key)")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(new_private_key())
        sys.stderr.write(f"kn: made a new signing key at {path}\n")
    return path.read_bytes()


def person_token(person_id: str, days: int = 30, key: str | None = None) -> str:
    """A token for the person, valid `days` days from now."""
    return issue(signing_key(key), person_id, dt.datetime.now(dt.UTC), days, uuid.uuid4().hex)


def _issue(args: argparse.Namespace) -> int:
    sys.stdout.write(person_token(args.person, args.days, args.key) + "\n")
    return 0


def _public_key(args: argparse.Namespace) -> int:
    sys.stdout.write(public_key_of(signing_key(args.key)))
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`kn token issue` and `kn token public-key`."""
    token = commands.add_parser(
        "token", help="persons' tokens EKM issues", description=__doc__,
        epilog="example: kn token issue --person p-04 --days 30",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    actions = token.add_subparsers(dest="action", required=True)
    issuing = actions.add_parser(
        "issue", help="print a signed token for a person",
        epilog="example: kn token issue --person p-04 --days 30   # sign in with it",
    )  # fmt: skip
    issuing.add_argument("--person", required=True, help="the person id, e.g. p-04")
    issuing.add_argument("--days", type=int, default=30, help="valid this many days (1-366)")
    issuing.add_argument("--key", help=f"EKM's private key file (default: {KEY_ENV} or .cache)")
    issuing.set_defaults(handler=_issue)
    public = actions.add_parser(
        "public-key", help="print the public key (KN_TOKEN_PUBLIC_KEY of every service)",
        epilog="example: export KN_TOKEN_PUBLIC_KEY=\"$(kn token public-key)\"",
    )  # fmt: skip
    public.add_argument("--key", help="EKM's private key file")
    public.set_defaults(handler=_public_key)
