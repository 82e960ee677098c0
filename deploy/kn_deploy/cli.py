"""`kn`: the operator's tool: the local runtime, dead letters, the demo, the audit, erasure."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from kn_deploy import infra, kafka, tokens
from kn_deploy.kafka import KAFKA_VERSION
from kn_deploy.principals import AUDITOR


def _infra_up(_: argparse.Namespace) -> int:
    found, started = infra.up()
    print(f"started: {', '.join(started) or 'nothing (already running or external)'}")
    print(f"KN_KAFKA_BOOTSTRAP={found.kafka_bootstrap}")
    for service, url in found.databases.items():
        print(f"KN_{service.upper()}_DATABASE_URL={url}")
    if found.kafka_local:
        # each service's own principal on the broker (TLS + SCRAM), for its environment: the
        # password in a file of its own, never on the terminal (or a CI job's log)
        broker = kafka.KafkaLocal.default()
        print(f"KN_KAFKA_CA_FILE={broker.tls.ca}")
        for service in infra.SERVICES:
            print(f"{service}: KN_KAFKA_USERNAME={service} "
                  f"KN_KAFKA_PASSWORD_FILE={broker.password_file(service)}")  # fmt: skip
    return 0


def _infra_secrets(args: argparse.Namespace) -> int:
    from kn_deploy.compose_secrets import write_secrets

    files = write_secrets(Path(args.dir))
    print(f"broker security in {args.dir}: {', '.join(files)}")
    return 0


def _infra_secure(args: argparse.Namespace) -> int:
    import asyncio
    import os

    from kn_deploy.broker_setup import secure_users
    from kn_deploy.principals import Principals

    known = Principals(Path(args.dir) / "principals.json").read()
    prefix = os.environ.get("KN_TOPIC_PREFIX", "")
    asyncio.run(secure_users(infra.endpoints().kafka(), known, prefix))
    print(f"users and ACLs set for {', '.join(sorted(known))}")
    return 0


def _infra_principal(args: argparse.Namespace) -> int:
    user, password = infra.add_principal(args.principal)
    print(f"added {args.principal} to the broker; its credentials (shown this once, kept "
          "in the infra state dir, mode 0600):")  # fmt: skip
    print(f"sasl.username={user}\nsasl.password={password}")
    print(f"ssl.ca.location={infra.endpoints().kafka().ca_file}")
    return 0


def _infra_status(_: argparse.Namespace) -> int:
    for component, line in infra.status().items():
        print(f"{component}: {line}")
    return 0


def _infra_down(args: argparse.Namespace) -> int:
    stopped = infra.down(purge=args.purge)
    print(f"stopped: {', '.join(stopped) or 'nothing was running'}")
    if args.purge:
        print("deleted the local Kafka log and databases")
    return 0


def _infra_topics(_: argparse.Namespace) -> int:
    created = infra.create_topics()
    print(f"created topics: {', '.join(created) or 'none (all exist)'}")
    return 0


def _infra_prepare(_: argparse.Namespace) -> int:
    infra.prepare()
    print("ready: Kafka jars fetched, PostgreSQL and kcat installed (where they run locally)")
    return 0


def _dlq_list(args: argparse.Namespace) -> int:
    from kn_deploy import dlq
    from kn_servicekit.deadletter_inbox import latest_pending

    letters = dlq.list_letters(infra.endpoints().kafka(), args.topic, progress=True)
    for topic, dead in letters:
        print(dlq.describe(topic, dead))
    pending = len(latest_pending([dead for _, dead in letters]))
    print(f"{len(letters)} dead letter(s), {pending} message(s) pending")
    return 0


def _dlq_redrive(args: argparse.Namespace) -> int:
    from kn_deploy import dlq

    if not args.all and not args.offset:
        print("kn: name --offset N (repeatable) or --all", file=sys.stderr)
        return 2
    done = dlq.redrive_letters(infra.endpoints().kafka(), args.topic, args.offset, progress=True)
    for dead in done:
        print(f"redriven {args.topic}.dlq@{dead.dlq_offset} -> {dead.letter.topic}")
    print(f"{len(done)} letter(s) sent back to {args.topic}")
    return 0


def _audit(args: argparse.Namespace) -> int:
    import asyncio
    import json
    from contextlib import nullcontext

    from kn_deploy.audit import replay
    from kn_rules.audit import AsOf
    from kn_rules.scheme_files import load_scheme

    as_of = AsOf(dt.date.fromisoformat(args.until), args.by)
    try:
        workers = args.workers or _workers(os.environ.get("KN_AUDIT_WORKERS", "1"))
    except argparse.ArgumentTypeError as exc:
        print(f"kn: KN_AUDIT_WORKERS: {exc}", file=sys.stderr)
        return 2
    # the figures are written as they are made: a national log's do not fit in memory
    with Path(args.figures).open("wb") if args.figures else nullcontext(sys.stdout.buffer) as out:
        found = asyncio.run(
            replay(
                infra.endpoints().kafka(AUDITOR), as_of, load_scheme(args.scheme), args.prefix,
                out=out, workers=workers,
            )
        )  # fmt: skip
        out.write(b"\n")
        out.flush()
    print(f"sha256 {found.digest}")
    print(
        f"read {found.read} messages in {found.seconds:.1f}s; left out {found.left_out} "
        f"(unreadable or not from the topic's owner), {found.repeated} repeats applied once"
    )
    print(f"{len(found.differences)} difference(s) from what finance decided and published")
    for difference in found.differences:
        print(json.dumps(difference, sort_keys=True, ensure_ascii=False))
    return 3 if found.differences else 0


def _erase_person(args: argparse.Namespace) -> int:
    from kn_deploy.erase import erase_person

    erased = erase_person(args.person_id, args.reason, args.token)
    answer = erased.answer
    print(f"{erased.owner} erased {answer['subject_id']}: {answer['keys_erased']} key(s) "
          f"deleted, recorded {', '.join(answer['recorded'])}; their names read [slettet] "
          "everywhere once the readers have the tombstone")  # fmt: skip
    return 0


def _workers(text: str) -> int:
    """A count of worker processes, 1 to 64."""
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"workers must be a whole number, not {text!r}") from None
    if not 1 <= count <= 64:
        raise argparse.ArgumentTypeError(f"workers must be 1 to 64, not {count}")
    return count


def _demo(args: argparse.Namespace) -> int:
    from kn_deploy.demo import run_demo

    return run_demo(keep_running=args.keep_running)


# One example per command, shown by its --help.
EXAMPLES = {
    "infra": "example: kn infra up",
    "up": "example: kn infra up   # then: export KN_KAFKA_BOOTSTRAP=127.0.0.1:19092",
    "status": "example: kn infra status",
    "down": "example: kn infra down --purge   # stop, and delete the local log and databases",
    "prepare": "example: kn infra prepare   # on a new machine, before going offline",
    "topics": "example: KN_KAFKA_BOOTSTRAP=kafka.internal:9092 kn infra topics",
    "principal": "example: kn infra principal add region:nordjylland",
    "secrets": "example: kn infra secrets --dir /secrets   # docker-compose.yml's first step",
    "secure": "example: KN_KAFKA_USERNAME=admin ... kn infra secure --dir /secrets",
    "add": "example: kn infra principal add region:nordjylland   # prints its password once",
    "dlq": "example: kn dlq list --topic kn.region.ydernummer",
    "list": "example: kn dlq list --topic kn.region.ydernummer",
    "redrive": "example: kn dlq redrive --topic kn.region.ydernummer --offset 3",
    "audit": "example: kn audit --until 2025-12-31 --workers 2   # exit 3: differences",
    "demo": "example: kn demo --keep-running   # then open http://127.0.0.1:8101/docs",
    "erase": 'example: kn erase person p-ole --reason "his request of 2 December 2026"',
    "person": 'example: KN_EKM_TOKEN=... kn erase person w-3f2a... --reason "asked by e-mail"',
}


def _command(
    parent: argparse._SubParsersAction[argparse.ArgumentParser], name: str, text: str
) -> argparse.ArgumentParser:
    return parent.add_parser(
        name,
        help=text,
        description=text,
        epilog=EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def parser() -> argparse.ArgumentParser:
    """The command-line grammar."""
    top = argparse.ArgumentParser(
        prog="kn",
        description="Kvalitetsnet operator tool.",
        epilog="example: kn infra status",
    )
    top.add_argument(
        "--version",
        action="version",
        version=f"kn {version('kn-deploy')} (Kafka {KAFKA_VERSION}, "
        f"Python {platform.python_version()})",
    )
    commands = top.add_subparsers(dest="command", required=True)
    infra_cmd = _command(commands, "infra", "the local Kafka and PostgreSQL")
    actions = infra_cmd.add_subparsers(dest="action", required=True)
    down = _command(actions, "down", "stop what runs locally (and services a demo left)")
    down.add_argument("--purge", action="store_true", help="also delete the local data")
    down.set_defaults(handler=_infra_down)
    for name, handler, text in (
        ("up", _infra_up, "start Kafka and PostgreSQL, print their addresses"),
        ("status", _infra_status, "show what runs"),
        ("prepare", _infra_prepare, "fetch the jars and install PostgreSQL, start nothing"),
        ("topics", _infra_topics, "create the registry's topics on KN_KAFKA_BOOTSTRAP"),
    ):
        _command(actions, name, text).set_defaults(handler=handler)
    principal = _command(actions, "principal", "the broker's principals (SCRAM users)")
    adding = _command(
        principal.add_subparsers(dest="what", required=True), "add",
        "add a principal with its ACLs (a region system: region:<name>), print its password",
    )  # fmt: skip
    adding.add_argument("principal", help="region:<name> (or a service, ekm-finance, auditor)")
    adding.set_defaults(handler=_infra_principal)
    secrets = _command(actions, "secrets", "write a broker's CA, keystore, passwords, config")
    secrets.add_argument("--dir", required=True, help="the folder (a compose volume)")
    secrets.set_defaults(handler=_infra_secrets)
    secure = _command(actions, "secure", "give KN_KAFKA_BOOTSTRAP's broker users and ACLs")
    secure.add_argument("--dir", required=True, help="where `kn infra secrets` wrote")
    secure.set_defaults(handler=_infra_secure)
    dlq_cmd = _command(commands, "dlq", "dead letters: list and redrive")
    dlq_actions = dlq_cmd.add_subparsers(dest="action", required=True)
    listing = _command(dlq_actions, "list", "every dead letter, with its reason")
    listing.add_argument("--topic", action="append", default=[], help="repeatable; default all")
    listing.set_defaults(handler=_dlq_list)
    again = _command(dlq_actions, "redrive", "send letters back to their topic")
    again.add_argument("--topic", required=True, help="the topic whose .dlq to redrive")
    again.add_argument("--offset", action="append", type=int, default=[], help="dlq offset")
    again.add_argument("--all", action="store_true", help="every pending letter")
    again.set_defaults(handler=_dlq_redrive)
    audit = _command(
        commands, "audit", "recompute every money figure from the log and compare with finance"
    )
    audit.add_argument("--until", required=True, help="the last day of facts taken (ISO date)")
    audit.add_argument(
        "--by",
        choices=("ce_time", "effective_date"),
        default="ce_time",
        help="take facts recorded by then (default), or taking effect by then",
    )
    audit.add_argument("--scheme", default="fysioterapi", help="a scheme name or .json file")
    audit.add_argument("--figures", help="write the canonical JSON here instead of stdout")
    audit.add_argument("--prefix", default="", help="a topic prefix (a sandbox's)")
    audit.add_argument(
        "--workers",
        type=_workers,
        help="processes reading and folding, the partitions split among them: the same "
        "figures and digest; one per core for a national log (default: KN_AUDIT_WORKERS or 1)",
    )
    audit.set_defaults(handler=_audit)
    demo = _command(commands, "demo", "run the system end to end")
    demo.add_argument(
        "--keep-running",
        action="store_true",
        help="leave Kafka, PostgreSQL and the services up afterwards (`kn infra down` stops them)",
    )
    demo.set_defaults(handler=_demo)
    erase = _command(commands, "erase", "erase personal data (GDPR art. 17)")
    erase_what = erase.add_subparsers(dest="what", required=True)
    person = _command(erase_what, "person", "delete a person's key at its owner, as EKM")
    person.add_argument("person_id", help="a member's person id, or a written-in subject_id")
    person.add_argument("--reason", required=True, help="why; write no name")
    person.add_argument("--token", help="EKM's bearer token (default: KN_EKM_TOKEN)")
    person.set_defaults(handler=_erase_person)
    tokens.add_commands(commands)  # kn token issue / public-key (kn_deploy.tokens)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `kn`."""
    args = parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except (RuntimeError, TimeoutError, ValueError) as exc:
        print(f"kn: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
