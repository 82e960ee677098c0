"""The local broker's TLS: a CA made here with `cryptography` (or the operator's own), and the
broker's certificate signed by it, as the PEM files Kafka reads (ssl.keystore.type=PEM)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# names the broker answers to: loopback for `kn infra up`, `kafka` in docker-compose.yml
BROKER_NAMES = ("localhost", "kafka")
BROKER_IPS = ("127.0.0.1",)
CA_DAYS, BROKER_DAYS = 3650, 825
# the operator's own: a CA file to trust and a broker certificate + key (PEM) it signed
OPERATOR_ENV = ("KN_INFRA_TLS_CA", "KN_INFRA_TLS_CERT", "KN_INFRA_TLS_KEY")


@dataclass(frozen=True)
class TlsFiles:
    """Where the trust and the broker's keystore lie (the state dir; never the repository)."""

    root: Path

    @property
    def ca(self) -> Path:
        """The CA certificate: what clients (KN_KAFKA_CA_FILE) and the broker trust."""
        return self.root / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.root / "ca-key.pem"

    @property
    def keystore(self) -> Path:
        """The broker's private key (PKCS#8) followed by its certificate chain."""
        return self.root / "broker.pem"


def private_dir(path: Path) -> Path:
    """A directory only its owner enters."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a secret readable by its owner only (0600 from the first byte on)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    tmp.replace(path)


def ensure_tls(files: TlsFiles, now: dt.datetime) -> TlsFiles:
    """The CA and the broker's keystore, made once (or taken from KN_INFRA_TLS_*)."""
    private_dir(files.root)
    named = [os.environ.get(name) for name in OPERATOR_ENV]
    if any(named):
        if not all(named):
            raise ValueError(
                f"set all of {', '.join(OPERATOR_ENV)} to use your own CA and broker "
                "certificate (PEM), or none to let `kn infra` make them"
            )
        ca_file, cert_file, key_file = (Path(n) for n in named if n)
        shutil.copyfile(ca_file, files.ca)
        write_private(files.keystore, _pkcs8(key_file.read_bytes()) + cert_file.read_bytes())
        return files
    if files.keystore.exists() and files.ca.exists():
        return files
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kvalitetsnet local CA")])
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key(), now, CA_DAYS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in BROKER_NAMES]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in BROKER_IPS]
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kvalitetsnet-kafka")])
    cert = (
        _builder(subject, ca_name, key.public_key(), now, BROKER_DAYS)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    write_private(files.ca_key, _key_pem(ca_key))
    write_private(files.keystore, _key_pem(key) + cert.public_bytes(pem))
    files.ca.write_bytes(ca_cert.public_bytes(pem))
    return files


def _builder(
    subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePublicKey, now: dt.datetime,
    days: int,
) -> x509.CertificateBuilder:  # fmt: skip
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
    )


def _usage(*, cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=not cert_sign,
        data_encipherment=False, key_agreement=False, key_cert_sign=cert_sign,
        crl_sign=cert_sign, encipher_only=False, decipher_only=False,
    )  # fmt: skip


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,  # Kafka's PEM keystore reads PKCS#8 only
        serialization.NoEncryption(),
    )


def _pkcs8(pem: bytes) -> bytes:
    """The operator's key as Kafka reads it (PKCS#8), whatever PEM form it came in."""
    key = serialization.load_pem_private_key(pem, password=None)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )  # fmt: skip
