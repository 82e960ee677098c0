"""kcat (Debian's package) on the secured broker: the librdkafka it needs, and its options.

Debian 12's kcat links librdkafka 2.0.2, whose SCRAM client repeats the client nonce in its
final message (librdkafka#4895, fixed in 2.6.1); Kafka 4 checks the nonce strictly and
answers "invalid credentials". The confluent-kafka wheel (requirements-dev.txt) ships a
current librdkafka; pointing LD_LIBRARY_PATH at it is all kcat needs:

    export LD_LIBRARY_PATH=$(.venv/bin/python -m kn_deploy.kcat)
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from kn_deploy.layout import cache_dir
from kn_servicekit.kafka_access import KafkaAccess, librdkafka_config


def librdkafka_dir() -> Path:
    """A folder holding `librdkafka.so.1` of the confluent-kafka wheel, for LD_LIBRARY_PATH."""
    spec = importlib.util.find_spec("confluent_kafka")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "confluent-kafka is not installed (`make setup` installs it): kcat needs its "
            "librdkafka >= 2.6.1 for SCRAM on Kafka 4"
        )
    libs = Path(spec.origin).parent.parent / "confluent_kafka.libs"
    found = sorted(libs.glob("librdkafka*.so.1"))
    if not found:
        raise RuntimeError(f"no librdkafka in {libs}: reinstall confluent-kafka")
    folder = cache_dir() / "librdkafka"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "librdkafka.so.1"
    if not link.exists() or link.resolve() != found[0].resolve():
        link.unlink(missing_ok=True)
        link.symlink_to(found[0])
    return folder


def kcat_env() -> dict[str, str]:
    """This process's environment with the librdkafka kcat needs first on its library path."""
    return {**os.environ, "LD_LIBRARY_PATH": str(librdkafka_dir())}


def kcat_options(access: KafkaAccess) -> list[str]:
    """kcat's -X options for `access` (the kit's librdkafka_config, broker address aside)."""
    config = librdkafka_config(access)
    config.pop("bootstrap.servers")
    return [part for key, value in config.items() for part in ("-X", f"{key}={value}")]


if __name__ == "__main__":
    sys.stdout.write(f"{librdkafka_dir()}\n")
